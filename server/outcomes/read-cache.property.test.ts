/**
 * Property: the rollup read cache never changes an answer. Another connection (as the rollup job or
 * the CLI in another process would) ingests events at any time (some late, into buckets already rolled
 * up), rolls up in steps of any size, corrects (deletes a range and refolds its buckets) and rebuilds;
 * after every change, reads through a long-lived cache equal reads with an empty cache, cell by cell,
 * sketch bytes included, and equal a direct computation from the stored events. Real SQLite file,
 * real migrations, two connections.
 */
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { migrateToLatest, openDatabase, writeTransaction, type Db } from '../../db/connection.js'
import { insertEventRows, type EventRow } from '../../db/queries/events.js'
import { aggregateRanges, readSnapshot, RollupReadCache, sumWholeMonths, type AggregateResult } from '../../db/queries/outcomes.js'
import { LatencySketch } from '../../metrics/sketch.js'
import { bucketStart, nextBucketStart } from '../../metrics/time-buckets.js'
import { rebuildRollups, rollupPending } from '../rollup/rollup-job.js'
import { recomputeBuckets } from '../rollup/refold.js'
import { createBareInitiatives, tempDir } from '../testing/test-server.js'

const METRICS = ['time_saved', 'error_rate', 'revenue_influenced', 'decision_latency']
const ZONE = 'Europe/London'
// A DST change (2026-03-29) and two month ends inside the span.
const LO = Date.parse('2026-03-20T00:00:00Z')
const HI = Date.parse('2026-05-10T00:00:00Z')
const HOUR = 3_600_000
// Half of the instants fall in a few hours around the DST change, so that range edges often cut an
// hour that holds events on both sides.
const BUSY = Date.parse('2026-03-29T00:00:00Z')
const instantArb = fc.oneof(fc.integer({ min: LO, max: HI - 1 }), fc.integer({ min: BUSY, max: BUSY + 4 * HOUR }))

const eventArb = fc.record({
  initiative: fc.integer({ min: 1, max: 2 }),
  metric: fc.constantFrom(...METRICS),
  stage: fc.constantFrom('pilot', 'production'),
  at: instantArb,
  quantity: fc.integer({ min: 0, max: 5_000_000 }),
  total: fc.integer({ min: 1, max: 20 }),
})

const commandArb = fc.oneof(
  fc.record({ kind: fc.constant('ingest' as const), events: fc.array(eventArb, { minLength: 1, maxLength: 40 }) }),
  fc.record({ kind: fc.constant('rollup' as const), stepIds: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('correct' as const), initiative: fc.integer({ min: 1, max: 2 }), from: instantArb, length: fc.integer({ min: 1, max: 10 * 24 * HOUR }) }),
  fc.record({ kind: fc.constant('rebuild' as const) }),
)

type Ev = typeof eventArb extends fc.Arbitrary<infer T> ? T : never

function toRow(e: Ev): EventRow {
  const rate = e.metric === 'error_rate'
  return { initiative_id: e.initiative, metric: e.metric, client_id: null, quantity: rate ? null : e.quantity, errors: rate ? e.quantity % (e.total + 1) : null, total: rate ? e.total : null, occurred_at: e.at, received_at: 0, key_id: null, stage: e.stage, attributes: null }
}

/** Cells as plain data (sketch bytes for sketches), sorted by key. */
function plain(r: AggregateResult): unknown[] {
  return [...r.cells.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, a]) => [k, a.count, a.quantitySum, a.errorsSum, a.totalSum, a.sketch ? [...a.sketch.toBytes()] : null])
}

