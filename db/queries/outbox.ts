/**
 * The digest outbox: one row per (subscription, period key, recipient) under a UNIQUE constraint.
 * A sender claims a row with a compare-and-set (pending/retrying → sending, with a lease), so that two
 * processes never send the same row; a row found in `sending` after its lease expired may have been
 * accepted by the mail server already and is resent once, flagged uncertain.
 */
import type { Selectable } from 'kysely'
import type { Tx } from '../connection.js'
import type { DigestOutboxTable } from '../schema.js'

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'retrying' | 'failed' | 'cancelled'
/** What the API and the dashboard show. */
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'uncertain' | 'retrying' | 'failed' | 'cancelled'

export type OutboxRow = Selectable<DigestOutboxTable>

export interface NewDelivery {
  subscriptionId: number
  periodKey: string
  periodFrom: number
  periodTo: number
  kind: 'scheduled' | 'now'
  recipient: string
  messageId: string
}

export interface Delivery {
  id: number
  subscriptionId: number
  period: { key: string; from: string; to: string }
  kind: string
  recipient: string
  messageId: string
  status: DeliveryStatus
  attempts: number
  lastError: string | null
  sentAt: string | null
  nextAttemptAt: string | null
  createdAt: string
  updatedAt: string
}

/**
 * The status to show: a sent row that may have been sent twice is `uncertain`; a row stuck in
 * `sending` past its lease is `uncertain` too (it may have been accepted before its sender died).
 * @example deliveryStatus({ status: 'sent', uncertain: 1, lease_until: 0 }, Date.now()) // 'uncertain'
 */
export function deliveryStatus(r: Pick<OutboxRow, 'status' | 'uncertain' | 'lease_until' | 'handoffs'>, now: number): DeliveryStatus {
  if (r.status === 'sent') return r.uncertain ? 'uncertain' : 'sent'
  // A sender that died before handing the message over sent nothing: it simply waits for the next run.
  if (r.status === 'sending') return r.lease_until >= now ? 'sending' : r.handoffs > 0 ? 'uncertain' : 'pending'
  return r.status as DeliveryStatus
}

export function toDelivery(r: OutboxRow, now: number): Delivery {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    period: { key: r.period_key, from: new Date(r.period_from).toISOString(), to: new Date(r.period_to).toISOString() },
    kind: r.kind,
    recipient: r.recipient,
    messageId: r.message_id,
    status: deliveryStatus(r, now),
    attempts: r.attempts,
    lastError: r.last_error,
    sentAt: r.sent_at === null ? null : new Date(r.sent_at).toISOString(),
    nextAttemptAt: r.status === 'retrying' ? new Date(r.next_attempt_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  }
}

/**
 * Inserts the rows that do not exist yet (the UNIQUE constraint makes a repeat a no-op); returns how
 * many were new.
 * @example await enqueueDeliveries(tx, [{ subscriptionId: 1, periodKey: '2026-W47', ... }], Date.now())
 */
export async function enqueueDeliveries(tx: Tx, rows: NewDelivery[], now: number): Promise<number> {
  let inserted = 0
  for (const d of rows) {
    const result = await tx
      .insertInto('digest_outbox')
      .values({
        subscription_id: d.subscriptionId,
        period_key: d.periodKey,
        period_from: d.periodFrom,
        period_to: d.periodTo,
        kind: d.kind,
        recipient: d.recipient,
        message_id: d.messageId,
        status: 'pending',
        uncertain: 0,
        attempts: 0,
        lease_owner: null,
        lease_until: 0,
        next_attempt_at: now,
        last_error: null,
        sent_at: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['subscription_id', 'period_key', 'recipient']).doNothing())
      .executeTakeFirst()
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0n)
  }
  return inserted
}

/**
 * Rows a sender may claim now: pending or retrying rows whose next attempt is due (any retrying row
 * when `ignoreBackoff`), and rows left in `sending` by a sender whose lease expired.
 * @example await findClaimable(db, { now: Date.now() })
 */
