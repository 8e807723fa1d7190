import type { RequestHandler } from 'express'
import type { Db } from '../../db/connection.js'
import { findKeyByToken, hashToken, type KeyForAuth } from '../../db/queries/keys.js'
import { VersionedCache } from '../ingest/lookup-cache.js'
import { unauthorized } from '../errors.js'

/**
 * Reads `Authorization: Bearer <token>` and sets `req.actor` for a live key. A presented but unknown
 * or revoked token is a 401 at once; no header leaves the request anonymous for later guards.
 * @example app.use(authenticateKey(db))
 */
export function authenticateKey(db: Db): RequestHandler {
  const keys = new VersionedCache<KeyForAuth>(db)
  return async function authenticateKeyMiddleware(req, _res, next) {
    const header = req.headers.authorization
    if (header === undefined) return next()
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!m) return next(unauthorized('the Authorization header must be "Bearer <token>" with a Yardstick API key'))
    const token = m[1]
    const key = await keys.get(hashToken(token), () => findKeyByToken(db, token))
    if (!key) return next(unauthorized('unknown or revoked API key; create one with: npm run cli -- keys create --name NAME'))
    req.actor = { kind: 'key', id: key.id, name: key.name, role: key.role, initiatives: key.initiatives }
    next()
  }
}
