/**
 * GET /api/v1/audit?from=ISO&to=ISO&entity=initiative|key|user|subscription|event|share_token|alert_rule|webhook|assessment&entityId=X&limit=N
 * (permission `audit:read`: admins and admin keys) → {entries: [{at, actor, action, entity, entityId,
 * before, after}]}, newest first; `from` inclusive, `to` exclusive; limit 1–10000, default 1000.
 */
import { Router } from 'express'
import type { Db } from '../../db/connection.js'
import { findAudit } from '../../db/queries/audit.js'
import { requirePermission } from '../auth/actor.js'
import { badRequest, type ErrorDetail } from '../errors.js'
import { auditList } from '../../metrics/api/schemas.js'
import { send } from './answer.js'
import { AUDIT_ENTITIES } from '../../metrics/audit-entities.js'

const ENTITIES: readonly string[] = AUDIT_ENTITIES

export function auditRouter(deps: { db: Db }): Router {
  const router = Router()
  router.get('/', requirePermission('audit:read', 'unscoped'), async (req, res) => {
    const q = req.query as Record<string, unknown>
    const details: ErrorDetail[] = []
    const instant = (name: string): number | undefined => {
      const v = q[name]
      if (v === undefined || v === '') return undefined
      const t = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN
      if (Number.isNaN(t)) details.push({ field: name, message: 'must be an ISO 8601 date or instant, e.g. 2026-11-01T00:00:00Z' })
      return t
    }
    const from = instant('from')
    const to = instant('to')
    const entity = q.entity === undefined || q.entity === '' ? undefined : String(q.entity)
    if (entity !== undefined && !ENTITIES.includes(entity)) details.push({ field: 'entity', message: `must be one of ${ENTITIES.join(', ')}` })
    const entityId = q.entityId === undefined || q.entityId === '' ? undefined : String(q.entityId)
    let limit = 1000
    if (q.limit !== undefined && q.limit !== '') {
      limit = Number(q.limit)
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) details.push({ field: 'limit', message: 'must be a whole number from 1 to 10000' })
    }
    if (details.length > 0) throw badRequest('the audit query is invalid', details)
    send(res, auditList, { entries: await findAudit(deps.db, { from, to, entity, entityId, limit }) })
  })
  return router
}
