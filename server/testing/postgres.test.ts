/**
 * The postgres test project's own checks: where PostgreSQL is not installed this is the one skipped
 * test that says how to install it; where it is, the throwaway cluster answers and holds a migrated
 * template.
 */
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../db/connection.js'
import { findPgBin, PG_INSTALL_HINT } from './pg-cluster.js'
import { tempDir, testDatabase } from './test-server.js'

const missing = findPgBin() === null

describe('PostgreSQL', () => {
  it.skipIf(!missing)(`variants skipped: PostgreSQL is not installed; install it with: ${PG_INSTALL_HINT}`, () => {})

  it.skipIf(missing)('a test database is a migrated copy of the template on the throwaway cluster', async () => {
    const t = await testDatabase(tempDir())
    const h = openDatabase(t.target)
    try {
      expect(h.dialect).toBe('postgres')
      const tables = await h.db.introspection.getTables()
      expect(tables.map((x) => x.name)).toEqual(expect.arrayContaining(['events', 'rollups', 'job_state', 'digest_outbox', 'sessions']))
    } finally {
      await h.close()
      await t.drop()
    }
  })
})
