/**
 * Alerts: webhooks, alert rules, the state of each (rule, initiative) pair, the messages announcing
 * state changes and their deliveries. Deliveries work like the digest outbox (db/queries/outbox.ts):
 * one row per message and destination under a UNIQUE send key, claimed with a compare-and-set and a
 * lease, a handover recorded just before sending, so a sender that died after sending and before
 * recording is resent at most once with the same event id and shown as uncertain.
 */
import type { Selectable, Updateable } from 'kysely'
import type { Db, Tx } from '../connection.js'
import type { AlertDeliveriesTable, AlertRulesTable, WebhooksTable } from '../schema.js'
import { recordAudit } from './audit.js'
import { committedEventIdHorizon } from './rollups.js'
import type { AlertTone } from '../../metrics/alert-state.js'

// ---------------------------------------------------------------------------------------------- webhooks

export type WebhookFormat = 'json' | 'slack'

export interface Webhook {
  id: number
  url: string
  format: WebhookFormat
  createdBy: string
  createdAt: string
  /** Failing since (first failed attempt after the last success), or null. */
  failingSince: string | null
  lastSuccessAt: string | null
  disabledAt: string | null
  disabledReason: string | null
}

export type WebhookRow = Selectable<WebhooksTable>

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

export function toWebhook(r: WebhookRow): Webhook {
  return {
    id: r.id,
    url: r.url,
    format: r.format as WebhookFormat,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    failingSince: iso(r.failing_since),
    lastSuccessAt: iso(r.last_success_at),
    disabledAt: iso(r.disabled_at),
    disabledReason: r.disabled_reason,
  }
}

/**
 * Stores a webhook and audits it (never its secret).
 * @example const w = await createWebhook(tx, { url: 'https://hooks.example.com/y', format: 'json', secret }, { actor: 'admin@x.com', at: Date.now() })
 */
export async function createWebhook(tx: Tx, f: { url: string; format: WebhookFormat; secret: string }, by: { actor: string; at: number }): Promise<Webhook> {
  const row = await tx
    .insertInto('webhooks')
    .values({ url: f.url, format: f.format, secret: f.secret, created_by: by.actor, created_at: by.at, failing_since: null, last_success_at: null, disabled_at: null, disabled_reason: null })
    .returningAll()
    .executeTakeFirstOrThrow()
  const w = toWebhook(row)
  await recordAudit(tx, { at: by.at, actor: by.actor, action: 'create', entity: 'webhook', entityId: w.id, after: w })
  return w
}

export async function listWebhooks(tx: Tx): Promise<Webhook[]> {
  return (await tx.selectFrom('webhooks').selectAll().orderBy('id').execute()).map(toWebhook)
}

