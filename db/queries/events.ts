/**
 * Raw events: the ingest write path and the reads that rollups and corrections need.
 */
import { CompiledQuery, sql, type Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import type { EventsTable } from '../schema.js'
import { dialectOf } from '../dialect.js'

export type EventRow = Insertable<EventsTable>

/** Rows per INSERT statement: a fixed size keeps the statement text (and its prepared statement) reusable. */
const CHUNK = 400

export const EVENT_COLUMNS = ['initiative_id', 'metric', 'client_id', 'quantity', 'errors', 'total', 'occurred_at', 'received_at', 'key_id', 'stage', 'attributes'] as const

/**
 * The SQL of a multi-row insert of `n` rows, built by kysely once per size and reused: compiling a
 * 400-row insert costs more than executing it. Parameters are the rows' values in EVENT_COLUMNS order.
 */
const insertSql = new Map<string, string>()
function compiledInsert(tx: Tx, n: number, dedupe: boolean): string {
  const cacheKey = `${n}:${dedupe}`
  let text = insertSql.get(cacheKey)
  if (text === undefined) {
    const placeholder = Object.fromEntries(EVENT_COLUMNS.map((c) => [c, 0])) as unknown as EventRow
    const values = Array.from({ length: n }, () => placeholder)
    const q = dedupe
      ? tx.insertInto('events').values(values).onConflict((oc) => oc.columns(['initiative_id', 'client_id']).doNothing()).returning(['initiative_id', 'client_id'])
      : tx.insertInto('events').values(values)
    const compiled = q.compile()
    if (compiled.parameters.length !== n * EVENT_COLUMNS.length) throw new Error('unexpected insert shape')
    text = compiled.sql
    insertSql.set(cacheKey, text)
  }
  return text
}

/** A row as a plain array in EVENT_COLUMNS order (cheap to pass between threads). */
export type PackedEventRow = [number, string, string | null, number | null, number | null, number | null, number, number, number | null, string, string | null]

export function packEventRow(r: EventRow): PackedEventRow {
  return [r.initiative_id, r.metric, r.client_id ?? null, r.quantity ?? null, r.errors ?? null, r.total ?? null, r.occurred_at, r.received_at, r.key_id ?? null, r.stage, r.attributes ?? null]
}

export function unpackEventRow(p: PackedEventRow): EventRow {
  return { initiative_id: p[0], metric: p[1], client_id: p[2], quantity: p[3], errors: p[4], total: p[5], occurred_at: p[6], received_at: p[7], key_id: p[8], stage: p[9], attributes: p[10] }
}

function parametersOf(rows: EventRow[]): unknown[] {
  const params = new Array<unknown>(rows.length * EVENT_COLUMNS.length)
  let p = 0
  for (const r of rows) {
    params[p++] = r.initiative_id
    params[p++] = r.metric
    params[p++] = r.client_id ?? null
    params[p++] = r.quantity ?? null
    params[p++] = r.errors ?? null
    params[p++] = r.total ?? null
    params[p++] = r.occurred_at
    params[p++] = r.received_at
    params[p++] = r.key_id ?? null
    params[p++] = r.stage
    params[p++] = r.attributes ?? null
  }
  return params
}

/**
 * Inserts rows, skipping any whose (initiative, client id) is already stored, in the caller's
 * transaction. Returns, per row, whether it was stored (false: a duplicate).
 * @example const stored = await insertEventRows(tx, rows)
 */
export async function insertEventRows(tx: Tx, rows: EventRow[]): Promise<boolean[]> {
  if (rows.length > 1 && dialectOf(tx) === 'postgres' && rows.some((r) => r.client_id !== null && r.client_id !== undefined)) {
    // PostgreSQL: concurrent transactions (other instances, or this instance's next group) that insert
    // the same idempotency keys wait for each other key by key; in different orders they could wait
    // in a circle (a deadlock, one request failed). Inserting in one global key order rules that out.
    const order = rows.map((_, i) => i).sort((a, b) => {
      const x = rows[a]
      const y = rows[b]
      if (x.initiative_id !== y.initiative_id) return x.initiative_id - y.initiative_id
      const cx = x.client_id ?? ''
      const cy = y.client_id ?? ''
      return cx < cy ? -1 : cx > cy ? 1 : a - b
    })
    const sorted = await insertPostgres(tx, order.map((i) => rows[i]))
    const stored = new Array<boolean>(rows.length)
    for (let k = 0; k < order.length; k++) stored[order[k]] = sorted[k]
    return stored
  }
  return dialectOf(tx) === 'postgres' ? insertPostgres(tx, rows) : insertInOrder(tx, rows)
}

/** Rows per PostgreSQL insert statement (its parameters are 11 arrays, whatever the count). */
const PG_CHUNK = 5000

/**
 * PostgreSQL: rows go in as one array per column and come out of `unnest`, so a statement of 5,000
 * rows has 11 parameters instead of 55,000 and is parsed and planned as cheaply as a one-row insert.
 */
async function insertPostgres(tx: Tx, rows: EventRow[]): Promise<boolean[]> {
  const stored: boolean[] = new Array(rows.length).fill(false)
  for (let start = 0; start < rows.length; start += PG_CHUNK) {
    const chunk = rows.slice(start, start + PG_CHUNK)
    const col = <T>(f: (r: EventRow) => T) => chunk.map(f)
    const source = sql`select * from unnest(${col((r) => r.initiative_id)}::integer[], ${col((r) => r.metric)}::text[], ${col((r) => r.client_id ?? null)}::text[], ${col((r) => r.quantity ?? null)}::bigint[], ${col((r) => r.errors ?? null)}::bigint[], ${col((r) => r.total ?? null)}::bigint[], ${col((r) => r.occurred_at)}::bigint[], ${col((r) => r.received_at)}::bigint[], ${col((r) => r.key_id ?? null)}::integer[], ${col((r) => r.stage)}::text[], ${col((r) => r.attributes ?? null)}::text[])`
    const inserted = await tx
      .insertInto('events')
      .columns([...EVENT_COLUMNS])
      .expression(source)
      .onConflict((oc) => oc.columns(['initiative_id', 'client_id']).doNothing())
      .returning(['initiative_id', 'client_id'])
      .execute()
    const insertedIds = new Set<string>()
    for (const r of inserted) if (r.client_id !== null) insertedIds.add(r.initiative_id + '\u0000' + r.client_id)
    for (let i = 0; i < chunk.length; i++) {
      const r = chunk[i]
      if (r.client_id === null || r.client_id === undefined) stored[start + i] = true
      else if (insertedIds.delete(r.initiative_id + '\u0000' + r.client_id)) stored[start + i] = true
    }
  }
  return stored
}

async function insertInOrder(tx: Tx, rows: EventRow[]): Promise<boolean[]> {
  const stored: boolean[] = new Array(rows.length).fill(false)
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK)
    const dedupe = chunk.some((r) => r.client_id !== null && r.client_id !== undefined)
    const query = CompiledQuery.raw(compiledInsert(tx, chunk.length, dedupe), parametersOf(chunk))
    if (!dedupe) {
      await tx.executeQuery(query)
      for (let i = 0; i < chunk.length; i++) stored[start + i] = true
      continue
    }
    // RETURNING lists the rows actually inserted; events without a client id are always inserted.
    const inserted = (await tx.executeQuery<{ initiative_id: number; client_id: string | null }>(query)).rows
    const insertedIds = new Set<string>()
    for (const r of inserted) if (r.client_id !== null) insertedIds.add(r.initiative_id + '\u0000' + r.client_id)
    for (let i = 0; i < chunk.length; i++) {
      const r = chunk[i]
      if (r.client_id === null || r.client_id === undefined) stored[start + i] = true
      else if (insertedIds.delete(r.initiative_id + '\u0000' + r.client_id)) stored[start + i] = true
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
