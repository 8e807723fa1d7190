/**
 * Events the rollup could not fold: adding them would take a bucket's sum out of the exact integer
 * range. Each is skipped (the watermark passes it, so no figure counts it) and kept here, so the
 * operator can see and correct it while every other event keeps rolling up.
 */
import type { Tx } from '../connection.js'

export interface SkippedEvent {
  /** The stored event id (DELETE /api/v1/events/:id takes it). */
  eventId: number
  /** The id the event was sent with, if any. */
  clientId: string | null
  initiative: string
  metric: string
  occurredAt: string
  /** As stored: milliseconds for durations, minor units for money, null for error_rate. */
  quantity: number | null
  errors: number | null
  total: number | null
  reason: string
  skippedAt: string
}

/**
 * Records that the rollup skipped the event `eventId` (a second record of the same event changes nothing).
 * @example await recordSkippedEvent(tx, { eventId: 42, reason: 'sum would overflow', at: Date.now() })
 */
export async function recordSkippedEvent(tx: Tx, s: { eventId: number; reason: string; at: number }): Promise<void> {
  const e = await tx.selectFrom('events').select('initiative_id').where('id', '=', s.eventId).executeTakeFirst()
  if (!e) return
  await tx.insertInto('rollup_skipped_events').values({ event_id: s.eventId, initiative_id: e.initiative_id, reason: s.reason, at: s.at }).onConflict((oc) => oc.column('event_id').doNothing()).execute()
}

/** The skipped events that still exist (a corrected one, deleted, drops out), oldest first. */
export async function listSkippedEvents(tx: Tx, limit = 1000): Promise<SkippedEvent[]> {
  const rows = await tx
    .selectFrom('rollup_skipped_events as s')
    .innerJoin('events as e', 'e.id', 's.event_id')
    .innerJoin('initiatives as i', 'i.id', 'e.initiative_id')
    // As text: a skipped event's value may lie past 2^53, which the PostgreSQL driver refuses to round (db/dialect.ts).
    .select((eb) => ['s.event_id', 'e.client_id', 'i.slug', 'e.metric', 'e.occurred_at', eb.cast<string | null>('e.quantity', 'text').as('quantity'), eb.cast<string | null>('e.errors', 'text').as('errors'), eb.cast<string | null>('e.total', 'text').as('total'), 's.reason', 's.at'])
    .orderBy('s.event_id')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ eventId: r.event_id, clientId: r.client_id, initiative: r.slug, metric: r.metric, occurredAt: new Date(Number(r.occurred_at)).toISOString(), quantity: r.quantity === null ? null : Number(r.quantity), errors: r.errors === null ? null : Number(r.errors), total: r.total === null ? null : Number(r.total), reason: r.reason, skippedAt: new Date(Number(r.at)).toISOString() }))
}

/** Forgets every skip (a rebuild folds all events again and skips afresh). */
export async function clearSkippedEvents(tx: Tx): Promise<void> {
  await tx.deleteFrom('rollup_skipped_events').execute()
}

/**
 * The initiatives among `initiativeIds` with a month rollup whose sums lie outside ±bound (checked
 * after adding a step: a month holds the largest sums of non-negative metrics).
 */
export async function findOversizedMonths(tx: Tx, initiativeIds: number[], bound: number): Promise<number[]> {
  if (initiativeIds.length === 0) return []
  const rows = await tx
    .selectFrom('rollups')
    .select('initiative_id')
    .distinct()
    .where('grain', '=', 'month')
    .where('initiative_id', 'in', initiativeIds)
    .where((eb) => eb.or([eb('quantity_sum', '>', bound), eb('quantity_sum', '<', -bound), eb('errors_sum', '>', bound), eb('total_sum', '>', bound), eb('count', '>', bound)]))
    .execute()
  return rows.map((r) => r.initiative_id)
}
