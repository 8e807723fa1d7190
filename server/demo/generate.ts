/**
 * Turns a demo scenario into realistic events: weekday/weekend and hour-of-day seasonality, a slow
 * pilot, improvement after go-live, and noise. Deterministic: the same seed gives the same events.
 * Pure (no I/O), so the loader and tests can share it.
 */
import { stageAt, type Stage } from '../../db/queries/initiatives.js'
import { bucketStarts, localDateString } from '../../metrics/time-buckets.js'
import type { DemoScenario } from './scenarios.js'
import { seededRandom } from '../../metrics/random.js'
import type { Metric } from '../../metrics/metric-kinds.js'

export { seededRandom }

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** A stable 32-bit seed from a string (FNV-1a). */
export function seedOf(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** A multiplicative noise factor with median 1 (log-normal, sigma in log space). */
function logNormal(rand: () => number, sigma: number): number {
  const u = Math.max(rand(), 1e-12)
  const v = rand()
  return Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v))
}

function poisson(rand: () => number, mean: number): number {
  if (mean <= 0) return 0
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand())))
  const l = Math.exp(-mean)
  let k = 0
  let p = 1
  do {
    k++
    p *= rand()
  } while (p > l)
  return k - 1
}

/** Work arrives mostly in office hours: weights for local hours 0–23. */
const HOUR_WEIGHTS = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 6, 7, 7, 5, 6, 7, 6.5, 5, 3, 1.5, 1, 0.8, 0.6, 0.4, 0.3]
const HOUR_CUMULATIVE = (() => {
  const total = HOUR_WEIGHTS.reduce((a, b) => a + b, 0)
  let acc = 0
  return HOUR_WEIGHTS.map((w) => (acc += w / total))
})()
/** Monday busiest, Friday quieter (index = JS weekday, 0 = Sunday). */
const WEEKDAY_FACTOR = [1, 1.15, 1.05, 1, 0.98, 0.85, 1]
/** Summer and year-end dips (index = month 0–11). */
const MONTH_FACTOR = [1.02, 1, 1.03, 1, 1, 0.97, 0.9, 0.82, 1, 1.04, 1.03, 0.78]

export interface DemoPlan {
  /** First instant of the demo period (a local midnight). */
  fromMs: number
  /** End of the demo period (now). */
  toMs: number
  timezone: string
  /** The initiative's stage history with absolute times, in order. */
  history: Array<{ to: Stage; atMs: number }>
}

/** Absolute stage-change instants for a scenario over a period [fromMs, toMs). */
export function stageHistoryFor(s: DemoScenario, fromMs: number, toMs: number): Array<{ to: Stage; atMs: number; reason: string | null }> {
  const span = toMs - fromMs
  return s.stages.map((c) => ({ to: c.to, atMs: c.at === 0 ? fromMs : fromMs + Math.round((c.at * span) / HOUR) * HOUR, reason: c.reason }))
}

/**
 * Maturity from 0 to 1: a pilot learns slowly (to 0.4 at most), then quality ramps to 1 over the 60
 * days after the first move out of pilot.
 */
function maturity(t: number, plan: DemoPlan): number {
  const goLive = plan.history.find((h) => h.to !== 'pilot')?.atMs
  if (goLive === undefined || t < goLive) {
    const pilotStart = plan.history[0]?.atMs ?? plan.fromMs
    return Math.min(0.4, (0.4 * (t - pilotStart)) / (120 * DAY))
  }
  return Math.min(1, 0.4 + (0.6 * (t - goLive)) / (60 * DAY))
}

export interface GeneratedEvent {
  metric: Metric
  occurredAt: number
  /** Milliseconds (durations) or minor units (money); null for error_rate. */
  quantity: number | null
  errors: number | null
  total: number | null
  stage: Stage
}

/**
 * The events of one local day for one scenario, in time order. Retired initiatives produce nothing.
 * @example const events = eventsForDay(scenario, plan, dayStart, rand, 2)
 */
export function eventsForDay(s: DemoScenario, plan: DemoPlan, dayStart: number, rand: () => number, currencyExponent: number): GeneratedEvent[] {
  const mid = dayStart + 12 * HOUR
  const stageMid = stageAt(plan.history, mid, 'pilot')
  if (stageMid === 'retired') return []
  const date = localDateString(mid, plan.timezone)
  const weekday = new Date(date + 'T00:00:00Z').getUTCDay()
  const month = Number(date.slice(5, 7)) - 1
  const weekend = weekday === 0 || weekday === 6
  const share = stageMid === 'pilot' ? s.pilotShare : stageMid === 'scaling' ? s.scalingShare : 1
  const m = maturity(mid, plan)
  const mean = s.itemsPerWeekday * share * (weekend ? s.weekendShare : WEEKDAY_FACTOR[weekday]) * MONTH_FACTOR[month] * (0.9 + 0.2 * rand())
  const items = poisson(rand, mean)
  const out: GeneratedEvent[] = []
  const errorsByHour = new Map<number, { errors: number; total: number }>()
  const rate = s.errorRate ? Math.max(0.001, (s.errorRate.start + (s.errorRate.mature - s.errorRate.start) * m) * logNormal(rand, 0.12)) : 0
  for (let i = 0; i < items; i++) {
    const r = rand()
    let hour = 0
    while (hour < 23 && HOUR_CUMULATIVE[hour] < r) hour++
    const at = dayStart + hour * HOUR + Math.floor(rand() * HOUR)
    // Items after the end of the period have not happened yet (clipping them to its end piled a day's
    // remainder onto one instant).
    if (at < plan.fromMs || at >= plan.toMs) continue
    const stage = stageAt(plan.history, at, 'pilot')
    if (stage === 'retired') continue
    if (s.minutesSavedPerItem !== null) {
      const minutes = s.minutesSavedPerItem * (0.35 + 0.65 * m) * logNormal(rand, 0.35)
      out.push({ metric: 'time_saved', occurredAt: at, quantity: Math.round(minutes * 60_000), errors: null, total: null, stage })
    }
    if (s.latency !== null && rand() < 0.5) {
      const median = s.latency.start + (s.latency.mature - s.latency.start) * m
      out.push({ metric: 'decision_latency', occurredAt: at + 1000, quantity: Math.round(median * logNormal(rand, 0.5) * 1000), errors: null, total: null, stage })
    }
    if (s.revenue !== null && rand() < s.revenue.share * (0.5 + 0.5 * m)) {
      const amount = s.revenue.perItem * logNormal(rand, 0.4)
      out.push({ metric: 'revenue_influenced', occurredAt: at + 2000, quantity: Math.round(amount * 10 ** currencyExponent), errors: null, total: null, stage })
    }
    if (s.errorRate !== null) {
      const hourStart = dayStart + hour * HOUR
      const b = errorsByHour.get(hourStart) ?? { errors: 0, total: 0 }
      b.total++
      if (rand() < rate) b.errors++
      errorsByHour.set(hourStart, b)
    }
  }
  // Quality checks are reported once an hour, as a batch: errors out of items checked.
  for (const [hourStart, b] of errorsByHour) {
    const at = Math.min(hourStart + HOUR - 1000, plan.toMs - 1)
    out.push({ metric: 'error_rate', occurredAt: at, quantity: null, errors: b.errors, total: b.total, stage: stageAt(plan.history, at, 'pilot') })
  }
  out.sort((a, b) => a.occurredAt - b.occurredAt)
  return out
}

/** Local day starts covering [fromMs, toMs). */
export function demoDays(plan: DemoPlan): number[] {
  return bucketStarts(plan.fromMs, plan.toMs, 'day', plan.timezone)
}
