import type { Kysely } from 'kysely'

// Frozen in time: never import app code here.
// Which spans of time (one or more per change) each change to the rollups touched (a rollup step, a correction, a rebuild),
// numbered by a generation counter (job_state row 'rollup-changes'): readers keep rollup reads of
// buckets no later change touched, so history stays cached while new events are folded in.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rollup_changes')
    .addColumn('generation', 'bigint', (c) => c.notNull())
    .addColumn('span_from', 'bigint', (c) => c.notNull())
    .addColumn('span_to', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_changes_pk', ['generation', 'span_from'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rollup_changes').execute()
  await db.deleteFrom('job_state').where('name', '=', 'rollup-changes').execute()
}
