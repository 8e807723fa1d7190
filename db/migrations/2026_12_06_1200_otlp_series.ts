import type { Kysely } from 'kysely'

// Frozen in time: never import app code here.
// The last point seen of each cumulative OTLP series (metrics sent with cumulative temporality), so that
// each new point counts only its increase, across restarts and across instances. `series_key` is a hash
// of the series identity (initiative, resource, scope, metric, point attributes). Nanosecond times are
// decimal text: they exceed 2^53. `state` is the last cumulative value (Sums) or the JSON of cumulative
// bucket counts (Histograms).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('otlp_series')
    .addColumn('series_key', 'text', (c) => c.primaryKey())
    .addColumn('initiative_id', 'integer', (c) => c.notNull().references('initiatives.id'))
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('start_ns', 'text', (c) => c.notNull())
    .addColumn('time_ns', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('otlp_series').execute()
}
