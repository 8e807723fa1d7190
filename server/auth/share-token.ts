/**
 * Signed, expiring share tokens for embedded charts: `ys_share_<payload>.<signature>`, where the payload
 * is base64url JSON `{"initiative", "exp"}` (exp in epoch seconds) and the signature an HMAC-SHA256 with
 * a server secret kept in the database. A valid token sent as `X-Yardstick-Share` makes the request a
 * read-only actor scoped to that one initiative. Also: the CORS and resource-policy headers that let
 * another site's page load /embed.js and call the read API with a key or a share token (never cookies).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { RequestHandler } from 'express'
import type { Db } from '../../db/connection.js'
import { findOrCreateSecret } from '../../db/queries/subscriptions.js'
import { forbidden, unauthorized } from '../errors.js'

const PREFIX = 'ys_share_'
/** The id share-token actors carry, so routes can tell them from real keys. */
export const SHARE_ACTOR_ID = -1

export interface SharePayload {
  initiative: string
  /** Expiry, epoch seconds. */
  exp: number
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url')

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url')
}

let cached: { db: Db; secret: string } | null = null
/** The signing secret, created at random on first use and kept in the database. */
export async function shareSecret(db: Db, now: number): Promise<string> {
  if (cached?.db === db) return cached.secret
  const secret = await findOrCreateSecret(db, 'share-tokens', () => randomBytes(32).toString('hex'), now)
  cached = { db, secret }
  return secret
}

/**
 * Creates a token for one initiative.
 * @example createShareToken(secret, { initiative: 'invoice-processing', exp: Math.floor(Date.now() / 1000) + 86400 })
 */
export function createShareToken(secret: string, p: SharePayload): string {
  const payload = b64(JSON.stringify({ initiative: p.initiative, exp: p.exp }))
  return `${PREFIX}${payload}.${sign(secret, payload)}`
}

/**
 * The payload of a genuine, unexpired token, or a reason it is refused.
 * @example verifyShareToken(secret, token, Date.now()) // { ok: true, payload: { initiative, exp } }
 */
export function verifyShareToken(secret: string, token: string, nowMs: number): { ok: true; payload: SharePayload } | { ok: false; reason: string } {
  if (!token.startsWith(PREFIX) || token.length > 1000) return { ok: false, reason: 'not a Yardstick share token' }
  const [payload, sig, extra] = token.slice(PREFIX.length).split('.')
  if (!payload || !sig || extra !== undefined) return { ok: false, reason: 'the share token is malformed' }
  const expected = Buffer.from(sign(secret, payload))
  const given = Buffer.from(sig)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'the share token signature does not match' }
  let p: SharePayload
  try {
    p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SharePayload
  } catch {
    return { ok: false, reason: 'the share token is malformed' }
  }
  if (typeof p.initiative !== 'string' || typeof p.exp !== 'number') return { ok: false, reason: 'the share token is malformed' }
  if (p.exp * 1000 <= nowMs) return { ok: false, reason: `the share token expired on ${new Date(p.exp * 1000).toISOString()}; ask for a new one` }
  return { ok: true, payload: p }
}

/**
 * Reads `X-Yardstick-Share`: a valid token makes the request a read-only actor for its initiative
 * (GET only); an invalid or expired one is a 401.
 * @example api.use(authenticateShareToken(db, Date.now))
 */
export function authenticateShareToken(db: Db, clock: () => number): RequestHandler {
  return async function authenticateShareTokenMiddleware(req, _res, next) {
    const token = req.headers['x-yardstick-share']
    if (typeof token !== 'string' || token === '') return next()
    if (req.method !== 'GET' && req.method !== 'HEAD') return next(forbidden('a share token only reads; sign in or use an API key to change anything'))
    const r = verifyShareToken(await shareSecret(db, clock()), token.trim(), clock())
    if (!r.ok) return next(unauthorized(r.reason))
    if (!req.actor) req.actor = { kind: 'key', id: SHARE_ACTOR_ID, name: `share token (${r.payload.initiative})`, role: 'read', initiatives: new Set([r.payload.initiative]) }
    next()
  }
}

/**
 * Lets other sites' pages use the embeds: /embed.js may be loaded cross-origin, and the read API
 * answers cross-origin GETs that carry a key or a share token. Cookies are never accepted
 * cross-origin (no Allow-Credentials), so a signed-in session cannot be used by another site.
 * @example app.use(embedCors())
 */
export function embedCors(): RequestHandler {
  return function embedCorsMiddleware(req, res, next) {
    if (req.path === '/embed.js') {
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin')
      res.setHeader('Access-Control-Allow-Origin', '*')
      return next()
    }
    if (!req.path.startsWith('/api/v1/') || !req.headers.origin) return next()
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
