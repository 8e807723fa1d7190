/**
 * The metric kinds as one table every other place reads: event validation (metrics/kinds.ts), the
 * API's enum, rollups (which kinds keep a latency sketch), /series and /summary (display unit, target,
 * baseline, which kinds carry money value), readiness and alerts (direction, words), the dashboard's
 * charts, selects and tiles, and the benchmarks. Pure data: no imports.
 *
 * Adding a metric kind is a change to {@link METRIC_TABLE} plus its rollup state (the aggregate its
 * {@link MetricKindSpec.aggregation} keeps), nowhere else.
 *
 * Storage units: durations are integer milliseconds (exact sums; the API speaks seconds, minutes and
 * hours), money is integer minor units of the initiative's currency (exact sums), error counts are
 * integers.
 *
 * @module
 */

/** A duration unit an event may be sent in. */
export type DurationUnit = 'seconds' | 'minutes' | 'hours'
/** Milliseconds in one of each {@link DurationUnit}. */
export const DURATION_MS: Record<DurationUnit, number> = { seconds: 1_000, minutes: 60_000, hours: 3_600_000 }

/** 1,000,000 hours in milliseconds: the longest duration one event may carry. */
export const MAX_DURATION_MS = 3_600_000_000_000
/** 10^13 minor units (100 billion in a two-decimal currency): the largest amount one event may carry. */
export const MAX_MONEY_MINOR = 10_000_000_000_000
/** The most errors or items one error_rate event may count. */
export const MAX_COUNT = 1_000_000_000

/** One metric kind: how its events are sent and stored, aggregated, judged and named. */
export interface MetricKindSpec {
  /** What the value measures, for people ("Time saved"): selects, error messages. */
  label: string
  /** The chart's and tile's noun for the figure shown ("Hours saved", "Median decision latency"). */
  noun: string
  /** The kind in a phrase about its data ("no time-saved data", "No time-saved events"). */
  dataWord: string
  /** How a stored quantity is kept: milliseconds, minor currency units, or errors/total counts. */
  storage: 'milliseconds' | 'minor_units' | 'counts'
  /** The `unit` values an event may carry; empty when it takes none (money, counts). */
  eventUnits: readonly DurationUnit[]
  /** Unit assumed when an event gives none (durations only). */
  defaultUnit: DurationUnit | null
  /** The unit of the figures /series answers with (its `unit` field). */
  displayUnit: 'hours' | 'ratio' | 'currency' | 'seconds'
  /** Whether a higher or a lower figure is the better outcome. */
  direction: 'higher' | 'lower'
  /**
   * How a period's events become one figure: `sum` (Σ quantity; an empty bucket is 0), `rate`
   * (Σ errors / Σ total; an empty bucket is a gap) or `percentiles` (median and p90 from a latency
   * sketch the rollups keep; an empty bucket is a gap).
   */
  aggregation: 'sum' | 'rate' | 'percentiles'
  /** Whether the kind adds money to an initiative's value total (time × hourly value, revenue, errors avoided). */
  carriesValue: boolean
  /** Whether negative values are allowed (refunds may make revenue negative). */
  allowNegative: boolean
  /**
   * The largest stored amount of one event, in storage units (|amount| for money; each of errors and
   * total for counts), checked after units are applied. Far above any real single outcome, and small
   * enough that millions of events fit in a bucket's sum (limits: docs/SECURITY.md "Values").
   */
  maxStored: number
  /** {@link maxStored} in the words of the API, for the error message. */
  maxStoredLabel: string
  /**
   * The initiative's target for the kind: its field in `targets`, and whether it is a monthly total
   * (scaled to each bucket's share of months) or a level every bucket should meet.
   */
  target: { field: string; per: 'month' | 'bucket' }
  /** The initiative's `baselines` field the kind is measured against, or null. */
  baseline: string | null
  /** The kind's key in /summary's `targets` and the readiness checks' target rows. */
  targetKey: string
  /** The period figure (/summary's row, a readiness month) that stands for the kind and is held against its target. */
  figure: string
}

/**
 * The metric kinds, in the order every list shows them. The keys are the stored and API names.
 * @example METRIC_TABLE.decision_latency.direction // 'lower'
 */
