/**
 * `backup FILE` while the server ingests: the copy is one consistent snapshot (every acknowledged batch
 * wholly in or wholly out, ids without gaps), and a fresh server on the restored file answers /summary
 * exactly as the live one and as a computation from the posted events.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rollupPending } from '../rollup/rollup-job.js'
import { startTestServer, tempDir, type TestServer } from '../testing/test-server.js'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (c) => (stdout += c))
    child.stderr!.on('data', (c) => (stderr += c))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

const WINDOW = { from: '2026-01-01T00:00:00Z', to: '2026-04-01T00:00:00Z' }
/** Events ingested during the backup fall after WINDOW, so the window's summary is the same before and after. */
const LATE = Date.parse('2026-05-01T00:00:00Z')

let live: TestServer
let restored: TestServer | undefined
let ingest: string
let reader: string
const dir = tempDir('yardstick-backup-')

beforeAll(async () => {
  live = await startTestServer({ env: { YARDSTICK_INGEST_RATE: '100000' } })
  await live.initiative({ slug: 'invoices', name: 'Invoices', currency: 'USD', hourlyValue: 60, upfrontCost: 500, monthlyCost: 100, startedAt: '2025-12-01' })
  ingest = await live.key('ingest')
  reader = await live.key('read')
})
afterAll(async () => {
  await live?.close()
  await restored?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('backup while ingesting, and restore', () => {
  it('restores a consistent snapshot with identical /summary numbers and event counts', async () => {
    // 6,000 events in the window: one minute of time saved each, one every 20 minutes.
    const base = Array.from({ length: 6000 }, (_, k) => ({ id: `base${k}`, initiative: 'invoices', metric: 'time_saved', value: 1 + (k % 7), occurredAt: new Date(Date.parse(WINDOW.from) + k * 20 * 60_000).toISOString() }))
    for (let i = 0; i < base.length; i += 1000) {
      const res = await live.fetch('/api/v1/events', { method: 'POST', token: ingest, json: { events: base.slice(i, i + 1000) } })
      expect(res.status).toBe(202)
    }
    await rollupPending(live.handle.db, { timezone: 'UTC' })
    const expectedMinutes = base.reduce((s, e) => s + e.value, 0)

    // Batches of 50 during the backup, each acknowledged batch remembered.
    const acknowledged: string[][] = []
    let stop = false
    let n = 0
    const writer = (async () => {
      while (!stop) {
        const ids = Array.from({ length: 50 }, () => `late${n++}`)
        const res = await live.fetch('/api/v1/events', { method: 'POST', token: ingest, json: { events: ids.map((id, k) => ({ id, initiative: 'invoices', metric: 'time_saved', value: 2, occurredAt: new Date(LATE + k * 1000).toISOString() })) } })
        expect(res.status).toBe(202)
        acknowledged.push(ids)
      }
    })()
    await new Promise((r) => setTimeout(r, 200))
    const file = path.join(dir, 'copy.db')
    const backup = await cli(['backup', file], { YARDSTICK_DB: live.config.dbFile })
    await new Promise((r) => setTimeout(r, 200))
    stop = true
    await writer
    expect(backup.stderr).toMatch(/pages copied \(100%\)/)
    expect(backup.stdout).toMatch(/^backed up to .*copy\.db: [\d.]+ MB, [\d,]+ events, integrity ok/)
    expect(backup.code).toBe(0)
    expect(acknowledged.length).toBeGreaterThan(4)

    // Consistency: ids 1..N without gaps, and every batch wholly in or wholly out.
    const copy = new BetterSqlite3(file, { readonly: true })
    const ids = new Set((copy.prepare('select client_id from events').pluck().all() as string[]))
    const { n: count, max } = copy.prepare('select count(*) as n, max(id) as max from events').get() as { n: number; max: number }
    copy.close()
    expect(max).toBe(count)
    for (const e of base) expect(ids.has(e.id)).toBe(true)
    const partial = acknowledged.filter((b) => b.some((id) => ids.has(id)) && !b.every((id) => ids.has(id)))
    expect(partial).toEqual([])
    const batchesIn = acknowledged.filter((b) => ids.has(b[0])).length
    expect(count).toBe(6000 + batchesIn * 50)
    // The snapshot was taken while batches were still being acknowledged.
    expect(batchesIn).toBeLessThan(acknowledged.length)

    // Restore as the README says: the file becomes YARDSTICK_DB of a fresh server.
    const restoreDir = tempDir('yardstick-restore-')
    fs.copyFileSync(file, path.join(restoreDir, 'yardstick.db'))
    restored = await startTestServer({ dir: restoreDir })
    const q = `/api/v1/summary?from=${WINDOW.from}&to=${WINDOW.to}`
    // The figures, not the bookkeeping (generatedAt, and freshness: the live server has more tail events).
    const figures = (x: unknown) => {
      const { initiatives, portfolio } = x as { initiatives: unknown; portfolio: unknown }
      return { initiatives, portfolio }
    }
    const a = figures(await (await live.fetch(q, { token: reader })).json())
    const restoredReader = await restored.key('read')
    const b = figures(await (await restored.fetch(q, { token: restoredReader })).json())
    expect(b).toEqual(a)
    const inv = (b as { initiatives: Array<{ slug: string; timeSavedHours: number }> }).initiatives.find((i) => i.slug === 'invoices')!
    expect(inv.timeSavedHours).toBeCloseTo(expectedMinutes / 60, 6)
    // The late events in the copy are exactly the batches it holds.
    const lateQ = `/api/v1/initiatives/invoices/series?metric=time_saved&from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z&granularity=day`
    const series = (await (await restored.fetch(lateQ, { token: restoredReader })).json()) as { points: Array<{ count: number }> }
    expect(series.points.reduce((s, p) => s + p.count, 0)).toBe(batchesIn * 50)
  }, 120_000)

  it('refuses to overwrite an existing file without --force, and replaces it with --force', async () => {
    const file = path.join(dir, 'exists.db')
    fs.writeFileSync(file, 'keep me')
    const refused = await cli(['backup', file], { YARDSTICK_DB: live.config.dbFile })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('already exists; choose a new file name or add --force to replace it')
    expect(fs.readFileSync(file, 'utf8')).toBe('keep me')
    const forced = await cli(['backup', file, '--force'], { YARDSTICK_DB: live.config.dbFile })
    expect(forced.code).toBe(0)
    const copy = new BetterSqlite3(file, { readonly: true })
    expect(copy.prepare('pragma integrity_check').pluck().get()).toBe('ok')
    copy.close()
    const missing = await cli(['backup', path.join(dir, 'no-such-folder', 'x.db')], { YARDSTICK_DB: live.config.dbFile })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/does not exist; create it first/)
  }, 60_000)
})
