/**
 * Outcome math: what an initiative's measurements are worth, what it has cost, and when it pays back.
 *
 * Pure functions on plain numbers. Money is in one unit of the initiative's currency throughout,
 * decimal amounts or integer minor units (`metrics/currency.ts`), the caller's choice; nothing here
 * rounds, so convert at the boundary. A missing input is `null` (never 0 in disguise) and a result
 * that cannot be computed is `null`, so the dashboard can show "no data" rather than a false zero.
 *
 * @module
 */

/** Status of one metric against its target, for the summary and the digest. */
export type TargetStatus = 'on_track' | 'at_risk' | 'off_track' | 'no_target' | 'no_data'

/** Whether more of a metric is better (time saved, revenue) or less (error rate, latency). */
export type TargetDirection = 'higher' | 'lower'

/**
 * Money value of time saved: hours × hourly value (currency per hour). Null when the initiative has
 * no hourly value. Hours are not clamped: a negative input stays negative.
 *
 * @example timeSavedValue(120, 85) // 10200
 */
export function timeSavedValue(hours: number, hourlyValue: number | null): number | null {
  if (hourlyValue === null) return null
  return hours * hourlyValue
}

/**
 * Errors avoided against the baseline rate: baselineRate × total − errors, i.e. the errors expected at
 * the baseline rate minus those that happened. May be fractional (it is an expectation) and negative
 * (worse than baseline). Null when there is no baseline or no work was checked (total = 0).
 *
 * @example errorsAvoided(0.08, 12, 400) // 20 (32 expected − 12 observed)
 */
export function errorsAvoided(baselineRate: number | null, errors: number, total: number): number | null {
  if (baselineRate === null || total === 0) return null
  return baselineRate * total - errors
}

/**
 * Relative change of the median decision latency against the baseline: (p50 − baseline) / baseline,
 * as a fraction; negative is better (−0.25 = decisions take 25 % less time). Null when either is
 * missing or the baseline is not positive.
 *
 * @example decisionLatencyChange(3600, 2700) // -0.25
 */
export function decisionLatencyChange(baselineSeconds: number | null, p50: number | null): number | null {
  if (baselineSeconds === null || p50 === null || !(baselineSeconds > 0)) return null
  return (p50 - baselineSeconds) / baselineSeconds
}

/** Result of {@link decisionsAccelerated}. */
export interface DecisionsAccelerated {
  /** Decisions in the period that were made faster than the baseline latency. */
  count: number
  /** count ÷ decisions in the period (0..1), or null when there were none. */
  share: number | null
}

/**
 * Decisions accelerated: how many of the period's decisions were made faster than the baseline
 * latency, and what share of all decisions that is ("412 of 530 decisions, 78 %, beat the 4-hour
 * baseline"). The caller reads `fasterThanBaseline` from the period's latency sketch with
 * `sketch.countBelow(baselineSeconds)`, which never overstates (values within about 1 % under the
 * baseline may be missed). Null when there is no positive baseline.
 *
 * @example decisionsAccelerated({ baselineSeconds: 14_400, fasterThanBaseline: 412, decisions: 530 }) // { count: 412, share: 0.777… }
 */
export function decisionsAccelerated(input: {
  baselineSeconds: number | null
  fasterThanBaseline: number
  decisions: number
}): DecisionsAccelerated | null {
  const { baselineSeconds, fasterThanBaseline, decisions } = input
  if (baselineSeconds === null || !(baselineSeconds > 0)) return null
  return { count: fasterThanBaseline, share: decisions > 0 ? fasterThanBaseline / decisions : null }
}

/**
 * Total value delivered: time saved value + revenue influenced + errors avoided × cost per error.
 * Missing parts (null or undefined) count as 0; errors avoided count only when a cost per error is
 * known. Negative errors avoided (worse than baseline) reduce the total.
 *
 * @example valueTotal({ timeSavedValue: 10200, revenueInfluenced: 5000, errorsAvoided: 20, costPerError: 40 }) // 16000
 */
export function valueTotal(parts: {
  timeSavedValue?: number | null
  revenueInfluenced?: number | null
  errorsAvoided?: number | null
  costPerError?: number | null
}): number {
  const errorsValue = (parts.errorsAvoided ?? 0) * (parts.costPerError ?? 0)
  return (parts.timeSavedValue ?? 0) + (parts.revenueInfluenced ?? 0) + errorsValue
}

/**
 * Status of a metric against its target. For `higher` (more is better): on track when actual ≥ target;
 * at risk when actual ≥ target − tolerance × |target| (default 10 % short); off track beyond. For
 * `lower`: on track when actual ≤ target; at risk when actual ≤ target + tolerance × |target|; off
 * track beyond (so a target of 0 has no at-risk band). `no_target` when there is no target (checked
 * first), `no_data` when there is no actual.
 *
 * @example targetStatus({ actual: 0.055, target: 0.05, direction: 'lower' }) // 'at_risk'
 */
export function targetStatus(input: {
  actual: number | null
  target: number | null
  direction: TargetDirection
  tolerance?: number
}): TargetStatus {
  const { actual, target, direction } = input
  const tolerance = input.tolerance ?? 0.1
  if (target === null) return 'no_target'
  if (actual === null) return 'no_data'
  const band = tolerance * Math.abs(target)
  if (direction === 'higher') {
    if (actual >= target) return 'on_track'
    return actual >= target - band ? 'at_risk' : 'off_track'
  }
  if (actual <= target) return 'on_track'
  return actual <= target + band ? 'at_risk' : 'off_track'
}

/**
 * The period of equal length just before `[fromMs, toMs)`: `[from − (to − from), from)`. For
 * calendar comparisons (last month vs this month) use time-buckets instead, since months differ.
 *
 * @example previousPeriod(Date.parse('2026-11-08T00:00Z'), Date.parse('2026-11-15T00:00Z')) // the week 1–8 November
 */
export function previousPeriod(fromMs: number, toMs: number): { from: number; to: number } {
  return { from: fromMs - (toMs - fromMs), to: fromMs }
}
