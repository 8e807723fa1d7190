import type { Kysely } from 'kysely'
import { autoId } from './column-types.js'

// Frozen in time: never import app code here.
// CSV imports started from the dashboard: their progress (rows read, stored, duplicates, bad rows) is
// written as they run, so that any instance can answer the page that polls it. `problems` is the JSON
// of the bad rows found (line, column, message), at most a few thousand.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('imports')
    .addColumn(...autoId(db))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('bytes_total', 'bigint', (c) => c.notNull())
    .addColumn('bytes_read', 'bigint', (c) => c.notNull())
    .addColumn('rows_read', 'bigint', (c) => c.notNull())
    .addColumn('accepted', 'bigint', (c) => c.notNull())
    .addColumn('duplicates', 'bigint', (c) => c.notNull())
    .addColumn('bad_rows', 'bigint', (c) => c.notNull())
    .addColumn('problems', 'text', (c) => c.notNull())
    .addColumn('message', 'text')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('imports').execute()
}