/** Every read the summary and series make, through `cache`. */
async function readAll(db: Db, ranges: Array<[number, number]>, cache: RollupReadCache): Promise<unknown> {
  return readSnapshot(db, async (tx) => {
    const out: unknown[] = []
    for (const byStage of [true, false]) {
      out.push(plain(await aggregateRanges(tx, { timezone: ZONE, ranges, initiativeIds: null, metrics: METRICS, stage: null, cache, byStage })))
    }
    out.push(plain(await aggregateRanges(tx, { timezone: ZONE, ranges, initiativeIds: [2], metrics: ['decision_latency'], stage: 'pilot', cache })))
    // Month by month, as the payback does: whole months from sumWholeMonths, the rest from days and hours.
    const months: Array<[number, number]> = []
    for (let m = bucketStart(LO, 'month', ZONE); m < HI; m = nextBucketStart(m, 'month', ZONE)) months.push([m, nextBucketStart(m, 'month', ZONE)])
    out.push(plain(await aggregateRanges(tx, { timezone: ZONE, ranges: months, initiativeIds: null, metrics: METRICS, stage: null, cache, byStage: false, grains: ['day', 'hour'] })))
    const whole = await sumWholeMonths(tx, { fromMonth: months[0][0], lastMonth: months[months.length - 1][0], initiativeIds: null, cache })
    out.push([...whole.entries()].map(([id, m]) => [id, [...m.entries()]]))
    return out
  })
}

/** The cells aggregateRanges must give, straight from the stored events (no rollups, no cache). */
async function direct(db: Db, ranges: Array<[number, number]>, byStage: boolean): Promise<unknown[]> {
  const cells = new Map<string, { n: number; q: number; e: number; t: number; s: LatencySketch | null }>()
  for (const r of await db.selectFrom('events').select(['initiative_id', 'metric', 'stage', 'occurred_at', 'quantity', 'errors', 'total']).orderBy('id').execute()) {
    const index = ranges.findIndex(([a, b]) => r.occurred_at >= a && r.occurred_at < b)
    if (index < 0) continue
    const key = `${r.initiative_id}|${r.metric}|${byStage ? r.stage : '*'}|${index}`
    let c = cells.get(key)
    if (!c) cells.set(key, (c = { n: 0, q: 0, e: 0, t: 0, s: r.metric === 'decision_latency' ? new LatencySketch() : null }))
    c.n++
    c.q += r.quantity ?? 0
    c.e += r.errors ?? 0
    c.t += r.total ?? 0
    c.s?.add((r.quantity ?? 0) / 1000)
  }
  return [...cells.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, c]) => [k, c.n, c.q, c.e, c.t, c.s ? [...c.s.toBytes()] : null])
}

describe('the rollup read cache', () => {
  it('answers exactly as an empty cache after any ingestion, rollup, correction or rebuild by another connection', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(commandArb, { minLength: 1, maxLength: 12 }),
        fc.uniqueArray(instantArb, { minLength: 2, maxLength: 6 }),
        async (commands, cuts) => {
          const dir = tempDir('yardstick-read-cache-')
          const file = path.join(dir, 'db.sqlite')
          const writer = openDatabase(file, { sync: 'normal' })
          const reader = openDatabase(file, { sync: 'normal' })
          try {
            await migrateToLatest(writer.db)
            await createBareInitiatives(writer.db, ['a', 'b'])
            const points = [...cuts].sort((a, b) => a - b)
            const ranges = points.slice(1).map((p, k): [number, number] => [points[k], p])
            const cache = new RollupReadCache()
            for (const c of commands) {
              if (c.kind === 'ingest') await writeTransaction(writer.db, (tx) => insertEventRows(tx, c.events.map(toRow)))
              else if (c.kind === 'rollup') await rollupPending(writer.db, { timezone: ZONE, stepIds: c.stepIds })
              else if (c.kind === 'rebuild') await rebuildRollups(writer.db, { timezone: ZONE, stepIds: 25 })
              else {
                await writeTransaction(writer.db, async (tx) => {
                  await tx.deleteFrom('events').where('initiative_id', '=', c.initiative).where('occurred_at', '>=', c.from).where('occurred_at', '<', c.from + c.length).execute()
                  await recomputeBuckets(tx, { initiativeId: c.initiative, from: c.from, to: c.from + c.length, timezone: ZONE })
                })
              }
              const cached = await readAll(reader.db, ranges, cache)
              expect(cached).toEqual(await readAll(reader.db, ranges, new RollupReadCache()))
              // And both equal the raw events: rollups, edge hours, raw edges and the tail count each event once.
              const [perStage, overall] = cached as unknown[][]
              expect(perStage).toEqual(await direct(reader.db, ranges, true))
              expect(overall).toEqual(await direct(reader.db, ranges, false))
            }
          } finally {
            await reader.close()
            await writer.close()
            fs.rmSync(dir, { recursive: true, force: true })
          }
        },
      ),
      { numRuns: 40 },
    )
  })
})
