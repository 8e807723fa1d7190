/**
 * Dashboard sessions. The cookie holds a random token; only its SHA-256 is stored, so a copy of the
 * database cannot be used to sign in.
 */
import type { Tx } from '../connection.js'
import type { UserRole } from './users.js'

export interface SessionUser {
  sessionId: number
  userId: number
  email: string
  role: UserRole
  disabled: boolean
  createdAt: number
  lastSeenAt: number
  expiresAt: number
}

/**
 * Stores a new session for a user; `expiresAt` is the absolute end.
 * @example await createSession(tx, { userId: 1, tokenHash: hashToken(token), at: now, expiresAt: now + 7 * 86_400_000 })
 */
export async function createSession(tx: Tx, s: { userId: number; tokenHash: string; at: number; expiresAt: number }): Promise<number> {
  const { id } = await tx
    .insertInto('sessions')
    .values({ token_hash: s.tokenHash, user_id: s.userId, created_at: s.at, last_seen_at: s.at, expires_at: s.expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow()
  return id
}

/** The session with this token hash and its user, or undefined (expiry is the caller's decision). */
export async function findSessionUser(tx: Tx, tokenHash: string): Promise<SessionUser | undefined> {
  const r = await tx
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id as session_id', 'users.id as user_id', 'users.email', 'users.role', 'users.disabled_at', 'sessions.created_at', 'sessions.last_seen_at', 'sessions.expires_at'])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst()
  if (!r) return undefined
  return { sessionId: r.session_id, userId: r.user_id, email: r.email, role: r.role as UserRole, disabled: r.disabled_at !== null, createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at }
}

/** Moves a session's idle clock forward. */
export async function touchSession(tx: Tx, id: number, at: number): Promise<void> {
  await tx.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute()
}

export async function deleteSession(tx: Tx, id: number): Promise<void> {
  await tx.deleteFrom('sessions').where('id', '=', id).execute()
}

/** Ends every session of a user (disabled, or password changed). */
export async function deleteUserSessions(tx: Tx, userId: number): Promise<void> {
  await tx.deleteFrom('sessions').where('user_id', '=', userId).execute()
}

/** Removes sessions past their absolute end or idle for longer than `idleMs`. */
export async function deleteExpiredSessions(tx: Tx, now: number, idleMs: number): Promise<number> {
  const r = await tx
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - idleMs)]))
    .executeTakeFirst()
  return Number(r.numDeletedRows)
}
