import type { Kysely } from 'kysely'

// Frozen in time: never import app code here.
// Outcome queries read raw events for the sub-hour edges of a range (and everything, while rollups
// are rebuilt) by occurred_at. Events mostly arrive in time order, so this index grows at its right
// edge and costs ingestion little.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('events_occurred_at').on('events').column('occurred_at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('events_occurred_at').ifExists().execute()
}
