/**
 * From exact aggregates to the numbers people read: hours, rates, money, percentiles and the outcome
 * math of metrics/outcomes.ts. Pure; shared by /series, /summary, readiness, digests and CSV.
 */
import { fromMinorUnits } from './currency.js'
import { roundMoney } from './money.js'
import { decisionsAccelerated, errorsAvoided, timeSavedValue, valueTotal } from './outcomes.js'
import { keepsSketch, METRICS, type Metric } from './metric-kinds.js'
import { LatencySketch } from './sketch.js'
import { bucketStarts, nextBucketStart } from './time-buckets.js'

export { roundMoney }

/** The exact sums of one metric over some events (what rollups store and reads merge). */
export interface Aggregate {
  count: number
  /** Milliseconds (durations) or minor units (money); exact integer sum. */
  quantitySum: number
  errorsSum: number
  totalSum: number
  /** Kinds aggregated as percentiles only (decision_latency): values in seconds. */
  sketch: LatencySketch | null
}

/** What turns an initiative's measurements into money. */
export interface ValueTerms {
  currency: string
  /** Value of one hour saved, or null when unknown. */
  hourlyValue: number | null
  /** Value of one error avoided, or null when unknown. */
  costPerError: number | null
  baselines: { errorRate: number | null; decisionLatencySeconds: number | null }
}

export const MS_PER_HOUR = 3_600_000

/**
 * Sums several aggregates: the only one present as it is (read-only: it may be shared with the read
 * cache), or a new one with the sketches merged into a fresh sketch; inputs untouched.
 */
export function sumAggregates(parts: Array<Aggregate | undefined>, metric: string): Aggregate {
  const present = parts.filter((p) => p !== undefined)
  // One part (the usual case): itself, no copy of its sketch (callers only read the result).
  if (present.length === 1) return present[0]
  const out: Aggregate = { count: 0, quantitySum: 0, errorsSum: 0, totalSum: 0, sketch: keepsSketch(metric) ? new LatencySketch() : null }
  for (const p of parts) {
    if (!p) continue
    out.count += p.count
    out.quantitySum += p.quantitySum
    out.errorsSum += p.errorsSum
    out.totalSum += p.totalSum
    if (out.sketch && p.sketch) out.sketch.merge(p.sketch)
  }
  return out
}

/** Rounds for display without losing meaning (rates, hours, seconds): 6 significant decimals. */
export function round6(x: number | null): number | null {
  return x === null ? null : Math.round(x * 1e6) / 1e6
}

/**
 * A monthly target scaled to [from, to): the sum over the local months it touches of the target ×
 * the share of that month covered. A whole calendar month gets exactly the monthly target.
 * @example scaleMonthlyTarget(30, Date.parse('2026-04-01T00:00Z'), Date.parse('2026-04-16T00:00Z'), 'UTC') // 15
 */
export function scaleMonthlyTarget(monthly: number | null, from: number, to: number, zone: string): number | null {
  if (monthly === null) return null
  if (to <= from) return 0
  let share = 0
  for (const m of bucketStarts(from, to, 'month', zone)) {
    const end = nextBucketStart(m, 'month', zone)
    share += (Math.min(end, to) - Math.max(m, from)) / (end - m)
  }
  return monthly * share
}

/** The period figures of one initiative (or one stage of it). */
export interface PeriodFigures {
  eventCount: number
  timeSavedHours: number
  timeSavedValue: number | null
  errorRate: number | null
  errors: number
  total: number
  errorsAvoided: number | null
  revenueInfluenced: number
  decisionLatencyP50: number | null
  decisionLatencyP90: number | null
  decisionLatencyMean: number | null
  decisionCount: number
  decisionsAccelerated: number | null
  valueTotal: number
}

/** Every metric kind's aggregate of one initiative in one period (metrics/metric-kinds.ts). */
export type MetricAggregates = Record<Metric, Aggregate>

/**
 * The value total of a period from the sums it depends on (rounded to the currency's minor unit):
 * value of time (Σms / 3.6e6 × hourly value) + revenue (Σminor units) + errors avoided (baseline rate ×
 * Σtotal − Σerrors) × cost per error. The `valueTotal` of {@link periodFigures}, without the rest.
 * @example periodValue(initiative, { timeSavedMs: 7_200_000, revenueMinor: 0, errors: 0, total: 0 }) // 2 h × hourly value
 */
export function periodValue(i: ValueTerms, sums: { timeSavedMs: number; revenueMinor: number; errors: number; total: number }): number {
  const tsv = timeSavedValue(sums.timeSavedMs / MS_PER_HOUR, i.hourlyValue)
  const avoided = errorsAvoided(i.baselines.errorRate, sums.errors, sums.total)
  return roundMoney(valueTotal({ timeSavedValue: tsv, revenueInfluenced: fromMinorUnits(sums.revenueMinor, i.currency), errorsAvoided: avoided, costPerError: i.costPerError }), i.currency)
}

