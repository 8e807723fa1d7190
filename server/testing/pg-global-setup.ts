/**
 * vitest globalSetup of the `postgres` test project: one throwaway cluster for the whole run, with a
 * template database already migrated (each test database is a copy of it: much faster than migrating
 * each), stopped and removed when the run ends. Its admin URL reaches the test processes through
 * YARDSTICK_TEST_PG_ADMIN_URL.
 */
import { migrateToLatest, openDatabase } from '../../db/connection.js'
import { createDatabase, findPgBin, startPgCluster, type PgCluster } from './pg-cluster.js'

export const PG_TEMPLATE = 'yardstick_template'

let cluster: PgCluster | null = null

export async function setup(): Promise<void> {
  if (process.env.YARDSTICK_TEST_PG_ADMIN_URL || findPgBin() === null) return
  cluster = await startPgCluster()
  const url = await createDatabase(cluster.adminUrl, { prefix: 'template' })
  const h = openDatabase(url)
  await migrateToLatest(h.db)
  await h.close()
  const name = new URL(url).pathname.slice(1)
  const { default: pg } = await import('pg')
  const c = new pg.Client({ connectionString: cluster.adminUrl })
  await c.connect()
  await c.query(`alter database ${name} rename to ${PG_TEMPLATE}`)
  await c.end()
  process.env.YARDSTICK_TEST_PG_ADMIN_URL = cluster.adminUrl
}

export async function teardown(): Promise<void> {
  cluster?.stop()
  cluster = null
}
