import type { Kysely } from 'kysely'

// Frozen in time: never import app code here.
// Failed sign-in counts in the database, so every instance sees the same counts.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sign_in_throttle')
    // 'account:<email>', 'address:<ip>' or 'pair:<email>|<ip>'.
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('sign_in_throttle_window').on('sign_in_throttle').column('window_start').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sign_in_throttle').ifExists().execute()
}
