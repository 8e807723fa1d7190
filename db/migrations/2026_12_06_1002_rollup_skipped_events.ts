import type { Kysely } from 'kysely'
import { eventIdType } from './column-types.js'

// Frozen in time: never import app code here.
// Events the rollup could not fold (their sums would overflow): skipped, kept here for the operator.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rollup_skipped_events')
    .addColumn('event_id', eventIdType(db), (c) => c.primaryKey())
    .addColumn('initiative_id', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rollup_skipped_events').ifExists().execute()
}