/** The webhook row with its secret (for signing). */
export async function findWebhookRow(tx: Tx, id: number): Promise<WebhookRow | undefined> {
  return tx.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Deletes a webhook (rules stop posting to it) and audits it; returns what was deleted. */
export async function deleteWebhook(tx: Tx, id: number, by: { actor: string; at: number }): Promise<Webhook | undefined> {
  const row = await findWebhookRow(tx, id)
  if (!row) return undefined
  await tx.deleteFrom('alert_rule_webhooks').where('webhook_id', '=', id).execute()
  await tx.updateTable('alert_deliveries').set({ status: 'cancelled', last_error: 'the webhook was deleted', updated_at: by.at, lease_owner: null, lease_until: 0 }).where('webhook_id', '=', id).where('status', 'in', ['pending', 'retrying']).execute()
  await tx.deleteFrom('webhooks').where('id', '=', id).execute()
  const w = toWebhook(row)
  await recordAudit(tx, { at: by.at, actor: by.actor, action: 'delete', entity: 'webhook', entityId: id, before: w })
  return w
}

/** Records an attempt's outcome on the webhook: a success clears `failing_since`, a failure sets it if unset. */
export async function noteWebhookOutcome(tx: Tx, id: number, ok: boolean, at: number): Promise<void> {
  if (ok) await tx.updateTable('webhooks').set({ failing_since: null, last_success_at: at }).where('id', '=', id).execute()
  else await tx.updateTable('webhooks').set({ failing_since: at }).where('id', '=', id).where('failing_since', 'is', null).execute()
}

/**
 * Disables a webhook that has been failing (compare-and-set on `disabled_at` being unset); returns
 * whether this call disabled it. Audited as the system (`alerts`).
 */
export async function disableWebhook(tx: Tx, id: number, reason: string, at: number): Promise<boolean> {
  const r = await tx.updateTable('webhooks').set({ disabled_at: at, disabled_reason: reason }).where('id', '=', id).where('disabled_at', 'is', null).executeTakeFirst()
  if (Number(r.numUpdatedRows) !== 1) return false
  await recordAudit(tx, { at, actor: 'alerts', action: 'disable', entity: 'webhook', entityId: id, after: { disabledAt: new Date(at).toISOString(), reason } })
  return true
}

// ------------------------------------------------------------------------------------------------ rules

export type AlertKind = 'trajectory' | 'readiness' | 'payback' | 'silence'

export interface AlertRuleFields {
  name: string
  /** Initiative id, or null for every initiative. */
  initiativeId: number | null
  kind: AlertKind
  params: Record<string, unknown>
  emails: string[]
  webhooks: number[]
}

export interface AlertRule extends AlertRuleFields {
  id: number
  /** The initiative's slug (null: all). */
  initiative: string | null
  owner: string | null
  createdBy: string
  createdAt: string
  updatedAt: string
}

type RuleRow = Selectable<AlertRulesTable>

async function rulesFrom(tx: Tx, rows: RuleRow[]): Promise<AlertRule[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const links = await tx.selectFrom('alert_rule_webhooks').selectAll().where('rule_id', 'in', ids).orderBy('webhook_id').execute()
  const initiativeIds = [...new Set(rows.map((r) => r.initiative_id).filter((x): x is number => x !== null))]
  const slugs = new Map<number, string>()
  if (initiativeIds.length > 0) for (const i of await tx.selectFrom('initiatives').select(['id', 'slug']).where('id', 'in', initiativeIds).execute()) slugs.set(i.id, i.slug)
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    initiativeId: r.initiative_id,
    initiative: r.initiative_id === null ? null : (slugs.get(r.initiative_id) ?? null),
    kind: r.kind as AlertKind,
    params: JSON.parse(r.params) as Record<string, unknown>,
    emails: JSON.parse(r.emails) as string[],
    webhooks: links.filter((l) => l.rule_id === r.id).map((l) => l.webhook_id),
    owner: r.owner,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  }))
}

/** What the audit log records of a rule. */
function auditView(r: AlertRule) {
  return { name: r.name, initiative: r.initiative, kind: r.kind, params: r.params, emails: r.emails, webhooks: r.webhooks }
}

export async function listAlertRules(tx: Tx): Promise<AlertRule[]> {
  return rulesFrom(tx, await tx.selectFrom('alert_rules').selectAll().orderBy('id').execute())
}

export async function findAlertRule(tx: Tx, id: number): Promise<AlertRule | undefined> {
  return (await rulesFrom(tx, await tx.selectFrom('alert_rules').selectAll().where('id', '=', id).execute()))[0]
}

async function linkWebhooks(tx: Tx, ruleId: number, webhooks: number[]): Promise<void> {
  await tx.deleteFrom('alert_rule_webhooks').where('rule_id', '=', ruleId).execute()
  for (const w of new Set(webhooks)) await tx.insertInto('alert_rule_webhooks').values({ rule_id: ruleId, webhook_id: w }).execute()
}

/**
 * Stores a rule, audited in the same transaction.
 * @example await createAlertRule(tx, { name: 'Hours off course', initiativeId: null, kind: 'trajectory', params: { metric: 'time_saved' }, emails: ['cfo@x.com'], webhooks: [] }, { actor: 'ed@x.com', owner: 'ed@x.com', at: Date.now() })
 */
