/**
 * The `scale` bench's data set, planned deterministically from a seed: how many events each initiative
 * gets on each day (weekday pattern, a pilot-to-production step, growth, a few very busy initiatives),
 * and the events of one day in rough time order (hour by hour, as clients send them).
 */
import { METRICS, type Metric } from '../metrics/metric-kinds.js'
import { seededRandom } from '../metrics/random.js'
import type { EventRow } from '../db/queries/events.js'

export const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

/** Relative volume by UTC weekday (Sunday first): weekdays busy, weekends quiet. */
export const WEEKDAY_FACTOR = [0.25, 1, 1.05, 1.05, 1, 0.85, 0.3] as const

/** Relative volume by UTC hour of day: office hours with a lunch dip, little at night. Sums to 1. */
export const HOUR_SHARE: readonly number[] = (() => {
  const w = [1, 0.6, 0.4, 0.4, 0.5, 1, 2, 4, 8, 10, 10, 9, 6, 8, 10, 10, 9, 7, 5, 3.5, 2.5, 2, 1.5, 1.2]
  const sum = w.reduce((a, b) => a + b, 0)
  return w.map((x) => x / sum)
})()

export interface ScaleParams {
  /** Events wanted in all (the plan lands within a fraction of a percent of it). */
  events: number
  initiatives: number
  days: number
  /** How many initiatives (ids 1…busy) carry about half of all events between them. */
  busy: number
  seed: number
  /** Epoch ms of the UTC midnight that starts day 0 (sets the weekdays). */
  firstDay: number
}

export interface InitiativePlan {
  id: number
  /** First day (0-based) with events. */
  startDay: number
  /** First day in production, or null when it stays a pilot. */
  productionDay: number | null
}

export interface ScalePlan {
  params: ScaleParams
  initiatives: InitiativePlan[]
  /** Events of initiative i (0-based) on day d: counts[i * days + d]. */
  counts: Int32Array
  total: number
}

/**
 * Plans the data set: per initiative a start day (the busy ones from day 0, the others spread over the
 * first two thirds of the span), the busy ones with as much share between them as all the others, half of them moving to production (volume × 3) part way; per day a weight =
 * initiative share × weekday factor × stage × growth (0.6 → 1 over the span) × noise (±20 %),
 * scaled to `events` and rounded stochastically, so the total is `events` give or take a few hundred.
 * @example planScale({ events: 1_000_000, initiatives: 100, days: 1095, busy: 3, seed: 1, firstDay: Date.parse('2023-12-07') }).total // ≈ 1,000,000
 */
export function planScale(params: ScaleParams): ScalePlan {
  const { initiatives: n, days, busy } = params
  const r = seededRandom(params.seed)
  const plans: InitiativePlan[] = []
  const share: number[] = []
  const otherDays = Math.max(1, Math.floor((days * 2) / 3))
  for (let i = 0; i < n; i++) {
    const isBusy = i < busy
    const startDay = isBusy ? 0 : Math.floor(r() * otherDays)
    const productionDay = i % 2 === 0 || isBusy ? startDay + Math.floor((days - startDay) * (0.2 + r() * 0.5)) : null
    plans.push({ id: i + 1, startDay, productionDay })
    // The rest 0.2–0.8 each; the busy ones 1 : 0.71 : 0.58 … (scaled below).
    share.push(isBusy ? 1 / Math.sqrt(i + 1) : 0.2 + r() * 0.6)
  }
  // The busy ones' shares add up to the others' (they run longer, so they get more than half the events).
  const others = share.slice(busy).reduce((a, b) => a + b, 0)
  const busyRaw = share.slice(0, busy).reduce((a, b) => a + b, 0)
  for (let i = 0; i < Math.min(busy, n); i++) share[i] *= n > busy ? others / busyRaw : 1
  const firstWeekday = new Date(params.firstDay).getUTCDay()
  const weights = new Float64Array(n * days)
  let sum = 0
  for (let i = 0; i < n; i++) {
    const p = plans[i]
    for (let d = p.startDay; d < days; d++) {
      const weekday = (firstWeekday + d) % 7
      const stage = p.productionDay !== null && d >= p.productionDay ? 3 : 1
      const growth = 0.6 + (0.4 * d) / days
      const w = share[i] * WEEKDAY_FACTOR[weekday] * stage * growth * (0.8 + 0.4 * r())
      weights[i * days + d] = w
      sum += w
    }
  }
  const scale = params.events / sum
  const counts = new Int32Array(n * days)
  let total = 0
  for (let k = 0; k < weights.length; k++) {
    const x = weights[k] * scale
    const c = Math.floor(x) + (r() < x - Math.floor(x) ? 1 : 0)
    counts[k] = c
    total += c
  }
  return { params, initiatives: plans, counts, total }
}

/** Metric mix of the generated events (time saved most often, revenue least). */
const METRIC_SHARE: Array<[Metric, number]> = [
  ['time_saved', 0.4],
  ['error_rate', 0.2],
  ['decision_latency', 0.3],
  ['revenue_influenced', 0.1],
]
if (METRIC_SHARE.some(([m]) => !METRICS.includes(m))) throw new Error('unknown metric in METRIC_SHARE')

function pickMetric(x: number): Metric {
  let acc = 0
  for (const [m, s] of METRIC_SHARE) {
    acc += s
    if (x < acc) return m
  }
  return 'time_saved'
}

/**
 * The events of day `d` (0-based, from the plan's `firstDay`), hour by hour,
 * each hour's events of all initiatives together in random order within the hour (received as they
 * occurred, give or take the hour). Each (initiative, day) count is spread over the hours by HOUR_SHARE
 * with stochastic rounding, so a day's total is its planned count on average. Deterministic per (seed, d).
 * @example eventsOfDay(plan, 0).length // ≈ plan's day-0 total
 */
export function eventsOfDay(plan: ScalePlan, d: number): EventRow[] {
  const { days, initiatives: n } = plan.params
  const r = seededRandom(plan.params.seed * 100_003 + d + 1)
  const rows: EventRow[] = []
  const dayStart = plan.params.firstDay + d * DAY_MS
  for (let h = 0; h < 24; h++) {
    const hourStart = dayStart + h * HOUR_MS
    for (let i = 0; i < n; i++) {
      const c = plan.counts[i * days + d]
      if (c === 0) continue
      const x = c * HOUR_SHARE[h]
      const k = Math.floor(x) + (r() < x - Math.floor(x) ? 1 : 0)
      if (k === 0) continue
      const p = plan.initiatives[i]
      const production = p.productionDay !== null && d >= p.productionDay
      const stage = production ? 'production' : 'pilot'
      for (let j = 0; j < k; j++) {
        const t = hourStart + Math.floor(r() * HOUR_MS)
        const metric = pickMetric(r())
        const rate = metric === 'error_rate'
        const total = rate ? 1 + Math.floor(r() * 40) : null
        rows.push({
          initiative_id: p.id,
          metric,
          client_id: null,
          // Durations in ms (as stored), revenue in minor units; production is faster and more accurate.
          quantity: rate ? null : metric === 'revenue_influenced' ? Math.floor(r() * 500_000) : metric === 'decision_latency' ? Math.floor(1000 * Math.exp((production ? 1.5 : 2.5) + r() * 5)) : Math.floor(r() * 1_800_000),
          errors: rate ? Math.floor(r() * total! * (production ? 0.08 : 0.2)) : null,
          total,
          occurred_at: t,
          received_at: t + Math.floor(r() * 5000),
          key_id: null,
          stage,
          attributes: null,
        })
      }
    }
  }
  return rows
}
