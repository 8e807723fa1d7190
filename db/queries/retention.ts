/**
 * Retention: the prune horizon (raw events before it are gone; rollups keep their history) and the
 * chunked deletion of rolled-up raw events.
 *
 * The horizon is a `job_state` row named `prune`: `watermark` holds the horizon instant (epoch ms, the
 * first instant whose raw events are kept), `info` what the last prune did.
 */
import type { Tx } from '../connection.js'
import { noteChange } from '../change-generation.js'

/** The job_state row name that records the prune horizon. */
export const PRUNE_JOB = 'prune'

export interface PruneHorizon {
  /** Raw events with occurred_at before this instant (and rolled up when pruned) are deleted. */
  before: number
  /** When the horizon was last moved. */
  at: number
}

/**
 * The prune horizon, or null when no raw event was ever pruned.
 * @example const h = await findPruneHorizon(db); if (h) refuse(h.before)
 */
export async function findPruneHorizon(tx: Tx): Promise<PruneHorizon | null> {
  const row = await tx.selectFrom('job_state').select(['watermark', 'updated_at']).where('name', '=', PRUNE_JOB).executeTakeFirst()
  return row && Number(row.watermark) > 0 ? { before: Number(row.watermark), at: Number(row.updated_at) } : null
}

/**
 * Moves the horizon forward to `before` (never back), recording what this prune will do.
 * @example await recordPruneHorizon(tx, { before, at: Date.now(), info: { events: 1200 } })
 */
export async function recordPruneHorizon(tx: Tx, h: { before: number; at: number; info: unknown }): Promise<void> {
  await noteChange(tx)
  const info = JSON.stringify(h.info)
  await tx
    .insertInto('job_state')
    .values({ name: PRUNE_JOB, watermark: h.before, lease_owner: null, lease_until: 0, updated_at: h.at, info })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet((eb) => ({ watermark: eb.ref('excluded.watermark'), updated_at: eb.ref('excluded.updated_at'), info: eb.ref('excluded.info') }))
        .where((eb) => eb('job_state.watermark', '<', eb.ref('excluded.watermark'))),
    )
    .execute()
}

/**
 * How many raw events `pruneEventsChunk` would delete: occurred_at before `before` and id at most
 * `maxId` (the rollup watermark, so that only rolled-up events go).
 */
export async function countPrunable(tx: Tx, before: number, maxId: number): Promise<number> {
  const r = await tx
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('occurred_at', '<', before)
    .where('id', '<=', maxId)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/**
 * Deletes up to `limit` raw events with occurred_at before `before` and id at most `maxId`; returns how
 * many went (0 when none are left).
 * @example while ((n = await pruneEventsChunk(tx, cut, watermark, 20_000)) > 0) progress(n)
 */
export async function pruneEventsChunk(tx: Tx, before: number, maxId: number, limit: number): Promise<number> {
  const r = await tx
    .deleteFrom('events')
    .where('id', 'in', (eb) => eb.selectFrom('events').select('id').where('occurred_at', '<', before).where('id', '<=', maxId).orderBy('id').limit(limit))
    .executeTakeFirst()
  return Number(r.numDeletedRows)
}