export async function createAlertRule(tx: Tx, f: AlertRuleFields, by: { actor: string; owner: string | null; at: number }): Promise<AlertRule> {
  const row = await tx
    .insertInto('alert_rules')
    .values({ name: f.name, initiative_id: f.initiativeId, kind: f.kind, params: JSON.stringify(f.params), emails: JSON.stringify(f.emails), owner: by.owner, created_by: by.actor, created_at: by.at, updated_at: by.at })
    .returning('id')
    .executeTakeFirstOrThrow()
  await linkWebhooks(tx, row.id, f.webhooks)
  const rule = (await findAlertRule(tx, row.id))!
  await recordAudit(tx, { at: by.at, actor: by.actor, action: 'create', entity: 'alert_rule', entityId: rule.id, after: auditView(rule) })
  return rule
}

/**
 * Changes a rule, audited. A change of kind, scope or parameters starts its states afresh (the old
 * states answered another question); firing pairs are not announced as resolved.
 */
export async function updateAlertRule(tx: Tx, id: number, patch: Partial<AlertRuleFields>, by: { actor: string; at: number }): Promise<AlertRule | undefined> {
  const before = await findAlertRule(tx, id)
  if (!before) return undefined
  const set: Updateable<AlertRulesTable> = { updated_at: by.at }
  if (patch.name !== undefined) set.name = patch.name
  if (patch.initiativeId !== undefined) set.initiative_id = patch.initiativeId
  if (patch.kind !== undefined) set.kind = patch.kind
  if (patch.params !== undefined) set.params = JSON.stringify(patch.params)
  if (patch.emails !== undefined) set.emails = JSON.stringify(patch.emails)
  await tx.updateTable('alert_rules').set(set).where('id', '=', id).execute()
  if (patch.webhooks !== undefined) await linkWebhooks(tx, id, patch.webhooks)
  const after = (await findAlertRule(tx, id))!
  if (before.kind !== after.kind || before.initiativeId !== after.initiativeId || JSON.stringify(before.params) !== JSON.stringify(after.params)) {
    await tx.deleteFrom('alert_states').where('rule_id', '=', id).execute()
  }
  await recordAudit(tx, { at: by.at, actor: by.actor, action: 'update', entity: 'alert_rule', entityId: id, before: auditView(before), after: auditView(after) })
  return after
}

/** Deletes a rule with its states, messages and deliveries; audited. */
export async function deleteAlertRule(tx: Tx, id: number, by: { actor: string; at: number }): Promise<AlertRule | undefined> {
  const before = await findAlertRule(tx, id)
  if (!before) return undefined
  await tx.deleteFrom('alert_rules').where('id', '=', id).execute()
  await recordAudit(tx, { at: by.at, actor: by.actor, action: 'delete', entity: 'alert_rule', entityId: id, before: auditView(before) })
  return before
}

// ----------------------------------------------------------------------------------------------- states

export interface StoredPairState {
  ruleId: number
  initiativeId: number
  state: 'ok' | 'firing' | 'resolved'
  since: number | null
  episode: number
  version: number
  message: string | null
  info: Record<string, unknown>
  evaluatedAt: number
}

export async function findAlertStates(tx: Tx, ruleIds?: number[]): Promise<StoredPairState[]> {
  let q = tx.selectFrom('alert_states').selectAll()
  if (ruleIds) {
    if (ruleIds.length === 0) return []
    q = q.where('rule_id', 'in', ruleIds)
  }
  const rows = await q.orderBy('rule_id').orderBy('initiative_id').execute()
  return rows.map((r) => ({
    ruleId: r.rule_id,
    initiativeId: r.initiative_id,
    state: r.state as StoredPairState['state'],
    since: r.since,
    episode: r.episode,
    version: r.version,
    message: r.message,
    info: r.info ? (JSON.parse(r.info) as Record<string, unknown>) : {},
    evaluatedAt: r.evaluated_at,
  }))
}

