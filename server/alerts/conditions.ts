/**
 * What each rule kind finds for each initiative in its scope: whether its condition holds now and the
 * message that says so, in words an executive reads in a glance. The figures come from where they are
 * computed: the month projection from metrics/forecast.ts, readiness from server/readiness (the same
 * verdict as GET /readiness), the payback month from the summary (findSummary), and the last event
 * received from the events table.
 */
import type { Db } from '../../db/connection.js'
import { refreshLastEvents, type AlertRule } from '../../db/queries/alerts.js'
import type { Initiative } from '../../db/queries/initiatives.js'
import { aggregateRanges, ANY_STAGE, cellKey, readSnapshot } from '../../db/queries/outcomes.js'
import { paybackSlip, readinessCondition, silence, type WatchedVerdict } from '../../metrics/alert-state.js'
import { fromMinorUnits } from '../../metrics/currency.js'
import { FORECAST_WINDOW_DAYS, missingSince, projectMonth, targetOutlook, type DayTotal } from '../../metrics/forecast.js'
import { VERDICT_WORDS, type Readiness } from '../../metrics/readiness.js'
import { bucketStart, localDateString, localMonthString, nextBucketStart, startOfLocalMonth } from '../../metrics/time-buckets.js'
import { dayLabel, money, monthLabel } from '../email/format.js'
import { formatDateTime } from '../../metrics/format.js'
import { findSummary } from '../outcomes/summary.js'
import { findReadiness } from '../readiness/facts.js'
import type { TrajectoryMetric } from './rule-input.js'
import { KINDS } from '../../metrics/metric-kinds.js'

export interface Finding {
  initiative: Initiative
  condition: boolean
  /** Firing: why; otherwise the current reading (shown on the rule's page, sent when resolving). */
  message: string
  /** Stored with the state (payback: the reference month). */
  info?: Record<string, unknown>
  /** What fired (readiness: the verdict): a firing pair whose key changes is resolved and fires anew. */
  key?: string
}

/** Reads shared by the rules of one evaluation, each done at most once. */
export interface EvaluationContext {
  db: Db
  timezone: string
  readinessMonths: number
  now: number
  initiatives: Initiative[]
  cache: Map<string, Promise<unknown>>
}

function once<T>(ctx: EvaluationContext, key: string, f: () => Promise<T>): Promise<T> {
  let p = ctx.cache.get(key) as Promise<T> | undefined
  if (!p) {
    p = f()
    ctx.cache.set(key, p)
  }
  return p
}

const trim = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })

/** Weekday of a local date string, Monday 0 … Sunday 6. */
function weekdayOf(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7
}

interface DailyTotals {
  /** Local days from the window start through today (today last, partial). */
  days: Array<{ start: number; date: string; weekday: number }>
  /** Per initiative id: value per day (hours or money), same order as `days`. */
  values: Map<number, number[]>
  monthStartIndex: number
  /** Days in the month in progress after today. */
  laterDays: Array<{ date: string; weekday: number }>
  todayShareLeft: number
  monthStart: number
}

/** Daily totals of one metric for every initiative, from 84 days before the month's first day through now. */
async function dailyTotals(ctx: EvaluationContext, metric: TrajectoryMetric): Promise<DailyTotals> {
  return once(ctx, `daily:${metric}`, async () => {
    const zone = ctx.timezone
    const today = bucketStart(ctx.now, 'day', zone)
    const monthStart = bucketStart(ctx.now, 'month', zone)
    const monthEnd = nextBucketStart(monthStart, 'month', zone)
    let first = monthStart
    for (let k = 0; k < FORECAST_WINDOW_DAYS; k++) first = bucketStart(first - 1, 'day', zone)
    const days: DailyTotals['days'] = []
    const ranges: Array<[number, number]> = []
    for (let d = first; d <= today; d = nextBucketStart(d, 'day', zone)) {
      const date = localDateString(d, zone)
      days.push({ start: d, date, weekday: weekdayOf(date) })
      ranges.push([d, d === today ? Math.max(d + 1, ctx.now) : nextBucketStart(d, 'day', zone)])
    }
    const laterDays: DailyTotals['laterDays'] = []
    for (let d = nextBucketStart(today, 'day', zone); d < monthEnd; d = nextBucketStart(d, 'day', zone)) {
      const date = localDateString(d, zone)
      laterDays.push({ date, weekday: weekdayOf(date) })
    }
    const ids = ctx.initiatives.map((i) => i.id)
    const r = await readSnapshot(ctx.db, (tx) => aggregateRanges(tx, { timezone: zone, ranges, initiativeIds: ids, metrics: [metric], stage: null, byStage: false }))
    const values = new Map<number, number[]>()
    for (const i of ctx.initiatives) {
      values.set(
        i.id,
        days.map((_, k) => {
          const q = r.cells.get(cellKey(i.id, metric, ANY_STAGE, k))?.quantitySum ?? 0
          return metric === 'time_saved' ? q / 3_600_000 : fromMinorUnits(q, i.currency)
        }),
      )
    }
    const todayEnd = nextBucketStart(today, 'day', zone)
    return { days, values, monthStartIndex: days.findIndex((d) => d.start === monthStart), laterDays, todayShareLeft: (todayEnd - ctx.now) / (todayEnd - today), monthStart }
  })
}

