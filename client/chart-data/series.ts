/**
 * Outcome series (API points) → what one chart draws: the series in display units, baseline and
 * target per bucket, stage-change marks, the previous period aligned bucket by bucket, and the rows of
 * the data table behind the chart. Pure, tested in node with a fixed `now`.
 */
import type { Granularity, Initiative, Metric, Series } from '../api/types.js'
import { durationUnit, formatDate, formatDuration, formatHours, formatMoney, formatPercent, isFiniteNumber, type DurationUnit } from './format.js'
import { perBucket } from './range.js'
import { emptyIsZero, KINDS, METRICS } from '../../metrics/metric-kinds.js'

const DAY = 86_400_000

export interface XY {
  x: number
  y: number | null
}

export interface StageMark {
  x: number
  label: string
}

export interface TableRow {
  start: number
  end: number
  value: number | null
  count: number
  baseline: number | null
  target: number | null
}

export interface MetricChartModel {
  metric: Metric
  title: string
  /** Axis title with the unit ("hours", "%", "USD", "days"). */
  yTitle: string
  /** Better direction of the metric. */
  direction: 'higher' | 'lower'
  points: XY[]
  baseline: XY[] | null
  target: XY[] | null
  previous: XY[] | null
  marks: StageMark[]
  rows: TableRow[]
  /** Why there is nothing to draw, or null. */
  empty: string | null
  /** Formats a display-unit figure for tooltips and tables ("3.2 h", "4.1%", "$1,200"). */
  format: (y: number | null) => string
  /** The factor from API value to display value (e.g. 100 for rates shown as %, 1/3600 for s → h). */
  scale: number
  xMin: number
  xMax: number
}

/** Each metric's chart noun and the word for its events (metrics/metric-kinds.ts `noun`, `dataWord`). */
export const METRIC_WORDS: Record<Metric, { noun: string; events: string }> = Object.fromEntries(METRICS.map((m) => [m, { noun: KINDS[m].noun, events: KINDS[m].dataWord }])) as Record<Metric, { noun: string; events: string }>

/** Bucket ends: the API's `end`, else the next point's start, else start + granularity. */
function ends(series: Series, toMs: number): number[] {
  const pts = series.points
  return pts.map((p, i) => {
    if (p.end) return Date.parse(p.end)
    if (i + 1 < pts.length) return Date.parse(pts[i + 1].start)
    const s = Date.parse(p.start)
    const g: Record<Granularity, number> = { hour: 3_600_000, day: DAY, week: 7 * DAY, month: 30 * DAY }
    return Math.min(toMs, s + g[series.granularity])
  })
}

/**
 * Builds the chart model for one metric.
 * @example metricChartModel(series, initiative, { fromMs, toMs, timezone: 'UTC' })
 */
export function metricChartModel(series: Series, initiative: Initiative, range: { fromMs: number; toMs: number; timezone: string }): MetricChartModel {
  const metric = series.metric
  const g = series.granularity
  const pts = series.points ?? []
  const starts = pts.map((p) => Date.parse(p.start))
  const endMs = ends(series, range.toMs)
  const currency = initiative.currency
  let scale = 1
  let title: string
  let yTitle: string
  let format: (y: number | null) => string
  const direction = KINDS[metric].direction
  let baselineFor: ((i: number) => number | null) | null = null
  let targetFor: ((i: number) => number | null) | null = null
  // Monthly targets come scaled to each bucket by the server (metrics/figures.ts scaleMonthlyTarget): drawn as given.
  const serverTarget = (v: number | null) => (v === null || !isFiniteNumber(v) ? null : (i: number) => (isFiniteNumber(pts[i]?.target) ? pts[i].target! : null))

  if (metric === 'time_saved') {
    title = `Hours saved ${perBucket(g)}`
    yTitle = 'hours'
    format = (y) => formatHours(y)
    targetFor = serverTarget(initiative.targets.timeSavedHoursPerMonth)
  } else if (metric === 'error_rate') {
    title = `Error rate ${perBucket(g)}`
    yTitle = '% of items with an error'
    scale = 100
    format = (y) => (y === null ? formatPercent(null) : formatPercent(y / 100))
    const b = initiative.baselines.errorRate
    const t = initiative.targets.errorRate
    if (isFiniteNumber(b)) baselineFor = () => b * 100
    if (isFiniteNumber(t)) targetFor = () => t * 100
  } else if (metric === 'revenue_influenced') {
    title = `Revenue influenced ${perBucket(g)}`
    yTitle = currency
    format = (y) => formatMoney(y, currency)
    targetFor = serverTarget(initiative.targets.revenueInfluencedPerMonth)
  } else {
    const values = pts.map((p) => p.value).filter(isFiniteNumber)
    const ref = Math.max(0, ...values, initiative.baselines.decisionLatencySeconds ?? 0)
    const unit: DurationUnit = durationUnit(ref)
    scale = 1 / unit.seconds
    title = `Median time to a decision ${perBucket(g)}`
    yTitle = unit.label === 'h' ? 'hours' : unit.label === 'min' ? 'minutes' : unit.label === 's' ? 'seconds' : 'days'
    format = (y) => (y === null ? formatDuration(null) : formatDuration(y * unit.seconds))
    const b = initiative.baselines.decisionLatencySeconds
    const t = initiative.targets.decisionLatencySeconds
    if (isFiniteNumber(b)) baselineFor = () => b * scale
    if (isFiniteNumber(t)) targetFor = () => t * scale
  }

  const hasEvents = pts.some((p) => p.count > 0)
  const sums = emptyIsZero(metric)
  // A bucket without events sums to zero; a rate or a median of nothing is a gap, not zero.
  const y = (v: number | null | undefined, count: number) => (count > 0 && isFiniteNumber(v) ? v * scale : sums ? 0 : null)
  const points: XY[] = pts.map((p, i) => ({ x: starts[i], y: y(p.value, p.count) }))
  const rows: TableRow[] = pts.map((p, i) => ({
    start: starts[i],
    end: endMs[i],
    value: points[i].y,
    count: p.count,
    baseline: baselineFor ? baselineFor(i) : null,
    target: targetFor ? targetFor(i) : null,
  }))
  const line = (f: ((i: number) => number | null) | null): XY[] | null => {
    if (!f || pts.length === 0) return null
    const out = pts.map((_, i) => ({ x: starts[i], y: f(i) }))
    // Extend a flat line to the range's end so it spans the whole chart.
    const last = out[out.length - 1]
    out.push({ x: endMs[endMs.length - 1], y: last.y })
    return out
  }
  let previous: XY[] | null = null
  if (series.previous && series.previous.length > 0) {
    previous = series.previous.map((p, i) => ({ x: starts[i] ?? NaN, y: y(p.value, p.count) })).filter((p) => Number.isFinite(p.x))
  }
  const marks: StageMark[] = initiative.stageHistory
    .filter((h) => h.from !== null)
    .map((h) => ({ x: Date.parse(h.at), label: `→ ${h.to}, ${formatDate(h.at, range.timezone, false)}` }))
    .filter((m) => m.x >= range.fromMs && m.x < range.toMs)

  return {
    metric,
    title,
    yTitle,
    direction,
    points,
    baseline: line(baselineFor),
    target: line(targetFor),
    previous,
    marks,
    rows,
    empty: hasEvents ? null : `No ${METRIC_WORDS[metric].events} events in this period.`,
    format,
    scale,
    xMin: range.fromMs,
    xMax: range.toMs,
  }
}
