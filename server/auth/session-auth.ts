/**
 * Cookie sessions: starting one at sign-in, recognising it on each request, ending it at sign-out.
 *
 * Precedence: a request with an `Authorization` header is authenticated by its API key alone; a
 * session cookie sent beside it is ignored (a browser cannot add that header cross-site without a CORS
 * preflight, which this server never grants, so the key is never ambient).
 */
import { randomBytes } from 'node:crypto'
import type { Request, RequestHandler, Response } from 'express'
import type { Db } from '../../db/connection.js'
import { hashToken } from '../../db/queries/keys.js'
import { createSession, deleteSession, findSessionUser, touchSession } from '../../db/queries/sessions.js'
import { recordSignIn } from '../../db/queries/users.js'
import type { Config } from '../config.js'
import { readCookie, SESSION_COOKIE, sessionCookieOptions } from './cookies.js'

/** A session's idle clock is written at most this often, so reads do not each cost a write. */
const TOUCH_EVERY_MS = 60_000

export interface SessionDeps {
  db: Db
  config: Config
  clock: () => number
}

/** Why a session no longer counts, or null while it is live. */
export function sessionExpiry(s: { lastSeenAt: number; expiresAt: number }, now: number, idleMs: number): 'idle' | 'absolute' | null {
  if (now >= s.expiresAt) return 'absolute'
  if (now - s.lastSeenAt >= idleMs) return 'idle'
  return null
}

/**
 * Sets `req.actor` to the signed-in user for a live session cookie. An expired, unknown or disabled
 * session leaves the request anonymous (guards answer 401 with the reason) and clears the cookie.
 * @example api.use(authenticateSession({ db, config, clock }))
 */
export function authenticateSession(deps: SessionDeps): RequestHandler {
  const { db, config, clock } = deps
  return async function authenticateSessionMiddleware(req, res, next) {
    if (req.actor || req.headers.authorization !== undefined) return next()
    const token = readCookie(req, SESSION_COOKIE)
    if (!token) return next()
    const s = await findSessionUser(db, hashToken(token))
    const now = clock()
    const expired = s ? sessionExpiry(s, now, config.sessionIdleMs) : null
    if (!s || expired || s.disabled) {
      if (s && (expired || s.disabled)) await deleteSession(db, s.sessionId)
      res.clearCookie(SESSION_COOKIE, sessionCookieOptions(req))
      req.authProblem = !s
        ? 'your session is no longer valid; sign in again'
        : s.disabled
          ? 'this account is disabled; ask an admin'
          : expired === 'idle'
            ? 'your session expired after a period without activity; sign in again'
            : 'your session reached its maximum length; sign in again'
      return next()
    }
    if (now - s.lastSeenAt >= TOUCH_EVERY_MS) await touchSession(db, s.sessionId, now)
    req.actor = { kind: 'user', id: s.userId, email: s.email, role: s.role }
    req.sessionId = s.sessionId
    next()
  }
}

/**
 * Starts a new session for a user (a new random id every sign-in, ending the one the request carried,
 * if any) and sets the cookie.
 */
export async function startSession(deps: SessionDeps, req: Request, res: Response, userId: number): Promise<{ expiresAt: number }> {
  const { db, config, clock } = deps
  const now = clock()
  const previous = readCookie(req, SESSION_COOKIE)
  if (previous) {
    const old = await findSessionUser(db, hashToken(previous))
    if (old) await deleteSession(db, old.sessionId)
  }
  const token = randomBytes(32).toString('base64url')
  const expiresAt = now + config.sessionMaxMs
  await createSession(db, { userId, tokenHash: hashToken(token), at: now, expiresAt })
  await recordSignIn(db, userId, now)
  res.cookie(SESSION_COOKIE, token, sessionCookieOptions(req, config.sessionMaxMs))
  return { expiresAt }
}

/** Ends the request's session (if any) and clears the cookie. */
export async function endSession(deps: SessionDeps, req: Request, res: Response): Promise<void> {
  const token = readCookie(req, SESSION_COOKIE)
  if (token) {
    const s = await findSessionUser(deps.db, hashToken(token))
    if (s) await deleteSession(deps.db, s.sessionId)
  }
  res.clearCookie(SESSION_COOKIE, sessionCookieOptions(req))
}
