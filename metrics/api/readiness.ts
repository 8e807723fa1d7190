/**
 * Scale readiness: GET /readiness, GET /initiatives/:slug/readiness, GET|PUT /initiatives/:slug/fit,
 * GET|POST /initiatives/:slug/attestations (docs/READINESS.md). The fit and attestation bodies are the
 * schemas the routes validate with.
 */
import { z } from 'zod'
import { ATTESTABLE_ITEMS, CHECKLIST_ITEMS, USE_CASE_CATEGORIES } from '../readiness.js'
import { instant, monthString, paybackMonth, stage, targetStatus } from './common.js'

const text = (max: number) => z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`).refine((s) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s), 'must not contain control characters')
const level = z.number({ error: 'must be a whole number from 1 to 4' }).int('must be a whole number from 1 to 4').min(1, 'must be from 1 to 4').max(4, 'must be from 1 to 4')
const useCaseCategory = z.enum(USE_CASE_CATEGORIES, { error: `must be one of ${USE_CASE_CATEGORIES.join(', ')}` })

/** PUT /api/v1/initiatives/:slug/fit. */
export const fitBody = z
  .strictObject({
    category: useCaseCategory,
    repetitiveness: level,
    clarity: level,
    engagement: level,
    note: z.string().max(2000, 'must be at most 2000 characters').optional(),
  })
  .meta({ id: 'FitInput' })

/** POST /api/v1/initiatives/:slug/attestations. */
export const attestationBody = z
  .strictObject({
    item: z.enum(ATTESTABLE_ITEMS, { error: `must be one of ${ATTESTABLE_ITEMS.join(', ')} (owner and baselines are fields of the initiative: set them with PATCH)` }),
    note: text(2000),
    date: z.string().max(40).optional().meta({ description: 'YYYY-MM-DD or an ISO instant; default today' }),
    reviewer: text(200).optional(),
  })
  .meta({ id: 'AttestationInput' })

export const readinessQuery = z.object({
  months: z.string().regex(/^\d{1,2}$/).optional().meta({ description: 'consecutive full months on target required, 1–24 (default from the configuration)' }),
})

export const verdict = z.enum(['ready', 'not_yet', 'at_risk']).meta({ id: 'Verdict' })
const fitLevel = z.literal([1, 2, 3, 4])

export const finding = z
  .object({
    item: z.string(),
    message: z.string(),
    phase: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).nullable(),
    attestedBy: z.string().optional(),
    attestedAt: z.string().optional(),
  })
  .meta({ id: 'Finding' })

const checklistEntry = z.object({
  item: z.enum(CHECKLIST_ITEMS),
  label: z.string(),
  met: z.boolean(),
  how: z.enum(['computed', 'attested']).nullable(),
  message: z.string(),
  attestedBy: z.string().optional(),
  attestedAt: z.string().optional(),
  reviewer: z.string().optional(),
  note: z.string().optional(),
})

const scaleLevel = z.object({ level: fitLevel, description: z.string() })

export const fitView = z
  .object({
    recorded: z.boolean(),
    category: useCaseCategory.nullable(),
    categoryLabel: z.string().nullable(),
    volume: z.object({ eventsPerMonth: z.number(), basis: z.enum(['last_full_month', 'last_30_days']), month: monthString.nullable(), level: fitLevel, description: z.string() }),
    repetitiveness: scaleLevel.nullable(),
    clarity: scaleLevel.nullable(),
    engagement: scaleLevel.nullable(),
    note: z.string().nullable(),
    recordedBy: z.string().nullable(),
    recordedAt: instant.nullable(),
  })
  .meta({ id: 'FitView' })

const targetEvidence = z.object({
  metric: z.enum(['timeSaved', 'errorRate', 'revenueInfluenced', 'decisionLatency']),
  label: z.string(),
  target: z.number(),
  direction: z.enum(['higher', 'lower']),
  months: z.array(z.object({ month: monthString, actual: z.number().nullable(), status: targetStatus })),
  met: z.number().int(),
  missed: z.number().int(),
  noData: z.number().int(),
})

const evidence = z.object({
  consecutiveMonths: z.number().int(),
  monthsCounted: z.array(monthString),
  targets: z.array(targetEvidence),
  valueToDate: z.number(),
  costToDate: z.number(),
  returnToDate: z.number().nullable(),
  returnTrend: z
    .object({
      recent: z.number().nullable(),
      previous: z.number().nullable(),
      recentValue: z.number(),
      previousValue: z.number(),
      change: z.number().nullable(),
      direction: z.enum(['rising', 'flat', 'falling']),
    })
    .nullable(),
  payback: paybackMonth.nullable(),
  timeInPilotDays: z.number(),
  currentStageSince: instant.nullable(),
  longerInPilotThanSixMonths: z.boolean(),
})

const benchmark = z.object({
  id: z.enum(['return_per_dollar', 'payback_years', 'pilot_six_months']),
  label: z.string(),
  source: z.string(),
  value: z.union([z.number(), z.object({ min: z.number(), max: z.number() })]),
  unit: z.string(),
  applies: z.boolean(),
  actual: z.number().nullable(),
  comparison: z.string(),
})

/** One initiative's verdict (metrics/readiness.ts `Readiness`). */
export const readiness = z
  .object({
    slug: z.string(),
    stage,
    verdict,
    missing: z.array(finding),
    met: z.array(finding),
    risks: z.array(finding),
    flags: z.array(finding),
    fit: fitView,
    checklist: z.array(checklistEntry),
    evidence,
    benchmarks: z.array(benchmark),
    asOf: instant,
  })
  .meta({ id: 'Readiness' })

export const initiativeReadinessResponse = readiness
  .extend({ permissions: z.object({ attest: z.boolean(), recordFit: z.boolean(), override: z.boolean() }) })
  .meta({ id: 'InitiativeReadiness', description: 'GET /api/v1/initiatives/{slug}/readiness: the verdict and what the caller may do about it' })

export const portfolioReadinessResponse = z
  .object({
    asOf: instant,
    consecutiveMonths: z.number().int(),
    counts: z.object({ ready: z.number().int(), not_yet: z.number().int(), at_risk: z.number().int() }),
    initiatives: z.array(readiness),
  })
  .meta({ id: 'PortfolioReadiness', description: 'GET /api/v1/readiness' })

const fitForm = {
  scales: z.record(z.string(), z.object({ label: z.string(), question: z.string(), measured: z.boolean(), levels: z.array(z.object({ level: fitLevel, description: z.string() })) })),
  categories: z.array(z.object({ id: useCaseCategory, label: z.string() })),
}

export const fitResponse = z.object({ fit: fitView, ...fitForm }).meta({ id: 'Fit', description: 'the recorded fit and the scales and categories of the form' })
export const fitSavedResponse = z.object({ fit: fitView, verdict, ...fitForm }).meta({ id: 'FitSaved' })

export const attestation = z
  .object({ id: z.number().int(), item: z.enum(ATTESTABLE_ITEMS), note: z.string(), attestedBy: z.string(), reviewer: z.string().nullable(), date: z.string(), attestedAt: instant, recordedAt: instant })
  .meta({ id: 'Attestation' })
export const attestationList = z.object({ attestations: z.array(attestation) }).meta({ id: 'AttestationList' })
export const attestationCreated = z.object({ attestation, verdict, missing: z.array(finding) }).meta({ id: 'AttestationCreated' })

export type FitInput = z.input<typeof fitBody>
export type AttestationInput = z.input<typeof attestationBody>
export type InitiativeReadiness = z.infer<typeof initiativeReadinessResponse>
export type PortfolioReadiness = z.infer<typeof portfolioReadinessResponse>
