/**
 * Money: the one definition of each money figure (CONTRACT.md, "Money: one definition each"). Cost
 * incurred in a range, return per $1 in a period and to date, and the payback curve and month. Every
 * surface (API, dashboard, readiness, digests, CSV) shows what these functions return; none computes
 * money again.
 *
 * Amounts are in units of the initiative's currency (decimal), rounded to its minor unit where a
 * function says so; instants are epoch milliseconds; months and days follow the organisation's zone.
 *
 * @module
 */

import { currencyExponent } from './currency.js'
import { bucketStart, localMonthString, nextBucketStart } from './time-buckets.js'

/** What an initiative costs and when it ran: the inputs of every cost figure. */
export interface CostTerms {
  /** Charged once, on the start instant. */
  upfrontCost: number
  /** Charged per calendar month, spread evenly over that month's length (pro rata to the instant). */
  monthlyCost: number
  /** The start: `startedAt`, the first instant of that local day. */
  startedAtMs: number
  /** The first change to `retired`, or null while it runs. Nothing is charged from then on. */
  retiredAtMs: number | null
}

/** Money is compared to the half cent, so float noise cannot flip a payback verdict. */
export const MONEY_TOLERANCE = 0.005

/** The payback month as every surface shows it. */
export interface PaybackMonth {
  /** Local calendar month, `YYYY-MM`. */
  month: string
  /** True when the month is projected (continued from the trailing full months), not yet reached. */
  projected: boolean
  /** The start month counts as month 1. */
  monthsFromStart: number
}

/** One month of the payback curve (`GET /api/v1/initiatives/:slug/payback`). */
export interface PaybackCurveMonth {
  /** Local calendar month, `YYYY-MM`. */
  month: string
  /** Value delivered in the month (projected: the trailing full months' average). */
  value: number
  /** Cost incurred in the month (the start month includes the upfront cost). */
  cost: number
  /** Value from the start to the end of the month. */
  cumulativeValue: number
  /** Cost from the start to the end of the month. */
  cumulativeCost: number
  projected: boolean
}

/** The payback curve and what it says. */
export interface PaybackCurve {
  /** Full months (actual) from the start month, then projected months up to the payback month. */
  months: PaybackCurveMonth[]
  /** The month in progress, as of now (actual, partial), or null when there is none (retired, or no start yet). */
  monthToDate: PaybackCurveMonth | null
  paybackMonth: PaybackMonth | null
  /** Value from the start to now: the full months plus the month in progress. */
  valueToDate: number
  /** Cost from the start to now ({@link costToDate}). */
  costToDate: number
  /** valueToDate ÷ costToDate, or null when nothing was spent. */
  returnToDate: number | null
}

/**
 * Rounds to the currency's minor unit (float noise from pro-rata cost or hours × rate never shows).
 *
 * @example roundMoney(10.005000001, 'USD') // 10.01
 */
export function roundMoney(amount: number, currency: string): number {
  const e = currencyExponent(currency)
  const r = Math.round(amount * 10 ** e) / 10 ** e
  return r === 0 ? 0 : r
}

/** Month ends by zone and month start: a payback curve asks for the same ones over and over. */
const monthEnds = new Map<string, Map<number, number>>()

/** `nextBucketStart(m, 'month', zone)`, remembered (a pure function of its arguments). */
function nextMonthStart(m: number, zone: string): number {
  let byStart = monthEnds.get(zone)
  if (byStart === undefined) {
    byStart = new Map()
    monthEnds.set(zone, byStart)
  }
  let next = byStart.get(m)
  if (next === undefined) {
    if (byStart.size >= 100_000) byStart.clear()
    next = nextBucketStart(m, 'month', zone)
    byStart.set(m, next)
  }
  return next
}

/**
 * Cumulative cost from the start up to the instant `atMs` (not rounded): 0 up to and including the
 * start instant; after it the upfront cost plus, for each local calendar month, the monthly cost ×
 * (time the initiative ran in that month ÷ the month's length). It runs from the start until it was
 * retired. DST months are as long as they are (a 743-hour October costs its monthly cost in full).
 *
 * @example cumulativeCostAt({ upfrontCost: 1000, monthlyCost: 300, startedAtMs: Date.parse('2026-04-01T00:00Z'), retiredAtMs: null }, Date.parse('2026-04-16T00:00Z'), 'UTC') // 1150
 */