export async function findClaimable(tx: Tx, q: { now: number; subscriptionId?: number; ids?: number[]; ignoreBackoff?: boolean }): Promise<OutboxRow[]> {
  let query = tx
    .selectFrom('digest_outbox')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('status', '=', 'pending'),
        q.ignoreBackoff ? eb('status', '=', 'retrying') : eb.and([eb('status', '=', 'retrying'), eb('next_attempt_at', '<=', q.now)]),
        eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', q.now)]),
      ]),
    )
  if (q.subscriptionId !== undefined) query = query.where('subscription_id', '=', q.subscriptionId)
  if (q.ids !== undefined) {
    if (q.ids.length === 0) return []
    query = query.where('id', 'in', q.ids)
  }
  return query.orderBy('id').execute()
}

/**
 * Compare-and-set claim: moves the row to `sending` with a lease only if it is still exactly as it was
 * read (same status, attempts and lease). A row taken over from an expired `sending` lease is flagged
 * uncertain. Returns the claimed row, or undefined when another sender won.
 * @example const mine = await claimDelivery(db, row, 'host:123', Date.now(), 300_000)
 */
export async function claimDelivery(tx: Tx, seen: OutboxRow, owner: string, now: number, leaseMs: number): Promise<OutboxRow | undefined> {
  const uncertain = seen.status === 'sending' && seen.handoffs > 0 ? 1 : seen.uncertain
  const result = await tx
    .updateTable('digest_outbox')
    .set({ status: 'sending', lease_owner: owner, lease_until: now + leaseMs, attempts: seen.attempts + 1, uncertain, updated_at: now })
    .where('id', '=', seen.id)
    .where('status', '=', seen.status)
    .where('attempts', '=', seen.attempts)
    .where('lease_until', '=', seen.lease_until)
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) !== 1) return undefined
  return { ...seen, status: 'sending', lease_owner: owner, lease_until: now + leaseMs, attempts: seen.attempts + 1, uncertain, updated_at: now }
}

/**
 * Records, just before the message goes to the mail server, that it is being handed over. Only rows
 * with a handover and no recorded outcome can have been delivered by a sender that died.
 */
export async function markHandoff(tx: Tx, id: number, owner: string): Promise<void> {
  await tx
    .updateTable('digest_outbox')
    .set((eb) => ({ handoffs: eb('handoffs', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .where('lease_owner', '=', owner)
    .execute()
}

/** Finishes a claimed row. Only the lease holder may; returns whether it still held the lease. */
export async function finishDelivery(
  tx: Tx,
  id: number,
  owner: string,
  outcome: { status: 'sent'; at: number } | { status: 'retrying'; at: number; nextAttemptAt: number; error: string } | { status: 'failed' | 'cancelled'; at: number; error: string },
): Promise<boolean> {
  const result = await tx
    .updateTable('digest_outbox')
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
  return Number(result.numUpdatedRows) === 1
}

/** One outbox row by id. */
export async function findOutboxRow(tx: Tx, id: number): Promise<OutboxRow | undefined> {
  return tx.selectFrom('digest_outbox').selectAll().where('id', '=', id).executeTakeFirst()
}

/**
 * The latest deliveries of each subscription (newest first, at most `perSubscription` each).
 * @example const bySub = await findRecentDeliveries(db, [1, 2], 10, Date.now())
 */
export async function findRecentDeliveries(tx: Tx, subscriptionIds: number[], perSubscription: number, now: number): Promise<Map<number, Delivery[]>> {
  const out = new Map<number, Delivery[]>()
  for (const id of subscriptionIds) {
    const rows = await tx.selectFrom('digest_outbox').selectAll().where('subscription_id', '=', id).orderBy('id', 'desc').limit(perSubscription).execute()
    out.set(id, rows.map((r) => toDelivery(r, now)))
  }
  return out
}

/** Every outbox row of a subscription, oldest first (tests and `digest` diagnostics). */
export async function listOutbox(tx: Tx, subscriptionId?: number): Promise<OutboxRow[]> {
  let q = tx.selectFrom('digest_outbox').selectAll()
  if (subscriptionId !== undefined) q = q.where('subscription_id', '=', subscriptionId)
  return q.orderBy('id').execute()
}
