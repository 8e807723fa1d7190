/**
 * The time series behind GET /api/v1/initiatives/:slug/series: one point per local bucket, every
 * bucket of the range present (empty ones too), exact from rollups + raw edges + the tail.
 */
import type { Db } from '../../db/connection.js'
import { findInitiative, listInitiatives, type Initiative, type Stage } from '../../db/queries/initiatives.js'
import { aggregateRanges, ANY_STAGE, cellKey, findStageChangesBetween, readSnapshot, rollupReadCache, type Aggregate, type AggregateResult } from '../../db/queries/outcomes.js'
import { KINDS, type Metric } from '../../metrics/metric-kinds.js'
import { STAGES } from '../../metrics/stages.js'
import { previousPeriod } from '../../metrics/outcomes.js'
import { bucketStarts, formatInstant, nextBucketStart, type Granularity } from '../../metrics/time-buckets.js'
import { MS_PER_HOUR, pointFigures as pointValues, round6, scaleMonthlyTarget, sumAggregates, type PointValues } from '../../metrics/figures.js'
import { UnknownInitiativesError } from './summary.js'

/** Most points one series may have. */
export const MAX_POINTS = 10_000

/** Most points (all initiatives together) one portfolio series answer may have. */
export const MAX_PORTFOLIO_POINTS = 100_000

export interface SeriesParams {
  metric: Metric
  from: number
  to: number
  granularity: Granularity
  stage?: Stage | null
  split?: boolean
  compare?: boolean
}

export interface SeriesPoint extends PointValues {
  start: string
  end: string
  /** True when the bucket reaches outside [from, to) and only its part inside was counted. */
  partial: boolean
  /** The target for this bucket (monthly targets scaled to its length for sums), or null. */
  target: number | null
  byStage?: Record<string, PointValues>
}

export interface Series {
  initiative: string
  metric: Metric
  granularity: Granularity
  from: string
  to: string
  timezone: string
  unit: string
  currency: string
  baseline: number | null
  target: { value: number | null; per: 'month' | 'bucket' }
  stageChanges: Array<{ at: string; from: Stage | null; to: Stage }>
  points: SeriesPoint[]
  previous?: SeriesPoint[]
  previousRange?: { from: string; to: string }
}

/**
 * The initiative's target for a metric (metrics/metric-kinds.ts `target`): a monthly total when the
 * kind's target is per month and set, else the level every bucket should meet (null when unset or
 * when the kind has a monthly target that is not set).
 */
function targetOf(i: Initiative, metric: Metric): { value: number | null; per: 'month' | 'bucket' } {
  const t = KINDS[metric].target
  const value = i.targets[t.field]
  if (t.per === 'month') return value !== null ? { value, per: 'month' } : { value: null, per: 'bucket' }
  return { value, per: 'bucket' }
}

/** The initiative's baseline for a metric, or null when the kind has none. */
function baselineOf(i: Initiative, metric: Metric): number | null {
  const field = KINDS[metric].baseline
  return field === null ? null : i.baselines[field]
}

/** The buckets of [from, to) in `granularity`, clipped to the range. */
export function seriesBuckets(from: number, to: number, granularity: Granularity, zone: string): Array<{ start: number; end: number; lo: number; hi: number }> {
  return bucketStarts(from, to, granularity, zone).map((start) => {
    const end = nextBucketStart(start, granularity, zone)
    return { start, end, lo: Math.max(start, from), hi: Math.min(end, to) }
  })
}

/**
 * How many points a series over [from, to) would have, stopping early past `limit`.
 * @example countPoints(from, to, 'hour', 'UTC', 10_000)
 */
export function countPoints(from: number, to: number, granularity: Granularity, zone: string, limit: number): number {
  const minLength = { hour: 30 * 60_000, day: 23 * MS_PER_HOUR, week: 7 * 23 * MS_PER_HOUR, month: 28 * 23 * MS_PER_HOUR }[granularity]
  if ((to - from) / minLength > limit * 2 + 2) return Infinity
  return bucketStarts(from, to, granularity, zone).length
}

/** What every initiative's point of one bucket shares: its bounds as text and its share of months. */
interface Frame {
  start: string
  end: string
  partial: boolean
  /** The bucket's length in months (for scaling monthly targets). */
  months: number
}

function framesOf(buckets: ReturnType<typeof seriesBuckets>, zone: string): Frame[] {
  return buckets.map((b) => ({ start: formatInstant(b.start, zone), end: formatInstant(b.end, zone), partial: b.lo !== b.start || b.hi !== b.end, months: scaleMonthlyTarget(1, b.start, b.end, zone)! }))
}

function pointsOf(r: AggregateResult, i: Initiative, p: SeriesParams, frames: Frame[], offset: number, stages: readonly string[] = STAGES): SeriesPoint[] {
  const target = targetOf(i, p.metric)
  return frames.map((f, k) => {
    const parts = stages.map((s) => r.cells.get(cellKey(i.id, p.metric, s, offset + k)))
    const point: SeriesPoint = {
      start: f.start,
      end: f.end,
      partial: f.partial,
      ...pointValues(p.metric, sumAggregates(parts, p.metric), i),
      target: target.per === 'month' ? round6(target.value! * f.months) : target.value,
    }
    if (p.split) {
      point.byStage = {}
      STAGES.forEach((s, j) => {
        if (parts[j]) point.byStage![s] = pointValues(p.metric, sumAggregates([parts[j]], p.metric), i)
      })
    }
    return point
  })
}