async function trajectory(ctx: EvaluationContext, rule: AlertRule, list: Initiative[]): Promise<Finding[]> {
  const metric = rule.params.metric as TrajectoryMetric
  const data = await dailyTotals(ctx, metric)
  const { days, monthStartIndex: m0 } = data
  const t = days.length - 1
  const month = monthLabel(data.monthStart, ctx.timezone).replace(/ \d{4}$/, '')
  return list.map((i): Finding => {
    const target = i.targets[KINDS[metric].target.field]
    const what = KINDS[metric].noun.toLowerCase()
    if (target === null) return { initiative: i, condition: false, message: `${i.name} has no monthly target for ${what}; nothing to project against.` }
    const fmt = (x: number) => (metric === 'time_saved' ? `${trim(x)} hours` : money(Math.round(x), i.currency).replace(/\.00$/, ''))
    const targetText = metric === 'time_saved' ? `${trim(target)}-hour` : money(target, i.currency).replace(/\.00$/, '')
    const values = data.values.get(i.id)!
    const startDay = bucketStart(Date.parse(i.startedAt), 'day', ctx.timezone)
    // As of the end of day k (k < t) or now (k = t): the month so far, the rest of the month, and the
    // trailing full days before the next day as history (only days since the initiative started).
    const asOf = (k: number) => {
      let mtd = 0
      for (let d = m0; d <= k; d++) mtd += values[d]
      const rest: Array<{ weekday: number; share: number }> = []
      if (k === t) rest.push({ weekday: days[t].weekday, share: data.todayShareLeft })
      for (let d = k + 1; d <= t; d++) rest.push({ weekday: days[d].weekday, share: 1 })
      for (const d of data.laterDays) rest.push({ weekday: d.weekday, share: 1 })
      const historyEnd = k === t ? t : k + 1
      const history: DayTotal[] = []
      for (let d = Math.max(0, historyEnd - FORECAST_WINDOW_DAYS); d < historyEnd; d++) if (days[d].start >= startDay) history.push({ weekday: days[d].weekday, value: values[d] })
      const elapsed = k - m0 + (k === t ? 1 - data.todayShareLeft : 1)
      return projectMonth({ monthToDate: mtd, elapsedDays: elapsed, rest, history })
    }
    const now = asOf(t)
    const outlook = targetOutlook(now.projected, target)
    if (!outlook.miss) {
      return { initiative: i, condition: false, message: `${i.name} is on course for its ${targetText} target for ${what} in ${month}: ${fmt(now.projected)} projected (${fmt(now.monthToDate)} so far).` }
    }
    const daily = [] as Array<{ day: string; miss: boolean }>
    for (let k = m0; k < t; k++) daily.push({ day: days[k].date, miss: targetOutlook(asOf(k).projected, target).miss })
    daily.push({ day: days[t].date, miss: true })
    const since = missingSince(daily)!
    const basis = now.basis === 'weekday_pattern' ? `the same weekdays over the last ${now.historyDays >= FORECAST_WINDOW_DAYS ? '12 weeks' : `${now.historyDays} days`} suggest ${fmt(now.expectedRest)} more` : now.basis === 'month_to_date' ? `at this month's pace, ${fmt(now.expectedRest)} more` : 'there is no history to project from'
    const share = outlook.shortfallShare === null ? '' : ` (${Math.round(outlook.shortfallShare * 100)}%)`
    return {
      initiative: i,
      condition: true,
      message: `${i.name} is heading for ${fmt(now.projected)} ${metric === 'time_saved' ? 'saved' : 'of revenue influenced'} in ${month}, ${fmt(outlook.shortfall)}${share} short of its ${targetText} target: ${fmt(now.monthToDate)} so far, and ${basis}. Projected to miss since ${dayLabel(Date.parse(`${since}T12:00:00Z`), 'UTC')}.`,
    }
  })
}

function readinessMessage(i: Initiative, r: Readiness, firing: boolean, before: string | undefined): string {
  const was = before && before !== r.verdict ? ` (was ${VERDICT_WORDS[before as Readiness['verdict']]?.word ?? before}${before === 'not_yet' ? ' ready' : ''})` : ''
  if (r.verdict === 'at_risk') {
    const why = (r.risks.length ? r.risks : r.missing).slice(0, 2).map((f) => f.message).join('; ')
    return `${i.name} ${was ? 'has fallen to' : 'is'} at risk${was}: ${why}.`
  }
  if (r.verdict === 'ready') return `${i.name} ${was ? 'has become' : 'is'} ready to scale${was}: every item of the pilot-to-production gate is met (${r.met.length} checks).`
  const next = r.missing.slice(0, 2).map((f) => f.message).join('; ')
  return firing ? `${i.name} is now ${VERDICT_WORDS[r.verdict].word} ready${next ? `: ${next}` : ''}.` : `${i.name} is ${VERDICT_WORDS[r.verdict].word} ready${next ? `: ${next}` : ''}.`
}

