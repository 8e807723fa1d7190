/**
 * Corrections: finding and deleting raw events, and dropping the rollup rows they were folded into.
 */
import type { Tx } from '../connection.js'

export interface EventRef {
  id: number
  initiativeId: number
  clientId: string | null
  occurredAt: number
}

const refColumns = ['id', 'initiative_id', 'client_id', 'occurred_at'] as const
type RefRow = { id: number; initiative_id: number; client_id: string | null; occurred_at: number }
const toRef = (r: RefRow): EventRef => ({ id: r.id, initiativeId: r.initiative_id, clientId: r.client_id, occurredAt: r.occurred_at })

/** Events whose client idempotency id is `clientId`, optionally within one initiative. */
export async function findEventsByClientId(tx: Tx, clientId: string, initiativeId?: number): Promise<EventRef[]> {
  let q = tx.selectFrom('events').select(refColumns).where('client_id', '=', clientId)
  if (initiativeId !== undefined) q = q.where('initiative_id', '=', initiativeId)
  return (await q.orderBy('id').limit(100).execute()).map(toRef)
}

/** The event with this stored id (the order of receipt), or undefined. */
export async function findEventById(tx: Tx, id: number): Promise<EventRef | undefined> {
  const r = await tx.selectFrom('events').select(refColumns).where('id', '=', id).executeTakeFirst()
  return r ? toRef(r) : undefined
}

/** The ids and occurrence span of one initiative's events with occurred_at in [from, to). */
export async function findEventSpan(tx: Tx, initiativeId: number, from: number, to: number): Promise<{ count: number; minOccurredAt: number | null; maxOccurredAt: number | null; minId: number | null; maxId: number | null }> {
  const r = await tx
    .selectFrom('events')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('occurred_at').as('lo'), eb.fn.max('occurred_at').as('hi'), eb.fn.min('id').as('min_id'), eb.fn.max('id').as('max_id')])
    .where('initiative_id', '=', initiativeId)
    .where('occurred_at', '>=', from)
    .where('occurred_at', '<', to)
    .executeTakeFirstOrThrow()
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
  return { count: Number(r.n), minOccurredAt: num(r.lo), maxOccurredAt: num(r.hi), minId: num(r.min_id), maxId: num(r.max_id) }
}

/** Deletes events by stored id; returns how many went. */
export async function deleteEventsByIds(tx: Tx, ids: number[]): Promise<number> {
  let n = 0
  for (let i = 0; i < ids.length; i += 500) {
    const r = await tx.deleteFrom('events').where('id', 'in', ids.slice(i, i + 500)).executeTakeFirst()
    n += Number(r.numDeletedRows)
  }
  return n
}

/** Deletes one initiative's events with occurred_at in [from, to); returns how many went. */
export async function deleteEventsInRange(tx: Tx, initiativeId: number, from: number, to: number): Promise<number> {
  const r = await tx.deleteFrom('events').where('initiative_id', '=', initiativeId).where('occurred_at', '>=', from).where('occurred_at', '<', to).executeTakeFirst()
  return Number(r.numDeletedRows)
}
