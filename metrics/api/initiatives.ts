/**
 * Initiatives: GET|POST /initiatives, GET|PATCH /initiatives/:slug. The create and patch bodies are
 * the schemas the routes (and the CLI) validate with, so the document and the validation cannot drift.
 */
import { z } from 'zod'
import { isCurrencyCode } from '../currency.js'
import { SLUG_PATTERN } from '../kinds.js'
import { textProblem, type TextRule } from '../text.js'
import { instant, stage } from './common.js'

const money = z.number({ error: 'must be a number' }).finite().min(0, 'must be ≥ 0').max(1e12, 'is implausibly large')
const rate = z.number({ error: 'must be a number' }).min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1 (a rate, e.g. 0.05 for 5%)')
const seconds = z.number({ error: 'must be a number' }).finite().min(0, 'must be ≥ 0')
/** A string under the one text rule of metrics/text.ts. */
const ruled = (schema: z.ZodString, rule: TextRule) =>
  schema.superRefine((s, ctx) => {
    const problem = textProblem(s, rule)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })
const text = (max: number) => ruled(z.string().trim().min(1, 'must not be empty'), { max })

const base = {
  name: text(200),
  description: ruled(z.string(), { max: 5000, multiline: true }),
  owner: z.union([z.email('must be an email address, e.g. ana@example.com'), z.null()]),
  team: z.union([text(100), z.null()]),
  stage,
  currency: z.string().refine(isCurrencyCode, 'must be an ISO 4217 code such as USD, EUR or JPY').meta({ description: 'ISO 4217 code', example: 'USD' }),
  hourlyValue: z.union([money, z.null()]),
  upfrontCost: money,
  monthlyCost: money,
  costPerError: z.union([money, z.null()]),
  startedAt: z.string().max(40).meta({ description: 'YYYY-MM-DD (local midnight) or an ISO 8601 instant with offset' }),
  baselines: z.strictObject({ errorRate: z.union([rate, z.null()]).optional(), decisionLatencySeconds: z.union([seconds, z.null()]).optional() }),
  targets: z.strictObject({
    timeSavedHoursPerMonth: z.union([seconds, z.null()]).optional(),
    errorRate: z.union([rate, z.null()]).optional(),
    revenueInfluencedPerMonth: z.union([money, z.null()]).optional(),
    decisionLatencySeconds: z.union([seconds, z.null()]).optional(),
  }),
}

/** The fields both a create and a patch may carry, all optional. */
const optionalFields = {
  description: base.description.optional(),
  owner: base.owner.optional(),
  team: base.team.optional(),
  stage: base.stage.optional(),
  currency: base.currency.optional(),
  hourlyValue: base.hourlyValue.optional(),
  upfrontCost: base.upfrontCost.optional(),
  monthlyCost: base.monthlyCost.optional(),
  costPerError: base.costPerError.optional(),
  startedAt: base.startedAt.optional(),
  baselines: base.baselines.optional(),
  targets: base.targets.optional(),
}

/** POST /api/v1/initiatives. */
export const initiativeCreateBody = z
  .strictObject({
    slug: z.string().regex(SLUG_PATTERN, 'must be a slug: lowercase letters, digits and hyphens, e.g. "invoice-processing"'),
    name: base.name,
    ...optionalFields,
  })
  .meta({ id: 'InitiativeCreate' })

/** PATCH /api/v1/initiatives/:slug without `override` (which belongs to the readiness gate). */
export const initiativePatchFields = z.strictObject({
  name: base.name.optional(),
  ...optionalFields,
  /** Why the stage changes; kept in the stage history. */
  reason: ruled(z.string(), { max: 1000, multiline: true }).optional(),
})

/** PATCH /api/v1/initiatives/:slug as documented: the fields, plus an admin's gate override. */
export const initiativePatchBody = initiativePatchFields
  .extend({
    override: z.strictObject({ reason: z.string().min(1).max(1000) }).optional().meta({ description: 'admins: move to production although the readiness verdict is not ready' }),
  })
  .meta({ id: 'InitiativePatch' })

export const stageChange = z
  .object({ from: stage.nullable(), to: stage, at: instant, actor: z.string(), reason: z.string().nullable() })
  .meta({ id: 'StageChange' })

export const initiative = z
  .object({
    id: z.number().int(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    owner: z.string().nullable(),
    team: z.string().nullable(),
    stage,
    currency: z.string(),
    hourlyValue: z.number().nullable(),
    upfrontCost: z.number(),
    monthlyCost: z.number(),
    costPerError: z.number().nullable(),
    startedAt: instant,
    baselines: z.object({ errorRate: z.number().nullable(), decisionLatencySeconds: z.number().nullable() }),
    targets: z.object({
      timeSavedHoursPerMonth: z.number().nullable(),
      errorRate: z.number().nullable(),
      revenueInfluencedPerMonth: z.number().nullable(),
      decisionLatencySeconds: z.number().nullable(),
    }),
    stageHistory: z.array(stageChange),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Initiative' })

export const initiativeList = z.object({ initiatives: z.array(initiative) }).meta({ id: 'InitiativeList' })

export type InitiativeCreate = z.infer<typeof initiativeCreateBody>
export type InitiativePatch = z.input<typeof initiativePatchBody>
export type StageChange = z.infer<typeof stageChange>
export type Initiative = z.infer<typeof initiative>
