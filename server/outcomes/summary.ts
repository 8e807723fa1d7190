/**
 * The summary behind GET /api/v1/summary, the dashboard's overview and the email digests: the same
 * function, so every reader sees the same numbers.
 */
import type { Db } from '../../db/connection.js'
import { listInitiatives, type Initiative, type Stage } from '../../db/queries/initiatives.js'
import { aggregateRanges, ANY_STAGE, cellKey, findFreshness, readSnapshot, rollupReadCache, sumWholeMonths, type Aggregate, type AggregateResult, type MonthValueParts } from '../../db/queries/outcomes.js'
import { fromMinorUnits } from '../../metrics/currency.js'
import { previousPeriod, targetStatus, type TargetStatus } from '../../metrics/outcomes.js'
import { costIncurred, curveMonthRanges, initiativeCurveMonths, inRange, paybackFromMonths, returnPerDollar, sumCurveMonths, type CostTerms, type CurveMonthInput, type PaybackCurve, type PaybackMonth } from '../../metrics/money.js'
import { LatencySketch } from '../../metrics/sketch.js'
import { KINDS, METRICS, VALUE_METRICS, type Metric } from '../../metrics/metric-kinds.js'
import { STAGES } from '../../metrics/stages.js'
import { bucketStart, formatInstant, localMonthString, nextBucketStart } from '../../metrics/time-buckets.js'
import { periodFigures, periodValue, round6, roundMoney, scaleMonthlyTarget, sumAggregates, type MetricAggregates, type PeriodFigures } from '../../metrics/figures.js'


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
  /** Now: generatedAt, and no cost past it; default Date.now(). */
  now?: number
}

export interface TargetAttainment {
  target: number | null
  actual: number | null
  status: TargetStatus
}

/** Money of one initiative (or the portfolio) in a range and to date (CONTRACT.md, "Money"). */
export interface MoneyFigures {
  /** Cost incurred in the range (metrics/money.ts costIncurred). */
  cost: number
  /** valueTotal ÷ cost, the same range; null without cost. */
  returnPerDollar: number | null
}

export interface ToDateFigures {
  /** From the start to the end of the range or now, whichever is earlier. */
  valueToDate: number
  costToDate: number
  /** valueToDate ÷ costToDate, comparable with the field's "$1.41 per $1". */
  returnToDate: number | null
  paybackMonth: PaybackMonth | null
}

export type PreviousFigures = PeriodFigures & MoneyFigures

export interface InitiativeSummary extends PeriodFigures, MoneyFigures, ToDateFigures {
  slug: string
  name: string
  stage: Stage
  team: string | null
  owner: string | null
  currency: string
  /** When it was retired (the first change to retired), or null. */
  retiredAt: string | null
  targets: { timeSaved: TargetAttainment; errorRate: TargetAttainment; revenueInfluenced: TargetAttainment; decisionLatency: TargetAttainment }
  previous: PreviousFigures
  byStage?: Record<string, PeriodFigures>
}

export interface PortfolioFigures extends MoneyFigures {
  eventCount: number
  timeSavedHours: number
  timeSavedValue: number
  errors: number
  total: number
  errorRate: number | null
  errorsAvoided: number
  revenueInfluenced: number
  valueTotal: number
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
  /** Initiatives the caller may see that are not in this range (not started by its end, or retired before it). */
  notInRange: Array<{ slug: string; name: string; reason: 'not_started' | 'retired' }>
  portfolio: PortfolioFigures & ToDateFigures & {
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
    for (const stage of stages ?? (r.byStage ? STAGES : ANY)) {
      const a = r.cells.get(cellKey(initiativeId, metric, stage, index))
      if (a) parts.push(a)
    }
    return sumAggregates(parts, metric)
  }
  return Object.fromEntries(METRICS.map((m) => [m, pick(m)])) as MetricAggregates
}

const ANY = [ANY_STAGE] as const


/**
 * An initiative's target for a metric over [from, to): a monthly target scaled to the period's share
 * of months (rounded to the currency's minor unit for money, else to 6 decimals), a level as it is.
 */
function periodTarget(i: Initiative, metric: Metric, from: number, to: number, zone: string): number | null {
  const k = KINDS[metric]
  const value = i.targets[k.target.field]
  if (k.target.per !== 'month') return value
  if (k.displayUnit === 'currency') return value === null ? null : roundMoney(scaleMonthlyTarget(value, from, to, zone)!, i.currency)
  return round6(scaleMonthlyTarget(value, from, to, zone))
}

