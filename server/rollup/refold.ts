/**
 * Corrections: recomputing the rollup buckets that deleted events were folded into, from the raw
 * events that remain, inside the caller's transaction (so readers never see a half-corrected bucket).
 */
import type { Tx } from '../../db/connection.js'
import { noteRollupChange } from '../../db/queries/rollup-changes.js'
import { addToRollupRows, deleteRollupBuckets, readRollupMark } from '../../db/queries/rollups.js'
import { bucketStart, nextBucketStart } from '../../metrics/time-buckets.js'
import { ROLLUP_GRAINS, rowsToAdd } from './fold.js'
import { foldEvents } from './rollup-job.js'

export interface RecomputeResult {
  /** Rollup rows deleted (every grain). */
  deleted: number
  /** Rollup rows written back from the remaining events. */
  written: number
}

/**
 * Deletes every hour, day and month bucket of one initiative that overlaps [from, to) and folds them
 * again from the initiative's remaining raw events that are inside the rollups (id ≤ watermark), in
 * the transaction `tx` (call it in the one that deleted the events). Events above the watermark are
 * left to the rollup job, as always. Does nothing when nothing is rolled up yet or the rollups were
 * built in another zone (queries read raw events until `rollup --rebuild`, which refolds everything).
 * Raw events must exist for the whole months touched: the caller refuses ranges before a prune horizon.
 * @example await recomputeBuckets(tx, { initiativeId: 3, from: Date.parse('2026-11-23T00:00Z'), to: Date.parse('2026-11-24T00:00Z'), timezone: 'UTC' })
 */
export async function recomputeBuckets(tx: Tx, q: { initiativeId: number; from: number; to: number; timezone: string }): Promise<RecomputeResult> {
  if (!(q.to > q.from)) return { deleted: 0, written: 0 }
  const mark = await readRollupMark(tx)
  if (mark.watermark === 0 || mark.timezone !== q.timezone) return { deleted: 0, written: 0 }
  const first: Record<(typeof ROLLUP_GRAINS)[number], number> = { hour: 0, day: 0, month: 0 }
  let deleted = 0
  for (const grain of ROLLUP_GRAINS) {
    first[grain] = bucketStart(q.from, grain, q.timezone)
    deleted += await deleteRollupBuckets(tx, { initiativeId: q.initiativeId, grain, fromBucket: first[grain], toBucket: q.to })
  }
  // The month buckets span the others: fold their events and keep, per grain, the buckets deleted.
  const lastMonth = bucketStart(q.to - 1, 'month', q.timezone)
  const monthsEnd = nextBucketStart(lastMonth, 'month', q.timezone)
  const states = await foldEvents(tx, { initiativeId: q.initiativeId, from: first.month, to: monthsEnd, maxId: mark.watermark }, q.timezone)
  const kept = states.filter((s) => s.bucketStart >= first[s.grain] && s.bucketStart < q.to)
  await addToRollupRows(tx, rowsToAdd(kept, []))
  await noteRollupChange(tx, [[first.month, monthsEnd]], Date.now())
  return { deleted, written: kept.length }
}
