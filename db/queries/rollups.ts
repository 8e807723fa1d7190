/**
 * Rollups and the rollup job's state: the lease, the watermark, the per-step aggregation of raw
 * events into UTC slots (an hour, half an hour or a quarter, whichever the zone allows), the reads,
 * additive upserts and deletions of rollup rows.
 *
 * Every statement is plain kysely in forms SQLite and Postgres both accept: the slot of an event is
 * `occurred_at / slotMs` (integer division of integers), never a date function.
 */
import { CompiledQuery, sql, type Insertable } from 'kysely'
import type { Db, Tx } from '../connection.js'
import { dialectOf } from '../dialect.js'
import type { RollupsTable } from '../schema.js'
import { STAGES } from '../../metrics/stages.js'

/** Length of the finest slot the SQL groups by: every real UTC offset is a multiple of it. */
export const SLOT_MS = 900_000

/** The job_state row name of the rollup job. */
export const ROLLUP_JOB = 'rollup'

/** What the rollup job records about itself in `job_state.info`. */
export interface RollupInfo {
  /** The IANA zone the hour/day/month buckets were built in. */
  timezone: string | null
}

export interface RollupJobState {
  watermark: number
  leaseOwner: string | null
  leaseUntil: number
  updatedAt: number
  info: RollupInfo
}

function parseInfo(text: string | null): RollupInfo {
  if (!text) return { timezone: null }
  try {
    const v = JSON.parse(text) as Partial<RollupInfo>
    return { timezone: typeof v.timezone === 'string' ? v.timezone : null }
  } catch {
    return { timezone: null }
  }
}

/**
 * The rollup job's row (created with watermark 0 when missing, so that compare-and-set has a row).
 * @example const { watermark } = await findRollupState(db)
 */
export async function findRollupState(tx: Tx): Promise<RollupJobState> {
  let row = await tx.selectFrom('job_state').selectAll().where('name', '=', ROLLUP_JOB).executeTakeFirst()
  if (!row) {
    await tx.insertInto('job_state').values({ name: ROLLUP_JOB, watermark: 0, lease_owner: null, lease_until: 0, updated_at: 0, info: null }).onConflict((oc) => oc.column('name').doNothing()).execute()
    row = await tx.selectFrom('job_state').selectAll().where('name', '=', ROLLUP_JOB).executeTakeFirstOrThrow()
  }
  return { watermark: Number(row.watermark), leaseOwner: row.lease_owner, leaseUntil: Number(row.lease_until), updatedAt: Number(row.updated_at), info: parseInfo(row.info) }
}

/**
 * The watermark and the zone rollups were built in, without creating the row (for readers).
 * @example const { watermark, timezone } = await readRollupMark(db)
 */
export async function readRollupMark(tx: Tx): Promise<{ watermark: number; timezone: string | null; updatedAt: number }> {
  const row = await tx.selectFrom('job_state').select(['watermark', 'info', 'updated_at']).where('name', '=', ROLLUP_JOB).executeTakeFirst()
  if (!row) return { watermark: 0, timezone: null, updatedAt: 0 }
  const info = parseInfo(row.info)
  return { watermark: Number(row.watermark), timezone: info.timezone, updatedAt: Number(row.updated_at) }
}

/**
 * Takes (or renews) the lease: compare-and-set on `lease_until`, so that of several processes only one
 * holds it at a time. Returns whether this owner holds the lease until `now + ttlMs`.
 * @example if (!(await acquireRollupLease(db, 'pid-1', Date.now(), 60_000))) return
 */