export function cumulativeCostAt(terms: CostTerms, atMs: number, zone: string): number {
  const { startedAtMs: start } = terms
  if (!(atMs > start)) return 0
  const end = Math.min(atMs, terms.retiredAtMs ?? Infinity)
  let running = 0
  if (terms.monthlyCost !== 0 && end > start) {
    for (let m = bucketStart(start, 'month', zone); m < end; ) {
      const next = nextMonthStart(m, zone)
      const overlap = Math.min(next, end) - Math.max(m, start)
      if (overlap > 0) running += overlap / (next - m)
      m = next
    }
  }
  return terms.upfrontCost + terms.monthlyCost * running
}

/**
 * Cost incurred in `[fromMs, toMs)`, rounded to the minor unit: each month's monthly cost spread over
 * its length for the part of the range on which the initiative ran (from its start until retired,
 * never past `nowMs`), plus the upfront cost when the start falls in the range. 0 for a range before
 * the start or after retirement.
 *
 * @example costIncurred({ upfrontCost: 1000, monthlyCost: 300, startedAtMs: Date.parse('2026-04-01T00:00Z'), retiredAtMs: null }, { fromMs: Date.parse('2026-04-16T00:00Z'), toMs: Date.parse('2026-05-01T00:00Z'), nowMs: Date.parse('2026-06-01T00:00Z') }, 'USD', 'UTC') // 150
 */
export function costIncurred(terms: CostTerms, range: { fromMs: number; toMs: number; nowMs: number }, currency: string, zone: string): number {
  const to = Math.min(range.toMs, range.nowMs)
  const from = Math.min(range.fromMs, to)
  return roundMoney(cumulativeCostAt(terms, to, zone) - cumulativeCostAt(terms, from, zone), currency)
}

/**
 * Cost to date: everything incurred from the start up to `asOfMs` (the end of a range or now,
 * whichever is earlier), rounded to the minor unit.
 *
 * @example costToDate({ upfrontCost: 1000, monthlyCost: 300, startedAtMs: Date.parse('2026-04-01T00:00Z'), retiredAtMs: null }, Date.parse('2026-05-01T00:00Z'), 'USD', 'UTC') // 1300
 */
export function costToDate(terms: CostTerms, asOfMs: number, currency: string, zone: string): number {
  return roundMoney(cumulativeCostAt(terms, asOfMs, zone), currency)
}

/**
 * Return per $1: value ÷ cost for the same span (a period's value over the same period's cost, or
 * value to date over cost to date), the figure comparable with the field's "$1.41 for every $1".
 * Rounded to 6 decimals; null when the cost is not positive (no spend to return on).
 *
 * @example returnPerDollar(14100, 10000) // 1.41
 */
export function returnPerDollar(value: number, cost: number): number | null {
  if (!(cost > 0)) return null
  return Math.round((value / cost) * 1e6) / 1e6
}

/**
 * Whether an initiative is in the range `[fromMs, toMs)` at all: it had started by the end of the range
 * (and by now) and was not retired before the range began. An initiative that is not in a range has
 * no cost and no value there and is left out of that range's tallies.
 *
 * @example inRange({ startedAtMs: Date.parse('2027-01-01T00:00Z'), retiredAtMs: null }, { fromMs: Date.parse('2026-11-01T00:00Z'), toMs: Date.parse('2026-12-01T00:00Z'), nowMs: Date.parse('2026-12-06T00:00Z') }) // false
 */
export function inRange(terms: Pick<CostTerms, 'startedAtMs' | 'retiredAtMs'>, range: { fromMs: number; toMs: number; nowMs: number }): boolean {
  if (!(terms.startedAtMs < Math.min(range.toMs, range.nowMs))) return false
  return terms.retiredAtMs === null || terms.retiredAtMs > range.fromMs
}

/**
 * The local calendar months from the start month to the month holding `asOfMs − 1` (the month in
 * progress), as `[start, end)` instants clipped to `asOfMs`: the ranges whose value
 * {@link paybackCurve} needs. Empty when `asOfMs` is not after the start.
 *
 * @example curveMonthRanges(Date.parse('2026-04-10T00:00Z'), Date.parse('2026-05-15T00:00Z'), 'UTC').length // 2 (April, May to the 15th)
 */
export function curveMonthRanges(startedAtMs: number, asOfMs: number, zone: string): Array<[number, number]> {
  const out: Array<[number, number]> = []
  if (!(asOfMs > startedAtMs)) return out
  for (let m = bucketStart(startedAtMs, 'month', zone); m < asOfMs; m = nextBucketStart(m, 'month', zone)) {
    out.push([m, Math.min(nextBucketStart(m, 'month', zone), asOfMs)])
  }
  return out
}

