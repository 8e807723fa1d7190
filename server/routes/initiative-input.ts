/**
 * Validation of initiative bodies (API and CLI share it), with messages that say what to fix.
 */
import type { z } from 'zod'
import { initiativeCreateBody, initiativePatchFields } from '../../metrics/api/initiatives.js'
import type { InitiativeFields } from '../../db/queries/initiatives.js'
import { toMinorUnits } from '../../metrics/currency.js'
import { parseInstant } from '../../metrics/kinds.js'
import { startOfLocalDate } from '../../metrics/time-buckets.js'
import type { ErrorDetail } from '../errors.js'

// The bodies' schemas are the API's (metrics/api/initiatives.ts), so validation and the OpenAPI document agree.
const createSchema = initiativeCreateBody
const patchSchema = initiativePatchFields

export type CreateInput = z.infer<typeof createSchema>
export type PatchInput = z.infer<typeof patchSchema>

function issuesToDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((i) => {
    const field = i.path.join('.') || (i.code === 'unrecognized_keys' ? (i as { keys?: string[] }).keys?.join(', ') ?? null : null)
    const msg = i.code === 'unrecognized_keys' ? `unknown field(s): ${(i as { keys: string[] }).keys.join(', ')}` : `${field ?? 'body'} ${i.message}`
    return { field, message: msg }
  })
}

/**
 * `YYYY-MM-DD` (local midnight in the organisation's zone) or an ISO instant with offset → epoch ms.
 * @example parseStartedAt('2026-01-15', 'Europe/London')
 */
export function parseStartedAt(s: string, zone: string): number | string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    const t = parseInstant(`${s}T00:00:00Z`, 'startedAt')
    if (typeof t === 'string') return t
    return startOfLocalDate(s, zone)
  }
  return parseInstant(s, 'startedAt')
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; details: ErrorDetail[] }

function moneyFields(input: Partial<CreateInput>, currency: string, details: ErrorDetail[]) {
  const out: Partial<InitiativeFields> = {}
  const conv = (field: string, v: number | null | undefined): number | null | undefined => {
    if (v === undefined || v === null) return v
    const m = toMinorUnits(v, currency)
    if (m === null) details.push({ field, message: `${field} has more decimal places than ${currency} allows` })
    return m ?? undefined
  }
  const hv = conv('hourlyValue', input.hourlyValue)
  if (hv !== undefined) out.hourlyValueMinor = hv
  const up = conv('upfrontCost', input.upfrontCost)
  if (up !== undefined) out.upfrontCostMinor = up ?? 0
  const mc = conv('monthlyCost', input.monthlyCost)
  if (mc !== undefined) out.monthlyCostMinor = mc ?? 0
  const cpe = conv('costPerError', input.costPerError)
  if (cpe !== undefined) out.costPerErrorMinor = cpe
  return out
}

function goalFields(input: { baselines?: CreateInput['baselines']; targets?: CreateInput['targets'] }): Partial<InitiativeFields> {
  const out: Partial<InitiativeFields> = {}
  if (input.baselines?.errorRate !== undefined) out.baselineErrorRate = input.baselines.errorRate
  if (input.baselines?.decisionLatencySeconds !== undefined) out.baselineDecisionLatencySeconds = input.baselines.decisionLatencySeconds
  if (input.targets?.timeSavedHoursPerMonth !== undefined) out.targetTimeSavedHoursPerMonth = input.targets.timeSavedHoursPerMonth
  if (input.targets?.errorRate !== undefined) out.targetErrorRate = input.targets.errorRate
  if (input.targets?.revenueInfluencedPerMonth !== undefined) out.targetRevenueInfluencedPerMonth = input.targets.revenueInfluencedPerMonth
  if (input.targets?.decisionLatencySeconds !== undefined) out.targetDecisionLatencySeconds = input.targets.decisionLatencySeconds
  return out
}

/**
 * Validates a create body into stored fields.
 * @example parseCreateInitiative({ slug: 'invoices', name: 'Invoice processing' }, 'UTC', Date.now())
 */
export function parseCreateInitiative(body: unknown, zone: string, now: number): Parsed<InitiativeFields> {
  const r = createSchema.safeParse(body)
  if (!r.success) return { ok: false, details: issuesToDetails(r.error) }
  const input = r.data
  const details: ErrorDetail[] = []
  const currency = input.currency ?? 'USD'
  let startedAt = now
  if (input.startedAt !== undefined) {
    const t = parseStartedAt(input.startedAt, zone)
    if (typeof t === 'string') details.push({ field: 'startedAt', message: t.replace('occurredAt', 'startedAt') + ' (or a date such as 2026-01-15)' })
    else startedAt = t
  }
  const money = moneyFields(input, currency, details)
  if (details.length > 0) return { ok: false, details }
  return {
    ok: true,
    value: {
      slug: input.slug,
      name: input.name,
      description: input.description ?? '',
      owner: input.owner ?? null,
      team: input.team ?? null,
      stage: input.stage ?? 'pilot',
      currency,
      hourlyValueMinor: null,
      upfrontCostMinor: 0,
      monthlyCostMinor: 0,
      costPerErrorMinor: null,
      baselineErrorRate: null,
      baselineDecisionLatencySeconds: null,
      targetTimeSavedHoursPerMonth: null,
      targetErrorRate: null,
      targetRevenueInfluencedPerMonth: null,
      targetDecisionLatencySeconds: null,
      startedAt,
      ...money,
      ...goalFields(input),
    },
  }
}

/**
 * Validates a patch body into the stored fields it changes (money in the resulting currency).
 * @example parsePatchInitiative({ stage: 'production' }, 'USD', 'UTC')
 */
export function parsePatchInitiative(body: unknown, currentCurrency: string, zone: string): Parsed<Partial<InitiativeFields> & { reason?: string }> {
  if (typeof body === 'object' && body !== null && 'slug' in body) {
    return { ok: false, details: [{ field: 'slug', message: 'slug cannot be changed: events and links refer to it; create a new initiative instead' }] }
  }
  const r = patchSchema.safeParse(body)
  if (!r.success) return { ok: false, details: issuesToDetails(r.error) }
  const input = r.data
  const details: ErrorDetail[] = []
  const out: Partial<InitiativeFields> & { reason?: string } = {}
  if (input.name !== undefined) out.name = input.name
  if (input.description !== undefined) out.description = input.description
  if (input.owner !== undefined) out.owner = input.owner
  if (input.team !== undefined) out.team = input.team
  if (input.stage !== undefined) out.stage = input.stage
  if (input.currency !== undefined) out.currency = input.currency
  if (input.reason !== undefined) out.reason = input.reason
  if (input.startedAt !== undefined) {
    const t = parseStartedAt(input.startedAt, zone)
    if (typeof t === 'string') details.push({ field: 'startedAt', message: t })
    else out.startedAt = t
  }
  Object.assign(out, moneyFields(input, input.currency ?? currentCurrency, details), goalFields(input))
  if (details.length > 0) return { ok: false, details }
  return { ok: true, value: out }
}
