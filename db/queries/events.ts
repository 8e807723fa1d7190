/**
 * Raw events: the ingest write path and the reads that rollups and corrections need.
 */
import type { Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import type { EventsTable } from '../schema.js'

export type EventRow = Insertable<EventsTable>

/** Rows per INSERT statement: a fixed size keeps the statement text (and its prepared statement) reusable. */
const CHUNK = 400

/**
 * Inserts rows, skipping any whose (initiative, client id) is already stored, in the caller's
 * transaction. Returns, per row, whether it was stored (false: a duplicate).
 * @example const stored = await insertEventRows(tx, rows)
 */
export async function insertEventRows(tx: Tx, rows: EventRow[]): Promise<boolean[]> {
  const stored: boolean[] = new Array(rows.length).fill(false)
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK)
    const hasClientIds = chunk.some((r) => r.client_id !== null)
    if (!hasClientIds) {
      await tx.insertInto('events').values(chunk).execute()
      for (let i = 0; i < chunk.length; i++) stored[start + i] = true
      continue
    }
    // RETURNING lists the rows actually inserted; events without a client id are always inserted.
    const inserted = await tx
      .insertInto('events')
      .values(chunk)
      .onConflict((oc) => oc.columns(['initiative_id', 'client_id']).doNothing())
      .returning(['initiative_id', 'client_id'])
      .execute()
    const insertedIds = new Set<string>()
    for (const r of inserted) if (r.client_id !== null) insertedIds.add(r.initiative_id + '\u0000' + r.client_id)
    for (let i = 0; i < chunk.length; i++) {
      const r = chunk[i]
      if (r.client_id === null) stored[start + i] = true
      else {
        const k = r.initiative_id + '\u0000' + r.client_id
        if (insertedIds.delete(k)) stored[start + i] = true
      }
    }
  }
  return stored
}

/** Counts stored events, optionally for one initiative. */
export async function countEvents(tx: Tx, initiativeId?: number): Promise<number> {
  let q = tx.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n'))
  if (initiativeId !== undefined) q = q.where('initiative_id', '=', initiativeId)
  const r = await q.executeTakeFirstOrThrow()
  return Number(r.n)
}
