/**
 * Gathers the facts behind each readiness verdict from the same sources as /summary and /series
 * (rollups + raw edges + the not-yet-rolled tail, one snapshot), then lets metrics/readiness.ts decide.
 */
import type { Kysely } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { Database } from '../../db/schema.js'
import { listInitiatives, type Initiative } from '../../db/queries/initiatives.js'
import { aggregateRanges, cellKey, readSnapshot, type AggregateResult } from '../../db/queries/outcomes.js'
import { countInitiativeAudit, findAttestations, findFits } from '../../db/queries/readiness.js'
import { METRICS } from '../../metrics/metric-kinds.js'
import { STAGES } from '../../metrics/stages.js'
import { assessReadiness, ACCURACY_WINDOW_DAYS, type MonthFacts, type Readiness, type ReadinessFacts, type ReportedMetric } from '../../metrics/readiness.js'
import { bucketStart, localMonthString, nextBucketStart } from '../../metrics/time-buckets.js'
import { costTermsOf } from '../outcomes/summary.js'
import { initiativeCurveMonths } from '../../metrics/money.js'
import { periodFigures, sumAggregates, type MetricAggregates } from '../../metrics/figures.js'

const DAY = 86_400_000

function aggregatesOf(r: AggregateResult, initiativeId: number, index: number): MetricAggregates {
  const pick = (metric: string) => sumAggregates(STAGES.map((s) => r.cells.get(cellKey(initiativeId, metric, s, index))), metric)
  return Object.fromEntries(METRICS.map((m) => [m, pick(m)])) as MetricAggregates
}

export interface FactsQuery {
  timezone: string
  now: number
  /** Only these slugs (null: all). */
  slugs?: string[] | null
  /** Applied to each initiative before the facts are computed (a pending PATCH, for the gate). */
  amend?: (i: Initiative) => Initiative
}

/**
 * The readiness facts of the initiatives asked for, by name. Call inside a transaction or snapshot
 * (the production gate calls it inside its write transaction).
 * @example const facts = await collectFacts(tx, { timezone: 'UTC', now: Date.now(), slugs: ['invoices'] })
 */
export async function collectFacts(tx: Kysely<Database>, q: FactsQuery): Promise<ReadinessFacts[]> {
  const { timezone: zone, now } = q
  let list = await listInitiatives(tx)
  if (q.slugs) {
    const wanted = new Set(q.slugs)
    list = list.filter((i) => wanted.has(i.slug))
  }
  if (q.amend) list = list.map(q.amend)
  if (list.length === 0) return []
  const ids = list.map((i) => i.id)

  const starts = list.map((i) => Date.parse(i.startedAt)).filter((s) => s < now)
  const monthRanges: Array<[number, number]> = []
  if (starts.length > 0) {
    for (let m = bucketStart(Math.min(...starts), 'month', zone); m < now; m = nextBucketStart(m, 'month', zone)) monthRanges.push([m, Math.min(nextBucketStart(m, 'month', zone), now)])
  }
  const monthly = monthRanges.length > 0 ? await aggregateRanges(tx, { timezone: zone, ranges: monthRanges, initiativeIds: ids, metrics: [...METRICS], stage: null }) : null
  const recent = await aggregateRanges(tx, { timezone: zone, ranges: [[now - ACCURACY_WINDOW_DAYS * DAY, now]], initiativeIds: ids, metrics: [...METRICS], stage: null })
  const fits = await findFits(tx, ids)
  const attestations = await findAttestations(tx, ids)
  const audits = await countInitiativeAudit(tx, list.map((i) => i.slug))

  return list.map((i): ReadinessFacts => {
    const startedAt = Date.parse(i.startedAt)
    const startMonth = bucketStart(startedAt, 'month', zone)
    const months: MonthFacts[] = []
    const reported = new Set<ReportedMetric>()
    if (monthly && startedAt < now) {
      monthRanges.forEach(([from, to], k) => {
        if (from < startMonth) return
        const a = aggregatesOf(monthly, i.id, k)
        const f = periodFigures(i, a)
        for (const m of METRICS) if (a[m].count > 0) reported.add(m)
        months.push({
          month: localMonthString(from, zone),
          partial: to < nextBucketStart(from, 'month', zone),
          events: f.eventCount,
          timeSavedHours: f.timeSavedHours,
          errorRate: f.errorRate,
          revenueInfluenced: f.revenueInfluenced,
          decisionLatencyP50: f.decisionLatencyP50,
          value: f.valueTotal,
          cost: 0,
        })
      })
      // Each month's cost as /summary counts it: pro rata, upfront in the start month, none after retirement.
      initiativeCurveMonths(costTermsOf(i), months.map((m) => m.value), now, i.currency, zone).forEach((c, k) => {
        months[k].cost = c.cost
      })
    }
    const last30 = aggregatesOf(recent, i.id, 0)
    for (const m of METRICS) if (last30[m].count > 0) reported.add(m)
    return {
      slug: i.slug,
      stage: i.stage,
      owner: i.owner,
      currency: i.currency,
      upfrontCost: i.upfrontCost,
      monthlyCost: i.monthlyCost,
      retiredAt: costTermsOf(i).retiredAtMs,
      baselines: i.baselines,
      targets: i.targets,
      startedAt,
      stageHistory: i.stageHistory.map((h) => ({ to: h.to, at: Date.parse(h.at) })),
      reports: METRICS.filter((m) => reported.has(m)),
      months,
      eventsLast30Days: METRICS.reduce((s, m) => s + last30[m].count, 0),
      errorRateEventsLast30Days: last30.error_rate.count,
      auditEntries: audits.get(i.slug) ?? 0,
      attestations: attestations.get(i.id) ?? [],
      fit: fits.get(i.id) ?? null,
    }
  })
}

/**
 * Readiness of the initiatives asked for (all by default), by name, from one snapshot.
 * @example const [r] = await findReadiness(db, { timezone: 'UTC', now: Date.now(), slugs: ['invoices'] }, 3)
 */
export async function findReadiness(db: Db, q: FactsQuery, consecutiveMonths: number): Promise<Readiness[]> {
  const facts = await readSnapshot(db, (tx) => collectFacts(tx, q))
  return facts.map((f) => assessReadiness(f, { now: q.now, consecutiveMonths }))
}
