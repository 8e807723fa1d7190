/**
 * Cross-site request forgery defence for cookie sessions: a change (POST, PUT, PATCH, DELETE) that is
 * not authenticated by an API key must come from the dashboard's own origin.
 */
import type { Request, RequestHandler } from 'express'
import type { Config } from '../config.js'
import { forbidden } from '../errors.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The origins this request may come from: its own Host (and forwarded host behind a trusted proxy) and PUBLIC_URL. */
export function ownOrigins(req: Request, publicUrl: string): Set<string> {
  const out = new Set<string>([new URL(publicUrl).origin])
  const proto = req.protocol
  if (req.headers.host) out.add(`${proto}://${req.headers.host}`.toLowerCase())
  if (req.host) out.add(`${proto}://${req.host}`.toLowerCase())
  return out
}

/**
 * Refuses with 403 a change whose `Origin` is not the dashboard's own or, without `Origin`, whose
 * `Sec-Fetch-Site` is other than `same-origin` or `none`. Requests with an API key are exempt (a key
 * is never sent by a browser on its own); requests with neither header (scripts, curl) pass, as
 * SameSite=Lax already keeps the cookie off cross-site posts from browsers that send neither.
 * @example api.use(requireSameOrigin(config))
 */
export function requireSameOrigin(config: Pick<Config, 'publicUrl'>): RequestHandler {
  return function requireSameOriginMiddleware(req, _res, next) {
    if (SAFE_METHODS.has(req.method) || req.actor?.kind === 'key') return next()
    const origin = req.headers.origin
    if (origin !== undefined) {
      if (ownOrigins(req, config.publicUrl).has(origin.toLowerCase())) return next()
      return next(forbidden(`cross-origin change refused: Origin "${origin}" is not this dashboard's origin; make changes from the dashboard itself, or use an API key (Authorization: Bearer ...) from scripts`))
    }
    const site = req.headers['sec-fetch-site']
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      return next(forbidden(`cross-site change refused (Sec-Fetch-Site: ${site}); make changes from the dashboard itself, or use an API key from scripts`))
    }
    next()
  }
}