export const METRIC_TABLE = {
  time_saved: {
    label: 'Time saved', noun: 'Hours saved', dataWord: 'time-saved',
    storage: 'milliseconds', eventUnits: ['seconds', 'minutes', 'hours'], defaultUnit: 'minutes', displayUnit: 'hours',
    direction: 'higher', aggregation: 'sum', carriesValue: true, allowNegative: false,
    maxStored: MAX_DURATION_MS, maxStoredLabel: '1,000,000 hours (60,000,000 minutes)',
    target: { field: 'timeSavedHoursPerMonth', per: 'month' }, baseline: null, targetKey: 'timeSaved', figure: 'timeSavedHours',
  },
  error_rate: {
    label: 'Error rate', noun: 'Error rate', dataWord: 'error-rate',
    storage: 'counts', eventUnits: [], defaultUnit: null, displayUnit: 'ratio',
    direction: 'lower', aggregation: 'rate', carriesValue: true, allowNegative: false,
    maxStored: MAX_COUNT, maxStoredLabel: '1,000,000,000 items',
    target: { field: 'errorRate', per: 'bucket' }, baseline: 'errorRate', targetKey: 'errorRate', figure: 'errorRate',
  },
  revenue_influenced: {
    label: 'Revenue influenced', noun: 'Revenue influenced', dataWord: 'revenue',
    storage: 'minor_units', eventUnits: [], defaultUnit: null, displayUnit: 'currency',
    direction: 'higher', aggregation: 'sum', carriesValue: true, allowNegative: true,
    maxStored: MAX_MONEY_MINOR, maxStoredLabel: '10^13 minor units of the currency (100 billion USD)',
    target: { field: 'revenueInfluencedPerMonth', per: 'month' }, baseline: null, targetKey: 'revenueInfluenced', figure: 'revenueInfluenced',
  },
  decision_latency: {
    label: 'Decision latency', noun: 'Median decision latency', dataWord: 'decision-latency',
    storage: 'milliseconds', eventUnits: ['seconds', 'minutes', 'hours'], defaultUnit: 'seconds', displayUnit: 'seconds',
    direction: 'lower', aggregation: 'percentiles', carriesValue: false, allowNegative: false,
    maxStored: MAX_DURATION_MS, maxStoredLabel: '1,000,000 hours (3,600,000,000 seconds)',
    target: { field: 'decisionLatencySeconds', per: 'bucket' }, baseline: 'decisionLatencySeconds', targetKey: 'decisionLatency', figure: 'decisionLatencyP50',
  },
} as const satisfies Record<string, MetricKindSpec>

/** A metric kind's name, as stored and in the API. */
export type Metric = keyof typeof METRIC_TABLE
/** A metric kind's row, with its name. */
export type MetricKind<M extends Metric = Metric> = (typeof METRIC_TABLE)[M] & { metric: M }
/** The field of an initiative's `targets` some kind is judged against. */
export type TargetField = (typeof METRIC_TABLE)[Metric]['target']['field']
/** The field of an initiative's `baselines` some kind is measured against. */
export type BaselineField = NonNullable<(typeof METRIC_TABLE)[Metric]['baseline']>
/** A kind's key in /summary's `targets`. */
export type TargetKey = (typeof METRIC_TABLE)[Metric]['targetKey']
/** The period figure that stands for some kind. */
export type FigureField = (typeof METRIC_TABLE)[Metric]['figure']

/**
 * The metric names in table order (object keys that are not integers keep their insertion order).
 * @example METRICS // ['time_saved', 'error_rate', 'revenue_influenced', 'decision_latency']
 */
export const METRICS = Object.freeze(Object.keys(METRIC_TABLE)) as readonly [Metric, ...Metric[]]

/**
 * Each kind's row with its name, by name.
 * @example KINDS.time_saved.defaultUnit // 'minutes'
 */
export const KINDS: { readonly [M in Metric]: MetricKind<M> } = Object.freeze(
  Object.fromEntries(METRICS.map((m) => [m, Object.freeze({ ...METRIC_TABLE[m], metric: m })])),
) as { readonly [M in Metric]: MetricKind<M> }

/**
 * The kinds that add money to an initiative's value total, in table order.
 * @example VALUE_METRICS // ['time_saved', 'error_rate', 'revenue_influenced']
 */
export const VALUE_METRICS: readonly Metric[] = Object.freeze(METRICS.filter((m) => METRIC_TABLE[m].carriesValue))

/** A kind whose target is a monthly total: the figures that add up over a month. */
export type MonthlyMetric = { [M in Metric]: (typeof METRIC_TABLE)[M]['target']['per'] extends 'month' ? M : never }[Metric]

/**
 * The kinds with a monthly target, in table order (what a trajectory alert can project).
 * @example MONTHLY_METRICS // ['time_saved', 'revenue_influenced']
 */
export const MONTHLY_METRICS: readonly MonthlyMetric[] = Object.freeze(METRICS.filter((m): m is MonthlyMetric => METRIC_TABLE[m].target.per === 'month'))

/**
 * Whether `x` is one of the metric names.
 * @example isMetric('time_saved') // true
 * @example isMetric('errors_avoided') // false
 */
export function isMetric(x: unknown): x is Metric {
  return typeof x === 'string' && Object.hasOwn(METRIC_TABLE, x)
}

/**
 * Whether the kind's rollups keep a latency sketch (its figures are percentiles).
 * @example keepsSketch('decision_latency') // true
 */
export function keepsSketch(metric: string): boolean {
  return isMetric(metric) && METRIC_TABLE[metric].aggregation === 'percentiles'
}

/**
 * Whether an empty bucket of the kind reads as zero (sums) rather than as a gap (rates, percentiles).
 * @example emptyIsZero('revenue_influenced') // true
 * @example emptyIsZero('error_rate') // false
 */
export function emptyIsZero(metric: Metric): boolean {
  return METRIC_TABLE[metric].aggregation === 'sum'
}
