/**
 * Opens the database: better-sqlite3 under kysely, with the pragmas that make a 202 durable.
 */
import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, Migrator, SqliteDialect, sql, type Transaction } from 'kysely'
import type { Database } from './schema.js'
import { migrationProvider } from './migrations/index.js'

export type Db = Kysely<Database>
export type Tx = Transaction<Database> | Kysely<Database>

export interface OpenOptions {
  /** `full` (default): every commit is fsynced, so an acknowledged event survives a power cut. */
  sync?: 'full' | 'normal'
  /** How long a writer waits for another process's lock, in ms. */
  busyTimeoutMs?: number
  readonly?: boolean
}

/** A handle on the database: kysely for every statement, and the raw connection for pragmas. */
export interface DbHandle {
  db: Db
  sqlite: BetterSqlite3.Database
  file: string
  close(): Promise<void>
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

const configVersions = new WeakMap<Db, () => number>()

/**
 * A cheap, synchronous read of the change counter kept by db/change-generation.ts (a prepared statement
 * on the raw connection; microseconds), or null where there is none; callers then rely on a short
 * time-to-live.
 */
export function configVersionOf(db: Db): (() => number) | null {
  return configVersions.get(db) ?? null
}

/**
 * Opens (creating its folder if needed) the SQLite file with WAL, foreign keys, a busy timeout and
 * `synchronous=FULL` unless `sync: 'normal'` is asked for.
 * @example const { db, close } = openDatabase('data/yardstick.db')
 */
export function openDatabase(file: string, opts: OpenOptions = {}): DbHandle {
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
  if (!db.getExecutor().adapter.constructor.name.toLowerCase().includes('sqlite')) {
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
