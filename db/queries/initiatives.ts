/**
 * Initiatives and their stage history. Money columns are minor units; the domain speaks decimals.
 */
import type { Selectable } from 'kysely'
import type { Tx } from '../connection.js'
import type { InitiativesTable } from '../schema.js'
import { fromMinorUnits } from '../../metrics/currency.js'
import { recordAudit } from './audit.js'
import { noteChange } from '../change-generation.js'

import type { Stage } from '../../metrics/stages.js'

export type { Stage }

export interface StageChange {
  from: Stage | null
  to: Stage
  at: string
  actor: string
  reason: string | null
}

export interface Initiative {
  id: number
  slug: string
  name: string
  description: string
  owner: string | null
  team: string | null
  stage: Stage
  currency: string
  hourlyValue: number | null
  upfrontCost: number
  monthlyCost: number
  costPerError: number | null
  startedAt: string
  baselines: { errorRate: number | null; decisionLatencySeconds: number | null }
  targets: {
    timeSavedHoursPerMonth: number | null
    errorRate: number | null
    revenueInfluencedPerMonth: number | null
    decisionLatencySeconds: number | null
  }
  stageHistory: StageChange[]
  createdAt: string
  updatedAt: string
}

/** The fields a caller may set, in domain units (decimal money, instants in ms). */
export interface InitiativeFields {
  slug: string
  name: string
  description: string
  owner: string | null
  team: string | null
  stage: Stage
  currency: string
  hourlyValueMinor: number | null
  upfrontCostMinor: number
  monthlyCostMinor: number
  costPerErrorMinor: number | null
  baselineErrorRate: number | null
  baselineDecisionLatencySeconds: number | null
  targetTimeSavedHoursPerMonth: number | null
  targetErrorRate: number | null
  targetRevenueInfluencedPerMonth: number | null
  targetDecisionLatencySeconds: number | null
  startedAt: number
}

type Row = Selectable<InitiativesTable>

function toFields(r: Row): InitiativeFields {
  return {
    slug: r.slug,
    name: r.name,
    description: r.description,
    owner: r.owner,
    team: r.team,
    stage: r.stage as Stage,
    currency: r.currency,
    hourlyValueMinor: r.hourly_value_minor,
    upfrontCostMinor: r.upfront_cost_minor,
    monthlyCostMinor: r.monthly_cost_minor,
    costPerErrorMinor: r.cost_per_error_minor,
    baselineErrorRate: r.baseline_error_rate,
    baselineDecisionLatencySeconds: r.baseline_decision_latency_seconds,
    targetTimeSavedHoursPerMonth: r.target_time_saved_hours_per_month,
    targetErrorRate: r.target_error_rate,
    targetRevenueInfluencedPerMonth: r.target_revenue_influenced_per_month,
    targetDecisionLatencySeconds: r.target_decision_latency_seconds,
    startedAt: r.started_at,
  }
}

function toColumns(f: Partial<InitiativeFields>): Partial<Row> {
  const c: Partial<Row> = {}
  if (f.slug !== undefined) c.slug = f.slug
  if (f.name !== undefined) c.name = f.name
  if (f.description !== undefined) c.description = f.description
  if (f.owner !== undefined) c.owner = f.owner
  if (f.team !== undefined) c.team = f.team
  if (f.stage !== undefined) c.stage = f.stage
  if (f.currency !== undefined) c.currency = f.currency
  if (f.hourlyValueMinor !== undefined) c.hourly_value_minor = f.hourlyValueMinor
  if (f.upfrontCostMinor !== undefined) c.upfront_cost_minor = f.upfrontCostMinor
  if (f.monthlyCostMinor !== undefined) c.monthly_cost_minor = f.monthlyCostMinor
  if (f.costPerErrorMinor !== undefined) c.cost_per_error_minor = f.costPerErrorMinor
  if (f.baselineErrorRate !== undefined) c.baseline_error_rate = f.baselineErrorRate
  if (f.baselineDecisionLatencySeconds !== undefined) c.baseline_decision_latency_seconds = f.baselineDecisionLatencySeconds
  if (f.targetTimeSavedHoursPerMonth !== undefined) c.target_time_saved_hours_per_month = f.targetTimeSavedHoursPerMonth
  if (f.targetErrorRate !== undefined) c.target_error_rate = f.targetErrorRate
  if (f.targetRevenueInfluencedPerMonth !== undefined) c.target_revenue_influenced_per_month = f.targetRevenueInfluencedPerMonth
  if (f.targetDecisionLatencySeconds !== undefined) c.target_decision_latency_seconds = f.targetDecisionLatencySeconds
  if (f.startedAt !== undefined) c.started_at = f.startedAt
  return c
}

