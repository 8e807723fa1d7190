/**
 * Folding UTC slot sums and latency events into local hour, day and month buckets, and merging the
 * sketches of stored rows. Pure: the job (rollup-job.ts) and corrections (refold.ts) do the I/O.
 */
import { keepsSketch } from '../../metrics/metric-kinds.js'
import { LatencySketch } from '../../metrics/sketch.js'
import { bucketStart, nextBucketStart } from '../../metrics/time-buckets.js'
import { LATENCY_SERIES, LATENCY_STAGE_CODES, LATENCY_STAGES, SLOT_MS, rollupKey, type LatencyRow, type RollupRow, type SlotAggregate } from '../../db/queries/rollups.js'

export const ROLLUP_GRAINS = ['hour', 'day', 'month'] as const
export type RollupGrain = (typeof ROLLUP_GRAINS)[number]

/**
 * Slot lengths tried, longest first. Whole-hour zones need only hour slots; +5:30 or Lord Howe's
 * 30-minute shifts need half hours; every UTC offset since 1972 is a multiple of 15 minutes.
 */
export const SLOT_LENGTHS = [3_600_000, 1_800_000, SLOT_MS] as const

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
 * Memoised starts of the hour, day and month buckets of each UTC slot of `slotMs` in one zone. A
 * slot is usable only when it lies inside one local hour bucket (then so does each of its events);
 * `of` answers null for a slot that straddles an hour boundary, and the caller folds with shorter slots.
 */
export class SlotBuckets {
  private readonly memo = new Map<number, [number, number, number] | null>()
  constructor(
    readonly timezone: string,
    readonly slotMs: number = SLOT_MS,
  ) {}

  /** [hour start, day start, month start] of the slot `slot` (= occurred_at / slotMs), or null. */
  of(slot: number): [number, number, number] | null {
    let b = this.memo.get(slot)
    if (b === undefined) {
      const t = slot * this.slotMs
      const hour = bucketStart(t, 'hour', this.timezone)
      b = nextBucketStart(hour, 'hour', this.timezone) >= t + this.slotMs ? [hour, bucketStart(t, 'day', this.timezone), bucketStart(t, 'month', this.timezone)] : null
      this.memo.set(slot, b)
    }
    return b
  }
}

/** The buckets of one (initiative, metric, stage) being built. */
interface Series {
  initiativeId: number
  metric: string
  stage: string
  latency: boolean
  hours: Map<number, BucketState & { day: number; month: number }>
  /** The hour state of the last slot seen (rows arrive grouped, so the next often hits it). */
  lastSlot: number
  lastHour: (BucketState & { day: number; month: number }) | null
}

/**
 * Folds slot sums and decision_latency events into bucket states for every grain: hour states from
 * the slots, day and month states from the hour states (fewer additions). Sums are integer additions
 * (exact); each decision_latency hour gets a sketch of its values in seconds (quantity / 1000), and
 * day and month sketches are merges of hours (exact: integer bins). Returns null when a slot straddles
 * a local hour boundary (fold again with shorter slots).
 * @example const states = foldSlots(slots, latencies, new SlotBuckets('Asia/Kolkata', 1_800_000))
 */
