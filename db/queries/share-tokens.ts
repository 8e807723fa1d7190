/**
 * Share tokens: read-only grants to one initiative's embed data. Only a SHA-256 hash of each token is
 * stored; the token is shown once, at minting. Each record names who minted it, so that the token
 * ends when that user or key loses the right (server/auth/share-token.ts decides; this file reads).
 */
import { randomBytes } from 'node:crypto'
import type { Tx } from '../connection.js'
import { recordAudit } from './audit.js'
import { hashToken } from './keys.js'

/** Every share token starts with this, so secret scanners can recognise a leaked one. */
export const SHARE_PREFIX = 'ys_share_'

export interface ShareMinter {
  kind: 'user' | 'key'
  id: number
  /** The user's email or the key's name. */
  name: string
}

export interface ShareTokenRecord {
  id: number
  prefix: string
  initiative: string
  createdBy: string
  createdByKind: 'user' | 'key'
  createdAt: string
  expiresAt: string
  revokedAt: string | null
  revokedBy: string | null
}

/** A token's record with what its minter holds now, for the check on each request. */
export interface ShareTokenForAuth {
  id: number
  initiative: string
  expiresAt: number
  revokedAt: number | null
  minter:
    | { kind: 'user'; id: number; email: string; role: string | null; disabled: boolean }
    | { kind: 'key'; id: number; name: string; role: string | null; initiatives: string[] | null; revoked: boolean }
}

type Row = { id: number; prefix: string; slug: string; minted_by_kind: string; minted_by: string; created_at: number; expires_at: number; revoked_at: number | null; revoked_by: string | null }

const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString())

function toRecord(r: Row): ShareTokenRecord {
  return { id: r.id, prefix: r.prefix, initiative: r.slug, createdBy: r.minted_by, createdByKind: r.minted_by_kind as 'user' | 'key', createdAt: iso(r.created_at)!, expiresAt: iso(r.expires_at)!, revokedAt: iso(r.revoked_at), revokedBy: r.revoked_by }
}

function selectRecords(tx: Tx) {
  return tx
    .selectFrom('share_tokens as t')
    .innerJoin('initiatives as i', 'i.id', 't.initiative_id')
    .select(['t.id', 't.prefix', 'i.slug', 't.minted_by_kind', 't.minted_by', 't.created_at', 't.expires_at', 't.revoked_at', 't.revoked_by'])
}

/**
 * Mints a token for one initiative and audits it (entity `share_token`, never with the token).
 * @example const { token } = await createShareToken(tx, { initiativeId: 3, expiresAt: Date.now() + 86_400_000, minter: { kind: 'user', id: 2, name: 'ana@example.com' } }, Date.now())
 */
export async function createShareToken(tx: Tx, t: { initiativeId: number; expiresAt: number; minter: ShareMinter }, at: number): Promise<{ record: ShareTokenRecord; token: string }> {
  const token = SHARE_PREFIX + randomBytes(24).toString('base64url')
  const { id } = await tx
    .insertInto('share_tokens')
    .values({ token_hash: hashToken(token), prefix: token.slice(0, SHARE_PREFIX.length + 6), initiative_id: t.initiativeId, minted_by_kind: t.minter.kind, minted_by_id: t.minter.id, minted_by: t.minter.name, created_at: at, expires_at: t.expiresAt, revoked_at: null, revoked_by: null })
    .returning('id')
    .executeTakeFirstOrThrow()
  const record = (await findShareToken(tx, id))!
  await recordAudit(tx, { at, actor: t.minter.name, action: 'create', entity: 'share_token', entityId: id, after: record })
  return { record, token }
}

export async function findShareToken(tx: Tx, id: number): Promise<ShareTokenRecord | undefined> {
  const r = await selectRecords(tx).where('t.id', '=', id).executeTakeFirst()
  return r ? toRecord(r) : undefined
}

/** Every share token, newest first, revoked and expired ones included; optionally of some initiatives only. */
export async function listShareTokens(tx: Tx, slugs: readonly string[] | null): Promise<ShareTokenRecord[]> {
  if (slugs !== null && slugs.length === 0) return []
  let q = selectRecords(tx)
  if (slugs !== null) q = q.where('i.slug', 'in', [...slugs])
  return (await q.orderBy('t.id', 'desc').execute()).map(toRecord)
}

/**
 * Revokes a token at once (a second revoke changes nothing); audited. Undefined when there is none.
 * @example await revokeShareToken(tx, 4, { actor: 'ana@example.com', at: Date.now() })
 */
export async function revokeShareToken(tx: Tx, id: number, by: { actor: string; at: number }): Promise<ShareTokenRecord | undefined> {
  const before = await findShareToken(tx, id)
  if (!before || before.revokedAt !== null) return before
  await tx.updateTable('share_tokens').set({ revoked_at: by.at, revoked_by: by.actor }).where('id', '=', id).execute()
  const after = (await findShareToken(tx, id))!
  await recordAudit(tx, { at: by.at, actor: by.actor, action: 'revoke', entity: 'share_token', entityId: id, before, after })
  return after
}

/**
 * The record behind a presented token, with its minter as it stands now (role, disabled, revoked,
 * scope), or undefined for an unknown token. One indexed read.
 */
export async function findShareTokenForAuth(tx: Tx, token: string): Promise<ShareTokenForAuth | undefined> {
  const r = await tx
    .selectFrom('share_tokens as t')
    .innerJoin('initiatives as i', 'i.id', 't.initiative_id')
    .leftJoin('users as u', (j) => j.onRef('u.id', '=', 't.minted_by_id').on('t.minted_by_kind', '=', 'user'))
    .leftJoin('api_keys as k', (j) => j.onRef('k.id', '=', 't.minted_by_id').on('t.minted_by_kind', '=', 'key'))
    .select(['t.id', 'i.slug', 't.expires_at', 't.revoked_at', 't.minted_by_kind', 't.minted_by_id', 't.minted_by', 'u.role as user_role', 'u.disabled_at', 'k.role as key_role', 'k.initiatives as key_initiatives', 'k.revoked_at as key_revoked_at'])
    .where('t.token_hash', '=', hashToken(token))
    .executeTakeFirst()
  if (!r) return undefined
  const minter: ShareTokenForAuth['minter'] =
    r.minted_by_kind === 'user'
      ? { kind: 'user', id: r.minted_by_id, email: r.minted_by, role: r.user_role ?? null, disabled: r.disabled_at !== null }
      : { kind: 'key', id: r.minted_by_id, name: r.minted_by, role: r.key_role ?? null, initiatives: r.key_initiatives ? (JSON.parse(r.key_initiatives) as string[]) : null, revoked: r.key_revoked_at !== null || r.key_role === null }
  return { id: r.id, initiative: r.slug, expiresAt: Number(r.expires_at), revokedAt: r.revoked_at === null ? null : Number(r.revoked_at), minter }
}
