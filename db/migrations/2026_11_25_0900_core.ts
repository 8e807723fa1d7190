import { sql, type Kysely } from 'kysely'
import { autoId, bytesType } from './column-types.js'

// Frozen in time: never import app code here.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('initiatives')
    .addColumn(...autoId(db))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('owner', 'text')
    .addColumn('team', 'text')
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('hourly_value_minor', 'bigint')
    .addColumn('upfront_cost_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('monthly_cost_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('cost_per_error_minor', 'bigint')
    .addColumn('baseline_error_rate', 'double precision')
    .addColumn('baseline_decision_latency_seconds', 'double precision')
    .addColumn('target_time_saved_hours_per_month', 'double precision')
    .addColumn('target_error_rate', 'double precision')
    .addColumn('target_revenue_influenced_per_month', 'double precision')
    .addColumn('target_decision_latency_seconds', 'double precision')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('stage_changes')
    .addColumn(...autoId(db))
    .addColumn('initiative_id', 'integer', (c) => c.notNull().references('initiatives.id'))
    .addColumn('from_stage', 'text')
    .addColumn('to_stage', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .execute()
  await db.schema.createIndex('stage_changes_initiative').on('stage_changes').columns(['initiative_id', 'at']).execute()

  await db.schema
    .createTable('api_keys')
    .addColumn(...autoId(db))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('initiatives', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute()

  // The ingest path's only index besides the primary key is the idempotency constraint; rollups
  // read by id (the primary key). Each extra index here slows every insert.
  await db.schema
    .createTable('events')
    .addColumn(...autoId(db, true))
    .addColumn('initiative_id', 'integer', (c) => c.notNull().references('initiatives.id'))
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text')
    .addColumn('quantity', 'bigint')
    .addColumn('errors', 'bigint')
    .addColumn('total', 'bigint')
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('key_id', 'integer')
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('attributes', 'text')
    .addUniqueConstraint('events_idempotency', ['initiative_id', 'client_id'])
    .execute()

  await db.schema
    .createTable('rollups')
    .addColumn('initiative_id', 'integer', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('grain', 'text', (c) => c.notNull())
    .addColumn('bucket_start', 'bigint', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addColumn('quantity_sum', 'bigint', (c) => c.notNull())
    .addColumn('errors_sum', 'bigint', (c) => c.notNull())
    .addColumn('total_sum', 'bigint', (c) => c.notNull())
    .addColumn('sketch', bytesType(db))
    .addPrimaryKeyConstraint('rollups_pk', ['initiative_id', 'metric', 'grain', 'bucket_start', 'stage'])
    .execute()
  await db.schema.createIndex('rollups_by_time').on('rollups').columns(['grain', 'bucket_start']).execute()

  await db.schema
    .createTable('job_state')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('watermark', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('info', 'text')
    .execute()

  await db.schema
    .createTable('audit_log')
    .addColumn(...autoId(db))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .execute()
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute()

  // Append-only: the database itself refuses edits and deletions of audit entries.
  const { adapter } = db.getExecutor()
  if (adapter.constructor.name.toLowerCase().includes('sqlite')) {
    await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`.execute(db)
    await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`.execute(db)
  } else {
    await sql`CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql`.execute(db)
    await sql`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['audit_log', 'job_state', 'rollups', 'events', 'api_keys', 'stage_changes', 'initiatives']) {
    await db.schema.dropTable(t).ifExists().execute()
  }
}