/**
 * Writes a pair's new state with a compare-and-set on the version it was computed from (0: no row
 * yet). Returns false when another evaluator changed it first: the caller then announces nothing.
 */
export async function saveAlertState(tx: Tx, s: Omit<StoredPairState, 'version'>, seenVersion: number): Promise<boolean> {
  const values = { state: s.state, since: s.since, episode: s.episode, message: s.message, info: JSON.stringify(s.info), evaluated_at: s.evaluatedAt }
  if (seenVersion === 0) {
    const r = await tx
      .insertInto('alert_states')
      .values({ rule_id: s.ruleId, initiative_id: s.initiativeId, version: 1, ...values })
      .onConflict((oc) => oc.columns(['rule_id', 'initiative_id']).doNothing())
      .executeTakeFirst()
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1
  }
  const r = await tx.updateTable('alert_states').set({ ...values, version: seenVersion + 1 }).where('rule_id', '=', s.ruleId).where('initiative_id', '=', s.initiativeId).where('version', '=', seenVersion).executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

// ---------------------------------------------------------------------------------- messages, deliveries

export interface NewNotification {
  eventId: string
  ruleId: number
  initiativeId: number | null
  type: 'alert.firing' | 'alert.resolved' | 'webhook.disabled'
  message: string
  at: number
  /** Good news, a warning or neutral news, with its leading words (metrics/alert-state.ts, alertHeadline). */
  tone: AlertTone
  headline: string
}

/** Inserts a message under its event id; returns its row id, or undefined when it existed already. */
export async function insertNotification(tx: Tx, n: NewNotification): Promise<number | undefined> {
  const r = await tx
    .insertInto('alert_notifications')
    .values({ event_id: n.eventId, rule_id: n.ruleId, initiative_id: n.initiativeId, type: n.type, message: n.message, at: n.at, tone: n.tone, headline: n.headline })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .returning('id')
    .executeTakeFirst()
  return r?.id
}

export interface NotificationRow extends NewNotification {
  id: number
}

export async function findNotifications(tx: Tx, ids: number[]): Promise<NotificationRow[]> {
  if (ids.length === 0) return []
  const rows = await tx.selectFrom('alert_notifications').selectAll().where('id', 'in', ids).orderBy('id').execute()
  return rows.map((r) => {
    // Rows made before tones were stored read as they were sent then: firing a warning, resolved good news.
    const earlier = r.type === 'alert.resolved' ? { tone: 'good' as const, headline: 'Resolved' } : r.type === 'webhook.disabled' ? { tone: 'warn' as const, headline: 'Webhook disabled' } : { tone: 'warn' as const, headline: 'Firing' }
    return { id: r.id, eventId: r.event_id, ruleId: r.rule_id, initiativeId: r.initiative_id, type: r.type as NewNotification['type'], message: r.message, at: r.at, tone: (r.tone as AlertTone | null) ?? earlier.tone, headline: r.headline ?? earlier.headline }
  })
}

export interface NewAlertDelivery {
  sendKey: string
  ruleId: number
  channel: 'email' | 'webhook'
  target: string
  webhookId: number | null
  eventId: string
  notificationIds: number[]
}

/** Inserts deliveries that do not exist yet (UNIQUE send key); returns how many were new. */
export async function enqueueAlertDeliveries(tx: Tx, rows: NewAlertDelivery[], now: number): Promise<number> {
  let inserted = 0
  for (const d of rows) {
    const r = await tx
      .insertInto('alert_deliveries')
      .values({
        send_key: d.sendKey,
        rule_id: d.ruleId,
        channel: d.channel,
        target: d.target,
        webhook_id: d.webhookId,
        event_id: d.eventId,
        notification_ids: JSON.stringify(d.notificationIds),
        status: 'pending',
        uncertain: 0,
        attempts: 0,
        handoffs: 0,
        lease_owner: null,
        lease_until: 0,
        next_attempt_at: now,
        last_error: null,
        sent_at: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('send_key').doNothing())
      .executeTakeFirst()
    inserted += Number(r.numInsertedOrUpdatedRows ?? 0n)
  }
  return inserted
}

export type AlertDeliveryRow = Selectable<AlertDeliveriesTable>

/** Deliveries a sender may claim now (as findClaimable in outbox.ts). */
export async function findClaimableAlertDeliveries(tx: Tx, q: { now: number; ids?: number[]; ignoreBackoff?: boolean }): Promise<AlertDeliveryRow[]> {
  let query = tx
    .selectFrom('alert_deliveries')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('status', '=', 'pending'),
        q.ignoreBackoff ? eb('status', '=', 'retrying') : eb.and([eb('status', '=', 'retrying'), eb('next_attempt_at', '<=', q.now)]),
        eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', q.now)]),
      ]),
    )
  if (q.ids !== undefined) {
    if (q.ids.length === 0) return []
    query = query.where('id', 'in', q.ids)
  }
  return query.orderBy('id').execute()
}

