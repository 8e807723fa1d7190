/**
 * OTLP metrics → Yardstick events (docs/OPENTELEMETRY.md, "Metrics"). Two steps:
 * `collectMetricPoints` reads a decoded ExportMetricsServiceRequest into the points Yardstick uses
 * (everything outside the `yardstick.` namespace is ignored), and `storeMetricPoints` turns them into events
 * in one transaction with the cumulative series state, through the same validation as POST /api/v1/events.
 */
import type { Db } from '../../db/connection.js'
import { writeTransaction } from '../../db/connection.js'
import { insertEventRows, type EventRow } from '../../db/queries/events.js'
import { touchKeys } from '../../db/queries/keys.js'
import { advanceSeries, findSeriesStates, SeriesConflictError, type SeriesState } from '../../db/queries/otlp-series.js'
import type { Metric } from '../../metrics/kinds.js'
import type { EventPreparer, IngestContext } from '../ingest/prepare-events.js'
import { Rejections } from './rejections.js'
import { bucketIncrease, sumIncrease, type BucketPoint, type SumPoint } from './temporality.js'
import { attributesOf, canonicalAttributes, digest, list, nanos, nanosToMs, type AttributeValue } from './values.js'

export const INITIATIVE_ATTRIBUTE = 'yardstick.initiative'
export const ERROR_ATTRIBUTE = 'yardstick.error'
/** A histogram point whose counts would become more events than this is refused (send log records). */
export const MAX_EVENTS_PER_HISTOGRAM_POINT = 10_000

const SUMS: Record<string, Metric> = {
  'yardstick.time_saved': 'time_saved',
  'yardstick.revenue_influenced': 'revenue_influenced',
  'yardstick.items_checked': 'error_rate',
}
const HISTOGRAMS: Record<string, Metric> = { 'yardstick.decision_latency': 'decision_latency' }
const KNOWN = [...Object.keys(SUMS), ...Object.keys(HISTOGRAMS)]

/** OTLP (UCUM) duration units → the events API's unit and a factor applied to the value first. */
const DURATION_UNITS: Record<string, { unit: 'seconds' | 'minutes' | 'hours'; factor: number }> = {
  h: { unit: 'hours', factor: 1 },
  min: { unit: 'minutes', factor: 1 },
  s: { unit: 'seconds', factor: 1 },
  ms: { unit: 'seconds', factor: 0.001 },
}
const SECONDS_PER: Record<string, number> = { h: 3600, min: 60, s: 1, ms: 0.001 }

const DELTA = 1
const CUMULATIVE = 2

interface BasePoint {
  initiative: string
  metric: Metric
  seriesKey: string
  cumulative: boolean
  startNs: bigint
  timeNs: bigint
}
export interface SumMetricPoint extends BasePoint {
  kind: 'sum'
  monotonic: boolean
  value: number
  /** Durations: the events API unit and the factor applied to increases. */
  duration: { unit: 'seconds' | 'minutes' | 'hours'; factor: number } | null
  currency: string | null
  /** items_checked: whether the point counts errors. */
  error: boolean
}
export interface HistogramMetricPoint extends BasePoint {
  kind: 'histogram'
  counts: Record<string, number>
  /** Seconds per unit of the histogram's values. */
  secondsPerUnit: number
  min: number | null
  max: number | null
}
export type MetricPoint = SumMetricPoint | HistogramMetricPoint

function temporality(x: unknown): number {
  if (x === 'AGGREGATION_TEMPORALITY_DELTA') return DELTA
  if (x === 'AGGREGATION_TEMPORALITY_CUMULATIVE') return CUMULATIVE
  return Number(x ?? 0)
}

function initiativeOf(...sources: Array<Map<string, AttributeValue>>): string | null {
  for (const s of sources) {
    const v = s.get(INITIATIVE_ATTRIBUTE)
    if (typeof v === 'string' && v !== '') return v
  }
  return null
}

/**
 * Reads the `yardstick.*` points of a decoded request. `defaultInitiative` is the one initiative the key is
 * scoped to (or null). Points that cannot be used are counted in `rejected` with the reason.
 * @example const { points, rejected } = collectMetricPoints(req, null)
 */
