/**
 * Boots the real app on 127.0.0.1:0 with a fresh database migrated by the real migrator: a SQLite file,
 * or, in the `postgres` test project (YARDSTICK_TEST_DIALECT=postgres), a fresh database on the run's
 * throwaway PostgreSQL cluster (server/testing/pg-global-setup.ts). Used by HTTP tests; no mocks of
 * what we own.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { createServer, type Server } from 'node:http'
import { migrateToLatest, openDatabase, writeTransaction, type Db, type DbHandle } from '../../db/connection.js'
import { createInitiative } from '../../db/queries/initiatives.js'
import { createKey, type KeyRole } from '../../db/queries/keys.js'
import { createApp, type App } from '../app.js'
import { answerClientErrors } from '../errors.js'
import { loadConfig, type Config } from '../config.js'
import { parseCreateInitiative } from '../routes/initiative-input.js'
import type { Dialect } from '../../db/dialect.js'
import { createDatabase, dropDatabase } from './pg-cluster.js'
import { responseChecker, type ResponseChecker } from './response-check.js'

/** The dialect this test process runs against: the `postgres` vitest project sets it. */
export const TEST_DIALECT: Dialect = process.env.YARDSTICK_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite'

/** A database for one test: a SQLite file in `dir`, or a fresh PostgreSQL database (already migrated). */
export interface TestDatabase {
  /** The SQLite file or the postgres:// URL (what openDatabase takes). */
  target: string
  /** The environment a child process (the CLI, a server) needs to use it. */
  env: Record<string, string>
  /** Removes the PostgreSQL database (a SQLite file goes with its folder). */
  drop(): Promise<void>
}

/**
 * A fresh database of TEST_DIALECT for one test.
 * @example const t = await testDatabase(dir); const h = openDatabase(t.target); … await h.close(); await t.drop()
 */
export async function testDatabase(dir: string, name = 'db.sqlite'): Promise<TestDatabase> {
  if (TEST_DIALECT === 'sqlite') {
    const file = path.join(dir, name)
    return { target: file, env: { YARDSTICK_DB: file }, drop: async () => {} }
  }
  const admin = process.env.YARDSTICK_TEST_PG_ADMIN_URL
  if (!admin) throw new Error('YARDSTICK_TEST_DIALECT=postgres but no test cluster is running (run through vitest, whose postgres project starts one)')
  const url = await createDatabase(admin, { template: 'yardstick_template' })
  return { target: url, env: { DATABASE_URL: url }, drop: () => dropDatabase(admin, url) }
}

export interface TestServer {
  url: string
  dir: string
  /** The environment a child process (the CLI) needs to use this server's database. */
  dbEnv: Record<string, string>
  handle: DbHandle
  config: Config
  app: App
  server: Server
  /**
   * Every JSON answer is checked against the OpenAPI document (server/testing/response-check.ts);
   * close() fails with the mismatches. Send the header `x-skip-response-check: 1` to exempt a request.
   */
  responses: ResponseChecker
  /** Creates an initiative through the same validation as the API. */
  initiative(body: Record<string, unknown>): Promise<void>
  /** Creates an API key and returns its token. */
  key(role?: KeyRole, initiatives?: string[] | null): Promise<string>
  /** fetch against the server with an optional bearer token. */
  fetch(pathname: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<Response>
  close(): Promise<void>
}

export function tempDir(prefix = 'yardstick-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

/**
 * Registers bare initiatives (pilot, USD, no values, baselines, targets or costs, started at 0) with
 * these slugs, in one transaction: for tests that write events straight into the database.
 * @example await createBareInitiatives(handle.db, ['a', 'b']) // ids 1 and 2
 */
export async function createBareInitiatives(db: Db, slugs: string[]): Promise<void> {
  await writeTransaction(db, async (tx) => {
    for (const slug of slugs) {
      await createInitiative(tx, { slug, name: slug, description: '', owner: null, team: null, stage: 'pilot', currency: 'USD', hourlyValueMinor: null, upfrontCostMinor: 0, monthlyCostMinor: 0, costPerErrorMinor: null, baselineErrorRate: null, baselineDecisionLatencySeconds: null, targetTimeSavedHoursPerMonth: null, targetErrorRate: null, targetRevenueInfluencedPerMonth: null, targetDecisionLatencySeconds: null, startedAt: 0 }, { actor: 'test', at: 0 })
    }
  })
}

/**
 * `sameDatabaseAs`: another instance on the same database (as several processes behind a proxy).
 * @example const s = await startTestServer(); const res = await s.fetch('/healthz')
 */
export async function startTestServer(opts: { env?: Record<string, string>; clock?: () => number; dir?: string; sameDatabaseAs?: TestServer } = {}): Promise<TestServer> {
  const dir = opts.dir ?? tempDir()
  // A second instance on the first one's database (dropped by the first one's close, not this one's).
  const shared = opts.sameDatabaseAs
  const tdb: TestDatabase = shared ? { target: shared.config.database, env: shared.dbEnv, drop: async () => {} } : await testDatabase(dir, 'yardstick.db')
  const config = loadConfig({ ...tdb.env, PORT: '0', YARDSTICK_OUTBOX_DIR: path.join(dir, 'outbox'), ...opts.env })
  const handle = openDatabase(config.database, { sync: config.sync })
  await migrateToLatest(handle.db)
  const app = createApp({ db: handle.db, config, clock: opts.clock, log: () => {}, clientDir: path.join(dir, 'no-client') })
  await app.ready()
  const responses = responseChecker()
  const server = createServer(responses.wrap(app.handler)).listen(0, '127.0.0.1')
  answerClientErrors(server)
  await new Promise<void>((r) => server.once('listening', () => r()))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const clock = opts.clock ?? Date.now
  return {
    url,
    dir,
    dbEnv: tdb.env,
    handle,
    config,
    app,
    server,
    responses,
    async initiative(body) {
      const parsed = parseCreateInitiative(body, config.timezone, clock())
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.details))
      await writeTransaction(handle.db, (tx) => createInitiative(tx, parsed.value, { actor: 'test', at: clock() }))
    },
    async key(role = 'ingest', initiatives = null) {
      const { token } = await writeTransaction(handle.db, (tx) => createKey(tx, { name: `test ${role}`, role, initiatives }, { actor: 'test', at: clock() }))
      return token
    },
    fetch(pathname, init = {}) {
      const headers = new Headers(init.headers)
      if (init.token) headers.set('authorization', `Bearer ${init.token}`)
      let body = init.body
      if (init.json !== undefined) {
        headers.set('content-type', 'application/json')
        body = JSON.stringify(init.json)
      }
      return fetch(url + pathname, { ...init, headers, body })
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
      await app.close()
      await handle.close()
      await tdb.drop()
      fs.rmSync(dir, { recursive: true, force: true })
      if (responses.violations.length > 0) {
        throw new Error(`${responses.violations.length} answer(s) do not match the OpenAPI document (metrics/api):\n${[...new Set(responses.violations)].slice(0, 20).join('\n')}`)
      }
    },
  }
}