/**
 * The series of one initiative's metric over [from, to) in `granularity` buckets of `zone`; undefined
 * when there is no such initiative. The caller checks the point limit (see {@link countPoints}).
 * @example const s = await findSeries(db, { timezone: 'UTC' }, 'invoices', { metric: 'time_saved', from, to, granularity: 'day' })
 */
export async function findSeries(db: Db, config: { timezone: string }, slug: string, p: SeriesParams): Promise<Series | undefined> {
  const zone = config.timezone
  return readSnapshot(db, async (tx) => {
    const i = await findInitiative(tx, slug)
    if (!i) return undefined
    const buckets = seriesBuckets(p.from, p.to, p.granularity, zone)
    const prev = previousPeriod(p.from, p.to)
    const prevBuckets = p.compare ? seriesBuckets(prev.from, prev.to, p.granularity, zone) : []
    // Previous buckets are clipped to [prev.from, prev.to) and so never overlap the current ones.
    const ranges: Array<[number, number]> = [...prevBuckets, ...buckets].map((b) => [b.lo, b.hi])
    const r = await aggregateRanges(tx, { timezone: zone, ranges, initiativeIds: [i.id], metrics: [p.metric], stage: p.stage ?? null, cache: rollupReadCache(db) })
    const changes = await findStageChangesBetween(tx, [i.id], p.from, p.to)
    const series: Series = {
      initiative: i.slug,
      metric: p.metric,
      granularity: p.granularity,
      from: formatInstant(p.from, zone),
      to: formatInstant(p.to, zone),
      timezone: zone,
      unit: KINDS[p.metric].displayUnit,
      currency: i.currency,
      baseline: baselineOf(i, p.metric),
      target: targetOf(i, p.metric),
      // Stored stages are always one of STAGES (validated on every change).
      stageChanges: changes.map((c) => ({ at: formatInstant(c.at, zone), from: c.from as Stage | null, to: c.to as Stage })),
      points: pointsOf(r, i, p, framesOf(buckets, zone), prevBuckets.length),
    }
    if (p.compare) {
      series.previous = pointsOf(r, i, p, framesOf(prevBuckets, zone), 0)
      series.previousRange = { from: formatInstant(prev.from, zone), to: formatInstant(prev.to, zone) }
    }
    return series
  })
}

export interface PortfolioSeriesParams {
  metric: Metric
  from: number
  to: number
  granularity: Granularity
  stage?: Stage | null
  /** Only these initiative slugs, in this order (null: every visible initiative, by name). */
  initiatives?: string[] | null
  /** Which initiatives the caller may see (scoped API keys); default all. */
  allowed?: (slug: string) => boolean
  /** Most points in all (default {@link MAX_PORTFOLIO_POINTS}); more throws TooManyPointsError before any read. */
  maxPoints?: number
}

/** Thrown when a portfolio series would have more points than allowed. */
export class TooManyPointsError extends Error {
  constructor(readonly initiatives: number, readonly buckets: number, readonly max: number) {
    super(`${initiatives} initiatives × ${buckets} buckets is more than ${max} points: name fewer initiatives (initiatives=a,b), or use a coarser granularity or a shorter range`)
  }
}

export interface PortfolioSeries {
  metric: Metric
  granularity: Granularity
  from: string
  to: string
  timezone: string
  series: Array<{ initiative: string; points: SeriesPoint[] }>
}

/**
 * One metric's series for many initiatives at once (the portfolio's sparklines): the points of
 * {@link findSeries} per initiative, from one read of the rollups summed over stages. Throws
 * UnknownInitiativesError when `initiatives` names one that does not exist or is not allowed, and
 * TooManyPointsError past `maxPoints`.
 * @example const p = await findPortfolioSeries(db, { timezone: 'UTC' }, { metric: 'time_saved', from, to, granularity: 'week' })
 */
export async function findPortfolioSeries(db: Db, config: { timezone: string }, p: PortfolioSeriesParams): Promise<PortfolioSeries> {
  const zone = config.timezone
  const allowed = p.allowed ?? (() => true)
  return readSnapshot(db, async (tx) => {
    const every = await listInitiatives(tx)
    let list = every.filter((i) => allowed(i.slug))
    if (p.initiatives) {
      const bySlug = new Map(list.map((i) => [i.slug, i]))
      const unknown = p.initiatives.filter((s) => !bySlug.has(s))
      if (unknown.length > 0) throw new UnknownInitiativesError(unknown)
      list = p.initiatives.map((s) => bySlug.get(s)!)
    }
    const buckets = seriesBuckets(p.from, p.to, p.granularity, zone)
    const max = p.maxPoints ?? MAX_PORTFOLIO_POINTS
    if (buckets.length * list.length > max) throw new TooManyPointsError(list.length, buckets.length, max)
    // Every initiative: no id filter in SQL (the planner would seek per initiative instead of one range).
    const ids = list.length === every.length ? null : list.map((i) => i.id)
    const r = list.length === 0
      ? { cells: new Map<string, Aggregate>(), watermark: 0, rollupsUsed: false, byStage: false }
      : await aggregateRanges(tx, { timezone: zone, ranges: buckets.map((b) => [b.lo, b.hi]), initiativeIds: ids, metrics: [p.metric], stage: p.stage ?? null, cache: rollupReadCache(db), byStage: false })
    const params: SeriesParams = { metric: p.metric, from: p.from, to: p.to, granularity: p.granularity }
    const frames = framesOf(buckets, zone)
    return {
      metric: p.metric,
      granularity: p.granularity,
      from: formatInstant(p.from, zone),
      to: formatInstant(p.to, zone),
      timezone: zone,
      series: list.map((i) => ({ initiative: i.slug, points: pointsOf(r, i, params, frames, 0, [ANY_STAGE]) })),
    }
  })
}
