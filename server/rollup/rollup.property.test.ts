/**
 * Property: however the events are split into ingestion runs, interleaved with rollups of any step
 * size (and with or without a rebuild at the end), the rollup rows equal a direct computation from
 * the raw events. Real database (SQLite file, or PostgreSQL in the postgres project), real migrations.
 */
import fs from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { migrateToLatest, openDatabase, writeTransaction } from '../../db/connection.js'
import { insertEventRows, type EventRow } from '../../db/queries/events.js'
import { listRollupRows, type RollupRow } from '../../db/queries/rollups.js'
import { LatencySketch } from '../../metrics/sketch.js'
import { bucketStart } from '../../metrics/time-buckets.js'
import { createBareInitiatives, tempDir, testDatabase } from '../testing/test-server.js'
import { rebuildRollups, rollupPending, RollupError } from './rollup-job.js'
import { recomputeBuckets } from './refold.js'

const METRICS = ['time_saved', 'error_rate', 'revenue_influenced', 'decision_latency'] as const
// Two DST changes in Lord Howe (30-minute shift) and London within the span.
const LO = Date.parse('2026-03-27T00:00:00Z')
const HI = Date.parse('2026-04-08T00:00:00Z')

const eventArb = fc.record({
  initiative: fc.integer({ min: 1, max: 2 }),
  metric: fc.constantFrom(...METRICS),
  stage: fc.constantFrom('pilot', 'production'),
  at: fc.integer({ min: LO, max: HI }),
  quantity: fc.integer({ min: 0, max: 10_000_000 }),
  total: fc.integer({ min: 1, max: 40 }),
  errorsShare: fc.double({ min: 0, max: 1, noNaN: true }),
})
type Ev = typeof eventArb extends fc.Arbitrary<infer T> ? T : never

function toRow(e: Ev): EventRow {
  const isRate = e.metric === 'error_rate'
  return {
    initiative_id: e.initiative,
    metric: e.metric,
    client_id: null,
    quantity: isRate ? null : e.metric === 'revenue_influenced' ? e.quantity - 5_000_000 : e.quantity,
    errors: isRate ? Math.floor(e.errorsShare * e.total) : null,
    total: isRate ? e.total : null,
    occurred_at: e.at,
    received_at: 0,
    key_id: null,
    stage: e.stage,
    attributes: null,
  }
}

/** Rollup rows computed straight from the events, bucket by bucket, with no slots and no merging. */
function directRollups(rows: EventRow[], zone: string): RollupRow[] {
  const map = new Map<string, RollupRow & { s: LatencySketch | null }>()
  for (const r of rows) {
    for (const grain of ['hour', 'day', 'month'] as const) {
      const start = bucketStart(r.occurred_at, grain, zone)
      const key = `${r.initiative_id}|${r.metric}|${grain}|${start}|${r.stage}`
      let x = map.get(key)
      if (!x) {
        x = { initiativeId: r.initiative_id, metric: r.metric, stage: r.stage, grain, bucketStart: start, count: 0, quantitySum: 0, errorsSum: 0, totalSum: 0, sketch: null, s: r.metric === 'decision_latency' ? new LatencySketch() : null }
        map.set(key, x)
      }
      x.count++
      x.quantitySum += r.quantity ?? 0
      x.errorsSum += r.errors ?? 0
      x.totalSum += r.total ?? 0
      x.s?.add((r.quantity ?? 0) / 1000)
    }
  }
  return [...map.values()]
    .map(({ s, ...row }) => ({ ...row, sketch: s ? s.toBytes() : null }))
    .sort((a, b) => a.initiativeId - b.initiativeId || a.metric.localeCompare(b.metric) || a.grain.localeCompare(b.grain) || a.bucketStart - b.bucketStart || a.stage.localeCompare(b.stage))
}

