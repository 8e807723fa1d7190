/**
 * Corrections (permission `events:delete`: admins and admin keys), each call one audit entry:
 *   DELETE /api/v1/events/:id[?initiative=slug]  body (optional) {reason}
 *       `:id` is the event's own `id` (the idempotency id it was sent with); with `initiative` it is
 *       looked up in that initiative only. Without a match, a whole number is taken as the stored id.
 *       → {deleted, ids}
 *   POST   /api/v1/events/delete {initiative, from, to, reason}: every event of that initiative with
 *       occurredAt in [from, to) → {deleted, from, to}
 * The rollup buckets the deleted events were folded into are recomputed from the remaining events in
 * the same transaction (server/rollup/refold.ts), so /summary and /series are right at once. Months
 * before the prune horizon cannot be corrected (409): their raw events are gone.
 */
import { Router } from 'express'
import { textProblem } from '../../metrics/text.js'
import { writeTransaction, type Db, type Tx } from '../../db/connection.js'
import { recordAudit } from '../../db/queries/audit.js'
import { deleteEventsByIds, deleteEventsInRange, findEventById, findEventsByClientId, findEventSpan, type EventRef } from '../../db/queries/event-deletions.js'
import { findPruneHorizon } from '../../db/queries/retention.js'
import { findInitiativeFields } from '../../db/queries/initiatives.js'
import { bucketStart } from '../../metrics/time-buckets.js'
import { actorName, canUseInitiative, requirePermission } from '../auth/actor.js'
import type { Config } from '../config.js'
import { conflict, forbidden, notFound, unprocessable, type ErrorDetail } from '../errors.js'
import { recomputeBuckets } from '../rollup/refold.js'
import { eventDeleted, eventRangeDeleted } from '../../metrics/api/schemas.js'
import { send } from './answer.js'

const MAX_IDS_IN_AUDIT = 1000

/**
 * Refuses a correction that reaches before the prune horizon: the raw events of those months are
 * gone, so their rollup buckets (their only record) could not be recomputed.
 */
async function refuseBeforePruneHorizon(tx: Tx, earliest: number, timezone: string): Promise<void> {
  const horizon = await findPruneHorizon(tx)
  if (horizon && bucketStart(earliest, 'month', timezone) < horizon.before) {
    const h = new Date(horizon.before).toISOString()
    throw conflict(`raw events before ${h} were pruned, so the rollup buckets of this correction (from ${new Date(earliest).toISOString()}) cannot be recomputed and would lose that history; nothing was deleted. Correct only events from ${h} on`)
  }
}

function reasonOf(v: unknown, required: boolean, details: ErrorDetail[]): string | null {
  if (v === undefined || v === null || v === '') {
    if (required) details.push({ field: 'reason', message: 'is required: say why these events are deleted (kept in the audit log)' })
    return null
  }
  const problem = typeof v === 'string' ? textProblem(v, { max: 1000, multiline: true }) : 'must be text of at most 1000 characters'
  if (problem) {
    details.push({ field: 'reason', message: problem })
    return null
  }
  return (v as string).trim()
}

function instantOf(v: unknown, field: string, details: ErrorDetail[]): number {
  const t = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(v) ? Date.parse(v) : NaN
  if (Number.isNaN(t)) details.push({ field, message: 'must be an ISO 8601 instant with an offset, e.g. 2026-11-01T00:00:00Z' })
  return t
}

