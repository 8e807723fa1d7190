/**
 * The production gate: a move to production needs a `ready` verdict, or an admin's explicit override with
 * a reason. The owner/baseline rule of metrics/stage-rules.ts is part of the verdict (its `owner` and
 * `baselines` items), so there is one rule set. An override never stands in for an owner.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.js'
import type { Initiative, InitiativeFields } from '../../db/queries/initiatives.js'
import { fromMinorUnits } from '../../metrics/currency.js'
import { recordAudit } from '../../db/queries/audit.js'
import { assessReadiness, type Readiness } from '../../metrics/readiness.js'
import { productionBlockers, productionRefusal } from '../../metrics/stage-rules.js'
import { actorName, type Actor } from '../auth/actor.js'
import { forbidden, HttpError, unprocessable, type ErrorDetail } from '../errors.js'
import { collectFacts } from './facts.js'

export interface StageOverride {
  reason: string
}

/** Whether an actor is an admin (user or key) or the CLI: the only ones who may override the gate. */
export function isAdmin(a: Actor): boolean {
  return a.kind === 'cli' || a.role === 'admin'
}

/**
 * Reads `override` from a PATCH body: absent → null; `{reason}` with a non-empty reason (≤ 1000
 * characters) → the override; anything else → 422 details.
 * @example parseOverride({ reason: 'board approved the rollout on 3 Nov' }) // { ok: true, value: { reason: '…' } }
 */
export function parseOverride(raw: unknown): { ok: true; value: StageOverride | null } | { ok: false; details: ErrorDetail[] } {
  if (raw === undefined) return { ok: true, value: null }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, details: [{ field: 'override', message: 'override must be an object: {"reason": "why it moves to production anyway"}' }] }
  const extra = Object.keys(raw).filter((k) => k !== 'reason')
  if (extra.length > 0) return { ok: false, details: [{ field: 'override', message: `unknown field(s) in override: ${extra.join(', ').slice(0, 200)}; only "reason" is allowed` }] }
  const reason = (raw as { reason?: unknown }).reason
  if (typeof reason !== 'string' || reason.trim() === '') return { ok: false, details: [{ field: 'override.reason', message: 'override.reason is required: say why it moves to production although it is not ready' }] }
  if (reason.length > 1000) return { ok: false, details: [{ field: 'override.reason', message: 'override.reason must be at most 1000 characters' }] }
  return { ok: true, value: { reason: reason.trim() } }
}

function list(items: string[]): string {
  return items.join('; ')
}

/**
 * Decides a move to production inside the PATCH's write transaction, with the patch applied (`amend`).
 * Throws 403 when a non-admin sends an override, 422 (`not_ready`) when the verdict is not `ready` and
 * there is no override, 422 when the override lacks a reason or there is no owner. When an override
 * lets the move through, records an audit entry `stage_override` with the verdict, what was missing
 * and the reason. Returns the verdict and whether it was overridden.
 * @example await gateProductionMove(tx, { slug, amend, actor, override: null, timezone: 'UTC', now, months: 3 })
 */
export async function gateProductionMove(
  tx: Kysely<Database>,
  q: { slug: string; amend: (i: Initiative) => Initiative; actor: Actor; override: unknown; timezone: string; now: number; months: number },
): Promise<{ readiness: Readiness; overridden: StageOverride | null }> {
  if (q.override !== undefined && !isAdmin(q.actor)) throw forbidden('only an admin may override the readiness gate; ask an admin, or make the initiative ready (GET its /readiness for what is missing)')
  const parsed = parseOverride(q.override)
  if (!parsed.ok) throw unprocessable('the override is invalid; nothing was changed', parsed.details)
  const [facts] = await collectFacts(tx, { timezone: q.timezone, now: q.now, slugs: [q.slug], amend: q.amend })
  const readiness = assessReadiness(facts, { now: q.now, consecutiveMonths: q.months })
  if (readiness.verdict === 'ready') return { readiness, overridden: null }
  const details = readiness.missing.map((m) => ({ field: m.item, message: m.message }))
  const override = parsed.value
  if (!override) {
    const word = readiness.verdict === 'at_risk' ? 'at risk' : 'not yet'
    throw new HttpError(
      422,
      'not_ready',
      `cannot move "${q.slug}" to production: it is not ready to scale (${word}): ${list(readiness.missing.map((m) => m.message))}. An admin may override with {"stage": "production", "override": {"reason": "…"}}; nothing was changed`,
      details,
    )
  }
  const ownerBlockers = productionBlockers({ owner: facts.owner, baselines: facts.baselines, reports: facts.reports }).filter((b) => b.field === 'owner')
  if (ownerBlockers.length > 0) throw unprocessable(`${productionRefusal(q.slug, ownerBlockers)} (an override cannot stand in for an owner)`, ownerBlockers)
  await recordAudit(tx, {
    at: q.now,
    actor: actorName(q.actor),
    action: 'stage_override',
    entity: 'initiative',
    entityId: q.slug,
    before: { stage: facts.stage, verdict: readiness.verdict, missing: readiness.missing.map((m) => ({ item: m.item, message: m.message })) },
    after: { stage: 'production', verdict: readiness.verdict, reason: override.reason },
  })
  return { readiness, overridden: override }
}

/**
 * An initiative as it would be after a PATCH: the merged stored fields (minor units) over the domain view.
 * @example amendWithFields(initiative, { ...current, ...patch })
 */
export function amendWithFields(i: Initiative, f: InitiativeFields): Initiative {
  const money = (minor: number | null) => (minor === null ? null : fromMinorUnits(minor, f.currency))
  return {
    ...i,
    owner: f.owner,
    currency: f.currency,
    hourlyValue: money(f.hourlyValueMinor),
    upfrontCost: fromMinorUnits(f.upfrontCostMinor, f.currency),
    monthlyCost: fromMinorUnits(f.monthlyCostMinor, f.currency),
    costPerError: money(f.costPerErrorMinor),
    startedAt: new Date(f.startedAt).toISOString(),
    baselines: { errorRate: f.baselineErrorRate, decisionLatencySeconds: f.baselineDecisionLatencySeconds },
    targets: { timeSavedHoursPerMonth: f.targetTimeSavedHoursPerMonth, errorRate: f.targetErrorRate, revenueInfluencedPerMonth: f.targetRevenueInfluencedPerMonth, decisionLatencySeconds: f.targetDecisionLatencySeconds },
  }
}