function toInitiative(r: Row, history: StageChange[]): Initiative {
  const money = (minor: number | null) => (minor === null ? null : fromMinorUnits(minor, r.currency))
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    description: r.description,
    owner: r.owner,
    team: r.team,
    stage: r.stage as Stage,
    currency: r.currency,
    hourlyValue: money(r.hourly_value_minor),
    upfrontCost: fromMinorUnits(r.upfront_cost_minor, r.currency),
    monthlyCost: fromMinorUnits(r.monthly_cost_minor, r.currency),
    costPerError: money(r.cost_per_error_minor),
    startedAt: new Date(r.started_at).toISOString(),
    baselines: { errorRate: r.baseline_error_rate, decisionLatencySeconds: r.baseline_decision_latency_seconds },
    targets: {
      timeSavedHoursPerMonth: r.target_time_saved_hours_per_month,
      errorRate: r.target_error_rate,
      revenueInfluencedPerMonth: r.target_revenue_influenced_per_month,
      decisionLatencySeconds: r.target_decision_latency_seconds,
    },
    stageHistory: history,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  }
}

async function historyOf(tx: Tx, ids: number[]): Promise<Map<number, StageChange[]>> {
  const map = new Map<number, StageChange[]>()
  if (ids.length === 0) return map
  const rows = await tx.selectFrom('stage_changes').selectAll().where('initiative_id', 'in', ids).orderBy('at').orderBy('id').execute()
  for (const r of rows) {
    const list = map.get(r.initiative_id) ?? []
    list.push({ from: r.from_stage as Stage | null, to: r.to_stage as Stage, at: new Date(r.at).toISOString(), actor: r.actor, reason: r.reason })
    map.set(r.initiative_id, list)
  }
  return map
}

/**
 * Every initiative with its stage history, by name.
 * @example const all = await listInitiatives(db)
 */
export async function listInitiatives(tx: Tx): Promise<Initiative[]> {
  const rows = await tx.selectFrom('initiatives').selectAll().orderBy('name').execute()
  const history = await historyOf(tx, rows.map((r) => r.id))
  return rows.map((r) => toInitiative(r, history.get(r.id) ?? []))
}

/** One initiative by slug, or undefined. */
export async function findInitiative(tx: Tx, slug: string): Promise<Initiative | undefined> {
  const r = await tx.selectFrom('initiatives').selectAll().where('slug', '=', slug).executeTakeFirst()
  if (!r) return undefined
  const history = await historyOf(tx, [r.id])
  return toInitiative(r, history.get(r.id) ?? [])
}

/** The raw stored fields of one initiative (minor units), for updates that merge a patch. */
export async function findInitiativeFields(tx: Tx, slug: string): Promise<(InitiativeFields & { id: number }) | undefined> {
  const r = await tx.selectFrom('initiatives').selectAll().where('slug', '=', slug).executeTakeFirst()
  return r ? { id: r.id, ...toFields(r) } : undefined
}

/**
 * Creates an initiative and its first stage-history entry, and audits it, in the caller's transaction.
 * @example await createInitiative(tx, fields, { actor: 'cli', at: Date.now() })
 */