export function collectMetricPoints(request: Record<string, unknown>, defaultInitiative: string | null, rejected: Rejections): MetricPoint[] {
  const points: MetricPoint[] = []
  for (const rm of list(request.resourceMetrics)) {
    const r = (rm ?? {}) as Record<string, unknown>
    const resourceAttrs = attributesOf((r.resource as { attributes?: unknown } | undefined)?.attributes)
    const resourceId = canonicalAttributes(resourceAttrs)
    for (const sm of list(r.scopeMetrics)) {
      const s = (sm ?? {}) as Record<string, unknown>
      const scope = (s.scope ?? {}) as { name?: string; version?: string }
      for (const m of list(s.metrics)) {
        const metric = (m ?? {}) as Record<string, unknown>
        const name = typeof metric.name === 'string' ? metric.name : ''
        if (!name.startsWith('yardstick.')) continue
        const unit = typeof metric.unit === 'string' ? metric.unit : ''
        const sumKind = SUMS[name]
        const histKind = HISTOGRAMS[name]
        const dataPoints = list(((metric.sum ?? metric.histogram ?? metric.exponentialHistogram ?? metric.gauge ?? metric.summary) as { dataPoints?: unknown } | undefined)?.dataPoints)
        const rejectAll = (reason: string) => rejected.add(Math.max(1, dataPoints.length), reason)
        if (!sumKind && !histKind) {
          rejectAll(`metric "${name}" is not a Yardstick metric; use one of ${KNOWN.join(', ')}`)
          continue
        }
        if (sumKind && !metric.sum) {
          rejectAll(`metric "${name}" must be a Sum (an OpenTelemetry Counter or UpDownCounter)`)
          continue
        }
        if (histKind && !metric.histogram && !metric.exponentialHistogram) {
          rejectAll(`metric "${name}" must be a Histogram, or better, log records with yardstick.metric=decision_latency for exact percentiles`)
          continue
        }
        const agg = (metric.sum ?? metric.histogram ?? metric.exponentialHistogram) as Record<string, unknown>
        const t = temporality(agg.aggregationTemporality)
        if (t !== DELTA && t !== CUMULATIVE) {
          rejectAll(`metric "${name}" has no aggregation temporality; it must be delta or cumulative`)
          continue
        }
        let duration: SumMetricPoint['duration'] = null
        let currency: string | null = null
        let secondsPerUnit = 1
        if (sumKind === 'time_saved') {
          duration = DURATION_UNITS[unit] ?? null
          if (!duration) {
            rejectAll(`metric "${name}" has unit "${unit}"; use h, min or s`)
            continue
          }
        } else if (sumKind === 'revenue_influenced') {
          const m = /^\{([A-Z]{3})\}$/.exec(unit)
          if (unit !== '' && !m) {
            rejectAll(`metric "${name}" has unit "${unit}"; use the initiative's currency code in braces, e.g. {USD}`)
            continue
          }
          currency = m ? m[1] : null
        } else if (histKind) {
          if (SECONDS_PER[unit] === undefined) {
            rejectAll(`metric "${name}" has unit "${unit}"; use s (or ms, min, h)`)
            continue
          }
          secondsPerUnit = SECONDS_PER[unit]
        }
        for (const dp of dataPoints) {
          const p = (dp ?? {}) as Record<string, unknown>
          if ((Number(p.flags ?? 0) & 1) === 1) continue // no recorded value
          const attrs = attributesOf(p.attributes)
          const initiative = initiativeOf(attrs, resourceAttrs) ?? defaultInitiative
          if (initiative === null) {
            rejected.add(1, `metric "${name}": no initiative; set the resource attribute ${INITIATIVE_ATTRIBUTE} (or use a key scoped to one initiative)`)
            continue
          }
          const startNs = nanos(p.startTimeUnixNano)
          const timeNs = nanos(p.timeUnixNano)
          if (startNs === null || timeNs === null || timeNs === 0n) {
            rejected.add(1, `metric "${name}": a data point has no valid timeUnixNano`)
            continue
          }
          const seriesKey = digest(initiative, resourceId, scope.name ?? '', scope.version ?? '', name, unit, canonicalAttributes(attrs))
          const base = { initiative, seriesKey, cumulative: t === CUMULATIVE, startNs, timeNs }
          if (sumKind) {
            const value = p.asDouble !== undefined ? Number(p.asDouble) : p.asInt !== undefined ? Number(p.asInt) : NaN
            if (!Number.isFinite(value)) {
              rejected.add(1, `metric "${name}": a data point has no finite value`)
              continue
            }
            const e = attrs.get(ERROR_ATTRIBUTE)
            const error = e === true || e === 'true'
            points.push({ ...base, kind: 'sum', metric: sumKind, monotonic: agg.isMonotonic === true, value, duration, currency, error })
          } else {
            const counts = metric.histogram ? explicitBuckets(p) : exponentialBuckets(p)
            if (typeof counts === 'string') {
              rejected.add(1, `metric "${name}": ${counts}`)
              continue
            }
            const num = (x: unknown) => (x === undefined || x === null ? null : Number(x))
            points.push({ ...base, kind: 'histogram', metric: histKind!, counts, secondsPerUnit, min: num(p.min), max: num(p.max) })
          }
        }
      }
    }
  }
  return points
}

