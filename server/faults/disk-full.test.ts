/**
 * Disk full: the database on an 8 MB tmpfs, ingestion until writes fail. The server answers 503 in the
 * JSON error shape with Retry-After and stores nothing from those requests; after a kill -9 and a
 * restart every acknowledged event is there exactly once; once the filesystem is made larger,
 * ingestion works again. Needs root (mount); skipped with the reason otherwise.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../testing/test-server.js'
import { seedDatabase, startServer, stopChild, type Child } from './child-server.js'

const mountDir = tempDir('yardstick-diskfull-')

/** Mounts the tmpfs; returns why not when it cannot. */
function mountTmpfs(): string | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not running as root (mount needs root)'
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountDir], { stdio: 'pipe' })
    return null
  } catch (e) {
    return `mount -t tmpfs failed: ${String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim()}`
  }
}

const cannotMount = mountTmpfs()
let server: Child | undefined

afterAll(async () => {
  if (server) await stopChild(server, 'SIGKILL')
  if (!cannotMount) execFileSync('umount', ['-l', mountDir], { stdio: 'pipe' })
  fs.rmSync(mountDir, { recursive: true, force: true })
})

describe.skipIf(cannotMount !== null)(`disk full on an 8 MB tmpfs${cannotMount ? ` (skipped: ${cannotMount})` : ''}`, () => {
  it('answers 503 without acknowledging, loses nothing acknowledged, and recovers when space returns', async () => {
    const dbFile = path.join(mountDir, 'yardstick.db')
    const token = await seedDatabase(dbFile, 'full')
    const first = await startServer(dbFile)
    server = first
    // The port of the server running now (a restart gets a new one).
    let port = first.port
    const post = (ids: string[]) =>
      fetch(`http://127.0.0.1:${port}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        // About 2 KB an event, so that 8 MB fill within a few thousand events.
        body: JSON.stringify({ events: ids.map((id) => ({ id, initiative: 'full', metric: 'time_saved', value: 1, occurredAt: '2026-11-01T00:00:00Z', attributes: Object.fromEntries(Array.from({ length: 10 }, (_, k) => [`k${k}`, `${id}-${k}-`.padEnd(190, 'x')])) })) }),
      })

    const acknowledged: string[] = []
    const refused: string[] = []
    const refusals: Array<{ status: number; retryAfter: string | null; body: { error?: { code?: string; message?: string; details?: unknown } } }> = []
    let n = 0
    while (refusals.length < 5 && n < 200_000) {
      const ids = Array.from({ length: 200 }, () => `d${n++}`)
      const res = await post(ids)
      const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } }
      if (res.status === 202) acknowledged.push(...ids)
      else {
        refused.push(...ids)
        refusals.push({ status: res.status, retryAfter: res.headers.get('retry-after'), body })
      }
    }
    process.stderr.write(`disk full after ${acknowledged.length} acknowledged events; refusals: ${refusals.map((r) => `${r.status} ${r.body.error?.code}`).join(', ')}\n`)
    expect(acknowledged.length).toBeGreaterThan(500)
    expect(refusals).toHaveLength(5)
    for (const r of refusals) {
      expect(r.status).toBe(503)
      expect(Number(r.retryAfter)).toBeGreaterThan(0)
      expect(r.body.error).toMatchObject({ code: expect.stringMatching(/^storage_(full|unavailable)$/), message: expect.stringContaining('nothing from this request was stored'), details: [] })
    }
    expect(refusals.some((r) => r.body.error?.code === 'storage_full')).toBe(true)
    // Reads still answer while the disk is full.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200)

    // The machine dies while full; space comes back; the server restarts.
    await stopChild(server, 'SIGKILL')
    execFileSync('mount', ['-o', 'remount,size=64m', mountDir], { stdio: 'pipe' })
    const restarted = await startServer(dbFile)
    server = restarted
    port = restarted.port
    const after = await post(['after-1', 'after-2'])
    expect(after.status).toBe(202)
    expect(await after.json()).toEqual({ accepted: 2, duplicates: 0 })
    // A refused batch sent again is stored now, once.
    const retried = await post(refused.slice(0, 200))
    expect(retried.status).toBe(202)
    await stopChild(server)
    server = undefined

    const db = new BetterSqlite3(dbFile, { readonly: true })
    expect(db.prepare('pragma integrity_check').pluck().get()).toBe('ok')
    const stored = new Map<string, number>()
    for (const id of db.prepare('select client_id from events').pluck().iterate() as Iterable<string>) stored.set(id, (stored.get(id) ?? 0) + 1)
    db.close()
    const missing = acknowledged.filter((id) => stored.get(id) !== 1)
    expect(missing).toEqual([])
    // Nothing from a refused request was stored, except the batch retried after recovery.
    expect(refused.slice(200).filter((id) => stored.has(id))).toEqual([])
    expect(refused.slice(0, 200).every((id) => stored.get(id) === 1)).toBe(true)
    expect(stored.size).toBe(acknowledged.length + 2 + 200)
  }, 180_000)
})
