/**
 * Rollups and the rollup job's state: the lease, the watermark, the per-step aggregation of raw
 * events into 15-minute UTC slots, and the reads and upserts of rollup rows.
 *
 * Every statement is plain kysely in forms SQLite and Postgres both accept: the slot of an event is
 * `occurred_at / 900000` (integer division of integers), never a date function.
 */
import { sql } from 'kysely'
import type { Tx } from '../connection.js'

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
  return row ? { watermark: Number(row.watermark), timezone: parseInfo(row.info).timezone, updatedAt: Number(row.updated_at) } : { watermark: 0, timezone: null, updatedAt: 0 }
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

/** How many events have an id in (lo, hi]. */
export async function countEventsBetweenIds(tx: Tx, lo: number, hi: number): Promise<number> {
  const r = await tx.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('id', '>', lo).where('id', '<=', hi).executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Sums of the events of one (initiative, metric, stage) in one 15-minute UTC slot. */
export interface SlotAggregate {
  initiativeId: number
  metric: string
  stage: string
  /** Slot number: occurred_at / 900 000, so the slot starts at slot × 900 000 ms. */
  slot: number
  count: number
  quantitySum: number
  errorsSum: number
  totalSum: number
}

const slotExpr = sql<number>`occurred_at / ${sql.lit(SLOT_MS)}`

/**
 * Aggregates the events with id in (lo, hi] per (initiative, metric, stage, 15-minute UTC slot) in SQL.
 * @example const slots = await aggregateEventSlots(tx, 0, 200_000)
 */
export async function aggregateEventSlots(tx: Tx, lo: number, hi: number): Promise<SlotAggregate[]> {
  const rows = await tx
    .selectFrom('events')
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
    .where('id', '>', lo)
    .where('id', '<=', hi)
    .groupBy(['initiative_id', 'metric', 'stage', slotExpr])
    .execute()
  return rows.map((r) => ({
    initiativeId: r.initiative_id,
    metric: r.metric,
    stage: r.stage,
    slot: Number(r.slot),
    count: Number(r.n),
    quantitySum: Number(r.q ?? 0),
    errorsSum: Number(r.e ?? 0),
    totalSum: Number(r.t ?? 0),
  }))
}

/** One decision_latency event's figures, for sketches. */
export interface LatencyEvent {
  initiativeId: number
  stage: string
  occurredAt: number
  /** Milliseconds. */
  quantity: number
}

/** The decision_latency events with id in (lo, hi]. */
export async function findLatencyEvents(tx: Tx, lo: number, hi: number): Promise<LatencyEvent[]> {
  const rows = await tx
    .selectFrom('events')
    .select(['initiative_id', 'stage', 'occurred_at', 'quantity'])
    .where('id', '>', lo)
    .where('id', '<=', hi)
    .where('metric', '=', 'decision_latency')
    .execute()
  return rows.map((r) => ({ initiativeId: r.initiative_id, stage: r.stage, occurredAt: Number(r.occurred_at), quantity: Number(r.quantity ?? 0) }))
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

/** Rows per upsert statement (10 parameters each). */
const UPSERT_CHUNK = 200

/**
 * Writes rollup rows, replacing any row with the same identity (the caller has merged them).
 * @example await upsertRollupRows(tx, merged)
 */
export async function upsertRollupRows(tx: Tx, rows: RollupRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
    const chunk = rows.slice(i, i + UPSERT_CHUNK)
    await tx
      .insertInto('rollups')
      .values(
        chunk.map((r) => ({
          initiative_id: r.initiativeId,
          metric: r.metric,
          stage: r.stage,
          grain: r.grain,
          bucket_start: r.bucketStart,
          count: r.count,
          quantity_sum: r.quantitySum,
          errors_sum: r.errorsSum,
          total_sum: r.totalSum,
          sketch: r.sketch,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['initiative_id', 'metric', 'grain', 'bucket_start', 'stage']).doUpdateSet((eb) => ({
          count: eb.ref('excluded.count'),
          quantity_sum: eb.ref('excluded.quantity_sum'),
          errors_sum: eb.ref('excluded.errors_sum'),
          total_sum: eb.ref('excluded.total_sum'),
          sketch: eb.ref('excluded.sketch'),
        })),
      )
      .execute()
  }
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