export async function acquireRollupLease(tx: Tx, owner: string, now: number, ttlMs: number): Promise<boolean> {
  await findRollupState(tx)
  const r = await tx
    .updateTable('job_state')
    .set({ lease_owner: owner, lease_until: now + ttlMs })
    .where('name', '=', ROLLUP_JOB)
    .where((eb) => eb.or([eb('lease_until', '<=', now), eb('lease_owner', '=', owner)]))
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Gives the lease back (only if this owner still holds it). */
export async function releaseRollupLease(tx: Tx, owner: string): Promise<void> {
  await tx.updateTable('job_state').set({ lease_owner: null, lease_until: 0 }).where('name', '=', ROLLUP_JOB).where('lease_owner', '=', owner).execute()
}

/**
 * Advances the watermark from `from` to `to` (compare-and-set: nothing happens when another process
 * moved it meanwhile) and records the zone. Returns whether it moved.
 */
export async function advanceRollupWatermark(tx: Tx, opts: { from: number; to: number; owner: string; now: number; timezone: string; leaseMs: number }): Promise<boolean> {
  const r = await tx
    .updateTable('job_state')
    .set({ watermark: opts.to, updated_at: opts.now, info: JSON.stringify({ timezone: opts.timezone } satisfies RollupInfo), lease_until: opts.now + opts.leaseMs })
    .where('name', '=', ROLLUP_JOB)
    .where('watermark', '=', opts.from)
    .where('lease_owner', '=', opts.owner)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Sets the watermark to 0 and the zone, for a rebuild (in the transaction that deletes all rollups). */
export async function resetRollupWatermark(tx: Tx, opts: { owner: string; now: number; timezone: string }): Promise<boolean> {
  const r = await tx
    .updateTable('job_state')
    .set({ watermark: 0, updated_at: opts.now, info: JSON.stringify({ timezone: opts.timezone } satisfies RollupInfo) })
    .where('name', '=', ROLLUP_JOB)
    .where('lease_owner', '=', opts.owner)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** The highest event id (0 when there are none). */
export async function maxEventId(tx: Tx): Promise<number> {
  const r = await tx.selectFrom('events').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst()
  return Number(r?.m ?? 0)
}

/**
 * The highest event id below which every event is committed and no insert in flight can still add
 * one: the id a rollup may fold up to. Takes the database, not a transaction.
 *
 * SQLite commits one writer at a time, so the highest stored id is final. PostgreSQL draws ids from a
 * sequence at insert time and concurrent transactions (other instances) may commit out of id order,
 * so a rollup that read max(id) could pass over an event committed later with a lower id, for good.
 * There a brief SHARE lock on `events` waits for every insert in flight to commit (an insert holds
 * ROW EXCLUSIVE from before its ids are drawn until it commits) and holds new ones back while max(id)
 * is read; inserts queued behind it go on at once after (a few milliseconds). It waits at most 2 s.
 * @example const hi = await committedEventIdHorizon(db)
 */
export async function committedEventIdHorizon(db: Db): Promise<number> {
  if (dialectOf(db) === 'sqlite') return maxEventId(db)
  try {
    return await db.transaction().execute(async (tx) => {
      // New inserts queue behind a waiting lock: never let them wait long behind an unusually long
      // insert transaction (a bulk load); the rollup tries again at its next run instead.
      await sql`set local lock_timeout = '2s'`.execute(tx)
      await sql`lock table events in share mode`.execute(tx)
      return maxEventId(tx)
    })
  } catch (e) {
    if ((e as { code?: string }).code === '55P03') throw new Error('a long transaction is inserting events; the rollup waits for it and runs again at its next turn')
    throw e
  }
}

/** How many events have an id in (lo, hi]. */
export async function countEventsBetweenIds(tx: Tx, lo: number, hi: number): Promise<number> {
  const r = await tx.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('id', '>', lo).where('id', '<=', hi).executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Sums of the events of one (initiative, metric, stage) in one UTC slot. */
export interface SlotAggregate {
  initiativeId: number
  metric: string
  stage: string
  /** Slot number: occurred_at / slotMs, so the slot starts at slot × slotMs. */
  slot: number
  count: number
  quantitySum: number
  errorsSum: number
  totalSum: number
}

/**
 * Which events a fold reads: those with id in (lo, hi] (a rollup step), or one initiative's events
 * with occurred_at in [from, to) and id at most maxId (a refold after a correction).
 */
export type EventSelection = { lo: number; hi: number } | { initiativeId: number; from: number; to: number; maxId: number }

function selectEvents(tx: Tx, sel: EventSelection) {
  const q = tx.selectFrom('events')
  if ('lo' in sel) return q.where('id', '>', sel.lo).where('id', '<=', sel.hi)
  // A refold leaves out the events the rollup skipped (db/queries/rollup-skips.ts): no figure counts them.
  return q
    .where('initiative_id', '=', sel.initiativeId)
    .where('occurred_at', '>=', sel.from)
    .where('occurred_at', '<', sel.to)
    .where('id', '<=', sel.maxId)
    .where('id', 'not in', tx.selectFrom('rollup_skipped_events').select('event_id'))
}

/**
 * Aggregates the selected events of every metric but decision_latency (whose events are read one by
 * one for sketches, see {@link findLatencyEvents}) per (initiative, metric, stage, UTC slot of
 * `slotMs`) in SQL: the slot is `occurred_at / slotMs`, integer division, no date function.
 * @example const slots = await aggregateEventSlots(tx, { lo: 0, hi: 400_000 }, 3_600_000)
 */
export async function aggregateEventSlots(tx: Tx, sel: EventSelection, slotMs: number = SLOT_MS): Promise<SlotAggregate[]> {
  const slotExpr = sql<number>`occurred_at / ${sql.lit(slotMs)}`
  const rows = await selectEvents(tx, sel)
    .select((eb) => [
      'initiative_id',
      'metric',
      'stage',
      slotExpr.as('slot'),
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number | null>('quantity').as('q'),
      eb.fn.sum<number | null>('errors').as('e'),
      eb.fn.sum<number | null>('total').as('t'),
    ])
    .where('metric', '<>', 'decision_latency')
    // The slot first: SQLite's sorter then settles most comparisons on an integer, not on strings.
    .groupBy([slotExpr, 'initiative_id', 'metric', 'stage'])
    .execute()
  const out: SlotAggregate[] = new Array(rows.length)
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]
    out[k] = { initiativeId: r.initiative_id, metric: r.metric, stage: r.stage, slot: Number(r.slot), count: Number(r.n), quantitySum: Number(r.q ?? 0), errorsSum: Number(r.e ?? 0), totalSum: Number(r.t ?? 0) }
  }
  return out
}

/** One decision_latency event's figures, for sketches. */
export interface LatencyEvent {
  initiativeId: number
  stage: string
  occurredAt: number
  /** Milliseconds. */
  quantity: number
}

/** Stages in the order of their code in {@link LatencyRow.k}: the stage table's order (metrics/stages.ts). */
export const LATENCY_STAGES = STAGES
/** How many stage codes each initiative has in k. */
export const LATENCY_STAGE_CODES = STAGES.length
/** k = quarter hour × LATENCY_SERIES + initiative id × LATENCY_STAGE_CODES + stage code. */
export const LATENCY_SERIES = 4_194_304
/** Initiative ids below this fit in k; above it (never in practice) events are read column by column. */
const LATENCY_MAX_ID = Math.floor(LATENCY_SERIES / LATENCY_STAGE_CODES)

/**
 * A decision_latency event as read for a fold, packed in one integer (reading 250 000 rows of two
 * columns costs a third less than of four): k = (occurred_at / 900 000) × LATENCY_SERIES + initiative
 * id × LATENCY_STAGE_CODES + stage code (LATENCY_STAGES); quantity in milliseconds.
 */
export interface LatencyRow {
  k: number
  quantity: number | null
}

/** The selected decision_latency events, packed (see {@link LatencyRow}). */
export async function findLatencyEvents(tx: Tx, sel: EventSelection): Promise<LatencyRow[]> {
  const maxId = await tx.selectFrom('initiatives').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst()
  const stageCode = sql<number | null>`case stage ${sql.join(LATENCY_STAGES.map((st, i) => sql`when ${sql.lit(st)} then ${sql.lit(i)}`), sql` `)} else null end`
  if (Number(maxId?.m ?? 0) < LATENCY_MAX_ID) {
    const rows = await selectEvents(tx, sel)
      .select([sql<number | null>`(occurred_at / ${sql.lit(SLOT_MS)}) * ${sql.lit(LATENCY_SERIES)} + initiative_id * ${sql.lit(LATENCY_STAGE_CODES)} + ${stageCode}`.as('k'), 'quantity'])
      .where('metric', '=', 'decision_latency')
      .execute()
    if (rows.every((r) => r.k !== null)) return rows as LatencyRow[]
  }
  const rows = await selectEvents(tx, sel).select(['initiative_id', 'stage', 'occurred_at', 'quantity']).where('metric', '=', 'decision_latency').execute()
  return rows.map((r) => {
    const code = (LATENCY_STAGES as readonly string[]).indexOf(r.stage)
    if (code < 0 || r.initiative_id >= LATENCY_MAX_ID) throw new Error(`a decision_latency event has stage "${r.stage}" and initiative id ${r.initiative_id}; stages are ${LATENCY_STAGES.join(', ')}`)
    return { k: Math.floor(Number(r.occurred_at) / SLOT_MS) * LATENCY_SERIES + r.initiative_id * LATENCY_STAGE_CODES + code, quantity: r.quantity }
  })
}

/** One rollup row in domain form. */
export interface RollupRow {
  initiativeId: number
  metric: string
  stage: string
  grain: 'hour' | 'day' | 'month'
  bucketStart: number
  count: number
  quantitySum: number
  errorsSum: number
  totalSum: number
  sketch: Uint8Array | null
}

/** Identity of a rollup row, as a string key (for maps). */
export function rollupKey(r: Pick<RollupRow, 'initiativeId' | 'metric' | 'stage' | 'grain' | 'bucketStart'>): string {
  return `${r.initiativeId}|${r.metric}|${r.grain}|${r.bucketStart}|${r.stage}`
}

function toRollupRow(r: { initiative_id: number; metric: string; stage: string; grain: string; bucket_start: number; count: number; quantity_sum: number; errors_sum: number; total_sum: number; sketch: Uint8Array | null }): RollupRow {
  return {
    initiativeId: r.initiative_id,
    metric: r.metric,
    stage: r.stage,
    grain: r.grain as RollupRow['grain'],
    bucketStart: Number(r.bucket_start),
    count: Number(r.count),
    quantitySum: Number(r.quantity_sum),
    errorsSum: Number(r.errors_sum),
    totalSum: Number(r.total_sum),
    sketch: r.sketch === null ? null : new Uint8Array(r.sketch),
  }
}

/** (initiative, metric, grain) groups per lookup statement. */
const LOOKUP_CHUNK = 150

/**
 * The stored rollup rows with these identities (those that exist). Reads, per (initiative, metric,
 * grain), the primary-key range from the smallest to the largest wanted bucket, and keeps the wanted.
 * @example const existing = await findRollupRowsByKey(tx, touched)
 */
export async function findRollupRowsByKey(tx: Tx, keys: Array<Pick<RollupRow, 'initiativeId' | 'metric' | 'stage' | 'grain' | 'bucketStart'>>): Promise<RollupRow[]> {
  const wanted = new Set<string>()
  const groups = new Map<string, { initiativeId: number; metric: string; grain: string; lo: number; hi: number }>()
  for (const k of keys) {
    wanted.add(rollupKey(k))
    const g = `${k.initiativeId}|${k.metric}|${k.grain}`
    const x = groups.get(g)
    if (!x) groups.set(g, { initiativeId: k.initiativeId, metric: k.metric, grain: k.grain, lo: k.bucketStart, hi: k.bucketStart })
    else {
      if (k.bucketStart < x.lo) x.lo = k.bucketStart
      if (k.bucketStart > x.hi) x.hi = k.bucketStart
    }
  }
  const all = [...groups.values()]
  const out: RollupRow[] = []
  for (let i = 0; i < all.length; i += LOOKUP_CHUNK) {
    const chunk = all.slice(i, i + LOOKUP_CHUNK)
    const rows = await tx
      .selectFrom('rollups')
      .selectAll()
      .where((eb) =>
        eb.or(
          chunk.map((g) =>
            eb.and([eb('initiative_id', '=', g.initiativeId), eb('metric', '=', g.metric), eb('grain', '=', g.grain), eb('bucket_start', '>=', g.lo), eb('bucket_start', '<=', g.hi)]),
          ),
        ),
      )
      .execute()
    for (const r of rows) {
      const row = toRollupRow(r)
      if (wanted.has(rollupKey(row))) out.push(row)
    }
  }
  return out
}

/** Rows per upsert statement (10 parameters each): a fixed size keeps the statement text reusable. */
const UPSERT_CHUNK = 500

const ROLLUP_COLUMNS = ['initiative_id', 'metric', 'stage', 'grain', 'bucket_start', 'count', 'quantity_sum', 'errors_sum', 'total_sum', 'sketch'] as const

/**
 * The SQL of an additive multi-row upsert of `n` rows, built by kysely once per size and reused
 * (compiling a 500-row statement costs more than running it).
 */
const addSql = new Map<number, string>()
function compiledAdd(tx: Tx, n: number): string {
  let text = addSql.get(n)
  if (text === undefined) {
    const placeholder = Object.fromEntries(ROLLUP_COLUMNS.map((c) => [c, 0])) as unknown as Insertable<RollupsTable>
    text = tx
      .insertInto('rollups')
      .values(Array.from({ length: n }, () => placeholder))
      .onConflict((oc) =>
        oc.columns(['initiative_id', 'metric', 'grain', 'bucket_start', 'stage']).doUpdateSet((eb) => ({
          count: eb('rollups.count', '+', eb.ref('excluded.count')),
          quantity_sum: eb('rollups.quantity_sum', '+', eb.ref('excluded.quantity_sum')),
          errors_sum: eb('rollups.errors_sum', '+', eb.ref('excluded.errors_sum')),
          total_sum: eb('rollups.total_sum', '+', eb.ref('excluded.total_sum')),
          sketch: eb.ref('excluded.sketch'),
        })),
      )
      .compile().sql
    addSql.set(n, text)
  }
  return text
}

/**
 * Adds rows to the rollups: a new identity is inserted; an existing one gets the row's count and sums
 * added (exact integer additions in SQL) and its sketch replaced by the row's sketch, which the
 * caller has merged with the stored one (see {@link findRollupRowsByKey}).
 * @example await addToRollupRows(tx, rows)
 */
export async function addToRollupRows(tx: Tx, rows: RollupRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
    const n = Math.min(UPSERT_CHUNK, rows.length - i)
    const params: unknown[] = new Array(n * 10)
    for (let k = 0; k < n; k++) {
      const r = rows[i + k]
      const p = k * 10
      params[p] = r.initiativeId
      params[p + 1] = r.metric
      params[p + 2] = r.stage
      params[p + 3] = r.grain
      params[p + 4] = r.bucketStart
      params[p + 5] = r.count
      params[p + 6] = r.quantitySum
      params[p + 7] = r.errorsSum
      params[p + 8] = r.totalSum
      params[p + 9] = r.sketch
    }
    await tx.executeQuery(CompiledQuery.raw(compiledAdd(tx, n), params))
  }
}

/**
 * The latest bucket start stored per grain (null for a grain with no rows): a bucket after it cannot
 * have a stored row, so a fold need not look for one.
 */
export async function findLatestBucketStarts(tx: Tx): Promise<Record<RollupRow['grain'], number | null>> {
  const out: Record<RollupRow['grain'], number | null> = { hour: null, day: null, month: null }
  for (const grain of ['hour', 'day', 'month'] as const) {
    const r = await tx.selectFrom('rollups').select((eb) => eb.fn.max('bucket_start').as('m')).where('grain', '=', grain).executeTakeFirst()
    out[grain] = r?.m === null || r?.m === undefined ? null : Number(r.m)
  }
  return out
}

/**
 * Deletes one initiative's rollup rows of `grain` with bucket_start in [fromBucket, toBucket): with
 * `fromBucket` the start of the bucket holding `from`, the buckets that overlap [from, toBucket).
 * Returns how many went.
 */
export async function deleteRollupBuckets(tx: Tx, q: { initiativeId: number; grain: RollupRow['grain']; fromBucket: number; toBucket: number }): Promise<number> {
  const r = await tx
    .deleteFrom('rollups')
    .where('initiative_id', '=', q.initiativeId)
    .where('grain', '=', q.grain)
    .where('bucket_start', '>=', q.fromBucket)
    .where('bucket_start', '<', q.toBucket)
    .executeTakeFirst()
  return Number(r.numDeletedRows)
}

/** Deletes every rollup row (a rebuild starts from nothing). Returns how many were deleted. */
export async function deleteAllRollups(tx: Tx): Promise<number> {
  const r = await tx.deleteFrom('rollups').executeTakeFirst()
  return Number(r.numDeletedRows)
}

/**
 * Every rollup row, ordered by identity (tests compare rollups built different ways).
 * @example const rows = await listRollupRows(db)
 */
export async function listRollupRows(tx: Tx): Promise<RollupRow[]> {
  const rows = await tx.selectFrom('rollups').selectAll().orderBy('initiative_id').orderBy('metric').orderBy('grain').orderBy('bucket_start').orderBy('stage').execute()
  return rows.map(toRollupRow)
}

/** Counts rollup rows. */
export async function countRollupRows(tx: Tx): Promise<number> {
  const r = await tx.selectFrom('rollups').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(r.n)
}
