/**
 * kill -9 of `rollup` at random moments on a database of 200k+ events (more arriving between runs):
 * after a final run, the rollup rows equal a rebuild from the raw events in a copy of the database, and
 * `PRAGMA integrity_check` is ok.
 */
import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { migrateToLatest, openDatabase, writeTransaction } from '../../db/connection.js'
import { insertEventRows, type EventRow } from '../../db/queries/events.js'
import { listRollupRows, readRollupMark } from '../../db/queries/rollups.js'
import { rebuildRollups } from '../rollup/rollup-job.js'
import { tempDir } from '../testing/test-server.js'
import { seedDatabase, spawnChild } from './child-server.js'

const ZONE = 'America/New_York'
const METRICS = ['time_saved', 'error_rate', 'revenue_influenced', 'decision_latency'] as const
const dir = tempDir('yardstick-crash-rollup-')
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function rows(from: number, n: number): EventRow[] {
  const start = Date.parse('2025-11-01T00:00:00Z')
  return Array.from({ length: n }, (_, i) => {
    const k = from + i
    const metric = METRICS[k % 4]
    const rate = metric === 'error_rate'
    return {
      initiative_id: 1 + (k % 2),
      metric,
      client_id: null,
      quantity: rate ? null : metric === 'revenue_influenced' ? (k * 7919) % 100_000 - 20_000 : ((k * 104_729) % 3_600_000) + 1000,
      errors: rate ? k % 5 : null,
      total: rate ? 5 + (k % 11) : null,
      occurred_at: start + ((k * 2_654_435_761) % (365 * 86_400_000)),
      received_at: Date.now(),
      key_id: null,
      stage: k % 3 === 0 ? 'production' : 'pilot',
      attributes: null,
    }
  })
}

describe('kill -9 during a rollup', () => {
  it('leaves rollups equal to a recomputation from raw events, and the file intact', async () => {
    const dbFile = path.join(dir, 'rollup.db')
    await seedDatabase(dbFile, 'first')
    const handle = openDatabase(dbFile, { sync: 'normal' })
    await migrateToLatest(handle.db)
    await writeTransaction(handle.db, async (tx) => {
      await tx.insertInto('initiatives').values({ slug: 'second', name: 'second', description: '', owner: null, team: null, stage: 'pilot', currency: 'USD', hourly_value_minor: null, upfront_cost_minor: 0, monthly_cost_minor: 0, cost_per_error_minor: null, baseline_error_rate: null, baseline_decision_latency_seconds: null, target_time_saved_hours_per_month: null, target_error_rate: null, target_revenue_influenced_per_month: null, target_decision_latency_seconds: null, started_at: 0, created_at: 0, updated_at: 0 }).execute()
    })
    let inserted = 0
    const insert = async (n: number) => {
      for (let i = 0; i < n; i += 20_000) await writeTransaction(handle.db, (tx) => insertEventRows(tx, rows(inserted + i, Math.min(20_000, n - i))))
      inserted += n
    }
    await insert(200_000)

    // Small steps, so that a run commits several of them and a kill lands between or inside them.
    const env = { YARDSTICK_DB: dbFile, YARDSTICK_TIMEZONE: ZONE, YARDSTICK_ROLLUP_STEP: '10000' }
    let midRun = 0
    const rounds = 4
    for (let round = 0; round < rounds; round++) {
      // As if the killed run's 120 s lease had run out.
      await handle.db.updateTable('job_state').set({ lease_until: 0 }).where('name', '=', 'rollup').execute()
      const before = (await readRollupMark(handle.db)).watermark
      const child = spawnChild('server/cli.ts', ['rollup'], env)
      // Kill at a random moment after the first step committed (its progress line), while later steps run.
      const spawned = performance.now()
      while (!/events folded/.test(child.output()) && performance.now() - spawned < 30_000) await new Promise((r) => setTimeout(r, 5))
      await new Promise((r) => setTimeout(r, Math.random() * 150))
      const delay = performance.now() - spawned
      child.process.kill('SIGKILL')
      const exit = await child.exited
      const after = (await readRollupMark(handle.db)).watermark
      if (exit.signal === 'SIGKILL' && after < inserted) midRun++
      process.stderr.write(`rollup round ${round + 1}: killed after ${Math.round(delay)} ms: ${exit.signal ?? `exit ${exit.code}`}, watermark ${before} → ${after} of ${inserted}\n`)
      await insert(30_000)
    }
    expect(midRun).toBeGreaterThan(0)

    await handle.db.updateTable('job_state').set({ lease_until: 0 }).where('name', '=', 'rollup').execute()
    const t0 = performance.now()
    const final = spawnChild('server/cli.ts', ['rollup'], env)
    expect((await final.exited).code, final.output()).toBe(0)
    process.stderr.write(`final rollup run: ${Math.round(performance.now() - t0)} ms: ${final.output()}`)
    expect((await readRollupMark(handle.db)).watermark).toBe(inserted)
    const live = await listRollupRows(handle.db)
    await handle.close()

    const raw = new BetterSqlite3(dbFile)
    expect(raw.prepare('pragma integrity_check').pluck().all()).toEqual(['ok'])
    const copyFile = path.join(dir, 'copy.db')
    await raw.backup(copyFile)
    raw.close()
    const copy = openDatabase(copyFile, { sync: 'normal' })
    try {
      await rebuildRollups(copy.db, { timezone: ZONE })
      const recomputed = await listRollupRows(copy.db)
      expect(live.length).toBeGreaterThan(1000)
      expect(live).toEqual(recomputed)
    } finally {
      await copy.close()
    }
  }, 240_000)
})
