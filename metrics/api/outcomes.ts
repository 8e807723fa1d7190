/**
 * Outcome answers: GET /summary, GET /initiatives/:slug/series, GET /series, GET /initiatives/:slug/payback
 * (docs/API.md, CONTRACT.md "Outcomes" and "Money"), and their query parameters.
 */
import { z } from 'zod'
import { granularity, instant, metric, monthString, paybackMonth, slug, stage, targetStatus } from './common.js'
import { KINDS, METRICS, type TargetKey } from '../metric-kinds.js'

const range = { from: instant.optional().meta({ description: 'ISO 8601 with offset; inclusive' }), to: instant.optional().meta({ description: 'ISO 8601 with offset; exclusive (default now)' }) }
const initiativeList = z.string().optional().meta({ description: 'comma-separated slugs, e.g. invoices,support-triage' })

// ---- query parameters (all strings on the wire; the routes parse them with messages that say what to fix)

export const summaryQuery = z.object({
  ...range,
  stage: stage.optional().meta({ description: 'only events that occurred while the initiative was in this stage' }),
  team: z.string().optional().meta({ description: 'only initiatives of this team' }),
  initiatives: initiativeList,
  split: z.literal('stage').optional().meta({ description: 'stage: each initiative also has byStage' }),
})

export const seriesQuery = z.object({
  metric,
  ...range,
  granularity: granularity.optional(),
  stage: stage.optional(),
  split: z.literal('stage').optional(),
  compare: z.literal('previous').optional(),
})

export const portfolioSeriesQuery = z.object({
  metric,
  ...range,
  granularity: granularity.optional(),
  stage: stage.optional(),
  initiatives: initiativeList,
})

export const paybackQuery = z.object({
  to: instant.optional().meta({ description: 'as of this instant (default now; never later than now)' }),
})

// ---- answers

/** A period's figures of one initiative (metrics/figures.ts periodFigures). */
export const periodFigures = z
  .object({
    eventCount: z.number().int(),
    timeSavedHours: z.number(),
    timeSavedValue: z.number().nullable(),
    errorRate: z.number().nullable(),
    errors: z.number().int(),
    total: z.number().int(),
    errorsAvoided: z.number().nullable(),
    revenueInfluenced: z.number(),
    decisionLatencyP50: z.number().nullable(),
    decisionLatencyP90: z.number().nullable(),
    decisionLatencyMean: z.number().nullable(),
    decisionCount: z.number().int(),
    decisionsAccelerated: z.number().nullable(),
    valueTotal: z.number(),
  })
  .meta({ id: 'PeriodFigures' })

const moneyFigures = {
  /** Cost incurred in the period (CONTRACT.md "Money"). */
  cost: z.number(),
  /** valueTotal ÷ cost: per $1 this period; null when cost is 0. */
  returnPerDollar: z.number().nullable(),
}

/** From the start to the end of the range or now (CONTRACT.md "Money"). */
const toDateFigures = {
  valueToDate: z.number(),
  costToDate: z.number(),
  returnToDate: z.number().nullable(),
  paybackMonth: paybackMonth.nullable(),
}

export const targetAttainment = z
  .object({ target: z.number().nullable(), actual: z.number().nullable(), status: targetStatus })
  .meta({ id: 'TargetAttainment' })

export const summaryInitiative = periodFigures
  .extend({
    slug: z.string(),
    name: z.string(),
    stage,
    team: z.string().nullable(),
    owner: z.string().nullable(),
    currency: z.string(),
    retiredAt: instant.nullable(),
    ...moneyFigures,
    ...toDateFigures,
    // One entry per metric kind, by its targetKey, in table order (metrics/metric-kinds.ts).
    targets: z.object(Object.fromEntries(METRICS.map((m) => [KINDS[m].targetKey, targetAttainment])) as Record<TargetKey, typeof targetAttainment>),
    previous: periodFigures.extend(moneyFigures),
    byStage: z.record(z.string(), periodFigures).optional(),
  })
  .meta({ id: 'SummaryInitiative' })

export const portfolioFigures = z
  .object({
    eventCount: z.number().int(),
    timeSavedHours: z.number(),
    timeSavedValue: z.number(),
    errors: z.number().int(),
    total: z.number().int(),
    errorRate: z.number().nullable(),
    errorsAvoided: z.number(),
    revenueInfluenced: z.number(),
    valueTotal: z.number(),
    decisionLatencyP50: z.number().nullable(),
    decisionLatencyP90: z.number().nullable(),
    decisionCount: z.number().int(),
    ...moneyFigures,
  })
  .meta({ id: 'PortfolioFigures' })

