import type { Migration, MigrationProvider } from 'kysely'
import * as core from './2026_11_25_0900_core.js'
import * as subscriptionsOutbox from './2026_11_25_1437_subscriptions_outbox.js'
import * as usersSessions from './2026_11_25_1452_users_sessions.js'
import * as eventsByTime from './2026_11_25_1510_events_by_time.js'
import * as readiness from './2026_11_25_1600_readiness.js'
import * as rollupsCovering from './2026_11_25_1712_rollups_covering.js'
import * as outboxHandoffs from './2026_11_25_1800_outbox_handoffs.js'
import * as rollupChanges from './2026_11_25_1900_rollup_changes.js'
import * as shareTokens from './2026_12_06_1000_share_tokens.js'
import * as signInThrottle from './2026_12_06_1001_sign_in_throttle.js'
import * as rollupSkippedEvents from './2026_12_06_1002_rollup_skipped_events.js'
import * as otlpSeries from './2026_12_06_1200_otlp_series.js'
import * as imports from './2026_12_06_1201_imports.js'
import * as alerts from './2026_12_06_1300_alerts.js'
import * as assessments from './2026_12_06_1400_assessments.js'
import * as alertTone from './2026_12_06_2000_alert_tone.js'

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
  '2026_12_06_1000_share_tokens': shareTokens,
  '2026_12_06_1001_sign_in_throttle': signInThrottle,
  '2026_12_06_1002_rollup_skipped_events': rollupSkippedEvents,
  '2026_12_06_1200_otlp_series': otlpSeries,
  '2026_12_06_1201_imports': imports,
  '2026_12_06_1300_alerts': alerts,
  '2026_12_06_1400_assessments': assessments,
  '2026_12_06_2000_alert_tone': alertTone,
}

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations
  },
}