function stagesPresent(r: AggregateResult, initiativeId: number, index: number): string[] {
  const out: string[] = []
  for (const stage of STAGES) {
    if (METRICS.some((m) => r.cells.has(cellKey(initiativeId, m, stage, index)))) out.push(stage)
  }
  return out
}

/** The cost terms of an initiative: its costs, its start and the first change to retired. */
export function costTermsOf(i: Initiative): CostTerms {
  const retired = i.stageHistory.find((h) => h.to === 'retired')
  return { upfrontCost: i.upfrontCost, monthlyCost: i.monthlyCost, startedAtMs: Date.parse(i.startedAt), retiredAtMs: retired ? Date.parse(retired.at) : null }
}

/**
 * Each initiative's actual payback-curve months as of `asOf` (metrics/money.ts): the value of every
 * local month from its start month to the month in progress, from one read of the month rollups for
 * all of them plus the partial last month and the not-yet-rolled tail.
 */
async function readCurveMonths(tx: Parameters<Parameters<typeof readSnapshot>[1]>[0], q: { list: Initiative[]; ids: number[] | null; asOf: number; zone: string; cache: ReturnType<typeof rollupReadCache>; tail?: AggregateResult['tail'] }): Promise<Map<number, CurveMonthInput[]>> {
  const { list, asOf, zone, cache } = q
  const out = new Map<number, CurveMonthInput[]>()
  const starts = list.map((i) => Date.parse(i.startedAt)).filter((s) => s < asOf)
  if (starts.length === 0) return out
  const monthRanges = curveMonthRanges(Math.min(...starts), asOf, zone)
  // Whole months from one read of the month rollups for every initiative (only the sums value needs);
  // the rest (a partial last month, events not rolled up yet) from aggregateRanges without months.
  const monthly = await aggregateRanges(tx, { timezone: zone, ranges: monthRanges, initiativeIds: q.ids, metrics: [...VALUE_METRICS], stage: null, cache, byStage: false, grains: ['day', 'hour'], tail: q.tail })
  const lastWhole = monthRanges.findLastIndex(([m, end]) => end === nextBucketStart(m, 'month', zone))
  const wholeMonths = monthly.rollupsUsed && lastWhole >= 0 ? await sumWholeMonths(tx, { fromMonth: monthRanges[0][0], lastMonth: monthRanges[lastWhole][0], initiativeIds: q.ids, cache }) : null
  // The rest (partial last month, tail) by initiative and month index, from its few cells.
  const rest = new Map<number, MonthValueParts[]>()
  for (const [key, a] of monthly.cells) {
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
  for (const i of list) {
    const terms = costTermsOf(i)
    if (!(terms.startedAtMs < asOf)) continue
    const startMonth = bucketStart(terms.startedAtMs, 'month', zone)
    const values: number[] = []
    monthRanges.forEach(([m], k) => {
      if (m < startMonth) return
      const whole = wholeMonths?.get(i.id)?.get(m)
      const extra = rest.get(i.id)?.[k]
      values.push(periodValue(i, {
        timeSavedMs: (whole?.timeSavedMs ?? 0) + (extra?.timeSavedMs ?? 0),
        revenueMinor: (whole?.revenueMinor ?? 0) + (extra?.revenueMinor ?? 0),
        errors: (whole?.errors ?? 0) + (extra?.errors ?? 0),
        total: (whole?.total ?? 0) + (extra?.total ?? 0),
      }))
    })
    out.set(i.id, initiativeCurveMonths(terms, values, asOf, i.currency, zone))
  }
  return out
}

/** The payback curve of one initiative's actual months (a retired one is not projected). */
function curveOf(i: Initiative, months: CurveMonthInput[] | undefined, asOf: number): PaybackCurve {
  const terms = costTermsOf(i)
  const retired = terms.retiredAtMs !== null && terms.retiredAtMs <= asOf
  return paybackFromMonths(months ?? [], { monthlyCost: i.monthlyCost, project: !retired, currency: i.currency })
}

/**
 * The portfolio summary for [from, to): per initiative in the range the period's figures, value, cost,
 * return, the to-date figures and payback as of the end of the range or now (CONTRACT.md, "Money"),
 * target attainment, the previous period of equal length, and portfolio totals. Initiatives not in
 * the range (not started by its end, or retired before it) are listed apart in `notInRange`.
 * Reads rollups + raw edges + the not-yet-rolled tail in one snapshot: every acknowledged event counts.
 * Throws UnknownInitiativesError when `initiatives` names one that does not exist or is not allowed.
 * @example const s = await findSummary(db, { timezone: 'Europe/London' }, { from: Date.parse('2026-10-01T00:00+01:00'), to: Date.parse('2026-11-01T00:00Z') })
 */
export async function findSummary(db: Db, config: { timezone: string }, params: SummaryParams): Promise<Summary> {
  const zone = config.timezone
  const { from, to } = params
  const now = params.now ?? Date.now()
  const asOf = Math.min(to, now)
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
    const notInRange: Summary['notInRange'] = []
    list = list.filter((i) => {
      const terms = costTermsOf(i)
      if (inRange(terms, { fromMs: from, toMs: to, nowMs: now })) return true
      notInRange.push({ slug: i.slug, name: i.name, reason: terms.startedAtMs >= Math.min(to, now) ? 'not_started' : 'retired' })
      return false
    })
    // All initiatives: no id filter in SQL (it would steer the planner to the primary key, one seek
    // per initiative and bucket range); cells of others are never looked at.
    const ids = list.length === everyInitiative.length ? null : list.map((i) => i.id)
    const stage = params.stage ?? null

    // Cells per stage only for split=stage; otherwise summed over stages in SQL (fewer rows and merges).
    const period = await aggregateRanges(tx, { timezone: zone, ranges: [[prev.from, prev.to], [from, to]], initiativeIds: ids, metrics: [...METRICS], stage, cache, byStage: params.split === true })
    // The to-date figures and payback: monthly value since each start month, whatever the stage filter.
    const curveMonths = await readCurveMonths(tx, { list, ids, asOf, zone, cache, tail: period.tail })
    const freshness = await findFreshness(tx)

    const initiatives: InitiativeSummary[] = list.map((i) => {
      const terms = costTermsOf(i)
      const current = periodFigures(i, aggregatesOf(period, i.id, 1, null))
      const before = periodFigures(i, aggregatesOf(period, i.id, 0, null))
      const cost = costIncurred(terms, { fromMs: from, toMs: to, nowMs: now }, i.currency, zone)
      const costBefore = costIncurred(terms, { fromMs: prev.from, toMs: prev.to, nowMs: now }, i.currency, zone)
      const curve = curveOf(i, curveMonths.get(i.id), asOf)
      const out: InitiativeSummary = {
        slug: i.slug,
        name: i.name,
        stage: i.stage,
        team: i.team,
        owner: i.owner,
        currency: i.currency,
        retiredAt: terms.retiredAtMs === null ? null : formatInstant(terms.retiredAtMs, zone),
        ...current,
        cost,
        returnPerDollar: returnPerDollar(current.valueTotal, cost),
        valueToDate: curve.valueToDate,
        costToDate: curve.costToDate,
        returnToDate: curve.returnToDate,
        paybackMonth: curve.paybackMonth,
        targets: Object.fromEntries(METRICS.map((m) => {
          const target = periodTarget(i, m, from, to, zone)
          const actual = current[KINDS[m].figure]
          return [KINDS[m].targetKey, { target, actual, status: targetStatus({ actual, target, direction: KINDS[m].direction }) }]
        })) as InitiativeSummary['targets'],
        previous: { ...before, cost: costBefore, returnPerDollar: returnPerDollar(before.valueTotal, costBefore) },
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
    const c = currency ?? 'USD'
    const portfolioOf = (index: number, pick: (s: InitiativeSummary) => PeriodFigures & MoneyFigures): PortfolioFigures => {
      const sketch = new LatencySketch()
      const f: PortfolioFigures = { eventCount: 0, timeSavedHours: 0, timeSavedValue: 0, errors: 0, total: 0, errorRate: null, errorsAvoided: 0, revenueInfluenced: 0, valueTotal: 0, cost: 0, returnPerDollar: null, decisionLatencyP50: null, decisionLatencyP90: null, decisionCount: 0 }
      let revenueMinor = 0
      list.forEach((init, k) => {
        const s = pick(initiatives[k])
        f.eventCount += s.eventCount
        f.timeSavedHours += s.timeSavedHours
        f.errors += s.errors
        f.total += s.total
        f.errorsAvoided += s.errorsAvoided ?? 0
        f.decisionCount += s.decisionCount
        for (const stage of period.byStage ? STAGES : ANY) {
          const a = period.cells.get(cellKey(init.id, 'decision_latency', stage, index))
          if (a?.sketch) sketch.merge(a.sketch)
        }
        if (init.currency !== currency) return
        f.timeSavedValue += s.timeSavedValue ?? 0
        for (const stage of period.byStage ? STAGES : ANY) revenueMinor += period.cells.get(cellKey(init.id, 'revenue_influenced', stage, index))?.quantitySum ?? 0
        f.valueTotal += s.valueTotal
        f.cost += s.cost
      })
      f.timeSavedHours = round6(f.timeSavedHours)!
      f.errorsAvoided = round6(f.errorsAvoided)!
      f.errorRate = f.total > 0 ? f.errors / f.total : null
      f.timeSavedValue = roundMoney(f.timeSavedValue, c)
      f.revenueInfluenced = fromMinorUnits(revenueMinor, c)
      f.valueTotal = roundMoney(f.valueTotal, c)
      f.cost = roundMoney(f.cost, c)
      f.returnPerDollar = returnPerDollar(f.valueTotal, f.cost)
      f.decisionLatencyP50 = round6(sketch.quantile(0.5))
      f.decisionLatencyP90 = round6(sketch.quantile(0.9))
      return f
    }
    // The portfolio's payback: the same rule on the summed curves of the initiatives in its currency.
    const inCurrency = list.filter((i) => i.currency === currency)
    const running = inCurrency.filter((i) => {
      const retiredAt = costTermsOf(i).retiredAtMs
      return retiredAt === null || retiredAt > asOf
    })
    const portfolioCurve = paybackFromMonths(sumCurveMonths(inCurrency.map((i) => curveMonths.get(i.id) ?? []), c), {
      monthlyCost: roundMoney(running.reduce((s, i) => s + i.monthlyCost, 0), c),
      project: running.length > 0,
      currency: c,
    })
    const portfolio = {
      ...portfolioOf(1, (s) => s),
      valueToDate: portfolioCurve.valueToDate,
      costToDate: portfolioCurve.costToDate,
      returnToDate: portfolioCurve.returnToDate,
      paybackMonth: portfolioCurve.paybackMonth,
      currency,
      mixedCurrencies: mixed,
      currencyNote: mixed ? `initiatives use ${[...byCurrency.keys()].sort().join(', ')}; money figures sum only the ${byCurrency.get(currency!)} initiative(s) in ${currency}, hours and counts sum all` : null,
      initiativeCount: list.length,
      previous: portfolioOf(0, (s) => s.previous),
    }
    return {
      from: formatInstant(from, zone),
      to: formatInstant(to, zone),
      timezone: zone,
      generatedAt: formatInstant(now, zone),
      freshness: { rolledUpTo: freshness.watermark, rolledUpAt: freshness.rolledUpAt === null ? null : formatInstant(freshness.rolledUpAt, zone), tailEvents: freshness.tailEvents },
      previous: { from: formatInstant(prev.from, zone), to: formatInstant(prev.to, zone) },
      initiatives,
      notInRange,
      portfolio,
    }
  })
}

/** GET /api/v1/initiatives/:slug/payback: the curve behind the payback chart, as of `asOf`. */
export interface PaybackAnswer extends PaybackCurve {
  slug: string
  currency: string
  timezone: string
  asOf: string
}

/**
 * One initiative's payback curve as of the end of a range or now (whichever is earlier), computed by
 * the same code as /summary's `paybackMonth` and to-date figures. Undefined when there is no such
 * initiative or the caller may not see it.
 * @example const p = await findPayback(db, { timezone: 'UTC' }, { slug: 'invoices', now: Date.now() })
 */
export async function findPayback(db: Db, config: { timezone: string }, q: { slug: string; to?: number; now: number; allowed?: (slug: string) => boolean }): Promise<PaybackAnswer | undefined> {
  const zone = config.timezone
  const asOf = Math.min(q.to ?? q.now, q.now)
  const cache = rollupReadCache(db)
  return readSnapshot(db, async (tx) => {
    const i = (await listInitiatives(tx)).find((x) => x.slug === q.slug)
    if (i === undefined || !(q.allowed ?? (() => true))(i.slug)) return undefined
    const months = await readCurveMonths(tx, { list: [i], ids: [i.id], asOf, zone, cache })
    return { slug: i.slug, currency: i.currency, timezone: zone, asOf: formatInstant(asOf, zone), ...curveOf(i, months.get(i.id), asOf) }
  })
}
