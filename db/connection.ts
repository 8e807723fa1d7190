/**
 * Opens the database: better-sqlite3 under kysely, with the pragmas that make a 202 durable, or, for a
 * `postgres://` URL, a `pg` pool under kysely's PostgresDialect (db/dialect.ts names what differs).
 */
import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely'
import type { Database } from './schema.js'
import { migrationProvider } from './migrations/index.js'
import { dialectOf, isPostgresUrl, pgTypes, type Dialect } from './dialect.js'

export type Db = Kysely<Database>
export type Tx = Transaction<Database> | Kysely<Database>

export interface OpenOptions {
  /** `full` (default): every commit is fsynced, so an acknowledged event survives a power cut. */
  sync?: 'full' | 'normal'
  /** How long a writer waits for another process's lock, in ms. */
  busyTimeoutMs?: number
  readonly?: boolean
  /** PostgreSQL only: most connections this process opens (default 10). */
  poolSize?: number
}

/** A handle on the database: kysely for every statement, and the raw connection for pragmas. */
export interface DbHandle {
  db: Db
  dialect: Dialect
  /** The raw SQLite connection (backups); null on PostgreSQL. */
  sqlite: BetterSqlite3.Database | null
  /** The SQLite file, or the PostgreSQL URL with any password hidden. */
  file: string
  close(): Promise<void>
}

/** A PostgreSQL URL as it may be printed: the password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'the PostgreSQL database'
  }
}

/**
 * better-sqlite3 under kysely prepares every statement anew; this cache reuses prepared statements
 * by SQL text (kysely's SQL for a given query shape is stable), which halves the cost of small queries.
 */
function withStatementCache(conn: BetterSqlite3.Database, size = 256): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>()
  const prepare = conn.prepare.bind(conn)
  return new Proxy(conn, {
    get(target, prop, receiver) {
      if (prop === 'prepare') {
        return (source: string) => {
          let stmt = cache.get(source)
          if (stmt === undefined) {
            stmt = prepare(source)
            if (cache.size >= size) cache.delete(cache.keys().next().value!)
            cache.set(source, stmt)
          }
          return stmt
        }
      }
      const v = Reflect.get(target, prop, receiver)
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
}

const configVersions = new WeakMap<Db, () => number | Promise<number>>()

/**
 * A cheap read of the change counter kept by db/change-generation.ts, or null where there is none
 * (callers then rely on a short time-to-live). On SQLite a synchronous prepared statement on the raw
 * connection (microseconds); on PostgreSQL one primary-key query, started after the call, so a change
 * committed through any instance before the call is seen.
 */
export function configVersionOf(db: Db): (() => number | Promise<number>) | null {
  return configVersions.get(db) ?? null
}

/**
 * Opens the database `target`: a `postgres://` URL (DATABASE_URL) or a SQLite file.
 * SQLite: creates its folder if needed, WAL, foreign keys, a busy timeout and `synchronous=FULL`
 * unless `sync: 'normal'` is asked for. PostgreSQL: a pool of `poolSize` connections; durability is
 * the server's (`synchronous_commit`, on by default).
 * @example const { db, close } = openDatabase('data/yardstick.db')
 */
export function openDatabase(target: string, opts: OpenOptions = {}): DbHandle {
  if (isPostgresUrl(target)) return openPostgres(target, opts)
  return openSqlite(target, opts)
}

function openPostgres(url: string, opts: OpenOptions): DbHandle {
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10, types: pgTypes, idleTimeoutMillis: 30_000 })
  // An idle client that loses its server (a restart, a failover) emits 'error' on the pool; without a
  // listener that would end the process. The next query opens a new connection.
  pool.on('error', () => {})
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  // Requests that ask while a read is in flight share the next read (started after they asked).
  let inflight: Promise<number> | null = null
  let queued: Promise<number> | null = null
  const readVersion = async (): Promise<number> => {
    try {
      const r = await db.selectFrom('job_state').select('watermark').where('name', '=', 'config-version').executeTakeFirst()
      return Number(r?.watermark ?? 0)
    } catch {
      return -1
    }
  }
  const read = (): Promise<number> => {
    if (!inflight) {
      inflight = readVersion().finally(() => {
        inflight = null
      })
      return inflight
    }
    if (!queued) {
      queued = inflight.then(() => {
        queued = null
        return read()
      })
    }
    return queued
  }
  configVersions.set(db, read)
  let closed = false
  return {
    db,
    dialect: 'postgres',
    sqlite: null,
    file: redactUrl(url),
    async close() {
      if (closed) return
      closed = true
      await db.destroy()
    },
  }
}

function openSqlite(file: string, opts: OpenOptions): DbHandle {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  const sqlite = new BetterSqlite3(file, { readonly: opts.readonly ?? false })
  sqlite.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`)
  if (!opts.readonly) sqlite.pragma('journal_mode = WAL')
  sqlite.pragma(`synchronous = ${opts.sync === 'normal' ? 'NORMAL' : 'FULL'}`)
  sqlite.pragma('foreign_keys = ON')
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) })
  let readVersion: BetterSqlite3.Statement | null = null
  // Read at most once a millisecond: requests arriving together share one read.
  let lastRead = -1
  let lastValue = 0
  configVersions.set(db, () => {
    const now = performance.now()
    if (now - lastRead < 1) return lastValue
    lastRead = now
    try {
      // Compiled by kysely once; prepared lazily because the table exists only after migration.
      if (!readVersion) {
        const q = db.selectFrom('job_state').select('watermark').where('name', '=', 'config-version').compile()
        readVersion = sqlite.prepare(q.sql).pluck().bind(...q.parameters)
      }
      lastValue = (readVersion.get() as number | undefined) ?? 0
    } catch {
      lastValue = -1
    }
    return lastValue
  })
  let closed = false
  return {
    db,
    dialect: 'sqlite',
    sqlite,
    file,
    async close() {
      if (closed) return
      closed = true
      await db.destroy()
    },
  }
}

/**
 * Brings the schema up to date with kysely's Migrator. Throws with the failing migration's name.
 * @example await migrateToLatest(db)
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${error instanceof Error ? error.message : String(error)}`)
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/**
 * Runs `fn` in a write transaction. On SQLite it starts with BEGIN IMMEDIATE, so that two processes
 * wait for each other (busy timeout) instead of failing when a reader upgrades to a writer; elsewhere
 * it is kysely's ordinary transaction.
 * @example await writeTransaction(db, async (tx) => { await tx.insertInto('audit_log')... })
 */
export async function writeTransaction<T>(db: Db, fn: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (dialectOf(db) !== 'sqlite') {
    return db.transaction().execute(fn)
  }
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn)
    try {
      const result = await fn(conn)
      await sql`commit`.execute(conn)
      return result
    } catch (err) {
      try {
        await sql`rollback`.execute(conn)
      } catch {
        // The transaction may already be rolled back (SQLITE_FULL does that); the original error matters.
      }
      throw err
    }
  })
}
