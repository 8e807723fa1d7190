/**
 * Folding 15-minute UTC slot sums into local hour, day and month buckets, and merging them into stored
 * rollup rows. Pure: the job (rollup-job.ts) does the I/O.
 */
import { LatencySketch } from '../../metrics/sketch.js'
import { bucketStart } from '../../metrics/time-buckets.js'
import { SLOT_MS, rollupKey, type LatencyEvent, type RollupRow, type SlotAggregate } from '../../db/queries/rollups.js'

export const ROLLUP_GRAINS = ['hour', 'day', 'month'] as const
export type RollupGrain = (typeof ROLLUP_GRAINS)[number]

/** A rollup row being built, with its sketch as an object (decision_latency only). */
export interface BucketState {
  initiativeId: number
  metric: string
  stage: string
  grain: RollupGrain
  bucketStart: number
  count: number
  quantitySum: number
  errorsSum: number
  totalSum: number
  sketch: LatencySketch | null
}

/**
 * Memoised starts of the hour, day and month buckets of each 15-minute slot in one zone. A local hour
 * boundary is always a slot boundary, because every UTC offset since 1972 is a multiple of 15 minutes.
 */
export class SlotBuckets {
  private readonly memo = new Map<number, [number, number, number]>()
  constructor(readonly timezone: string) {}

  /** [hour start, day start, month start] of the slot `slot` (= occurred_at / 900 000). */
  of(slot: number): [number, number, number] {
    let b = this.memo.get(slot)
    if (b === undefined) {
      const t = slot * SLOT_MS
      b = [bucketStart(t, 'hour', this.timezone), bucketStart(t, 'day', this.timezone), bucketStart(t, 'month', this.timezone)]
      this.memo.set(slot, b)
    }
    return b
  }
}

/**
 * Folds slot sums and latency events into bucket states for every grain, keyed by {@link rollupKey}.
 * Sums are integer additions (exact); each decision_latency bucket gets a sketch of its values in
 * seconds (quantity / 1000).
 * @example const states = foldSlots(slots, latencies, new SlotBuckets('Asia/Kolkata'))
 */
export function foldSlots(slots: SlotAggregate[], latencies: LatencyEvent[], buckets: SlotBuckets): Map<string, BucketState> {
  const out = new Map<string, BucketState>()
  const stateOf = (initiativeId: number, metric: string, stage: string, grain: RollupGrain, start: number): BucketState => {
    const key = `${initiativeId}|${metric}|${grain}|${start}|${stage}`
    let s = out.get(key)
    if (s === undefined) {
      s = { initiativeId, metric, stage, grain, bucketStart: start, count: 0, quantitySum: 0, errorsSum: 0, totalSum: 0, sketch: metric === 'decision_latency' ? new LatencySketch() : null }
      out.set(key, s)
    }
    return s
  }
  for (const a of slots) {
    const starts = buckets.of(a.slot)
    for (let g = 0; g < 3; g++) {
      const s = stateOf(a.initiativeId, a.metric, a.stage, ROLLUP_GRAINS[g], starts[g])
      s.count += a.count
      s.quantitySum += a.quantitySum
      s.errorsSum += a.errorsSum
      s.totalSum += a.totalSum
    }
  }
  // Values go into the hour sketch; day and month sketches are merges of hours (exact: integer bins).
  const hourSketches = new Map<string, { sketch: LatencySketch; day: BucketState; month: BucketState }>()
  for (const e of latencies) {
    const starts = buckets.of(Math.floor(e.occurredAt / SLOT_MS))
    const hour = stateOf(e.initiativeId, 'decision_latency', e.stage, 'hour', starts[0])
    hour.sketch!.add(e.quantity / 1000)
    const key = `${e.initiativeId}|${e.stage}|${starts[0]}`
    if (!hourSketches.has(key)) {
      hourSketches.set(key, {
        sketch: hour.sketch!,
        day: stateOf(e.initiativeId, 'decision_latency', e.stage, 'day', starts[1]),
        month: stateOf(e.initiativeId, 'decision_latency', e.stage, 'month', starts[2]),
      })
    }
  }
  for (const { sketch, day, month } of hourSketches.values()) {
    day.sketch!.merge(sketch)
    month.sketch!.merge(sketch)
  }
  return out
}

/**
 * Adds newly folded states to the stored rows with the same identity and returns the rows to write.
 * @example const rows = mergeIntoStored(states, await findRollupRowsByKey(tx, [...states.values()]))
 */
export function mergeIntoStored(states: Map<string, BucketState>, stored: RollupRow[]): RollupRow[] {
  const storedByKey = new Map<string, RollupRow>()
  for (const r of stored) storedByKey.set(rollupKey(r), r)
  const out: RollupRow[] = []
  for (const [key, s] of states) {
    const old = storedByKey.get(key)
    let sketch = s.sketch
    if (old?.sketch && sketch) sketch = LatencySketch.fromBytes(old.sketch).merge(sketch)
    else if (old?.sketch) sketch = LatencySketch.fromBytes(old.sketch)
    out.push({
      initiativeId: s.initiativeId,
      metric: s.metric,
      stage: s.stage,
      grain: s.grain,
      bucketStart: s.bucketStart,
      count: s.count + (old?.count ?? 0),
      quantitySum: s.quantitySum + (old?.quantitySum ?? 0),
      errorsSum: s.errorsSum + (old?.errorsSum ?? 0),
      totalSum: s.totalSum + (old?.totalSum ?? 0),
      sketch: sketch ? sketch.toBytes() : null,
    })
  }
  return out
}
