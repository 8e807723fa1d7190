/**
 * Share tokens (permission `share:manage`: editors, admins and admin keys; a scoped caller only for
 * initiatives in its scope):
 *   POST   /api/v1/share-tokens {initiative, expiresInDays?: 1–365 (default 30)} → 201 {id, token,
 *          initiative, expiresAt, createdBy, createdAt, ...}: the token is in this answer only; send it as
 *          `X-Yardstick-Share` or in the `share-token` attribute of the embeds
 *   GET    /api/v1/share-tokens[?initiative=slug] → {shareTokens: [{id, prefix, initiative, createdBy,
 *          createdByKind, createdAt, expiresAt, revokedAt, revokedBy, status}]}, newest first
 *   DELETE /api/v1/share-tokens/:id → {shareToken}: revoked at once
 * Minting and revoking are audited (entity `share_token`). A token also ends when its minter loses the
 * right to mint it (server/auth/share-token.ts).
 */
import { Router } from 'express'
import { writeTransaction, type Db } from '../../db/connection.js'
import { findInitiativeFields } from '../../db/queries/initiatives.js'
import { createShareToken, findShareToken, listShareTokens, revokeShareToken, type ShareMinter, type ShareTokenRecord } from '../../db/queries/share-tokens.js'
import { SLUG_PATTERN } from '../../metrics/kinds.js'
import { actorName, canUseInitiative, requirePermission, scopeOf, type Actor } from '../auth/actor.js'
import { forbidden, notFound, unprocessable, type ErrorDetail } from '../errors.js'
import { shareToken, shareTokenList, shareTokenRevoked } from '../../metrics/api/schemas.js'
import { send } from './answer.js'

const DAY = 86_400_000

/** 'active', 'revoked' or 'expired' as stored (a token whose minter lost the right also stops: see SECURITY.md). */
function withStatus(r: ShareTokenRecord, now: number) {
  return { ...r, status: r.revokedAt !== null ? ('revoked' as const) : Date.parse(r.expiresAt) <= now ? ('expired' as const) : ('active' as const) }
}

function minterOf(a: Actor): ShareMinter {
  if (a.kind === 'user') return { kind: 'user', id: a.id, name: a.email }
  if (a.kind === 'key') return { kind: 'key', id: a.id, name: a.name }
  throw forbidden('share tokens are minted by a signed-in editor or admin, or an admin key')
}

export function shareRouter(deps: { db: Db; clock: () => number }): Router {
  const { db, clock } = deps
  const router = Router()

  router.post('/', requirePermission('share:manage', 'filtered'), async (req, res) => {
    const actor = req.actor!
    const body = (typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? req.body : {}) as Record<string, unknown>
    const details: ErrorDetail[] = []
    if (typeof body.initiative !== 'string' || !SLUG_PATTERN.test(body.initiative)) details.push({ field: 'initiative', message: 'must be an initiative slug' })
    const days = body.expiresInDays ?? 30
    if (typeof days !== 'number' || !Number.isFinite(days) || days <= 0 || days > 365) details.push({ field: 'expiresInDays', message: 'must be a number of days from 1 to 365' })
    for (const k of Object.keys(body).filter((k) => k !== 'initiative' && k !== 'expiresInDays')) details.push({ field: k, message: 'is not a share token field (initiative, expiresInDays)' })
    if (details.length) throw unprocessable('the share token request is invalid; nothing was created', details)
    const slug = body.initiative as string
    const now = clock()
    const minted = await writeTransaction(db, async (tx) => {
      const i = canUseInitiative(actor, slug) ? await findInitiativeFields(tx, slug) : undefined
      if (!i) throw notFound(`no initiative "${slug}"`)
      return createShareToken(tx, { initiativeId: i.id, expiresAt: now + Math.round((days as number) * DAY), minter: minterOf(actor) }, now)
    })
    res.setHeader('Cache-Control', 'no-store')
    send(res, shareToken, { ...withStatus(minted.record, now), token: minted.token }, 201)
  })

  router.get('/', requirePermission('share:manage', 'filtered'), async (req, res) => {
    const q = req.query as Record<string, unknown>
    const scope = scopeOf(req.actor!)
    let slugs: string[] | null = scope === null ? null : [...scope]
    if (typeof q.initiative === 'string' && q.initiative !== '') slugs = (slugs ?? [q.initiative]).filter((s) => s === q.initiative)
    const now = clock()
    send(res, shareTokenList, { shareTokens: (await listShareTokens(db, slugs)).map((r) => withStatus(r, now)) })
  })

  router.delete('/:id', requirePermission('share:manage', 'filtered'), async (req, res) => {
    const id = Number(req.params.id)
    const missing = () => notFound(`no share token with id "${String(req.params.id).slice(0, 40)}" (see GET /api/v1/share-tokens)`)
    if (!Number.isInteger(id) || id < 1) throw missing()
    const now = clock()
    const revoked = await writeTransaction(db, async (tx) => {
      const found = await findShareToken(tx, id)
      if (!found || !canUseInitiative(req.actor!, found.initiative)) return undefined
      return revokeShareToken(tx, id, { actor: actorName(req.actor!), at: now })
    })
    if (!revoked) throw missing()
    send(res, shareTokenRevoked, { shareToken: withStatus(revoked, now) })
  })

  return router
}