/** Explicit-bucket counts keyed by "lower|upper" (bounds as written; -inf/inf at the ends). */
function explicitBuckets(p: Record<string, unknown>): Record<string, number> | string {
  const bounds = list(p.explicitBounds).map(Number)
  const counts = list(p.bucketCounts).map(Number)
  if (counts.length === 0) return {}
  if (counts.length !== bounds.length + 1) return 'bucketCounts must have one more entry than explicitBounds'
  const out: Record<string, number> = {}
  for (let i = 0; i < counts.length; i++) {
    if (!Number.isSafeInteger(counts[i]) || counts[i] < 0) return 'bucket counts must be whole numbers'
    if (counts[i] === 0) continue
    out[`${i === 0 ? '-inf' : bounds[i - 1]}|${i === bounds.length ? 'inf' : bounds[i]}`] = counts[i]
  }
  return out
}

/** Exponential-histogram counts keyed by "e<scale>:<index>" (positive buckets) and "zero". */
function exponentialBuckets(p: Record<string, unknown>): Record<string, number> | string {
  const out: Record<string, number> = {}
  const zero = Number(p.zeroCount ?? 0)
  if (zero > 0) out.zero = zero
  const neg = (p.negative ?? {}) as { bucketCounts?: unknown }
  if (list(neg.bucketCounts).some((n) => Number(n) > 0)) return 'decision latency cannot be negative (the histogram has negative buckets)'
  const pos = (p.positive ?? {}) as { offset?: unknown; bucketCounts?: unknown }
  const scale = Number(p.scale ?? 0)
  const offset = Number(pos.offset ?? 0)
  const counts = list(pos.bucketCounts).map(Number)
  for (let i = 0; i < counts.length; i++) {
    if (!Number.isSafeInteger(counts[i]) || counts[i] < 0) return 'bucket counts must be whole numbers'
    if (counts[i] > 0) out[`e${scale}:${offset + i}`] = counts[i]
  }
  return out
}

/**
 * The value that stands for every measurement in a bucket: the middle of an explicit bucket (from 0 for
 * the first; the largest value seen, or the lower bound, for the last), the geometric middle of an
 * exponential bucket. Documented as approximate.
 */
export function bucketValue(key: string, min: number | null, max: number | null): number {
  if (key === 'zero') return 0
  if (key.startsWith('e')) {
    const [scale, index] = key.slice(1).split(':').map(Number)
    return 2 ** ((index + 0.5) * 2 ** -scale)
  }
  const [lo, hi] = key.split('|')
  if (hi === 'inf') return max !== null && max > Number(lo) ? max : Number(lo)
  const upper = Number(hi)
  const lower = lo === '-inf' ? Math.max(0, Math.min(min ?? 0, upper)) : Number(lo)
  return (lower + upper) / 2
}

/** The raw events (as posted to /api/v1/events) that one point's increase stands for. */
function eventsOf(p: MetricPoint, increase: number | Record<string, number>): Array<Record<string, unknown>> | string {
  const occurredAt = new Date(nanosToMs(p.timeNs)).toISOString()
  const id = (...extra: unknown[]) => 'otlp-' + digest(p.seriesKey, p.startNs.toString(), p.timeNs.toString(), ...extra)
  if (p.kind === 'sum') {
    const inc = increase as number
    if (inc === 0) return []
    const event: Record<string, unknown> = { id: id(), initiative: p.initiative, metric: p.metric, occurredAt }
    if (p.metric === 'error_rate') {
      const n = Math.round(inc)
      if (Math.abs(inc - n) > 1e-9) return `yardstick.items_checked must count whole items, got an increase of ${inc}`
      if (n < 0) return 'yardstick.items_checked cannot go down (use a Counter)'
      event.total = n
      event.errors = p.error ? n : 0
    } else if (p.duration) {
      event.value = inc * p.duration.factor
      event.unit = p.duration.unit
    } else {
      event.value = inc
      if (p.currency) event.currency = p.currency
    }
    return [event]
  }
  const counts = increase as Record<string, number>
  let n = 0
  for (const c of Object.values(counts)) n += c
  if (n > MAX_EVENTS_PER_HISTOGRAM_POINT) return `a histogram point adds ${n} decisions, more than ${MAX_EVENTS_PER_HISTOGRAM_POINT}; export more often or send one log record per decision`
  const events: Array<Record<string, unknown>> = []
  for (const [key, c] of Object.entries(counts)) {
    const value = bucketValue(key, p.min, p.max) * p.secondsPerUnit
    for (let j = 0; j < c; j++) events.push({ id: id(key, j), initiative: p.initiative, metric: p.metric, occurredAt, value, unit: 'seconds' })
  }
  return events
}

