/**
 * The summary behind GET /api/v1/summary, the dashboard's overview and the email digests: the same
 * function, so every reader sees the same numbers.
 */
import type { Db } from '../../db/connection.js'
import { listInitiatives, type Initiative, type Stage } from '../../db/queries/initiatives.js'
import { aggregateRanges, ANY_STAGE, cellKey, findFreshness, readSnapshot, rollupReadCache, sumWholeMonths, type Aggregate, type AggregateResult, type MonthValueParts } from '../../db/queries/outcomes.js'
import { fromMinorUnits } from '../../metrics/currency.js'
import { costToDate, paybackMonth, previousPeriod, returnPerDollar, targetStatus, type Payback, type TargetStatus } from '../../metrics/outcomes.js'
import { LatencySketch } from '../../metrics/sketch.js'
import { bucketStart, formatInstant, localMonthString, nextBucketStart } from '../../metrics/time-buckets.js'
import { periodFigures, periodValue, round6, roundMoney, scaleMonthlyTarget, sumAggregates, type MetricAggregates, type PeriodFigures } from './figures.js'

const METRICS = ['time_saved', 'error_rate', 'revenue_influenced', 'decision_latency'] as const
const VALUE_METRICS = ['time_saved', 'error_rate', 'revenue_influenced'] as const

export interface SummaryParams {
  from: number
  to: number
  /** Only events whose stage at occurred_at was this. */
  stage?: Stage | null
  /** Only initiatives of this team. */
  team?: string | null
  /** Only these initiative slugs (null: all). */
  initiatives?: string[] | null
  /** Add `byStage` per initiative. */
  split?: boolean
  /** Which initiatives the caller may see (scoped API keys); default all. */
  allowed?: (slug: string) => boolean
  /** generatedAt; default Date.now(). */
  now?: number
}

export interface TargetAttainment {
  target: number | null
  actual: number | null
  status: TargetStatus
}

export interface PreviousFigures extends PeriodFigures {
  costToDate: number
  returnPerDollar: number | null
}

export interface InitiativeSummary extends PeriodFigures {
  slug: string
  name: string
  stage: Stage
  team: string | null
  owner: string | null
  currency: string
  costToDate: number
  returnPerDollar: number | null
  paybackMonth: Payback | null
  targets: { timeSaved: TargetAttainment; errorRate: TargetAttainment; revenueInfluenced: TargetAttainment; decisionLatency: TargetAttainment }
  previous: PreviousFigures
  byStage?: Record<string, PeriodFigures>
}

export interface PortfolioFigures {
  eventCount: number
  timeSavedHours: number
  timeSavedValue: number
  errors: number
  total: number
  errorRate: number | null
  errorsAvoided: number
  revenueInfluenced: number
  valueTotal: number
  costToDate: number
  returnPerDollar: number | null
  decisionLatencyP50: number | null
  decisionLatencyP90: number | null
  decisionCount: number
}

export interface Summary {
  from: string
  to: string
  timezone: string
  generatedAt: string
  freshness: { rolledUpTo: number; rolledUpAt: string | null; tailEvents: number }
  previous: { from: string; to: string }
  initiatives: InitiativeSummary[]
  portfolio: PortfolioFigures & {
    currency: string | null
    mixedCurrencies: boolean
    /** Set when initiatives use several currencies: which money figures were summed. */
    currencyNote: string | null
    initiativeCount: number
    previous: PortfolioFigures
  }
}

/** Thrown for filters that name initiatives that do not exist (or the caller may not see). */
export class UnknownInitiativesError extends Error {
  constructor(readonly slugs: string[]) {
    super(`no initiative ${slugs.map((s) => `"${s}"`).join(', ')}; GET /api/v1/initiatives lists them`)
  }
}

function aggregatesOf(r: AggregateResult, initiativeId: number, index: number, stages: readonly string[] | null): MetricAggregates {
  const pick = (metric: string): Aggregate => {
    const parts: Aggregate[] = []
    for (const stage of stages ?? (r.byStage ? STAGE_LIST : ANY)) {
      const a = r.cells.get(cellKey(initiativeId, metric, stage, index))
      if (a) parts.push(a)
    }
    return sumAggregates(parts, metric)
  }
  return { time_saved: pick('time_saved'), error_rate: pick('error_rate'), revenue_influenced: pick('revenue_influenced'), decision_latency: pick('decision_latency') }
}

