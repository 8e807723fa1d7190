import type { ColumnDefinitionBuilder, Kysely } from 'kysely'

// Frozen in time like the migrations that use it: never import app code here.
// The one place where migrations differ by dialect: the column types SQLite and PostgreSQL spell
// differently. Existing SQLite databases were created with exactly the SQLite spellings below, so
// they migrate as before.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name.toLowerCase().includes('postgres')
}

/**
 * The arguments of `addColumn` for an auto-numbered primary key `id`: `integer primary key
 * autoincrement` on SQLite; `serial` (or `bigserial` for `big`, a table that may pass 2^31 rows) on
 * PostgreSQL.
 * @example db.schema.createTable('t').addColumn(...autoId(db))
 */
export function autoId(db: Kysely<any>, big = false): ['id', 'integer' | 'serial' | 'bigserial', (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder] {
  if (isPostgres(db)) return ['id', big ? 'bigserial' : 'serial', (c) => c.primaryKey()]
  return ['id', 'integer', (c) => c.primaryKey().autoIncrement()]
}

/** Bytes: `blob` on SQLite, `bytea` on PostgreSQL. */
export function bytesType(db: Kysely<any>): 'blob' | 'bytea' {
  return isPostgres(db) ? 'bytea' : 'blob'
}

/**
 * A column holding an id of `events` (a `bigserial` on PostgreSQL): `integer` on SQLite (64-bit there,
 * and the spelling those tables were created with), `bigint` on PostgreSQL, whose `integer` stops at 2^31.
 * @example .addColumn('event_id', eventIdType(db), (c) => c.primaryKey())
 */
export function eventIdType(db: Kysely<any>): 'integer' | 'bigint' {
  return isPostgres(db) ? 'bigint' : 'integer'
}
