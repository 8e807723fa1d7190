import { defineConfig } from 'vitest/config'
import { findPgBin } from './server/testing/pg-cluster.js'

/**
 * Two projects from one source: every test on SQLite, and the suites that store and schedule (HTTP,
 * rollup, email, readiness, governance, share links, sign-in throttle, alerts and webhooks, imports,
 * OTLP, assessment, live demo, multi-instance) again on PostgreSQL, on a throwaway cluster
 * the run starts itself (server/testing/pg-global-setup.ts). Without PostgreSQL installed, the
 * postgres project is one skipped test that names the install command.
 */
const POSTGRES_SUITES = [
  'server/routes/events.test.ts',
  'server/routes/events-hot-path.test.ts',
  'server/routes/event-corrections.test.ts',
  'server/routes/readiness.http.test.ts',
  'server/outcomes/outcomes.http.test.ts',
  'server/outcomes/warm.test.ts',
  'server/rollup/rollup.property.test.ts',
  'server/ingest/idempotency.property.test.ts',
  'server/email/delivery.test.ts',
  'server/readiness/digest.test.ts',
  'server/readiness/demo.test.ts',
  'server/auth/session.test.ts',
  'server/auth/route-matrix.test.ts',
  'server/ops/prune.test.ts',
  'server/testing/postgres.test.ts',
  'server/auth/scope-holes.test.ts',
  'server/auth/sign-in-throttle.test.ts',
  'server/alerts/alerts.e2e.test.ts',
  'server/alerts/demo.test.ts',
  'server/alerts/payback.test.ts',
  'server/import/import.test.ts',
  'server/otlp/otlp-sdk.test.ts',
  'server/assessment/assessment.http.test.ts',
  'server/email/assessment-digest.test.ts',
  'server/demo/live.test.ts',
  'server/rollup/overflow.test.ts',
  'server/routes/text-fields.test.ts',
]
/** Tests that only make sense on PostgreSQL (several instances on one database). */
const POSTGRES_ONLY = ['server/testing/postgres.test.ts', 'server/multi-instance/*.test.ts']

const hasPostgres = findPgBin() !== null

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'sqlite', include: ['{server,metrics,db,client,bench}/**/*.test.ts'], exclude: ['**/node_modules/**', ...POSTGRES_ONLY] },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: hasPostgres ? [...POSTGRES_SUITES, ...POSTGRES_ONLY] : ['server/testing/postgres.test.ts'],
          env: { YARDSTICK_TEST_DIALECT: 'postgres' },
          globalSetup: ['server/testing/pg-global-setup.ts'],
        },
      },
    ],
  },
})