async function readiness(ctx: EvaluationContext, rule: AlertRule, list: Initiative[], previous: Map<number, string | null>): Promise<Finding[]> {
  const all = await once(ctx, 'readiness', () => findReadiness(ctx.db, { timezone: ctx.timezone, now: ctx.now }, ctx.readinessMonths))
  const bySlug = new Map(all.map((r) => [r.slug, r]))
  const watch = rule.params.on as WatchedVerdict[]
  return list.flatMap((i): Finding[] => {
    const r = bySlug.get(i.slug)
    if (!r) return []
    const condition = readinessCondition(r.verdict, watch)
    return [{ initiative: i, condition, key: r.verdict, info: { verdict: r.verdict }, message: readinessMessage(i, r, condition, previous.get(i.id) ?? undefined) }]
  })
}

async function payback(ctx: EvaluationContext, rule: AlertRule, list: Initiative[], references: Map<number, string | null>): Promise<Finding[]> {
  const zone = ctx.timezone
  const summary = await once(ctx, 'summary', () => findSummary(ctx.db, { timezone: zone }, { from: bucketStart(ctx.now, 'month', zone), to: ctx.now, now: ctx.now }))
  const bySlug = new Map(summary.initiatives.map((s) => [s.slug, s]))
  const months = rule.params.months as number
  const label = (m: string) => monthLabel(startOfLocalMonth(m, zone), zone)
  return list.flatMap((i): Finding[] => {
    const s = bySlug.get(i.slug)
    if (!s) return []
    const pm = s.paybackMonth ? { month: s.paybackMonth.month, projected: s.paybackMonth.projected } : null
    const stored = references.get(i.id) ?? null
    const reference = stored ?? (pm?.projected ? pm.month : null)
    const slip = paybackSlip(reference, pm, months)
    const info = { reference }
    if (slip.slipping && slip.outOfSight) return [{ initiative: i, condition: true, info, message: `${i.name}'s payback has moved out of sight: at the current rate its value no longer catches up with its cost (it was projected for ${label(reference!)}).` }]
    if (slip.slipping) return [{ initiative: i, condition: true, info, message: `${i.name}'s projected payback has slipped ${slip.monthsLater} months, from ${label(reference!)} to ${label(pm!.month)}.` }]
    if (pm && !pm.projected) return [{ initiative: i, condition: false, info, message: `${i.name} has paid back (${label(pm.month)}).` }]
    if (pm) return [{ initiative: i, condition: false, info, message: `${i.name}'s payback is projected for ${label(pm.month)}${reference && reference !== pm.month ? ` (first seen as ${label(reference)})` : ''}.` }]
    return [{ initiative: i, condition: false, info, message: `${i.name} has no payback in sight yet; this rule watches for a projected payback month moving later.` }]
  })
}

async function silent(ctx: EvaluationContext, rule: AlertRule, list: Initiative[]): Promise<Finding[]> {
  const last = await once(ctx, 'last-events', () => refreshLastEvents(ctx.db, ctx.now))
  const hours = rule.params.hours as number
  const watched = Date.parse(rule.createdAt)
  return list.map((i): Finding => {
    const at = last.get(i.id) ?? null
    const s = silence(at, Math.max(watched, Date.parse(i.createdAt)), ctx.now, hours)
    const when = at === null ? 'no event received yet' : `last event received ${formatDateTime(at, ctx.timezone)}`
    if (s.silent) return { initiative: i, condition: true, message: `No events from ${i.name} for ${trim(s.silentHours, 1)} hours (${when}; the rule allows ${trim(hours, 2)}): its integration may be broken.` }
    return { initiative: i, condition: false, message: at === null ? `${i.name} has sent no events yet (watched for ${trim(s.silentHours, 1)} of ${trim(hours, 2)} hours).` : `Events from ${i.name} are arriving (${when}).` }
  })
}

/**
 * The findings of one rule for every initiative in its scope that has started and is not retired
 * (a pair whose initiative was retired is resolved by the caller).
 * `memory`: each pair's stored info (the payback reference month, the last readiness verdict).
 * @example const findings = await findingsFor(ctx, rule, new Map())
 */
export async function findingsFor(ctx: EvaluationContext, rule: AlertRule, memory: Map<number, Record<string, unknown>>): Promise<Finding[]> {
  const recall = (key: string) => new Map([...memory].map(([id, info]) => [id, (info[key] as string | null | undefined) ?? null]))
  const list = ctx.initiatives.filter((i) => (rule.initiativeId === null || i.id === rule.initiativeId) && i.stage !== 'retired' && Date.parse(i.startedAt) <= ctx.now)
  if (list.length === 0) return []
  switch (rule.kind) {
    case 'trajectory':
      return trajectory(ctx, rule, list)
    case 'readiness':
      return readiness(ctx, rule, list, recall('verdict'))
    case 'payback':
      return payback(ctx, rule, list, recall('reference'))
    case 'silence':
      return silent(ctx, rule, list)
  }
}

/** The month in progress, `YYYY-MM` (for messages and tests). */
export function monthInProgress(now: number, zone: string): string {
  return localMonthString(now, zone)
}