export async function createInitiative(tx: Tx, f: InitiativeFields, by: { actor: string; at: number }): Promise<Initiative> {
  await noteChange(tx)
  const { id } = await tx
    .insertInto('initiatives')
    .values({ ...(toColumns(f) as Omit<Row, 'id'>), created_at: by.at, updated_at: by.at })
    .returning('id')
    .executeTakeFirstOrThrow()
  await tx.insertInto('stage_changes').values({ initiative_id: id, from_stage: null, to_stage: f.stage, at: by.at, actor: by.actor, reason: null }).execute()
  const created = (await findInitiative(tx, f.slug))!
  await recordAudit(tx, { at: by.at, actor: by.actor, action: 'create', entity: 'initiative', entityId: f.slug, after: created })
  return created
}

/**
 * Applies a patch, records a stage change when the stage moves, and audits before and after.
 * @example await updateInitiative(tx, 'invoices', { stage: 'production' }, { actor: 'ops@x.com', at: Date.now() })
 */
export async function updateInitiative(tx: Tx, slug: string, patch: Partial<InitiativeFields>, by: { actor: string; at: number; reason?: string | null }): Promise<Initiative> {
  const before = await findInitiative(tx, slug)
  if (!before) throw new Error(`no initiative ${slug}`)
  await noteChange(tx)
  const cols = toColumns(patch)
  await tx.updateTable('initiatives').set({ ...cols, updated_at: by.at }).where('id', '=', before.id).execute()
  if (patch.stage !== undefined && patch.stage !== before.stage) {
    await tx.insertInto('stage_changes').values({ initiative_id: before.id, from_stage: before.stage, to_stage: patch.stage, at: by.at, actor: by.actor, reason: by.reason ?? null }).execute()
  }
  const after = (await findInitiative(tx, slug))!
  await recordAudit(tx, { at: by.at, actor: by.actor, action: patch.stage !== undefined && patch.stage !== before.stage ? 'stage_change' : 'update', entity: 'initiative', entityId: slug, before, after })
  return after
}

/**
 * The stage an initiative was in at `t`: the last change at or before `t`, or the first recorded stage
 * for instants before any change (backfilled events).
 * @example stageAt([{ to: 'pilot', at: '2026-01-01T00:00:00Z' }, { to: 'production', at: '2026-06-01T00:00:00Z' }], Date.UTC(2026, 6)) // 'production'
 */
export function stageAt(history: Array<{ to: Stage; atMs: number }>, t: number, fallback: Stage): Stage {
  let stage: Stage | null = null
  for (const h of history) {
    if (h.atMs <= t) stage = h.to
    else break
  }
  return stage ?? history[0]?.to ?? fallback
}

/** What ingestion needs of an initiative: its id, currency and stage history. */
export interface IngestTarget {
  id: number
  currency: string
  stage: Stage
  history: Array<{ to: Stage; atMs: number }>
}

/**
 * The initiatives with these slugs, keyed by slug, with their stage history in time order.
 * @example const targets = await findIngestTargets(db, ['invoices'])
 */
export async function findIngestTargets(tx: Tx, slugs: string[]): Promise<Map<string, IngestTarget>> {
  const out = new Map<string, IngestTarget>()
  if (slugs.length === 0) return out
  const rows = await tx.selectFrom('initiatives').select(['id', 'slug', 'currency', 'stage']).where('slug', 'in', slugs).execute()
  if (rows.length === 0) return out
  const changes = await tx
    .selectFrom('stage_changes')
    .select(['initiative_id', 'to_stage', 'at'])
    .where('initiative_id', 'in', rows.map((r) => r.id))
    .orderBy('at')
    .orderBy('id')
    .execute()
  const byId = new Map<number, IngestTarget>()
  for (const r of rows) {
    const t: IngestTarget = { id: r.id, currency: r.currency, stage: r.stage as Stage, history: [] }
    byId.set(r.id, t)
    out.set(r.slug, t)
  }
  for (const c of changes) byId.get(c.initiative_id)!.history.push({ to: c.to_stage as Stage, atMs: c.at })
  return out
}