/** Compare-and-set claim (as claimDelivery in outbox.ts); a takeover after a handover is flagged uncertain. */
export async function claimAlertDelivery(tx: Tx, seen: AlertDeliveryRow, owner: string, now: number, leaseMs: number): Promise<AlertDeliveryRow | undefined> {
  const uncertain = seen.status === 'sending' && seen.handoffs > 0 ? 1 : seen.uncertain
  const r = await tx
    .updateTable('alert_deliveries')
    .set({ status: 'sending', lease_owner: owner, lease_until: now + leaseMs, attempts: seen.attempts + 1, uncertain, updated_at: now })
    .where('id', '=', seen.id)
    .where('status', '=', seen.status)
    .where('attempts', '=', seen.attempts)
    .where('lease_until', '=', seen.lease_until)
    .executeTakeFirst()
  if (Number(r.numUpdatedRows) !== 1) return undefined
  return { ...seen, status: 'sending', lease_owner: owner, lease_until: now + leaseMs, attempts: seen.attempts + 1, uncertain, updated_at: now }
}

/** Records, just before sending, that the message is being handed over (only such rows can have been delivered by a sender that died). */
export async function markAlertHandoff(tx: Tx, id: number, owner: string): Promise<void> {
  await tx.updateTable('alert_deliveries').set((eb) => ({ handoffs: eb('handoffs', '+', 1) })).where('id', '=', id).where('status', '=', 'sending').where('lease_owner', '=', owner).execute()
}

