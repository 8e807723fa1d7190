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

/** The job_state row of the live demo's top-up: `watermark` is the instant events were generated up to. */
export const DEMO_TOPUP_JOB = 'demo-topup'

/**
 * The live demo's top-up state (the instant generated up to, and the ingest key its integrated
 * initiatives report through), or undefined when this database was not prepared as a live demo.
 * @example const state = await findDemoTopUp(db)
 */
export async function findDemoTopUp(tx: Tx): Promise<{ through: number; feedKeyId: number | null } | undefined> {
  const row = await tx.selectFrom('job_state').select(['watermark', 'info']).where('name', '=', DEMO_TOPUP_JOB).executeTakeFirst()
  if (!row) return undefined
  const info = row.info ? (JSON.parse(row.info) as { feedKeyId?: number | null }) : {}
  return { through: Number(row.watermark), feedKeyId: info.feedKeyId ?? null }
}

/**
 * Starts the top-up state at `through` (does nothing when it exists).
 * @example await startDemoTopUp(tx, { through: now, feedKeyId: 3, at: now })
 */
export async function startDemoTopUp(tx: Tx, s: { through: number; feedKeyId: number | null; at: number }): Promise<void> {
  await tx
    .insertInto('job_state')
    .values({ name: DEMO_TOPUP_JOB, watermark: s.through, lease_owner: null, lease_until: 0, updated_at: s.at, info: JSON.stringify({ feedKeyId: s.feedKeyId }) })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute()
}

/**
 * Moves the top-up from `from` to `to` only if it still stands at `from` (compare-and-set, so two
 * processes never generate the same span twice). Returns whether it moved.
 * @example if (await advanceDemoTopUp(tx, { from, to, at: now })) await insertEventRows(tx, rows)
 */
export async function advanceDemoTopUp(tx: Tx, s: { from: number; to: number; at: number }): Promise<boolean> {
  const r = await tx.updateTable('job_state').set({ watermark: s.to, updated_at: s.at }).where('name', '=', DEMO_TOPUP_JOB).where('watermark', '=', s.from).executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Every registered slug (the live demo checks the database holds nothing but the demo). */
export async function allSlugs(tx: Tx): Promise<string[]> {
  return (await tx.selectFrom('initiatives').select('slug').execute()).map((r) => r.slug)
}

/**
 * When the newest event was received (events.id is the order of receipt), or null without events.
 * @example const since = await latestReceivedAt(db)
 */
export async function latestReceivedAt(tx: Tx): Promise<number | null> {
  const row = await tx.selectFrom('events').select('received_at').orderBy('id', 'desc').limit(1).executeTakeFirst()
  return row ? Number(row.received_at) : null
}
