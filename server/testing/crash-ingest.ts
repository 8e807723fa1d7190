/**
 * Kill -9 during concurrent ingestion, restart, and check that every acknowledged event is stored
 * exactly once (clients retry what was not acknowledged) and the database is intact. Used by the test
 * suite (a few rounds) and by `npm run bench` (20+ rounds).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { openDatabase, migrateToLatest, writeTransaction } from '../../db/connection.js'
import { createInitiative } from '../../db/queries/initiatives.js'
import { createKey } from '../../db/queries/keys.js'
import { parseCreateInitiative } from '../routes/initiative-input.js'
import { tempDir } from './test-server.js'

export interface CrashReport {
  rounds: number
  acknowledged: number
  storedDistinct: number
  missing: number
  doubled: number
  integrity: string[]
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')

/** Starts the real server on a free port (PORT=0) and returns it with the port it printed. */
export async function startServerProcess(dbFile: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/main.ts'), '--dev'], {
    cwd: root,
    env: { ...process.env, YARDSTICK_DB: dbFile, PORT: '0', HOST: '127.0.0.1', YARDSTICK_ROLLUP_CRON: '0 0 1 1 *', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`server did not start within 60 s: ${output}`))
    }, 60_000)
    const onData = (d: Buffer) => {
      output += d
      const m = /serving on http:\/\/localhost:(\d+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (d) => (output += d))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${code}): ${output}`))
    })
  })
  child.stdout!.resume()
  return { child, port }
}

/**
 * Runs `rounds` kill-9 rounds against one database file and returns what was checked.
 * @example const report = await crashIngestRounds({ rounds: 3 })
 */
export async function crashIngestRounds(opts: { rounds: number; clients?: number; log?: (m: string) => void }): Promise<CrashReport> {
  const dir = tempDir('yardstick-crash-')
  const dbFile = path.join(dir, 'crash.db')
  const clients = opts.clients ?? 8
  const handle = openDatabase(dbFile)
  await migrateToLatest(handle.db)
  const init = parseCreateInitiative({ slug: 'crash', name: 'Crash test' }, 'UTC', Date.now())
  if (!init.ok) throw new Error('bad initiative')
  await writeTransaction(handle.db, (tx) => createInitiative(tx, init.value, { actor: 'test', at: Date.now() }))
  const { token } = await writeTransaction(handle.db, (tx) => createKey(tx, { name: 'crash', role: 'ingest', initiatives: null }, { actor: 'test', at: Date.now() }))
  await handle.close()

  const acknowledged = new Set<string>()
  const unacknowledged = new Set<string>()
  let next = 0
  const integrity: string[] = []

  for (let round = 0; round < opts.rounds; round++) {
    const { child: server, port } = await startServerProcess(dbFile)
    let alive = true
    // Clients first retry whatever was in flight when the last server died, then send new events.
    const retry = [...unacknowledged]
    const worker = async (w: number) => {
      while (alive) {
        const batchSize = w % 2 === 0 ? 1 : 1 + Math.floor(Math.random() * 50)
        const ids: string[] = []
        for (let i = 0; i < batchSize; i++) ids.push(retry.pop() ?? `e${next++}`)
        for (const id of ids) unacknowledged.add(id)
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ events: ids.map((id) => ({ id, initiative: 'crash', metric: 'time_saved', value: 1, occurredAt: '2026-11-01T00:00:00Z' })) }),
            signal: AbortSignal.timeout(5000),
          })
          const answer = await res.arrayBuffer()
          if (res.status === 202 && answer.byteLength > 0) {
            for (const id of ids) {
              acknowledged.add(id)
              unacknowledged.delete(id)
            }
          }
        } catch {
          return // connection refused or reset: the server is gone
        }
      }
    }
    const workers = Array.from({ length: clients }, (_, w) => worker(w))
    // Kill at a random moment once ingestion is under way.
    const started = acknowledged.size
    const deadline = Date.now() + 10_000
    while (acknowledged.size === started && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    await new Promise((r) => setTimeout(r, Math.random() * 500))
    server.kill('SIGKILL')
    alive = false
    await Promise.all(workers)
    await new Promise<void>((r) => (server.exitCode !== null || server.signalCode !== null ? r() : server.once('exit', () => r())))
    opts.log?.(`round ${round + 1}/${opts.rounds}: ${acknowledged.size} acknowledged so far`)
  }

  // Final restart: every id that was never acknowledged is retried once more, then checked.
  const { child: server, port } = await startServerProcess(dbFile)
  try {
    const pending = [...unacknowledged]
    for (let i = 0; i < pending.length; i += 500) {
      const ids = pending.slice(i, i + 500)
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: ids.map((id) => ({ id, initiative: 'crash', metric: 'time_saved', value: 1, occurredAt: '2026-11-01T00:00:00Z' })) }),
      })
      if (res.status !== 202) throw new Error(`final retry answered ${res.status}`)
      for (const id of ids) acknowledged.add(id)
    }
  } finally {
    server.kill('SIGTERM')
    await new Promise<void>((r) => (server.exitCode !== null || server.signalCode !== null ? r() : server.once('exit', () => r())))
  }

  const raw = new BetterSqlite3(dbFile, { readonly: true })
  for (const row of raw.prepare('pragma integrity_check').all() as Array<{ integrity_check: string }>) integrity.push(row.integrity_check)
  const counts = new Map<string, number>()
  for (const r of raw.prepare('select client_id from events').iterate() as Iterable<{ client_id: string }>) counts.set(r.client_id, (counts.get(r.client_id) ?? 0) + 1)
  raw.close()
  let missing = 0
  let doubled = 0
  for (const id of acknowledged) if (!counts.has(id)) missing++
  for (const n of counts.values()) if (n > 1) doubled++
  fs.rmSync(dir, { recursive: true, force: true })
  return { rounds: opts.rounds, acknowledged: acknowledged.size, storedDistinct: counts.size, missing, doubled, integrity }
}