/** Finishes a claimed delivery (only the lease holder may); returns whether it still held the lease. */
export async function finishAlertDelivery(
  tx: Tx,
  id: number,
  owner: string,
  outcome: { status: 'sent'; at: number } | { status: 'retrying'; at: number; nextAttemptAt: number; error: string } | { status: 'failed' | 'cancelled'; at: number; error: string },
): Promise<boolean> {
  const r = await tx
    .updateTable('alert_deliveries')
    .set({
      status: outcome.status,
      lease_owner: null,
      lease_until: 0,
      updated_at: outcome.at,
      sent_at: outcome.status === 'sent' ? outcome.at : null,
      last_error: outcome.status === 'sent' ? null : outcome.error,
      ...(outcome.status === 'retrying' ? { next_attempt_at: outcome.nextAttemptAt } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .where('lease_owner', '=', owner)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Appends one attempt to a delivery's history. */
export async function recordAlertAttempt(tx: Tx, a: { deliveryId: number; at: number; durationMs: number; outcome: 'delivered' | 'retry' | 'failed'; statusCode: number | null; error: string | null }): Promise<void> {
  await tx.insertInto('alert_attempts').values({ delivery_id: a.deliveryId, at: a.at, duration_ms: Math.round(a.durationMs), outcome: a.outcome, status_code: a.statusCode, error: a.error }).execute()
}

export type AlertDeliveryStatus = 'pending' | 'sending' | 'sent' | 'uncertain' | 'retrying' | 'failed' | 'cancelled'

export interface AlertDelivery {
  id: number
  eventId: string
  /** 'alert.firing' | 'alert.resolved' | 'webhook.disabled' | 'digest'. */
  type: string
  /** As stored with the message; a digest: a warning when any of its messages is one. */
  tone: AlertTone
  /** The message's leading words ("Ready to scale", "Firing"); a digest: "N alerts". */
  headline: string
  initiatives: number[]
  channel: 'email' | 'webhook'
  target: string
  status: AlertDeliveryStatus
  attempts: Array<{ at: string; durationMs: number; outcome: string; statusCode: number | null; error: string | null }>
  lastError: string | null
  sentAt: string | null
  nextAttemptAt: string | null
  createdAt: string
}

/** The status to show (as deliveryStatus in outbox.ts). */
export function alertDeliveryStatus(r: Pick<AlertDeliveryRow, 'status' | 'uncertain' | 'lease_until' | 'handoffs'>, now: number): AlertDeliveryStatus {
  if (r.status === 'sent') return r.uncertain ? 'uncertain' : 'sent'
  if (r.status === 'sending') return r.lease_until >= now ? 'sending' : r.handoffs > 0 ? 'uncertain' : 'pending'
  return r.status as AlertDeliveryStatus
}

/**
 * The latest deliveries of each rule (newest first), each with its attempts.
 * @example const byRule = await findRecentAlertDeliveries(db, [1], 20, Date.now())
 */
export async function findRecentAlertDeliveries(tx: Tx, ruleIds: number[], perRule: number, now: number): Promise<Map<number, AlertDelivery[]>> {
  const out = new Map<number, AlertDelivery[]>()
  for (const ruleId of ruleIds) {
    const rows = await tx.selectFrom('alert_deliveries').selectAll().where('rule_id', '=', ruleId).orderBy('id', 'desc').limit(perRule).execute()
    const ids = rows.map((r) => r.id)
    const attempts = ids.length ? await tx.selectFrom('alert_attempts').selectAll().where('delivery_id', 'in', ids).orderBy('id').execute() : []
    const notes = await findNotifications(tx, [...new Set(rows.flatMap((r) => JSON.parse(r.notification_ids) as number[]))])
    out.set(
      ruleId,
      rows.map((r) => {
        const mine = notes.filter((n) => (JSON.parse(r.notification_ids) as number[]).includes(n.id))
        return {
          id: r.id,
          eventId: r.event_id,
          type: mine.length > 1 ? 'digest' : (mine[0]?.type ?? 'alert.firing'),
          tone: mine.some((n) => n.tone === 'warn') || mine.length === 0 ? 'warn' : mine.every((n) => n.tone === 'good') ? 'good' : 'neutral',
          headline: mine.length > 1 ? `${mine.length} alerts` : (mine[0]?.headline ?? 'Firing'),
          initiatives: mine.map((n) => n.initiativeId).filter((x): x is number => x !== null),
          channel: r.channel as 'email' | 'webhook',
          target: r.target,
          status: alertDeliveryStatus(r, now),
          attempts: attempts.filter((a) => a.delivery_id === r.id).map((a) => ({ at: new Date(a.at).toISOString(), durationMs: a.duration_ms, outcome: a.outcome, statusCode: a.status_code, error: a.error })),
          lastError: r.last_error,
          sentAt: iso(r.sent_at),
          nextAttemptAt: r.status === 'retrying' ? new Date(r.next_attempt_at).toISOString() : null,
          createdAt: new Date(r.created_at).toISOString(),
        }
      }),
    )
  }
  return out
}

/** Every delivery row (tests, diagnostics), oldest first. */
export async function listAlertDeliveries(tx: Tx, ruleId?: number): Promise<AlertDeliveryRow[]> {
  let q = tx.selectFrom('alert_deliveries').selectAll()
  if (ruleId !== undefined) q = q.where('rule_id', '=', ruleId)
  return q.orderBy('id').execute()
}

// ------------------------------------------------------------------------------------ last event received

const LAST_EVENTS_JOB = 'alert-events'

/**
 * Brings the last-event-received table up to date with the events received since the previous call
 * (ids above the job_state watermark; the first call reads every event once), and returns it.
 * Concurrent callers are safe: the upserts only move forward and the watermark moves by compare-and-set.
 * Reads only up to the committed-id horizon (as the rollup does): on PostgreSQL an insert still in
 * flight may commit an id below one already seen, which a watermark past it would never read.
 * @example const last = await refreshLastEvents(db, Date.now()) // Map initiative id → received_at
 */
export async function refreshLastEvents(tx: Db, now: number): Promise<Map<number, number>> {
  await tx.insertInto('job_state').values({ name: LAST_EVENTS_JOB, watermark: 0, lease_owner: null, lease_until: 0, updated_at: now, info: null }).onConflict((oc) => oc.column('name').doNothing()).execute()
  const state = await tx.selectFrom('job_state').select('watermark').where('name', '=', LAST_EVENTS_JOB).executeTakeFirstOrThrow()
  const from = Number(state.watermark)
  const horizon = await committedEventIdHorizon(tx)
  const rows = await tx
    .selectFrom('events')
    .select((eb) => ['initiative_id', eb.fn.max('id').as('last_id'), eb.fn.max('received_at').as('last_at')])
    .where('id', '>', from)
    .where('id', '<=', horizon)
    .groupBy('initiative_id')
    .execute()
  let top = from
  for (const r of rows) {
    const lastId = Number(r.last_id)
    const lastAt = Number(r.last_at)
    top = Math.max(top, lastId)
    await tx
      .insertInto('alert_last_events')
      .values({ initiative_id: r.initiative_id, last_event_id: lastId, last_received_at: lastAt })
      .onConflict((oc) =>
        oc.column('initiative_id').doUpdateSet({ last_event_id: lastId, last_received_at: lastAt }).where('alert_last_events.last_event_id', '<', lastId),
      )
      .execute()
  }
  if (top > from) await tx.updateTable('job_state').set({ watermark: top, updated_at: now }).where('name', '=', LAST_EVENTS_JOB).where('watermark', '=', from).execute()
  const all = await tx.selectFrom('alert_last_events').selectAll().execute()
  return new Map(all.map((r) => [r.initiative_id, Number(r.last_received_at)]))
}

// ------------------------------------------------------------------------------------------- the lease

const ALERTS_JOB = 'alerts'

/** Takes the evaluation lease (one evaluator at a time across processes); false when another holds it. */
export async function acquireAlertLease(tx: Tx, owner: string, now: number, ttlMs: number): Promise<boolean> {
  await tx.insertInto('job_state').values({ name: ALERTS_JOB, watermark: 0, lease_owner: null, lease_until: 0, updated_at: now, info: null }).onConflict((oc) => oc.column('name').doNothing()).execute()
  const r = await tx
    .updateTable('job_state')
    .set({ lease_owner: owner, lease_until: now + ttlMs })
    .where('name', '=', ALERTS_JOB)
    .where((eb) => eb.or([eb('lease_until', '<=', now), eb('lease_owner', '=', owner)]))
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Gives the lease back and records when the evaluation finished (`updated_at`). */
export async function releaseAlertLease(tx: Tx, owner: string, now: number): Promise<void> {
  await tx.updateTable('job_state').set({ lease_owner: null, lease_until: 0, updated_at: now }).where('name', '=', ALERTS_JOB).where('lease_owner', '=', owner).execute()
}

/** When the last evaluation finished (0: never). */
export async function lastAlertEvaluation(tx: Tx): Promise<number> {
  const r = await tx.selectFrom('job_state').select('updated_at').where('name', '=', ALERTS_JOB).executeTakeFirst()
  return r ? Number(r.updated_at) : 0
}
