import type { Kysely } from 'kysely'

// Frozen in time: never import app code here.
// Outcome reads sum rollup rows of one grain over a bucket range (a summary's periods, every month
// since an initiative started). With the counts and sums in the (grain, bucket_start) index those
// reads never touch the table, whose rows lie in the order they were first folded; it replaces the
// narrower index, so rollups still keep two indexes.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('rollups_by_time_covering')
    .on('rollups')
    .columns(['grain', 'bucket_start', 'initiative_id', 'metric', 'stage', 'count', 'quantity_sum', 'errors_sum', 'total_sum'])
    .execute()
  await db.schema.dropIndex('rollups_by_time').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('rollups_by_time').on('rollups').columns(['grain', 'bucket_start']).execute()
  await db.schema.dropIndex('rollups_by_time_covering').execute()
}
