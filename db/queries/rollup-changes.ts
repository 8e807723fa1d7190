/**
 * The log of changes to the rollups. Every statement that adds to, refolds or deletes rollup rows
 * notes, in the same transaction, the span of time whose buckets it touched and gets the next
 * generation. A reader that cached rollup reads at generation g can then keep every read whose buckets
 * lie outside the spans of the changes after g (see RollupReadCache in db/queries/outcomes.ts).
 *
 * The counter is the watermark of job_state row 'rollup-changes', bumped by an upsert that adds 1 in
 * SQL: concurrent writers (a rollup step here, a correction in another process) are ordered by the
 * row's lock, so generations commit in order on SQLite and Postgres alike.
 */
import type { Tx } from '../connection.js'

/** The job_state row counting rollup changes. */
export const ROLLUP_CHANGES_JOB = 'rollup-changes'

/** How many changes the log keeps; a reader further behind starts afresh. */
export const KEEP_CHANGES = 2_000

/** A span that covers every instant: for changes that may touch any bucket (a rebuild). */
export const EVERY_INSTANT: [number, number] = [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]

export interface RollupChange {
  generation: number
  /** Every bucket the change touched overlaps [from, to). */
  from: number
  to: number
}

/**
 * Records, inside the caller's transaction, that the rollup buckets overlapping [from, to) changed.
 * Returns the new generation.
 * @example await noteRollupChange(tx, [hourStart, hourStart + 3_600_000], Date.now())
 */
export async function noteRollupChange(tx: Tx, span: [number, number], at: number): Promise<number> {
  await tx
    .insertInto('job_state')
    .values({ name: ROLLUP_CHANGES_JOB, watermark: 1, lease_owner: null, lease_until: 0, updated_at: at, info: null })
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ watermark: eb('job_state.watermark', '+', 1), updated_at: at })))
    .execute()
  const generation = await readRollupGeneration(tx)
  await tx.insertInto('rollup_changes').values({ generation, span_from: span[0], span_to: span[1], at }).execute()
  if (generation % 100 === 0) await tx.deleteFrom('rollup_changes').where('generation', '<=', generation - KEEP_CHANGES).execute()
  return generation
}

/**
 * The latest generation (0 before the first change).
 * @example const g = await readRollupGeneration(tx)
 */
export async function readRollupGeneration(tx: Tx): Promise<number> {
  const row = await tx.selectFrom('job_state').select('watermark').where('name', '=', ROLLUP_CHANGES_JOB).executeTakeFirst()
  return Number(row?.watermark ?? 0)
}

/**
 * The changes with generation in (after, upTo], oldest first; null when the log no longer holds all of
 * them (trimmed), so that the caller must assume everything changed.
 * @example const changes = await findRollupChangesSince(tx, 41, 45)
 */
export async function findRollupChangesSince(tx: Tx, after: number, upTo: number): Promise<RollupChange[] | null> {
  if (upTo <= after) return []
  const rows = await tx
    .selectFrom('rollup_changes')
    .select(['generation', 'span_from', 'span_to'])
    .where('generation', '>', after)
    .where('generation', '<=', upTo)
    .orderBy('generation')
    .execute()
  if (rows.length !== upTo - after) return null
  return rows.map((r) => ({ generation: Number(r.generation), from: Number(r.span_from), to: Number(r.span_to) }))
}
