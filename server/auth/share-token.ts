/**
 * Share tokens for embedded charts: `ys_share_<random>`, each one a record (db/queries/share-tokens.ts)
 * naming one initiative, an expiry and who minted it. A token sent as `X-Yardstick-Share` makes a GET
 * of the embed data ({@link EMBED_PATHS}) a read-only actor scoped to that initiative, while the token
 * is live: not revoked, not expired, and its minter still holds the right to mint it (a user still
 * enabled with a role that mints, a key not revoked whose role mints and whose scope holds the
 * initiative). Also: the CORS and resource-policy headers that let another site's page load /embed.js
 * and read the embed data with a key or a share token (never cookies), and nothing else cross-origin.
 */
import type { RequestHandler } from 'express'
import type { Db } from '../../db/connection.js'
import { findShareTokenForAuth, SHARE_PREFIX, type ShareTokenForAuth } from '../../db/queries/share-tokens.js'
import { forbidden, unauthorized } from '../errors.js'
import { can, canUseInitiative, type Actor, type UserRole } from './actor.js'

/** The id share-token actors carry, so routes can tell them from real keys. */
export const SHARE_ACTOR_ID = -1

/**
 * The read routes an embed uses (paths under /api/v1): the only ones a share token opens, and the only
 * API answers that carry `Access-Control-Allow-Origin: *`.
 */
export const EMBED_PATHS: readonly RegExp[] = [/^\/summary$/, /^\/series$/, /^\/initiatives\/[^/]+$/, /^\/initiatives\/[^/]+\/(series|payback)$/]

/** Whether a path under /api/v1 is embed data. */
export function isEmbedPath(apiPath: string): boolean {
  return EMBED_PATHS.some((p) => p.test(apiPath))
}

/**
 * Why a stored token does not grant its initiative now, or null while it does.
 * @example shareTokenProblem(record, Date.now()) // 'the share token was revoked on …'
 */
export function shareTokenProblem(t: ShareTokenForAuth, nowMs: number): string | null {
  if (t.revokedAt !== null) return `the share token was revoked on ${new Date(t.revokedAt).toISOString()}; ask for a new one`
  if (t.expiresAt <= nowMs) return `the share token expired on ${new Date(t.expiresAt).toISOString()}; ask for a new one`
  const m = t.minter
  const lost = 'the share token ended: whoever made it may no longer share this initiative; ask for a new one'
  if (m.kind === 'user') {
    if (m.disabled || m.role === null) return lost
    const actor: Actor = { kind: 'user', id: m.id, email: m.email, role: m.role as UserRole }
    return can(actor, 'share:manage') ? null : lost
  }
  if (m.revoked || m.role === null) return lost
  const actor: Actor = { kind: 'key', id: m.id, name: m.name, role: m.role as 'admin', initiatives: m.initiatives ? new Set(m.initiatives) : null }
  return can(actor, 'share:manage') && canUseInitiative(actor, t.initiative) ? null : lost
}

/**
 * Reads `X-Yardstick-Share`: a live token makes a GET of embed data a read-only actor for its
 * initiative; an unknown, revoked, expired or orphaned token is a 401; any other use is a 403.
 * @example api.use(authenticateShareToken(db, Date.now))
 */
export function authenticateShareToken(db: Db, clock: () => number): RequestHandler {
  return async function authenticateShareTokenMiddleware(req, _res, next) {
    const header = req.headers['x-yardstick-share']
    if (typeof header !== 'string' || header === '') return next()
    if (req.method !== 'GET' && req.method !== 'HEAD') return next(forbidden('a share token only reads; sign in or use an API key to change anything'))
    if (!isEmbedPath(req.path)) return next(forbidden('a share token reads only the embedded charts\' data (summary, series and the initiative); use an API key for the rest of the API'))
    const token = header.trim()
    if (!token.startsWith(SHARE_PREFIX) || token.length > 200) return next(unauthorized('not a Yardstick share token'))
    const t = await findShareTokenForAuth(db, token)
    if (!t) return next(unauthorized('unknown share token; ask for a new one'))
    const problem = shareTokenProblem(t, clock())
    if (problem) return next(unauthorized(problem))
    if (!req.actor) req.actor = { kind: 'key', id: SHARE_ACTOR_ID, name: `share token ${t.id} (${t.initiative})`, role: 'read', initiatives: new Set([t.initiative]) }
    next()
  }
}

/**
 * Lets other sites' pages use the embeds: /embed.js may be loaded cross-origin, and the embed data
 * ({@link EMBED_PATHS}) answers cross-origin GETs that carry a key or a share token. Nothing else is
 * readable cross-origin, and cookies never are (no Allow-Credentials), so a signed-in session cannot be
 * used by another site.
 * @example app.use(embedCors())
 */
export function embedCors(): RequestHandler {
  return function embedCorsMiddleware(req, res, next) {
    if (req.path === '/embed.js') {
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin')
      res.setHeader('Access-Control-Allow-Origin', '*')
      return next()
    }
    if (!req.path.startsWith('/api/v1/') || !req.headers.origin || !isEmbedPath(req.path.slice('/api/v1'.length))) return next()
    const preflight = req.method === 'OPTIONS' && typeof req.headers['access-control-request-method'] === 'string'
    if (preflight) {
      if (req.headers['access-control-request-method'] !== 'GET') return next()
      res.setHeader('Access-Control-Allow-Origin', '*')
      res.setHeader('Access-Control-Allow-Methods', 'GET')
      res.setHeader('Access-Control-Allow-Headers', 'authorization, x-yardstick-share')
      res.setHeader('Access-Control-Max-Age', '600')
      res.status(204).end()
      return
    }
    if (req.method === 'GET' && (req.headers.authorization || req.headers['x-yardstick-share'])) {
      res.setHeader('Access-Control-Allow-Origin', '*')
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin')
    }
    next()
  }
}
