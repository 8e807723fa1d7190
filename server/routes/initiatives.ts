import { Router } from 'express'
import type { Db } from '../../db/connection.js'
import { writeTransaction } from '../../db/connection.js'
import { countEvents } from '../../db/queries/events.js'
import { createInitiative, findInitiative, findInitiativeFields, listInitiatives, updateInitiative } from '../../db/queries/initiatives.js'
import { actorName, canUseInitiative, requirePermission } from '../auth/actor.js'
import type { Config } from '../config.js'
import { conflict, notFound, unprocessable } from '../errors.js'
import { parseCreateInitiative, parsePatchInitiative } from './initiative-input.js'
import { amendWithFields, gateProductionMove } from '../readiness/gate.js'
import { initiative, initiativeList } from '../../metrics/api/schemas.js'
import { send } from './answer.js'

export function initiativesRouter(deps: { db: Db; config: Config; clock: () => number }): Router {
  const { db, config, clock } = deps
  const router = Router()

  router.get('/', requirePermission('read', 'filtered'), async (req, res) => {
    const all = await listInitiatives(db)
    send(res, initiativeList, { initiatives: all.filter((i) => canUseInitiative(req.actor!, i.slug)) })
  })

  router.post('/', requirePermission('initiatives:write', 'unscoped'), async (req, res) => {
    const parsed = parseCreateInitiative(req.body, config.timezone, clock())
    if (!parsed.ok) throw unprocessable('the initiative is invalid; nothing was stored', parsed.details)
    const created = await writeTransaction(db, async (tx) => {
      if (await findInitiativeFields(tx, parsed.value.slug)) throw conflict(`an initiative with slug "${parsed.value.slug}" already exists; PATCH /api/v1/initiatives/${parsed.value.slug} changes it`)
      return createInitiative(tx, parsed.value, { actor: actorName(req.actor!), at: clock() })
    })
    send(res, initiative, created, 201)
  })

  router.get('/:slug', requirePermission('read', 'slug'), async (req, res) => {
    const slug = String(req.params.slug)
    const found = canUseInitiative(req.actor!, slug) ? await findInitiative(db, slug) : undefined
    if (!found) throw notFound(`no initiative "${slug}"`)
    send(res, initiative, found)
  })

  router.patch('/:slug', requirePermission('initiatives:write', 'slug'), async (req, res) => {
    const slug = String(req.params.slug)
    const updated = await writeTransaction(db, async (tx) => {
      const current = await findInitiativeFields(tx, slug)
      if (!current) throw notFound(`no initiative "${slug}"`)
      // `override` belongs to the readiness gate (server/readiness/gate.ts), not to the initiative.
      const isObject = typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body)
      const { override, ...rest } = isObject ? (req.body as Record<string, unknown>) : {}
      const parsed = parsePatchInitiative(isObject ? rest : req.body, current.currency, config.timezone)
      if (!parsed.ok) throw unprocessable('the change is invalid; nothing was changed', parsed.details)
      const { reason, ...patch } = parsed.value
      let stageReason = reason ?? null
      if (patch.stage === 'production' && current.stage !== 'production') {
        const next: typeof current = { ...current, ...(Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<typeof current>) }
        const gate = await gateProductionMove(tx, { slug, amend: (i) => amendWithFields(i, next), actor: req.actor!, override, timezone: config.timezone, now: clock(), months: config.readinessMonths })
        if (gate.overridden && stageReason === null) stageReason = `override: ${gate.overridden.reason}`
      } else if (override !== undefined) {
        throw unprocessable('override applies only to a move to production; nothing was changed', [{ field: 'override', message: 'send override only with {"stage": "production"} for an initiative not yet in production' }])
      }
      if (patch.currency !== undefined && patch.currency !== current.currency && (await countEvents(tx, current.id)) > 0) {
        throw conflict(`the currency cannot change once events are stored (they are in ${current.currency}); create a new initiative for ${patch.currency}`)
      }
      return updateInitiative(tx, slug, patch, { actor: actorName(req.actor!), at: clock(), reason: stageReason })
    })
    send(res, initiative, updated)
  })

  return router
}