describe('rollups equal a direct computation from raw events', () => {
  it.each(['Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu'])('for any split into runs, in %s', async (zone) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 0, maxLength: 120 }),
        fc.array(fc.integer({ min: 0, max: 120 }), { maxLength: 5 }),
        fc.integer({ min: 1, max: 50 }),
        fc.boolean(),
        async (events, cuts, stepIds, rebuild) => {
          const dir = tempDir('yardstick-rollup-prop-')
          const t = await testDatabase(dir)
          const handle = openDatabase(t.target, { sync: 'normal' })
          try {
            await migrateToLatest(handle.db)
            await createBareInitiatives(handle.db, ['a', 'b'])
            const rows = events.map(toRow)
            const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, rows.length)), rows.length])].sort((a, b) => a - b)
            for (let k = 0; k + 1 < bounds.length; k++) {
              await writeTransaction(handle.db, (tx) => insertEventRows(tx, rows.slice(bounds[k], bounds[k + 1])))
              await rollupPending(handle.db, { timezone: zone, stepIds })
            }
            if (rebuild) await rebuildRollups(handle.db, { timezone: zone, stepIds: stepIds * 2 })
            expect(await listRollupRows(handle.db)).toEqual(directRollups(rows, zone))
          } finally {
            await handle.close()
            await t.drop()
            fs.rmSync(dir, { recursive: true, force: true })
          }
        },
      ),
      { numRuns: 25 },
    )
  })

  it.each(['Europe/London', 'Asia/Kathmandu'])('equals a direct computation after deleting any range and recomputing its buckets, in %s', async (zone) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: LO, max: HI }),
        fc.integer({ min: 1, max: 4 * 86_400_000 }),
        async (events, rolledUp, initiative, from, length) => {
          const dir = tempDir('yardstick-rollup-refold-')
          const t = await testDatabase(dir)
          const handle = openDatabase(t.target, { sync: 'normal' })
          try {
            await migrateToLatest(handle.db)
            await createBareInitiatives(handle.db, ['a', 'b'])
            // Some events rolled up, the rest in the tail when the correction happens.
            const rows = events.map(toRow)
            const cut = Math.min(rolledUp, rows.length)
            await writeTransaction(handle.db, (tx) => insertEventRows(tx, rows.slice(0, cut)))
            await rollupPending(handle.db, { timezone: zone, stepIds: 7 })
            await writeTransaction(handle.db, (tx) => insertEventRows(tx, rows.slice(cut)))
            const to = from + length
            const gone = (r: EventRow) => r.initiative_id === initiative && r.occurred_at >= from && r.occurred_at < to
            await writeTransaction(handle.db, async (tx) => {
              await tx.deleteFrom('events').where('initiative_id', '=', initiative).where('occurred_at', '>=', from).where('occurred_at', '<', to).execute()
              await recomputeBuckets(tx, { initiativeId: initiative, from, to, timezone: zone })
            })
            // Before the next run: exactly the rolled-up events that remain.
            expect(await listRollupRows(handle.db)).toEqual(directRollups(rows.slice(0, cut).filter((r) => !gone(r)), zone))
            await rollupPending(handle.db, { timezone: zone })
            expect(await listRollupRows(handle.db)).toEqual(directRollups(rows.filter((r) => !gone(r)), zone))
          } finally {
            await handle.close()
            await t.drop()
            fs.rmSync(dir, { recursive: true, force: true })
          }
        },
      ),
      { numRuns: 25 },
    )
  })

  it('refuses an incremental rollup after the zone changed, and a rebuild adopts the new zone', async () => {
    const dir = tempDir('yardstick-rollup-zone-')
    const t = await testDatabase(dir)
    const handle = openDatabase(t.target)
    try {
      await migrateToLatest(handle.db)
      await createBareInitiatives(handle.db, ['a'])
      const rows = [toRow({ initiative: 1, metric: 'time_saved', stage: 'pilot', at: Date.parse('2026-03-01T20:00:00Z'), quantity: 1000, total: 1, errorsShare: 0 })]
      await writeTransaction(handle.db, (tx) => insertEventRows(tx, rows))
      expect((await rollupPending(handle.db, { timezone: 'UTC' })).eventsFolded).toBe(1)
      await writeTransaction(handle.db, (tx) => insertEventRows(tx, rows))
      await expect(rollupPending(handle.db, { timezone: 'Asia/Kolkata' })).rejects.toThrow(new RollupError('rollups were built in time zone UTC but YARDSTICK_TIMEZONE is now Asia/Kolkata; rebuild them with: npm run cli -- rollup --rebuild'))
      const r = await rebuildRollups(handle.db, { timezone: 'Asia/Kolkata' })
      expect(r.eventsFolded).toBe(2)
      const day = (await listRollupRows(handle.db)).find((x) => x.grain === 'day')!
      expect(day.bucketStart).toBe(Date.parse('2026-03-01T18:30:00Z'))
      expect(day.count).toBe(2)
    } finally {
      await handle.close()
      await t.drop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('lets only one of two concurrent runs hold the lease', async () => {
    const dir = tempDir('yardstick-rollup-lease-')
    const t = await testDatabase(dir)
    const a = openDatabase(t.target)
    const b = openDatabase(t.target)
    try {
      await migrateToLatest(a.db)
      await createBareInitiatives(a.db, ['a'])
      const rows = Array.from({ length: 300 }, (_, k) => toRow({ initiative: 1, metric: 'decision_latency', stage: 'pilot', at: LO + k * 60_000, quantity: 1000 + k, total: 1, errorsShare: 0 }))
      await writeTransaction(a.db, (tx) => insertEventRows(tx, rows))
      const [ra, rb] = await Promise.all([rollupPending(a.db, { timezone: 'UTC', stepIds: 10, owner: 'A' }), rollupPending(b.db, { timezone: 'UTC', stepIds: 10, owner: 'B' })])
      expect([ra.skipped, rb.skipped].filter((x) => x !== null)).toHaveLength(1)
      expect(ra.eventsFolded + rb.eventsFolded).toBe(300)
      expect(await listRollupRows(a.db)).toEqual(directRollups(rows, 'UTC'))
    } finally {
      await a.close()
      await b.close()
      await t.drop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