const STAGE_LIST = ['pilot', 'scaling', 'production', 'retired'] as const
const ANY = [ANY_STAGE] as const


function stagesPresent(r: AggregateResult, initiativeId: number, index: number): string[] {
  const out: string[] = []
  for (const stage of STAGE_LIST) {
    if (METRICS.some((m) => r.cells.has(cellKey(initiativeId, m, stage, index)))) out.push(stage)
  }
  return out
}

/**
 * The portfolio summary for [from, to): per initiative the period's figures, value, cost, return,
 * payback and target attainment, the previous period of equal length, and portfolio totals.
 * Reads rollups + raw edges + the not-yet-rolled tail in one snapshot: every acknowledged event counts.
 * Throws UnknownInitiativesError when `initiatives` names one that does not exist or is not allowed.
 * @example const s = await findSummary(db, { timezone: 'Europe/London' }, { from: Date.parse('2026-10-01T00:00+01:00'), to: Date.parse('2026-11-01T00:00Z') })
 */
export async function findSummary(db: Db, config: { timezone: string }, params: SummaryParams): Promise<Summary> {
  const zone = config.timezone
  const { from, to } = params
  const prev = previousPeriod(from, to)
  const allowed = params.allowed ?? (() => true)
  const cache = rollupReadCache(db)
  return readSnapshot(db, async (tx) => {
    const everyInitiative = await listInitiatives(tx)
    let list: Initiative[] = everyInitiative.filter((i) => allowed(i.slug))
    if (params.initiatives) {
      const known = new Set(list.map((i) => i.slug))
      const unknown = params.initiatives.filter((s) => !known.has(s))
      if (unknown.length > 0) throw new UnknownInitiativesError(unknown)
      const wanted = new Set(params.initiatives)
      list = list.filter((i) => wanted.has(i.slug))
    }
    if (params.team) list = list.filter((i) => i.team === params.team)
    // All initiatives: no id filter in SQL (it would steer the planner to the primary key, one seek
    // per initiative and bucket range); cells of others are never looked at.
    const ids = list.length === everyInitiative.length ? null : list.map((i) => i.id)
    const stage = params.stage ?? null

    // Cells per stage only for split=stage; otherwise summed over stages in SQL (fewer rows and merges).
    const period = await aggregateRanges(tx, { timezone: zone, ranges: [[prev.from, prev.to], [from, to]], initiativeIds: ids, metrics: [...METRICS], stage, cache, byStage: params.split === true })

    // Payback: monthly value since each start month, up to `to`, whatever the period or stage filter.
    const starts = list.map((i) => Date.parse(i.startedAt)).filter((s) => s < to)
    const monthRanges: Array<[number, number]> = []
    if (starts.length > 0) {
      for (let m = bucketStart(Math.min(...starts), 'month', zone); m < to; m = nextBucketStart(m, 'month', zone)) {
        monthRanges.push([m, Math.min(nextBucketStart(m, 'month', zone), to)])
      }
    }
    // Whole months from one read of the month rollups for every initiative (only the sums value needs);
    // the rest (a partial last month, events not rolled up yet) from aggregateRanges without months.
    const monthly = monthRanges.length > 0 ? await aggregateRanges(tx, { timezone: zone, ranges: monthRanges, initiativeIds: ids, metrics: [...VALUE_METRICS], stage: null, cache, byStage: false, grains: ['day', 'hour'], tail: period.tail }) : null
    const lastWhole = monthRanges.findLastIndex(([m, end]) => end === nextBucketStart(m, 'month', zone))
    const wholeMonths = monthly?.rollupsUsed && lastWhole >= 0 ? await sumWholeMonths(tx, { fromMonth: monthRanges[0][0], lastMonth: monthRanges[lastWhole][0], initiativeIds: ids, cache }) : null
    const monthNames = monthRanges.map(([m]) => localMonthString(m, zone))
    // The rest (partial last month, tail) by initiative and month index, from its few cells.
    const rest = new Map<number, MonthValueParts[]>()
    for (const [key, a] of monthly?.cells ?? []) {
      const [id, metric, , index] = key.split('|')
      let parts = rest.get(Number(id))
      if (parts === undefined) {
        parts = []
        rest.set(Number(id), parts)
      }
      const p = (parts[Number(index)] ??= { timeSavedMs: 0, revenueMinor: 0, errors: 0, total: 0 })
      if (metric === 'time_saved') p.timeSavedMs += a.quantitySum
      else if (metric === 'revenue_influenced') p.revenueMinor += a.quantitySum
      else if (metric === 'error_rate') {
        p.errors += a.errorsSum
        p.total += a.totalSum
      }
    }
    const freshness = await findFreshness(tx)

    const initiatives: InitiativeSummary[] = list.map((i) => {
      const startedAt = Date.parse(i.startedAt)
      const current = periodFigures(i, aggregatesOf(period, i.id, 1, null))
      const before = periodFigures(i, aggregatesOf(period, i.id, 0, null))
      const cost = roundMoney(costToDate({ upfrontCost: i.upfrontCost, monthlyCost: i.monthlyCost, startedAtMs: startedAt, asOfMs: to - 1, zone }), i.currency)
      const costBefore = roundMoney(costToDate({ upfrontCost: i.upfrontCost, monthlyCost: i.monthlyCost, startedAtMs: startedAt, asOfMs: prev.to - 1, zone }), i.currency)
      let payback: Payback | null = null
      if (monthly && startedAt < to) {
        const startMonth = bucketStart(startedAt, 'month', zone)
        const months = []
        for (let k = 0; k < monthRanges.length; k++) {
          if (monthRanges[k][0] < startMonth) continue
          const whole = wholeMonths?.get(i.id)?.get(monthRanges[k][0])
          const extra = rest.get(i.id)?.[k]
          const value = periodValue(i, {
            timeSavedMs: (whole?.timeSavedMs ?? 0) + (extra?.timeSavedMs ?? 0),
            revenueMinor: (whole?.revenueMinor ?? 0) + (extra?.revenueMinor ?? 0),
            errors: (whole?.errors ?? 0) + (extra?.errors ?? 0),
            total: (whole?.total ?? 0) + (extra?.total ?? 0),
          })
          months.push({ month: monthNames[k], value, cost: i.monthlyCost })
        }
        payback = paybackMonth({ months, upfrontCost: i.upfrontCost })
      }
      const t = i.targets
      const timeSavedTarget = round6(scaleMonthlyTarget(t.timeSavedHoursPerMonth, from, to, zone))
      const revenueTarget = t.revenueInfluencedPerMonth === null ? null : roundMoney(scaleMonthlyTarget(t.revenueInfluencedPerMonth, from, to, zone)!, i.currency)
      const out: InitiativeSummary = {
        slug: i.slug,
        name: i.name,
        stage: i.stage,
        team: i.team,
        owner: i.owner,
        currency: i.currency,
        ...current,
        costToDate: cost,
        returnPerDollar: round6(returnPerDollar(current.valueTotal, cost)),
        paybackMonth: payback,
        targets: {
          timeSaved: { target: timeSavedTarget, actual: current.timeSavedHours, status: targetStatus({ actual: current.timeSavedHours, target: timeSavedTarget, direction: 'higher' }) },
          errorRate: { target: t.errorRate, actual: current.errorRate, status: targetStatus({ actual: current.errorRate, target: t.errorRate, direction: 'lower' }) },
          revenueInfluenced: { target: revenueTarget, actual: current.revenueInfluenced, status: targetStatus({ actual: current.revenueInfluenced, target: revenueTarget, direction: 'higher' }) },
          decisionLatency: { target: t.decisionLatencySeconds, actual: current.decisionLatencyP50, status: targetStatus({ actual: current.decisionLatencyP50, target: t.decisionLatencySeconds, direction: 'lower' }) },
        },
        previous: { ...before, costToDate: costBefore, returnPerDollar: round6(returnPerDollar(before.valueTotal, costBefore)) },
      }
      if (params.split) {
        out.byStage = {}
        for (const s of stagesPresent(period, i.id, 1)) out.byStage[s] = periodFigures(i, aggregatesOf(period, i.id, 1, [s]))
      }
      return out
    })

    // Portfolio: hours and counts over all; money over the most common currency only.
    const byCurrency = new Map<string, number>()
    for (const i of list) byCurrency.set(i.currency, (byCurrency.get(i.currency) ?? 0) + 1)
    const currency = [...byCurrency.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null
    const mixed = byCurrency.size > 1
    const portfolioOf = (index: number, pick: (s: InitiativeSummary) => PeriodFigures & { costToDate: number }): PortfolioFigures => {
      const sketch = new LatencySketch()
      const f: PortfolioFigures = { eventCount: 0, timeSavedHours: 0, timeSavedValue: 0, errors: 0, total: 0, errorRate: null, errorsAvoided: 0, revenueInfluenced: 0, valueTotal: 0, costToDate: 0, returnPerDollar: null, decisionLatencyP50: null, decisionLatencyP90: null, decisionCount: 0 }
      let revenueMinor = 0
      list.forEach((init, k) => {
        const s = pick(initiatives[k])
        f.eventCount += s.eventCount
        f.timeSavedHours += s.timeSavedHours
        f.errors += s.errors
        f.total += s.total
        f.errorsAvoided += s.errorsAvoided ?? 0
        f.decisionCount += s.decisionCount
        for (const stage of period.byStage ? STAGE_LIST : ANY) {
          const a = period.cells.get(cellKey(init.id, 'decision_latency', stage, index))
          if (a?.sketch) sketch.merge(a.sketch)
        }
        if (init.currency !== currency) return
        f.timeSavedValue += s.timeSavedValue ?? 0
        for (const stage of period.byStage ? STAGE_LIST : ANY) revenueMinor += period.cells.get(cellKey(init.id, 'revenue_influenced', stage, index))?.quantitySum ?? 0
        f.valueTotal += s.valueTotal
        f.costToDate += s.costToDate
      })
      const c = currency ?? 'USD'
      f.timeSavedHours = round6(f.timeSavedHours)!
      f.errorsAvoided = round6(f.errorsAvoided)!
      f.errorRate = f.total > 0 ? f.errors / f.total : null
      f.timeSavedValue = roundMoney(f.timeSavedValue, c)
      f.revenueInfluenced = fromMinorUnits(revenueMinor, c)
      f.valueTotal = roundMoney(f.valueTotal, c)
      f.costToDate = roundMoney(f.costToDate, c)
      f.returnPerDollar = round6(returnPerDollar(f.valueTotal, f.costToDate))
      f.decisionLatencyP50 = round6(sketch.quantile(0.5))
      f.decisionLatencyP90 = round6(sketch.quantile(0.9))
      return f
    }
    const portfolio = {
      ...portfolioOf(1, (s) => s),
      currency,
      mixedCurrencies: mixed,
      currencyNote: mixed ? `initiatives use ${[...byCurrency.keys()].sort().join(', ')}; money figures sum only the ${byCurrency.get(currency!)} initiative(s) in ${currency}, hours and counts sum all` : null,
      initiativeCount: list.length,
      previous: portfolioOf(0, (s) => s.previous),
    }
    const now = params.now ?? Date.now()
    return {
      from: formatInstant(from, zone),
      to: formatInstant(to, zone),
      timezone: zone,
      generatedAt: formatInstant(now, zone),
      freshness: { rolledUpTo: freshness.watermark, rolledUpAt: freshness.rolledUpAt === null ? null : formatInstant(freshness.rolledUpAt, zone), tailEvents: freshness.tailEvents },
      previous: { from: formatInstant(prev.from, zone), to: formatInstant(prev.to, zone) },
      initiatives,
      portfolio,
    }
  })
}
