/**
 * API keys over HTTP, for admins (permission `keys:manage`); the same rules as the `keys` CLI.
 *   GET    /api/v1/keys → {keys: [{id, name, prefix, role, initiatives, createdAt, lastUsedAt, revokedAt}]}
 *   POST   /api/v1/keys {name, role?: ingest|read|admin (default ingest), initiatives?: [slug] | null}
 *          (an admin key cannot be scoped: 422)
 *          → 201 {key, token}: the token is in this answer only
 *   DELETE /api/v1/keys/:id → {key}: revoked at once
 */
import { Router } from 'express'
import { textProblem } from '../../metrics/text.js'
import { writeTransaction, type Db } from '../../db/connection.js'
import { findInitiativeFields } from '../../db/queries/initiatives.js'
import { createKey, KEY_ROLES, listKeys, revokeKey, type KeyRole } from '../../db/queries/keys.js'
import { actorName, coversInitiatives, keyScopeProblem, requirePermission } from '../auth/actor.js'
import type { Config } from '../config.js'
import { notFound, unprocessable, type ErrorDetail } from '../errors.js'
import { keyCreated, keyList, keyRevoked } from '../../metrics/api/schemas.js'
import { send } from './answer.js'

export function keysRouter(deps: { db: Db; config: Config; clock: () => number }): Router {
  const { db, clock } = deps
  const router = Router()

  router.get('/', requirePermission('keys:manage', 'unscoped'), async (_req, res) => {
    send(res, keyList, { keys: await listKeys(db) })
  })

  router.post('/', requirePermission('keys:manage', 'unscoped'), async (req, res) => {
    const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>
    const details: ErrorDetail[] = []
    const name = typeof b.name === 'string' ? b.name.trim() : ''
    if (name === '') details.push({ field: 'name', message: 'is required: one line of at most 200 characters' })
    else {
      const problem = textProblem(name, { max: 200 })
      if (problem) details.push({ field: 'name', message: problem })
    }
    const role = (b.role ?? 'ingest') as KeyRole
    if (!KEY_ROLES.includes(role)) details.push({ field: 'role', message: `must be one of ${KEY_ROLES.join(', ')}` })
    let initiatives: string[] | null = null
    if (b.initiatives !== undefined && b.initiatives !== null) {
      if (!Array.isArray(b.initiatives) || b.initiatives.length === 0 || !b.initiatives.every((s) => typeof s === 'string' && s !== '')) {
        details.push({ field: 'initiatives', message: 'must be a non-empty array of initiative slugs, or null for every initiative' })
      } else initiatives = [...new Set(b.initiatives as string[])]
    }
    for (const k of Object.keys(b).filter((k) => !['name', 'role', 'initiatives'].includes(k))) details.push({ field: k, message: 'is not a key field (name, role, initiatives)' })
    const scopeProblem = KEY_ROLES.includes(role) ? keyScopeProblem(role, initiatives) : null
    if (scopeProblem) details.push({ field: 'initiatives', message: scopeProblem })
    // A key never reaches further than whoever makes it (only unscoped callers manage keys today).
    if (!coversInitiatives(req.actor!, initiatives)) details.push({ field: 'initiatives', message: 'must lie inside your own scope' })
    if (details.length > 0) throw unprocessable('the key is invalid; nothing was created', details)
    const result = await writeTransaction(db, async (tx) => {
      const missing: ErrorDetail[] = []
      for (const s of initiatives ?? []) if (!(await findInitiativeFields(tx, s))) missing.push({ field: 'initiatives', message: `no initiative "${s}"` })
      if (missing.length > 0) throw unprocessable('the key names initiatives that do not exist; nothing was created', missing)
      return createKey(tx, { name, role, initiatives }, { actor: actorName(req.actor!), at: clock() })
    })
    res.setHeader('Cache-Control', 'no-store')
    send(res, keyCreated, result, 201)
  })

  router.delete('/:id', requirePermission('keys:manage', 'unscoped'), async (req, res) => {
    const id = Number(req.params.id)
    const key = Number.isInteger(id) && id > 0 ? await writeTransaction(db, (tx) => revokeKey(tx, id, { actor: actorName(req.actor!), at: clock() })) : undefined
    if (!key) throw notFound(`no key with id "${String(req.params.id)}" (see GET /api/v1/keys)`)
    send(res, keyRevoked, { key })
  })

  return router
}
