/**
 * Cumulative → increase: what a cumulative OTLP point adds since the previous point of its series.
 * Pure functions, so the rules (reset by start time, stale points) are tested without a server.
 */

/** A Sum point's running state: its start time, time and cumulative value. */
export interface SumPoint {
  startNs: bigint
  timeNs: bigint
  value: number
}

export type Step<S> = { kind: 'increase'; increase: S; next: SumPoint | BucketPoint } | { kind: 'stale'; reason: string }

/**
 * The increase a cumulative Sum point adds after `prev` (the last point counted of the same series):
 * - no previous point, or a later start time (the sender restarted): the whole value, counted from start;
 * - the same start time and a later time: value − previous value; a monotonic Sum that went down without a
 *   new start time was reset anyway, so its whole value counts;
 * - an earlier start time, or a time not after the previous one (a retried or out-of-order export): stale,
 *   nothing counts (it was counted, or a later point covers it).
 * Start time 0 (unknown) is compared like any other.
 * @example sumIncrease({ startNs: 1n, timeNs: 10n, value: 5 }, { startNs: 1n, timeNs: 20n, value: 8 }, true) // increase 3
 */
export function sumIncrease(prev: SumPoint | null, cur: SumPoint, monotonic: boolean): Step<number> {
  if (prev !== null) {
    if (cur.startNs < prev.startNs) return { kind: 'stale', reason: 'start time before the series restarted' }
    if (cur.startNs === prev.startNs) {
      if (cur.timeNs <= prev.timeNs) return { kind: 'stale', reason: 'already counted' }
      const d = cur.value - prev.value
      return { kind: 'increase', increase: monotonic && d < 0 ? cur.value : d, next: cur }
    }
  }
  return { kind: 'increase', increase: cur.value, next: cur }
}

/** A Histogram point's running state: cumulative counts per bucket (keyed by the bucket's bounds). */
export interface BucketPoint {
  startNs: bigint
  timeNs: bigint
  counts: Record<string, number>
}

/**
 * The counts per bucket a cumulative Histogram point adds after `prev`: the same rules as
 * {@link sumIncrease}; a bucket whose count went down means the histogram was reset (its whole counts count).
 * @example bucketIncrease(null, { startNs: 1n, timeNs: 2n, counts: { '0,1': 3 } }) // increase { '0,1': 3 }
 */
export function bucketIncrease(prev: BucketPoint | null, cur: BucketPoint): Step<Record<string, number>> {
  if (prev !== null) {
    if (cur.startNs < prev.startNs) return { kind: 'stale', reason: 'start time before the series restarted' }
    if (cur.startNs === prev.startNs) {
      if (cur.timeNs <= prev.timeNs) return { kind: 'stale', reason: 'already counted' }
      const inc: Record<string, number> = {}
      for (const [k, n] of Object.entries(cur.counts)) {
        const d = n - (prev.counts[k] ?? 0)
        if (d < 0) return { kind: 'increase', increase: { ...cur.counts }, next: cur }
        if (d > 0) inc[k] = d
      }
      return { kind: 'increase', increase: inc, next: cur }
    }
  }
  return { kind: 'increase', increase: { ...cur.counts }, next: cur }
}
