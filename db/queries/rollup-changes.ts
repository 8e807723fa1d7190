/**
 * The log of changes to the rollups. Every statement that adds to, refolds or deletes rollup rows
 * notes, in the same transaction, the spans of time whose buckets it touched and gets the next
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
  /** Every bucket the change touched overlaps one of these [from, to) spans. */
  spans: Array<[number, number]>
}

/**
 * Records, inside the caller's transaction, that the rollup buckets overlapping any of `spans`
 * ([from, to) pairs; merged, at most {@link MAX_SPANS}) changed. Returns the new generation.
 * @example await noteRollupChange(tx, [[hourStart, hourStart + 3_600_000]], Date.now())
 */
export async function noteRollupChange(tx: Tx, spans: Array<[number, number]>, at: number): Promise<number> {
  await tx
    .insertInto('job_state')
    .values({ name: ROLLUP_CHANGES_JOB, watermark: 1, lease_owner: null, lease_until: 0, updated_at: at, info: null })
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ watermark: eb('job_state.watermark', '+', 1), updated_at: at })))
    .execute()
  const generation = await readRollupGeneration(tx)
  const rows = mergeSpans(spans.length > 0 ? spans : [EVERY_INSTANT]).map(([from, to]) => ({ generation, span_from: from, span_to: to, at }))
  for (let k = 0; k < rows.length; k += 200) await tx.insertInto('rollup_changes').values(rows.slice(k, k + 200)).execute()
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
    .orderBy('span_from')
    .execute()
  const changes: RollupChange[] = []
  for (const r of rows) {
    const generation = Number(r.generation)
    if (changes[changes.length - 1]?.generation !== generation) changes.push({ generation, spans: [] })
    changes[changes.length - 1].spans.push([Number(r.span_from), Number(r.span_to)])
  }
  return changes.length === upTo - after ? changes : null
}

/** Most spans one change records; more are merged across their smallest gaps. */
export const MAX_SPANS = 64

/**
 * Sorted [from, to) spans merged where they touch or overlap, then across the smallest gaps until at
 * most `max` remain (a merged span also covers the gap: the log may overstate a change, never miss one).
 * @example mergeSpans([[0, 10], [10, 20], [50, 60]]) // [[0, 20], [50, 60]]
 */
export function mergeSpans(spans: Array<[number, number]>, max = MAX_SPANS): Array<[number, number]> {
  const sorted = [...spans].sort((a, b) => a[0] - b[0])
  const out: Array<[number, number]> = []
  for (const [a, b] of sorted) {
    const last = out[out.length - 1]
    if (last && a <= last[1]) last[1] = Math.max(last[1], b)
    else out.push([a, b])
  }
  while (out.length > max) {
    let best = 0
    for (let k = 1; k + 1 < out.length; k++) if (out[k + 1][0] - out[k][1] < out[best + 1][0] - out[best][1]) best = k
    out.splice(best, 2, [out[best][0], Math.max(out[best][1], out[best + 1][1])])
  }
  return out
}