export interface MetricsOutcome {
  accepted: number
  duplicates: number
}

/**
 * Turns points into events and stores them, with the new state of every cumulative series, in one
 * transaction (retried when another instance advanced one of the series meanwhile). A point whose events
 * fail validation is rejected whole and leaves its series where it was.
 * @example await storeMetricPoints(db, preparer, ctx, points, Date.now(), key.id, rejected)
 */
export async function storeMetricPoints(db: Db, preparer: EventPreparer, ctx: IngestContext, points: MetricPoint[], now: number, keyId: number | null, rejected: Rejections): Promise<MetricsOutcome> {
  // Points of a series in time order, so that several intervals in one export difference correctly.
  const sorted = [...points].sort((a, b) => (a.seriesKey < b.seriesKey ? -1 : a.seriesKey > b.seriesKey ? 1 : a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0))
  const cumulativeKeys = [...new Set(sorted.filter((p) => p.cumulative).map((p) => p.seriesKey))]
  for (let attempt = 1; ; attempt++) {
    const local = rejected.fork()
    try {
      const result = await writeTransaction(db, async (tx) => {
        const stored = await findSeriesStates(tx, cumulativeKeys)
        const current = new Map<string, SeriesState | null>()
        const rows: EventRow[] = []
        for (const p of sorted) {
          const target = ctx.targets.get(p.initiative)
          if (!target) {
            // Checked before the increase: a point that adds nothing still needs its initiative for the series state.
            local.add(1, `initiative "${p.initiative}" is not registered; register it first (npm run cli -- initiatives create --slug ${p.initiative} --name "...")`)
            continue
          }
          let increase: number | Record<string, number>
          let next: SeriesState | null = null
          if (p.cumulative) {
            const prevState = current.has(p.seriesKey) ? current.get(p.seriesKey)! : (stored.get(p.seriesKey) ?? null)
            const step = p.kind === 'sum' ? sumIncrease(prevState && toSum(prevState), { startNs: p.startNs, timeNs: p.timeNs, value: p.value }, p.monotonic) : bucketIncrease(prevState && toBuckets(prevState), { startNs: p.startNs, timeNs: p.timeNs, counts: p.counts })
            if (step.kind === 'stale') continue
            increase = step.increase
            next = { seriesKey: p.seriesKey, initiativeId: -1, metric: p.metric, startNs: p.startNs, timeNs: p.timeNs, state: p.kind === 'sum' ? String(p.value) : JSON.stringify(p.counts) }
          } else {
            increase = p.kind === 'sum' ? p.value : p.counts
          }
          const events = eventsOf(p, increase)
          if (typeof events === 'string') {
            local.add(1, events)
            continue
          }
          const pointRows: EventRow[] = []
          let problem: string | null = null
          for (const e of events) {
            const r = preparer.toRow(e, ctx, now, keyId)
            if (!r.ok) {
              problem = r.problems.map((x) => x.message).join('; ')
              break
            }
            pointRows.push(r.row)
          }
          if (problem !== null) {
            local.add(1, problem)
            continue
          }
          for (const r of pointRows) rows.push(r)
          if (next) {
            next.initiativeId = target.id
            current.set(p.seriesKey, next)
          }
        }
        const storedFlags = await insertEventRows(tx, rows)
        for (const [key, next] of current) await advanceSeries(tx, next!, stored.get(key) ?? null, now)
        if (keyId !== null) await touchKeys(tx, [keyId], now)
        const accepted = storedFlags.filter(Boolean).length
        return { accepted, duplicates: rows.length - accepted }
      })
      rejected.merge(local)
      return result
    } catch (err) {
      if (err instanceof SeriesConflictError && attempt < 5) continue
      throw err
    }
  }
}

function toSum(s: SeriesState): SumPoint {
  return { startNs: s.startNs, timeNs: s.timeNs, value: Number(s.state) }
}
function toBuckets(s: SeriesState): BucketPoint {
  return { startNs: s.startNs, timeNs: s.timeNs, counts: JSON.parse(s.state) as Record<string, number> }
}
