/**
 * `POST /api/v1/share-tokens` `{"initiative": slug, "expiresInDays"?: 1–365 (default 30)}` → 201
 * `{"token", "initiative", "expiresAt"}`: a signed, expiring token that lets an embedded chart read one
 * initiative (send it as `X-Yardstick-Share`, or in the `share-token` attribute of the embeds).
 */
import { Router } from 'express'
import type { Db } from '../../db/connection.js'
import { findInitiativeFields } from '../../db/queries/initiatives.js'
import { canUseInitiative, requirePermission } from '../auth/actor.js'
import { createShareToken, shareSecret, SHARE_ACTOR_ID } from '../auth/share-token.js'
import { forbidden, notFound, unprocessable } from '../errors.js'
import { shareToken } from '../../metrics/api/schemas.js'
import { send } from './answer.js'

export function shareRouter(deps: { db: Db; clock: () => number }): Router {
  const router = Router()
  router.post('/', requirePermission('read'), async (req, res) => {
    const actor = req.actor!
    if (actor.kind === 'key' && actor.id === SHARE_ACTOR_ID) throw forbidden('a share token cannot issue share tokens')
    const body = (req.body ?? {}) as { initiative?: unknown; expiresInDays?: unknown }
    const details = []
    if (typeof body.initiative !== 'string' || body.initiative === '') details.push({ field: 'initiative', message: 'must be an initiative slug' })
    const days = body.expiresInDays ?? 30
    if (typeof days !== 'number' || !Number.isFinite(days) || days <= 0 || days > 365) details.push({ field: 'expiresInDays', message: 'must be a number of days from 1 to 365' })
    if (details.length) throw unprocessable('the share token request is invalid', details)
    const slug = body.initiative as string
    if (!canUseInitiative(actor, slug) || !(await findInitiativeFields(deps.db, slug))) throw notFound(`no initiative "${slug}"`)
    const now = deps.clock()
    const exp = Math.floor(now / 1000 + (days as number) * 86_400)
    const token = createShareToken(await shareSecret(deps.db, now), { initiative: slug, exp })
    send(res, shareToken, { token, initiative: slug, expiresAt: new Date(exp * 1000).toISOString() }, 201)
  })
  return router
}
