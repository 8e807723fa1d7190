/**
 * Writes for the demo loader: an initiative together with a stage history in the past (the ordinary
 * path records a stage change at the moment it is made).
 */
import type { Tx } from '../connection.js'
import type { InitiativeFields, Stage } from './initiatives.js'
import { findInitiative } from './initiatives.js'
import { recordAudit } from './audit.js'

/**
 * Inserts an initiative whose stage is the last entry of `history`, with every stage change at its
 * past instant, and audits the creation at `by.at`, in the caller's transaction. Returns the new id.
 * @example await insertInitiativeWithHistory(tx, fields, [{ to: 'pilot', atMs: t0, reason: null }], { actor: 'demo', at: Date.now() })
 */
export async function insertInitiativeWithHistory(
  tx: Tx,
  f: InitiativeFields,
  history: Array<{ to: Stage; atMs: number; reason: string | null }>,
  by: { actor: string; at: number },
): Promise<number> {
  const stage = history[history.length - 1]?.to ?? f.stage
  const { id } = await tx
    .insertInto('initiatives')
    .values({
      slug: f.slug,
      name: f.name,
      description: f.description,
      owner: f.owner,
      team: f.team,
      stage,
      currency: f.currency,
      hourly_value_minor: f.hourlyValueMinor,
      upfront_cost_minor: f.upfrontCostMinor,
      monthly_cost_minor: f.monthlyCostMinor,
      cost_per_error_minor: f.costPerErrorMinor,
      baseline_error_rate: f.baselineErrorRate,
      baseline_decision_latency_seconds: f.baselineDecisionLatencySeconds,
      target_time_saved_hours_per_month: f.targetTimeSavedHoursPerMonth,
      target_error_rate: f.targetErrorRate,
      target_revenue_influenced_per_month: f.targetRevenueInfluencedPerMonth,
      target_decision_latency_seconds: f.targetDecisionLatencySeconds,
      started_at: f.startedAt,
      created_at: by.at,
      updated_at: by.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  let from: Stage | null = null
  for (const h of history) {
    await tx.insertInto('stage_changes').values({ initiative_id: id, from_stage: from, to_stage: h.to, at: h.atMs, actor: by.actor, reason: h.reason }).execute()
    from = h.to
  }
  await recordAudit(tx, { at: by.at, actor: by.actor, action: 'create', entity: 'initiative', entityId: f.slug, after: await findInitiative(tx, f.slug) })
  return id
}

/** Which of these slugs are already registered. */
export async function existingSlugs(tx: Tx, slugs: string[]): Promise<string[]> {
  if (slugs.length === 0) return []
  const rows = await tx.selectFrom('initiatives').select('slug').where('slug', 'in', slugs).execute()
  return rows.map((r) => r.slug)
}