export const summaryResponse = z
  .object({
    from: instant,
    to: instant,
    timezone: z.string(),
    generatedAt: instant,
    freshness: z.object({ rolledUpTo: z.number().int().optional(), rolledUpAt: instant.nullable(), tailEvents: z.number().int().optional() }).meta({ description: 'when the rollups last ran; rolledUpTo and tailEvents (counts across every initiative) only for unscoped callers' }),
    previous: z.object({ from: instant, to: instant }),
    initiatives: z.array(summaryInitiative),
    notInRange: z.array(z.object({ slug: z.string(), name: z.string(), reason: z.enum(['not_started', 'retired']) })),
    portfolio: portfolioFigures.extend({
      ...toDateFigures,
      currency: z.string().nullable(),
      mixedCurrencies: z.boolean(),
      currencyNote: z.string().nullable(),
      initiativeCount: z.number().int(),
      previous: portfolioFigures,
    }),
  })
  .meta({ id: 'Summary', description: 'GET /api/v1/summary' })

/** A bucket's figures; which optional fields appear depends on the metric (docs/API.md). */
export const pointValues = z
  .object({
    value: z.number().nullable(),
    count: z.number().int(),
    valueMoney: z.number().nullable().optional(),
    errors: z.number().int().optional(),
    total: z.number().int().optional(),
    errorsAvoided: z.number().nullable().optional().meta({ description: 'error_rate: errors avoided against the baseline rate (null without a baseline)' }),
    p90: z.number().nullable().optional(),
    mean: z.number().nullable().optional(),
    decisionsAccelerated: z.number().int().nullable().optional().meta({ description: 'decision_latency: decisions faster than the baseline latency (null without a baseline)' }),
  })
  .meta({ id: 'PointValues' })

export const seriesPoint = pointValues
  .extend({
    start: instant,
    end: instant,
    partial: z.boolean(),
    target: z.number().nullable(),
    byStage: z.record(z.string(), pointValues).optional(),
  })
  .meta({ id: 'SeriesPoint' })

export const seriesResponse = z
  .object({
    initiative: z.string(),
    metric,
    granularity,
    from: instant,
    to: instant,
    timezone: z.string(),
    unit: z.string(),
    currency: z.string(),
    baseline: z.number().nullable(),
    target: z.object({ value: z.number().nullable(), per: z.enum(['month', 'bucket']) }),
    stageChanges: z.array(z.object({ at: instant, from: stage.nullable(), to: stage })),
    points: z.array(seriesPoint),
    previous: z.array(seriesPoint).optional(),
    previousRange: z.object({ from: instant, to: instant }).optional(),
  })
  .meta({ id: 'Series', description: 'GET /api/v1/initiatives/{slug}/series' })

export const portfolioSeriesResponse = z
  .object({
    metric,
    granularity,
    from: instant,
    to: instant,
    timezone: z.string(),
    series: z.array(z.object({ initiative: z.string(), points: z.array(seriesPoint) })),
  })
  .meta({ id: 'PortfolioSeries', description: 'GET /api/v1/series' })

export const paybackCurveMonth = z
  .object({
    month: monthString,
    value: z.number(),
    cost: z.number(),
    cumulativeValue: z.number(),
    cumulativeCost: z.number(),
    projected: z.boolean(),
  })
  .meta({ id: 'PaybackCurveMonth' })

export const paybackResponse = z
  .object({
    slug,
    currency: z.string(),
    timezone: z.string(),
    asOf: instant,
    months: z.array(paybackCurveMonth),
    monthToDate: paybackCurveMonth.nullable(),
    paybackMonth: paybackMonth.nullable(),
    valueToDate: z.number(),
    costToDate: z.number(),
    returnToDate: z.number().nullable(),
  })
  .meta({ id: 'PaybackCurve', description: 'GET /api/v1/initiatives/{slug}/payback' })

export type PeriodFigures = z.infer<typeof periodFigures>
export type TargetAttainment = z.infer<typeof targetAttainment>
export type SummaryInitiative = z.infer<typeof summaryInitiative>
export type PortfolioFigures = z.infer<typeof portfolioFigures>
export type Summary = z.infer<typeof summaryResponse>
export type PointValues = z.infer<typeof pointValues>
export type SeriesPoint = z.infer<typeof seriesPoint>
export type Series = z.infer<typeof seriesResponse>
export type PortfolioSeries = z.infer<typeof portfolioSeriesResponse>
export type PaybackCurveMonth = z.infer<typeof paybackCurveMonth>
export type PaybackCurve = z.infer<typeof paybackResponse>
