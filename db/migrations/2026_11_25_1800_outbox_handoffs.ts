import type { Kysely } from 'kysely'

// Frozen in time: never import app code here.
// How many times a delivery was handed to the mail server without an outcome recorded afterwards:
// only a row handed over can have been accepted before its sender died.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('digest_outbox').addColumn('handoffs', 'integer', (c) => c.notNull().defaultTo(0)).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('digest_outbox').dropColumn('handoffs').execute()
}
