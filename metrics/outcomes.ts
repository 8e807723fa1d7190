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

import { localMonthString } from './time-buckets.js'

/** Status of one metric against its target, for the summary and the digest. */
export type TargetStatus = 'on_track' | 'at_risk' | 'off_track' | 'no_target' | 'no_data'

/** Whether more of a metric is better (time saved, revenue) or less (error rate, latency). */
export type TargetDirection = 'higher' | 'lower'

/** One calendar month of an initiative, as input to {@link paybackMonth}. */
export interface MonthFigures {
  /** Local calendar month, `YYYY-MM`. */
  month: string
  /** Value delivered in the month (see {@link valueTotal}). */
  value: number
  /** Cost incurred in the month (usually the monthly cost). */
  cost: number
}

/** Result of {@link paybackMonth}. */
export interface Payback {
  /** The month whose end sees cumulative value reach cumulative cost, `YYYY-MM`. */
  month: string
  /** True when the month lies after the data, projected from the trailing months' net value. */
  projected: boolean
  /** Payback period in months, counting the start month as month 1. */
  monthsFromStart: number
}

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
 * Calendar months begun from the start to `asOfMs`, in `zone`: (asOf's local year × 12 + month) −
 * (start's) + 1, so the start month counts whole from its first instant (started 15 January, as of
 * 1 February → 2). 0 when asOf is before the start.
 *
 * @example monthsBegun(Date.parse('2026-01-15T00:00Z'), Date.parse('2026-02-01T00:00Z'), 'UTC') // 2
 */
export function monthsBegun(startedAtMs: number, asOfMs: number, zone: string): number {
  if (asOfMs < startedAtMs) return 0
  return monthIndex(localMonthString(asOfMs, zone)) - monthIndex(localMonthString(startedAtMs, zone)) + 1
}

/**
 * Cost to date: upfront + monthly × {@link monthsBegun} (a month begun counts whole). Before the start
 * no month has begun, so the cost is the upfront cost alone. Missing costs count as 0; without a
 * start date only the upfront cost is known.
 *
 * @example costToDate({ upfrontCost: 20000, monthlyCost: 1500, startedAtMs: Date.parse('2026-01-15T00:00Z'), asOfMs: Date.parse('2026-03-02T00:00Z'), zone: 'UTC' }) // 24500
 */
export function costToDate(input: {
  upfrontCost?: number | null
  monthlyCost?: number | null
  startedAtMs: number | null
  asOfMs: number
  zone: string
}): number {
  const upfront = input.upfrontCost ?? 0
  if (input.startedAtMs === null) return upfront
  return upfront + (input.monthlyCost ?? 0) * monthsBegun(input.startedAtMs, input.asOfMs, input.zone)
}

/**
 * Return per dollar: value ÷ cost, the figure behind "$1.41 for every $1". Null when the cost is 0
 * or negative (no spend to return on).
 *
 * @example returnPerDollar(14100, 10000) // 1.41
 */
export function returnPerDollar(value: number, cost: number): number | null {
  if (!(cost > 0)) return null
  return value / cost
}

/** Relative slack when comparing sums of money, so float noise (0.1 + 0.2) cannot flip the verdict. */
const MONEY_EPSILON = 1e-9

/**
 * The payback month: the first month at whose end cumulative value ≥ cumulative cost (upfront cost
 * included from the start), ignoring leading months with neither value nor cost. If that has not
 * happened yet, it is projected from the average net (value − cost) of the trailing `trailingMonths`
 * months (default 3, fewer if there are fewer): the remaining gap ÷ that average, rounded up, counted
 * in months after the last one, and marked `projected`. Null when there are no months, when the
 * average net is ≤ 0 (never pays back at this rate), or when the projection lies beyond
 * `maxProjectedMonths` (default 600) months. `months` must be consecutive calendar months from the
 * start month (RangeError otherwise).
 *
 * @example paybackMonth({ months: [{ month: '2026-01', value: 100, cost: 300 }, { month: '2026-02', value: 400, cost: 100 }] }) // { month: '2026-02', projected: false, monthsFromStart: 2 }
 */
export function paybackMonth(input: {
  months: readonly MonthFigures[]
  upfrontCost?: number | null
  trailingMonths?: number
  maxProjectedMonths?: number
}): Payback | null {
  const { months } = input
  const trailing = input.trailingMonths ?? 3
  const maxProjected = input.maxProjectedMonths ?? 600
  if (!(Number.isInteger(trailing) && trailing >= 1)) throw new RangeError(`trailingMonths must be a positive integer, got ${trailing}`)
  if (months.length === 0) return null
  const first = monthIndex(months[0].month)
  months.forEach((m, i) => {
    if (monthIndex(m.month) !== first + i) {
      throw new RangeError(`paybackMonth needs consecutive months from the start: ${m.month} is out of sequence`)
    }
  })
  let value = 0
  let cost = input.upfrontCost ?? 0
  for (let i = 0; i < months.length; i++) {
    value += months[i].value
    cost += months[i].cost
    const started = cost > 0 || value > 0
    if (started && value >= cost - MONEY_EPSILON * Math.max(1, Math.abs(cost))) {
      return { month: months[i].month, projected: false, monthsFromStart: i + 1 }
    }
  }
  const recent = months.slice(-trailing)
  const averageNet = recent.reduce((sum, m) => sum + (m.value - m.cost), 0) / recent.length
  if (!(averageNet > 0)) return null
  const gap = cost - value
  const ahead = Math.max(1, Math.ceil(gap / averageNet - MONEY_EPSILON))
  if (ahead > maxProjected) return null
  const last = months.length - 1
  return {
    month: monthString(first + last + ahead),
    projected: true,
    monthsFromStart: last + 1 + ahead,
  }
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

/**
 * Relative change from `previous` to `current`, as a fraction ((current − previous) / |previous|:
 * 0.25 means +25 %, ready for `Intl.NumberFormat` with `style: 'percent'`). The sign follows the
 * metric, not its goodness. Null when either is missing or previous is 0.
 *
 * @example percentChange(125, 100) // 0.25
 */
export function percentChange(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null
  return (current - previous) / Math.abs(previous)
}

const MONTH_RE = /^(\d{4})-(\d{2})$/

function monthIndex(month: string): number {
  const m = MONTH_RE.exec(month)
  const mm = m === null ? 0 : Number(m[2])
  if (m === null || mm < 1 || mm > 12) throw new RangeError(`Invalid month "${month}": expected YYYY-MM`)
  return Number(m[1]) * 12 + mm - 1
}

function monthString(index: number): string {
  const year = Math.floor(index / 12)
  const month = index - year * 12 + 1
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`
}