/**
 * Computes an initiative's period figures from its exact aggregates:
 * hours = Σms / 3.6e6; value of time = hours × hourly value; error rate = Σerrors / Σtotal;
 * errors avoided = baseline rate × Σtotal − Σerrors; revenue = Σminor units in currency units;
 * p50/p90 from the merged sketch; decisions accelerated = decisions faster than the baseline latency;
 * value total = value of time + revenue + errors avoided × cost per error.
 * @example periodFigures(initiative, aggregates).valueTotal
 */
export function periodFigures(i: ValueTerms, a: MetricAggregates): PeriodFigures {
  const hours = a.time_saved.quantitySum / MS_PER_HOUR
  const tsv = timeSavedValue(hours, i.hourlyValue)
  const revenue = fromMinorUnits(a.revenue_influenced.quantitySum, i.currency)
  const avoided = errorsAvoided(i.baselines.errorRate, a.error_rate.errorsSum, a.error_rate.totalSum)
  const sketch = a.decision_latency.sketch
  const decisions = a.decision_latency.count
  const baselineLatency = i.baselines.decisionLatencySeconds
  const accelerated = decisionsAccelerated({ baselineSeconds: baselineLatency, fasterThanBaseline: sketch && baselineLatency !== null ? sketch.countBelow(baselineLatency) : 0, decisions })
  return {
    eventCount: METRICS.reduce((n, m) => n + a[m].count, 0),
    timeSavedHours: round6(hours)!,
    timeSavedValue: tsv === null ? null : roundMoney(tsv, i.currency),
    errorRate: a.error_rate.totalSum > 0 ? a.error_rate.errorsSum / a.error_rate.totalSum : null,
    errors: a.error_rate.errorsSum,
    total: a.error_rate.totalSum,
    errorsAvoided: round6(avoided),
    revenueInfluenced: revenue,
    decisionLatencyP50: round6(sketch?.quantile(0.5) ?? null),
    decisionLatencyP90: round6(sketch?.quantile(0.9) ?? null),
    decisionLatencyMean: decisions > 0 ? round6(a.decision_latency.quantitySum / decisions / 1000) : null,
    decisionCount: decisions,
    decisionsAccelerated: accelerated?.count ?? null,
    valueTotal: periodValue(i, { timeSavedMs: a.time_saved.quantitySum, revenueMinor: a.revenue_influenced.quantitySum, errors: a.error_rate.errorsSum, total: a.error_rate.totalSum }),
  }
}

/** A chart bucket's figures of one metric; which fields are present depends on the metric. */
export interface PointValues {
  value: number | null
  count: number
  /** time_saved: the hours' value (hours × hourly value), or null without an hourly value. */
  valueMoney?: number | null
  errors?: number
  total?: number
  /** error_rate: errors avoided in the bucket against the baseline rate, or null without a baseline. */
  errorsAvoided?: number | null
  p90?: number | null
  mean?: number | null
  /** decision_latency: decisions in the bucket faster than the baseline latency, or null without one. */
  decisionsAccelerated?: number | null
}

/**
 * One bucket's figures of one metric, by the same rules as {@link periodFigures}: hours and their
 * value; the error rate Σerrors ÷ Σtotal and errors avoided; revenue in currency units; p50 (the
 * value), p90 and mean latency in seconds and the decisions faster than the baseline.
 * @example pointFigures('error_rate', { count: 2, quantitySum: 0, errorsSum: 3, totalSum: 100, sketch: null }, terms) // { value: 0.03, errors: 3, total: 100, errorsAvoided: … }
 */
export function pointFigures(metric: Metric, a: Aggregate, i: ValueTerms): PointValues {
  switch (metric) {
    case 'time_saved': {
      const hours = a.quantitySum / MS_PER_HOUR
      const worth = timeSavedValue(hours, i.hourlyValue)
      return { value: round6(hours), count: a.count, valueMoney: worth === null ? null : roundMoney(worth, i.currency) }
    }
    case 'error_rate':
      return { value: a.totalSum > 0 ? a.errorsSum / a.totalSum : null, count: a.count, errors: a.errorsSum, total: a.totalSum, errorsAvoided: round6(errorsAvoided(i.baselines.errorRate, a.errorsSum, a.totalSum)) }
    case 'revenue_influenced':
      return { value: fromMinorUnits(a.quantitySum, i.currency), count: a.count }
    case 'decision_latency': {
      const baseline = i.baselines.decisionLatencySeconds
      const accelerated = decisionsAccelerated({ baselineSeconds: baseline, fasterThanBaseline: a.sketch && baseline !== null ? a.sketch.countBelow(baseline) : 0, decisions: a.count })
      return { value: round6(a.sketch?.quantile(0.5) ?? null), count: a.count, p90: round6(a.sketch?.quantile(0.9) ?? null), mean: a.count > 0 ? round6(a.quantitySum / a.count / 1000) : null, decisionsAccelerated: accelerated?.count ?? null }
    }
  }
}