/** Most projected months looked at: 50 years. */
export const MAX_PROJECTED_MONTHS = 600

/** How many trailing full months the projection averages. */
export const TRAILING_MONTHS = 3

/** One month's actual figures, the input of {@link paybackFromMonths}. */
export interface CurveMonthInput {
  /** Local calendar month, `YYYY-MM`; consecutive from the start month. */
  month: string
  /** Value delivered in the month (to now for the month in progress). */
  value: number
  /** Cost incurred in the month (to now for the month in progress; the start month includes the upfront cost). */
  cost: number
  /** False for the month in progress (its figures are partial and never used for the projection). */
  full: boolean
}

/**
 * The actual months of one initiative's curve, as of `asOfMs` (the end of the range or now, whichever
 * is earlier): `values[k]` is the value delivered in the k-th range of {@link curveMonthRanges}; a
 * month's cost is the difference of {@link cumulativeCostAt} at its end and at the previous month's
 * end, each rounded, so rows add up to the cent and their sum is {@link costToDate}.
 *
 * @example initiativeCurveMonths({ upfrontCost: 0, monthlyCost: 100, startedAtMs: Date.parse('2026-01-01T00:00Z'), retiredAtMs: null }, [50, 300, 20], Date.parse('2026-03-11T00:00Z'), 'USD', 'UTC')[2] // { month: '2026-03', value: 20, cost: 32.26, full: false }
 */
export function initiativeCurveMonths(terms: CostTerms, values: readonly number[], asOfMs: number, currency: string, zone: string): CurveMonthInput[] {
  const ranges = curveMonthRanges(terms.startedAtMs, asOfMs, zone)
  if (values.length !== ranges.length) throw new RangeError(`a payback curve needs one value per month from the start month to the month in progress: ${ranges.length} months, got ${values.length} values`)
  let before = 0
  return ranges.map(([m, end], k) => {
    const at = roundMoney(cumulativeCostAt(terms, end, zone), currency)
    const cost = roundMoney(at - before, currency)
    before = at
    return { month: localMonthString(m, zone), value: roundMoney(values[k], currency), cost, full: end === nextMonthStart(m, zone) }
  })
}

/**
 * Adds curves month by month (the portfolio's curve is the sum of its initiatives'): months are
 * aligned by name; a month is full only when it is full in every curve that has it.
 *
 * @example sumCurveMonths([[{ month: '2026-01', value: 1, cost: 2, full: true }], [{ month: '2026-01', value: 3, cost: 4, full: true }]], 'USD') // [{ month: '2026-01', value: 4, cost: 6, full: true }]
 */
export function sumCurveMonths(curves: ReadonlyArray<readonly CurveMonthInput[]>, currency: string): CurveMonthInput[] {
  const byMonth = new Map<string, CurveMonthInput>()
  for (const curve of curves) {
    for (const r of curve) {
      const m = byMonth.get(r.month)
      if (m === undefined) byMonth.set(r.month, { ...r })
      else {
        m.value = roundMoney(m.value + r.value, currency)
        m.cost = roundMoney(m.cost + r.cost, currency)
        m.full = m.full && r.full
      }
    }
  }
  const out = [...byMonth.values()].sort((a, b) => a.month.localeCompare(b.month))
  // Fill gaps (an initiative retired, another not yet started) so the months stay consecutive.
  for (let k = 1; k < out.length; k++) {
    const expected = monthName(monthIndex(out[k - 1].month) + 1)
    if (out[k].month !== expected) out.splice(k, 0, { month: expected, value: 0, cost: 0, full: true })
  }
  return out
}

/**
 * The payback curve, the payback month and the to-date figures from actual months (see
 * {@link initiativeCurveMonths}, {@link sumCurveMonths}):
 * - cumulative value and cost are taken at the end of each month from the first;
 * - payback is the first month at whose end value ≥ cost − half a cent (for the month in progress:
 *   as of now);
 * - otherwise the curve continues from the end of the last *full* month: each projected month, from
 *   the month in progress on, adds the average value of the trailing three full months (fewer if there
 *   are fewer) and `monthlyCost`; the first projected month at whose end value ≥ cost is the projected
 *   payback. Null when there is no full month, when the average does not exceed `monthlyCost`, when
 *   the month is more than 50 years out, or when `project` is false (a retired initiative's curve ends).
 * `months` lists the full months, then the projected months up to the payback month (none without a
 * projected payback); `monthToDate` is the month in progress; the to-date figures sum every actual month.
 *
 * @example paybackFromMonths([{ month: '2026-01', value: 50, cost: 100, full: true }, { month: '2026-02', value: 300, cost: 100, full: true }], { monthlyCost: 100, project: true, currency: 'USD' }).paybackMonth // { month: '2026-02', projected: false, monthsFromStart: 2 }
 */
