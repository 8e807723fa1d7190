/**
 * The few places where SQLite and PostgreSQL differ, each named here. Everything else (every query in
 * db/queries, every migration but for the column types below) is the same kysely for both.
 *
 * 1. Opening: better-sqlite3 with pragmas vs a `pg` pool whose bigint and numeric columns are parsed
 *    into numbers (db/connection.ts, {@link pgTypes}).
 * 2. Column types in migrations: auto-numbered ids and byte columns (db/migrations/column-types.ts).
 * 3. Write transactions: BEGIN IMMEDIATE on SQLite, an ordinary transaction on PostgreSQL
 *    (`writeTransaction` in db/connection.ts).
 * 4. Which event ids are final: on SQLite commits are serial, so the highest id is; on PostgreSQL an
 *    id is drawn at insert and commits may land out of order, so the rollup waits for the in-flight
 *    inserts first (`committedEventIdHorizon` in db/queries/rollups.ts).
 * 5. The change counter read by the in-memory lookups: a synchronous prepared statement on SQLite, a
 *    query per check on PostgreSQL (db/connection.ts `configVersionOf`).
 * 6. Threads: the writer and reader threads exist for SQLite (its driver blocks the event loop); on
 *    PostgreSQL the pool's queries are asynchronous, so writes and reads run on the main thread
 *    (server/app.ts).
 * 7. Backup: SQLite's online backup API; on PostgreSQL, pg_dump (server/ops/cli.ts).
 */
import type { Kysely } from 'kysely'
import pg from 'pg'

export type Dialect = 'sqlite' | 'postgres'

/** Whether a database target (YARDSTICK_DB or DATABASE_URL) names a PostgreSQL database. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target)
}

/**
 * The dialect of a kysely instance or transaction.
 * @example if (dialectOf(db) === 'postgres') …
 */
export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter.constructor.name.toLowerCase().includes('postgres') ? 'postgres' : 'sqlite'
}

/**
 * A number from a bigint or numeric text: ids, instants (epoch ms), minor units and their sums all stay
 * far below 2^53, where a JavaScript number is exact. A larger value is refused rather than rounded.
 */
function exactNumber(text: string): number {
  const n = Number(text)
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) throw new InexactNumberError(text)
  return n
}

/** A bigint or numeric the PostgreSQL driver refused to turn into an inexact number (past 2^53). */
export class InexactNumberError extends Error {
  constructor(text: string) {
    super(`the database returned ${text}, beyond the 2^53 a number holds exactly`)
  }
}

/**
 * The pg type parsers of a Yardstick pool: bigint (int8) and numeric (what PostgreSQL's sum() of a
 * bigint returns) as numbers, as SQLite gives them; bytea stays a Buffer, double precision a number.
 */
export const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return exactNumber
    return pg.types.getTypeParser(oid, format)
  },
} as pg.CustomTypesConfig
