import type { Kysely } from 'kysely'
import { autoId } from './column-types.js'

// Frozen in time: never import app code here.
// Scale readiness: the use-case fit recorded per initiative (phase 1; volume is measured from the
// events, so it has no column) and attestations for governance checklist items (phase 3).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('use_case_fit')
    .addColumn('initiative_id', 'integer', (c) => c.primaryKey().references('initiatives.id'))
    .addColumn('category', 'text', (c) => c.notNull())
    // 1–4 scales, described level by level in metrics/readiness.ts.
    .addColumn('repetitiveness', 'integer', (c) => c.notNull())
    .addColumn('clarity', 'integer', (c) => c.notNull())
    .addColumn('engagement', 'integer', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('attestations')
    .addColumn(...autoId(db))
    .addColumn('initiative_id', 'integer', (c) => c.notNull().references('initiatives.id'))
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    // The person who attested (user email, key name or cli) and, for reviews, who reviewed.
    .addColumn('attested_by', 'text', (c) => c.notNull())
    .addColumn('reviewer', 'text')
    // The date the attested thing happened (local midnight), and when it was recorded.
    .addColumn('attested_at', 'bigint', (c) => c.notNull())
    .addColumn('recorded_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('attestations_initiative').on('attestations').columns(['initiative_id', 'item']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('attestations').ifExists().execute()
  await db.schema.dropTable('use_case_fit').ifExists().execute()
}