export function eventCorrectionsRouter(deps: { db: Db; config: Config; clock: () => number }): Router {
  const { db, config, clock } = deps
  const router = Router()

  router.post('/delete', requirePermission('events:delete', 'filtered'), async (req, res) => {
    const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>
    const details: ErrorDetail[] = []
    const slug = typeof b.initiative === 'string' && b.initiative !== '' ? b.initiative : ''
    if (slug === '') details.push({ field: 'initiative', message: 'is required: the slug of the initiative whose events go' })
    const from = instantOf(b.from, 'from', details)
    const to = instantOf(b.to, 'to', details)
    if (!Number.isNaN(from) && !Number.isNaN(to) && to <= from) details.push({ field: 'to', message: 'must be after from (the range is [from, to))' })
    const reason = reasonOf(b.reason, true, details)
    if (details.length > 0) throw unprocessable('the deletion is invalid; nothing was deleted', details)
    if (!canUseInitiative(req.actor!, slug)) throw forbidden(`this API key may not change "${slug}"`)
    const result = await writeTransaction(db, async (tx) => {
      const initiative = await findInitiativeFields(tx, slug)
      if (!initiative) throw notFound(`no initiative "${slug}"`)
      await refuseBeforePruneHorizon(tx, from, config.timezone)
      const span = await findEventSpan(tx, initiative.id, from, to)
      let ids: number[] | undefined
      if (span.count > 0 && span.count <= MAX_IDS_IN_AUDIT) {
        ids = (await tx.selectFrom('events').select('id').where('initiative_id', '=', initiative.id).where('occurred_at', '>=', from).where('occurred_at', '<', to).orderBy('id').execute()).map((r) => r.id)
      }
      const deleted = await deleteEventsInRange(tx, initiative.id, from, to)
      if (deleted > 0) await recomputeBuckets(tx, { initiativeId: initiative.id, from: span.minOccurredAt!, to: span.maxOccurredAt! + 1, timezone: config.timezone })
      const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() }
      await recordAudit(tx, {
        at: clock(),
        actor: actorName(req.actor!),
        action: 'delete',
        entity: 'event',
        entityId: `${slug}:${range.from}..${range.to}`,
        before: { initiative: slug, ...range, count: deleted, ...(ids ? { ids } : { idRange: [span.minId, span.maxId] }) },
        after: { deleted, reason },
      })
      return { deleted, ...range }
    })
    send(res, eventRangeDeleted, result)
  })

  router.delete('/:id', requirePermission('events:delete', 'filtered'), async (req, res) => {
    const ref = String(req.params.id)
    const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>
    const details: ErrorDetail[] = []
    const reason = reasonOf(b.reason ?? req.query.reason, false, details)
    if (details.length > 0) throw unprocessable('the deletion is invalid; nothing was deleted', details)
    const slug = typeof req.query.initiative === 'string' && req.query.initiative !== '' ? req.query.initiative : null
    const result = await writeTransaction(db, async (tx) => {
      let initiativeId: number | undefined
      if (slug !== null) {
        const i = canUseInitiative(req.actor!, slug) ? await findInitiativeFields(tx, slug) : undefined
        if (!i) throw notFound(`no initiative "${slug}"`)
        initiativeId = i.id
      }
      let events: EventRef[] = await findEventsByClientId(tx, ref, initiativeId)
      if (events.length > 1) throw conflict(`${events.length} initiatives have an event with id "${ref}"; add ?initiative=SLUG to say which`)
      if (events.length === 0 && /^[1-9]\d{0,15}$/.test(ref)) {
        const byStoredId = await findEventById(tx, Number(ref))
        if (byStoredId && (initiativeId === undefined || byStoredId.initiativeId === initiativeId)) events = [byStoredId]
      }
      const event = events[0]
      if (!event) throw notFound(`no event with id "${ref}"${slug ? ` in "${slug}"` : ''}`)
      const initiative = await tx.selectFrom('initiatives').select('slug').where('id', '=', event.initiativeId).executeTakeFirstOrThrow()
      if (!canUseInitiative(req.actor!, initiative.slug)) throw notFound(`no event with id "${ref}"`)
      await refuseBeforePruneHorizon(tx, event.occurredAt, config.timezone)
      const deleted = await deleteEventsByIds(tx, [event.id])
      await recomputeBuckets(tx, { initiativeId: event.initiativeId, from: event.occurredAt, to: event.occurredAt + 1, timezone: config.timezone })
      await recordAudit(tx, {
        at: clock(),
        actor: actorName(req.actor!),
        action: 'delete',
        entity: 'event',
        entityId: String(event.id),
        before: { initiative: initiative.slug, count: deleted, ids: [event.id], clientId: event.clientId, occurredAt: new Date(event.occurredAt).toISOString() },
        after: { deleted, reason },
      })
      return { deleted, ids: [event.id] }
    })
    send(res, eventDeleted, result)
  })

  return router
}
