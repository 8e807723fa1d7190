import type { Migration, MigrationProvider } from 'kysely'
import * as core from './2026_11_25_0900_core.js'
import * as subscriptionsOutbox from './2026_11_25_1437_subscriptions_outbox.js'
import * as usersSessions from './2026_11_25_1452_users_sessions.js'
import * as eventsByTime from './2026_11_25_1510_events_by_time.js'
import * as readiness from './2026_11_25_1600_readiness.js'
import * as rollupsCovering from './2026_11_25_1712_rollups_covering.js'
import * as outboxHandoffs from './2026_11_25_1800_outbox_handoffs.js'
import * as rollupChanges from './2026_11_25_1900_rollup_changes.js'
import * as assessments from './2026_12_06_1400_assessments.js'

/**
 * Every migration, in order. A static list (not a folder scan) so that migrations run the same under
 * tsx, vite and vitest. Add new ones at the end; never edit one that has shipped.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_25_0900_core': core,
  '2026_11_25_1437_subscriptions_outbox': subscriptionsOutbox,
  '2026_11_25_1452_users_sessions': usersSessions,
  '2026_11_25_1510_events_by_time': eventsByTime,
  '2026_11_25_1600_readiness': readiness,
  '2026_11_25_1712_rollups_covering': rollupsCovering,
  '2026_11_25_1800_outbox_handoffs': outboxHandoffs,
  '2026_11_25_1900_rollup_changes': rollupChanges,
  '2026_12_06_1400_assessments': assessments,
}

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations
  },
}
