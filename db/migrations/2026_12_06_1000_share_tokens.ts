import type { Kysely } from 'kysely'
import { autoId } from './column-types.js'

// Frozen in time: never import app code here.
// Share tokens become records: listed, revocable, audited, and tied to whoever minted them.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('share_tokens')
    .addColumn(...autoId(db))
    // SHA-256 of the whole token; the token itself is never stored.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('initiative_id', 'integer', (c) => c.notNull().references('initiatives.id'))
    // 'user' | 'key': the token lives only while that user or key keeps the right to mint it.
    .addColumn('minted_by_kind', 'text', (c) => c.notNull())
    .addColumn('minted_by_id', 'integer', (c) => c.notNull())
    .addColumn('minted_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('revoked_by', 'text')
    .execute()
  await db.schema.createIndex('share_tokens_initiative').on('share_tokens').column('initiative_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('share_tokens').ifExists().execute()
}