export function paybackFromMonths(actual: readonly CurveMonthInput[], opts: { monthlyCost: number; project: boolean; currency: string }): PaybackCurve {
  const e = currencyExponent(opts.currency)
  const minor = (x: number) => Math.round(x * 10 ** e)
  const major = (x: number) => (x === 0 ? 0 : x / 10 ** e)
  const reached = (v: number, c: number) => major(v) >= major(c) - MONEY_TOLERANCE
  const months: PaybackCurveMonth[] = []
  let monthToDate: PaybackCurveMonth | null = null
  let cumValue = 0 // minor units: exact sums
  let cumCost = 0
  let payback: PaybackMonth | null = null
  actual.forEach((r, k) => {
    cumValue += minor(r.value)
    cumCost += minor(r.cost)
    const row: PaybackCurveMonth = { month: r.month, value: major(minor(r.value)), cost: major(minor(r.cost)), cumulativeValue: major(cumValue), cumulativeCost: major(cumCost), projected: false }
    if (r.full) months.push(row)
    else monthToDate = row
    if (payback === null && (cumValue !== 0 || cumCost !== 0) && reached(cumValue, cumCost)) payback = { month: r.month, projected: false, monthsFromStart: k + 1 }
  })
  const toDate = { valueToDate: major(cumValue), costToDate: major(cumCost), returnToDate: returnPerDollar(major(cumValue), major(cumCost)) }
  const fullCount = months.length
  if (payback === null && fullCount > 0 && opts.project) {
    const trailing = months.slice(-TRAILING_MONTHS)
    const average = Math.round(trailing.reduce((s, r) => s + minor(r.value), 0) / trailing.length)
    const monthly = minor(opts.monthlyCost)
    if (average > monthly) {
      const last = months[fullCount - 1]
      let v = minor(last.cumulativeValue)
      let c = minor(last.cumulativeCost)
      const first = monthIndex(last.month) + 1
      const projected: PaybackCurveMonth[] = []
      for (let n = 1; n <= MAX_PROJECTED_MONTHS; n++) {
        v += average
        c += monthly
        const month = monthName(first + n - 1)
        projected.push({ month, value: major(average), cost: major(monthly), cumulativeValue: major(v), cumulativeCost: major(c), projected: true })
        if (reached(v, c)) {
          payback = { month, projected: true, monthsFromStart: fullCount + n }
          months.push(...projected)
          break
        }
      }
    }
  }
  return { months, monthToDate, paybackMonth: payback, ...toDate }
}

/**
 * One initiative's payback curve as of `asOfMs`: {@link initiativeCurveMonths} then
 * {@link paybackFromMonths}, projecting at its monthly cost unless it was retired by then.
 *
 * @example paybackCurve({ upfrontCost: 0, monthlyCost: 100, startedAtMs: Date.parse('2026-01-01T00:00Z'), retiredAtMs: null }, [50, 300], Date.parse('2026-03-01T00:00Z'), 'USD', 'UTC').paybackMonth // { month: '2026-02', projected: false, monthsFromStart: 2 }
 */
export function paybackCurve(terms: CostTerms, values: readonly number[], asOfMs: number, currency: string, zone: string): PaybackCurve {
  const retired = terms.retiredAtMs !== null && terms.retiredAtMs <= asOfMs
  return paybackFromMonths(initiativeCurveMonths(terms, values, asOfMs, currency, zone), { monthlyCost: terms.monthlyCost, project: !retired, currency })
}

function monthName(index: number): string {
  const year = Math.floor(index / 12)
  return `${String(year).padStart(4, '0')}-${String(index - year * 12 + 1).padStart(2, '0')}`
}

function monthIndex(month: string): number {
  const m = /^(\d{4})-(\d{2})$/.exec(month)
  if (m === null) throw new RangeError(`Invalid month "${month}": expected YYYY-MM`)
  return Number(m[1]) * 12 + Number(m[2]) - 1
}
