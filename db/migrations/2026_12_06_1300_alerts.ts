import type { Kysely } from 'kysely'
import { autoId } from './column-types.js'

// Frozen in time: never import app code here.
// Alerts: webhooks (with their signing secret), alert rules and the webhooks they post to, the state
// of each (rule, initiative) pair, the messages announcing state changes (one per change, under a
// unique event id), their deliveries (one per message and destination, under a unique send key, claimed
// with a lease like the digest outbox), every delivery attempt, and the last event received per
// initiative (for silence rules, read incrementally above a watermark).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhooks')
    .addColumn(...autoId(db))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('failing_since', 'bigint')
    .addColumn('last_success_at', 'bigint')
    .addColumn('disabled_at', 'bigint')
    .addColumn('disabled_reason', 'text')
    .execute()

  await db.schema
    .createTable('alert_rules')
    .addColumn(...autoId(db))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('initiative_id', 'integer', (c) => c.references('initiatives.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('emails', 'text', (c) => c.notNull())
    .addColumn('owner', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('alert_rule_webhooks')
    .addColumn('rule_id', 'integer', (c) => c.notNull().references('alert_rules.id').onDelete('cascade'))
    .addColumn('webhook_id', 'integer', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('alert_rule_webhooks_pk', ['rule_id', 'webhook_id'])
    .execute()

  await db.schema
    .createTable('alert_states')
    .addColumn('rule_id', 'integer', (c) => c.notNull().references('alert_rules.id').onDelete('cascade'))
    .addColumn('initiative_id', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('since', 'bigint')
    .addColumn('episode', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('message', 'text')
    .addColumn('info', 'text')
    .addColumn('evaluated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_states_pk', ['rule_id', 'initiative_id'])
    .execute()

  await db.schema
    .createTable('alert_notifications')
    .addColumn(...autoId(db))
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('rule_id', 'integer', (c) => c.notNull().references('alert_rules.id').onDelete('cascade'))
    .addColumn('initiative_id', 'integer')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('alert_deliveries')
    .addColumn(...autoId(db))
    .addColumn('send_key', 'text', (c) => c.notNull().unique())
    .addColumn('rule_id', 'integer', (c) => c.notNull().references('alert_rules.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('webhook_id', 'integer')
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('notification_ids', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('uncertain', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('handoffs', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('alert_deliveries_due').on('alert_deliveries').columns(['status', 'next_attempt_at']).execute()
  await db.schema.createIndex('alert_deliveries_rule').on('alert_deliveries').columns(['rule_id', 'id']).execute()

  await db.schema
    .createTable('alert_attempts')
    .addColumn(...autoId(db))
    .addColumn('delivery_id', 'integer', (c) => c.notNull().references('alert_deliveries.id').onDelete('cascade'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .execute()
  await db.schema.createIndex('alert_attempts_delivery').on('alert_attempts').columns(['delivery_id', 'id']).execute()

  await db.schema
    .createTable('alert_last_events')
    .addColumn('initiative_id', 'integer', (c) => c.primaryKey())
    .addColumn('last_event_id', 'bigint', (c) => c.notNull())
    .addColumn('last_received_at', 'bigint', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('alert_last_events').execute()
  await db.schema.dropTable('alert_attempts').execute()
  await db.schema.dropTable('alert_deliveries').execute()
  await db.schema.dropTable('alert_notifications').execute()
  await db.schema.dropTable('alert_states').execute()
  await db.schema.dropTable('alert_rule_webhooks').execute()
  await db.schema.dropTable('alert_rules').execute()
  await db.schema.dropTable('webhooks').execute()
}
