/**
 * Change tracking for the in-memory lookups of the ingest path (keys by token, initiatives by slug,
 * the prune horizon). Every change to those goes through db/queries, which calls `noteChange(tx)` in
 * the same transaction: it bumps a process-local counter (changes made here) and a counter row in
 * `job_state` (changes made by another process, such as the CLI). Commits of events do not touch
 * either, so caches survive heavy ingestion.
 */
import type { Tx } from './connection.js'

/** The job_state row whose watermark counts changes to keys, initiatives and the prune horizon. */
export const CONFIG_VERSION_JOB = 'config-version'

let generation = 0

/**
 * Records a change to keys, initiatives or the prune horizon, inside the caller's transaction.
 * @example await noteChange(tx)
 */
export async function noteChange(tx: Tx): Promise<void> {
  generation++
  await tx
    .insertInto('job_state')
    .values({ name: CONFIG_VERSION_JOB, watermark: 1, lease_owner: null, lease_until: 0, updated_at: Date.now(), info: null })
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ watermark: eb('job_state.watermark', '+', 1), updated_at: Date.now() })))
    .execute()
}

export function changeGeneration(): number {
  return generation
}
