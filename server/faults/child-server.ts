/**
 * For fault tests: the real server (server/main.ts) or CLI (server/cli.ts) as one child process
 * (`node --import tsx`, not the tsx wrapper, so that SIGKILL reaches the process itself), and a
 * database seeded with one initiative and one ingest key.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { migrateToLatest, openDatabase, writeTransaction } from '../../db/connection.js'
import { createInitiative } from '../../db/queries/initiatives.js'
import { createKey } from '../../db/queries/keys.js'
import { parseCreateInitiative } from '../routes/initiative-input.js'

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')

/** Migrates `dbFile`, registers initiative `slug` and returns an ingest key's token. */
export async function seedDatabase(dbFile: string, slug: string, body: Record<string, unknown> = {}): Promise<string> {
  const handle = openDatabase(dbFile)
  try {
    await migrateToLatest(handle.db)
    const init = parseCreateInitiative({ slug, name: slug, ...body }, 'UTC', Date.now())
    if (!init.ok) throw new Error(JSON.stringify(init.details))
    await writeTransaction(handle.db, (tx) => createInitiative(tx, init.value, { actor: 'test', at: Date.now() }))
    const { token } = await writeTransaction(handle.db, (tx) => createKey(tx, { name: 'faults', role: 'ingest', initiatives: null }, { actor: 'test', at: Date.now() }))
    return token
  } finally {
    await handle.close()
  }
}

export interface Child {
  process: ChildProcess
  output(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Spawns `node --import tsx <entry> ...args` from the project root with `env` added. */
export function spawnChild(entry: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, entry), ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })))
  return { process: child, output: () => out, exited }
}

/**
 * Starts the real server with YARDSTICK_DB=`dbFile` on a port the system picks (PORT=0: a port chosen
 * here at random could be in use, e.g. by a test's outgoing connection), reads the port from its
 * "serving on" line and waits for GET /healthz.
 */
export async function startServer(dbFile: string, env: Record<string, string> = {}): Promise<Child & { port: number }> {
  const child = spawnChild('server/main.ts', ['--dev'], { YARDSTICK_DB: dbFile, PORT: '0', HOST: '127.0.0.1', YARDSTICK_ROLLUP_CRON: '0 0 1 1 *', YARDSTICK_INGEST_RATE: '1000000', ...env })
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`the server exited: ${child.output()}`)
    const m = /serving on http:\/\/localhost:(\d+)/.exec(child.output())
    if (m) {
      const port = Number(m[1])
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) })).ok) return { ...child, port }
      } catch {
        // starting
      }
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  child.process.kill('SIGKILL')
  throw new Error(`the server did not start: ${child.output()}`)
}

/** Sends `signal` and waits for the exit. */
export async function stopChild(child: Child, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill(signal)
  await child.exited
}