export function foldSlots(slots: SlotAggregate[], latencies: LatencyRow[], buckets: SlotBuckets): BucketState[] | null {
  const all: Series[] = []
  const byInitiative = new Map<number, Series[]>()
  let last: Series | null = null
  const seriesOf = (initiativeId: number, metric: string, stage: string): Series => {
    if (last !== null && last.initiativeId === initiativeId && last.metric === metric && last.stage === stage) return last
    let list = byInitiative.get(initiativeId)
    if (list === undefined) {
      list = []
      byInitiative.set(initiativeId, list)
    }
    let s = list.find((x) => x.metric === metric && x.stage === stage)
    if (s === undefined) {
      s = { initiativeId, metric, stage, latency: keepsSketch(metric), hours: new Map(), lastSlot: Number.NaN, lastHour: null }
      list.push(s)
      all.push(s)
    }
    last = s
    return s
  }
  const hourOf = (s: Series, slot: number) => {
    if (slot === s.lastSlot) return s.lastHour
    const starts = buckets.of(slot)
    if (starts === null) return null
    let h = s.hours.get(starts[0])
    if (h === undefined) {
      h = { initiativeId: s.initiativeId, metric: s.metric, stage: s.stage, grain: 'hour', bucketStart: starts[0], count: 0, quantitySum: 0, errorsSum: 0, totalSum: 0, sketch: s.latency ? new LatencySketch() : null, day: starts[1], month: starts[2] }
      s.hours.set(starts[0], h)
    }
    s.lastSlot = slot
    s.lastHour = h
    return h
  }
  for (const a of slots) {
    const h = hourOf(seriesOf(a.initiativeId, a.metric, a.stage), a.slot)
    if (h === null) return null
    h.count += a.count
    h.quantitySum += a.quantitySum
    h.errorsSum += a.errorsSum
    h.totalSum += a.totalSum
  }
  // Latency rows carry quarter hours; slots are whole multiples of them.
  const perSlot = buckets.slotMs / SLOT_MS
  for (const e of latencies) {
    const quarter = Math.floor(e.k / LATENCY_SERIES)
    const series = e.k - quarter * LATENCY_SERIES
    const h = hourOf(seriesOf(Math.floor(series / LATENCY_STAGE_CODES), 'decision_latency', LATENCY_STAGES[series % LATENCY_STAGE_CODES]), Math.floor(quarter / perSlot))
    if (h === null) return null
    const q = Number(e.quantity ?? 0)
    h.count += 1
    h.quantitySum += q
    h.sketch!.add(q / 1000)
  }
  const out: BucketState[] = []
  for (const s of all) {
    const days = new Map<number, BucketState>()
    const months = new Map<number, BucketState>()
    const into = (map: Map<number, BucketState>, grain: RollupGrain, start: number, h: BucketState) => {
      let c = map.get(start)
      if (c === undefined) {
        c = { initiativeId: s.initiativeId, metric: s.metric, stage: s.stage, grain, bucketStart: start, count: 0, quantitySum: 0, errorsSum: 0, totalSum: 0, sketch: s.latency ? new LatencySketch() : null }
        map.set(start, c)
      }
      c.count += h.count
      c.quantitySum += h.quantitySum
      c.errorsSum += h.errorsSum
      c.totalSum += h.totalSum
      if (c.sketch && h.sketch) c.sketch.merge(h.sketch)
    }
    for (const h of s.hours.values()) {
      out.push({ initiativeId: h.initiativeId, metric: h.metric, stage: h.stage, grain: 'hour', bucketStart: h.bucketStart, count: h.count, quantitySum: h.quantitySum, errorsSum: h.errorsSum, totalSum: h.totalSum, sketch: h.sketch })
      into(days, 'day', h.day, h)
      into(months, 'month', h.month, h)
    }
    out.push(...days.values(), ...months.values())
  }
  return out
}

/**
 * The rows to add for newly folded states: their own counts and sums (the upsert adds them to a
 * stored row in SQL) and, for decision_latency, the sketch merged with the stored row's sketch.
 * @example const rows = rowsToAdd(states, await findRollupRowsByKey(tx, latencyStates))
 */
export function rowsToAdd(states: BucketState[], stored: RollupRow[]): RollupRow[] {
  const storedByKey = new Map<string, RollupRow>()
  for (const r of stored) storedByKey.set(rollupKey(r), r)
  const out: RollupRow[] = new Array(states.length)
  for (let k = 0; k < states.length; k++) {
    const s = states[k]
    let sketch = s.sketch
    const old = sketch && storedByKey.size > 0 ? storedByKey.get(rollupKey(s))?.sketch : null
    if (old && sketch) sketch = LatencySketch.fromBytes(old).merge(sketch)
    out[k] = {
      initiativeId: s.initiativeId,
      metric: s.metric,
      stage: s.stage,
      grain: s.grain,
      bucketStart: s.bucketStart,
      count: s.count,
      quantitySum: s.quantitySum,
      errorsSum: s.errorsSum,
      totalSum: s.totalSum,
      sketch: sketch ? sketch.toBytes() : null,
    }
  }
  return out
}
