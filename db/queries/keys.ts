/**
 * API keys. Only a SHA-256 hash of each token is stored; the token is shown once, at creation.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Tx } from '../connection.js'
import { recordAudit } from './audit.js'
import { noteChange } from '../change-generation.js'

export const KEY_ROLES = ['ingest', 'read', 'admin'] as const
export type KeyRole = (typeof KEY_ROLES)[number]

/** Every token starts with this, so secret scanners can recognise a leaked one. */
export const TOKEN_PREFIX = 'ys_live_'

export interface ApiKey {
  id: number
  name: string
  prefix: string
  role: KeyRole
  /** Initiative slugs the key may use; null means all. */
  initiatives: string[] | null
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}

export interface KeyForAuth {
  id: number
  name: string
  role: KeyRole
  initiatives: Set<string> | null
  lastUsedAt: number | null
}

/** SHA-256 of a token, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** A new random token: the prefix and 32 base62 characters (190 bits). */
export function generateToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  let out = ''
  while (out.length < 32) {
    for (const b of randomBytes(48)) {
      if (b < 248 && out.length < 32) out += alphabet[b % 62]
    }
  }
  return TOKEN_PREFIX + out
}

/**
 * Creates a key and audits it; returns the key and its token (the only time the token exists).
 * @example const { token } = await createKey(tx, { name: 'invoice bot', role: 'ingest', initiatives: ['invoices'] }, { actor: 'cli', at: Date.now() })
 */
export async function createKey(tx: Tx, k: { name: string; role: KeyRole; initiatives: string[] | null }, by: { actor: string; at: number }): Promise<{ key: ApiKey; token: string }> {
  await noteChange(tx)
  const token = generateToken()
  const prefix = token.slice(0, TOKEN_PREFIX.length + 8)
  const { id } = await tx
    .insertInto('api_keys')
    .values({ name: k.name, prefix, token_hash: hashToken(token), role: k.role, initiatives: k.initiatives ? JSON.stringify(k.initiatives) : null, created_at: by.at, last_used_at: null, revoked_at: null })
    .returning('id')
    .executeTakeFirstOrThrow()
  const key = (await findKey(tx, id))!
  await recordAudit(tx, { at: by.at, actor: by.actor, action: 'create', entity: 'key', entityId: id, after: key })
  return { key, token }
}

type KeyRow = { id: number; name: string; prefix: string; role: string; initiatives: string | null; created_at: number; last_used_at: number | null; revoked_at: number | null }
function toKey(r: KeyRow): ApiKey {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
  return { id: r.id, name: r.name, prefix: r.prefix, role: r.role as KeyRole, initiatives: r.initiatives ? JSON.parse(r.initiatives) : null, createdAt: iso(r.created_at)!, lastUsedAt: iso(r.last_used_at), revokedAt: iso(r.revoked_at) }
}

const keyColumns = ['id', 'name', 'prefix', 'role', 'initiatives', 'created_at', 'last_used_at', 'revoked_at'] as const

export async function findKey(tx: Tx, id: number): Promise<ApiKey | undefined> {
  const r = await tx.selectFrom('api_keys').select(keyColumns).where('id', '=', id).executeTakeFirst()
  return r ? toKey(r) : undefined
}

/** Every key, oldest first, revoked ones included (marked). */
export async function listKeys(tx: Tx): Promise<ApiKey[]> {
  const rows = await tx.selectFrom('api_keys').select(keyColumns).orderBy('id').execute()
  return rows.map(toKey)
}

/**
 * Revokes a key at once; returns false when there is no such key. Audited.
 * @example await revokeKey(tx, 3, { actor: 'cli', at: Date.now() })
 */
export async function revokeKey(tx: Tx, id: number, by: { actor: string; at: number }): Promise<ApiKey | undefined> {
  const before = await findKey(tx, id)
  if (!before) return undefined
  if (before.revokedAt !== null) return before
  await noteChange(tx)
  await tx.updateTable('api_keys').set({ revoked_at: by.at }).where('id', '=', id).execute()
  const after = (await findKey(tx, id))!
  await recordAudit(tx, { at: by.at, actor: by.actor, action: 'revoke', entity: 'key', entityId: id, before, after })
  return after
}

/**
 * The live (not revoked) key with this token, or undefined.
 * @example await findKeyByToken(db, req.headers.authorization.slice(7))
 */
export async function findKeyByToken(tx: Tx, token: string): Promise<KeyForAuth | undefined> {
  const r = await tx
    .selectFrom('api_keys')
    .select(['id', 'name', 'role', 'initiatives', 'last_used_at'])
    .where('token_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  if (!r) return undefined
  return { id: r.id, name: r.name, role: r.role as KeyRole, initiatives: r.initiatives ? new Set(JSON.parse(r.initiatives) as string[]) : null, lastUsedAt: r.last_used_at }
}

/** Records that keys were used at `at` (callers throttle this to about once a minute per key). */
export async function touchKeys(tx: Tx, ids: number[], at: number): Promise<void> {
  if (ids.length === 0) return
  await tx.updateTable('api_keys').set({ last_used_at: at }).where('id', 'in', ids).execute()
}
