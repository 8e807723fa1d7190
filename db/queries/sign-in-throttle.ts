/**
 * Failed sign-in counts, kept in the database so that every instance sees the same counts. Each key
 * (`account:<email>`, `address:<ip>`, `pair:<email>|<ip>`) counts failures in a fixed window that starts
 * at its first failure. Counting is one upsert per key, atomic on SQLite and PostgreSQL alike: two
 * parallel guesses can never both read the same count.
 */
import { sql } from 'kysely'
import type { Tx } from '../connection.js'

export interface ThrottleCount {
  /** Failures in the current window, this one included. */
  failures: number
  /** When the window started (epoch ms); it ends at windowStart + windowMs. */
  windowStart: number
}

/**
 * Counts one failure for `key` (a fresh window when the last one ended) and returns the new count.
 * @example await countFailure(tx, 'address:10.0.0.7', Date.now(), 900_000) // { failures: 1, windowStart: … }
 */
export async function countFailure(tx: Tx, key: string, now: number, windowMs: number): Promise<ThrottleCount> {
  const ended = now - windowMs
  const r = await tx
    .insertInto('sign_in_throttle')
    .values({ key, failures: 1, window_start: now })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql<number>`case when sign_in_throttle.window_start <= ${ended} then 1 else sign_in_throttle.failures + 1 end`,
        window_start: sql<number>`case when sign_in_throttle.window_start <= ${ended} then ${now} else sign_in_throttle.window_start end`,
      }),
    )
    .returning(['failures', 'window_start'])
    .executeTakeFirstOrThrow()
  return { failures: Number(r.failures), windowStart: Number(r.window_start) }
}

/** The failures of `key` in its current window (0 when it ended or never began). */
export async function findFailures(tx: Tx, key: string, now: number, windowMs: number): Promise<ThrottleCount> {
  const r = await tx.selectFrom('sign_in_throttle').select(['failures', 'window_start']).where('key', '=', key).where('window_start', '>', now - windowMs).executeTakeFirst()
  return r ? { failures: Number(r.failures), windowStart: Number(r.window_start) } : { failures: 0, windowStart: now }
}

/** Takes back one failure of `key` (the attempt it counted succeeded). */
export async function takeBackFailure(tx: Tx, key: string): Promise<void> {
  await tx.updateTable('sign_in_throttle').set({ failures: sql<number>`case when failures > 0 then failures - 1 else 0 end` }).where('key', '=', key).execute()
}

/** Forgets `key`. */
export async function clearFailures(tx: Tx, key: string): Promise<void> {
  await tx.deleteFrom('sign_in_throttle').where('key', '=', key).execute()
}

/** Deletes windows that ended (kept small; indexed by window_start). */
export async function pruneFailures(tx: Tx, now: number, windowMs: number): Promise<void> {
  await tx.deleteFrom('sign_in_throttle').where('window_start', '<=', now - windowMs).execute()
}
