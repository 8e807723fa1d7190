import type { Tx } from '../connection.js'

export type AuditEntity = 'initiative' | 'key' | 'user' | 'subscription' | 'event' | 'share_token' | 'alert_rule' | 'webhook' | 'assessment'

export interface AuditInput {
  at: number
  /** A user's email, a key's name, or `cli`. */
  actor: string
  action: string
  entity: AuditEntity
  entityId: string | number
  before?: unknown
  after?: unknown
}

export interface AuditEntry {
  at: string
  actor: string
  action: string
  entity: string
  entityId: string
  before: unknown
  after: unknown
}

/**
 * Appends one entry to the audit log, inside the caller's transaction so that the change and its
 * record commit together.
 * @example await recordAudit(tx, { at: now, actor: 'cli', action: 'create', entity: 'key', entityId: 3, after: key })
 */
export async function recordAudit(tx: Tx, e: AuditInput): Promise<void> {
  await tx
    .insertInto('audit_log')
    .values({
      at: e.at,
      actor: e.actor,
      action: e.action,
      entity: e.entity,
      entity_id: String(e.entityId),
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
    })
    .execute()
}

/**
 * Audit entries, newest first, optionally within [from, to) and for one entity type.
 * @example await findAudit(db, { entity: 'initiative', limit: 100 })
 */
export async function findAudit(tx: Tx, q: { from?: number; to?: number; entity?: string; entityId?: string; limit?: number }): Promise<AuditEntry[]> {
  let query = tx.selectFrom('audit_log').selectAll()
  if (q.from !== undefined) query = query.where('at', '>=', q.from)
  if (q.to !== undefined) query = query.where('at', '<', q.to)
  if (q.entity !== undefined) query = query.where('entity', '=', q.entity)
  if (q.entityId !== undefined) query = query.where('entity_id', '=', q.entityId)
  const rows = await query.orderBy('id', 'desc').limit(q.limit ?? 1000).execute()
  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before === null ? null : JSON.parse(r.before),
    after: r.after === null ? null : JSON.parse(r.after),
  }))
}
