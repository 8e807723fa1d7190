/**
 * What the audit log records changes to: one table, read by the API's schema and query check, the
 * audit page's filter and the sentences it writes ("created share link 3").
 */
export const AUDIT_ENTITY_TABLE = {
  initiative: { one: 'initiative', filter: 'Initiatives' },
  subscription: { one: 'email subscription', filter: 'Email subscriptions' },
  user: { one: 'user', filter: 'Users' },
  key: { one: 'API key', filter: 'API keys' },
  share_token: { one: 'share link', filter: 'Share and embed links' },
  alert_rule: { one: 'alert rule', filter: 'Alert rules' },
  webhook: { one: 'webhook', filter: 'Webhooks' },
  assessment: { one: 'assessment', filter: 'Assessments' },
  event: { one: 'events', filter: 'Event deletions' },
} as const satisfies Record<string, { one: string; filter: string }>

export type AuditEntity = keyof typeof AUDIT_ENTITY_TABLE

export const AUDIT_ENTITIES = Object.keys(AUDIT_ENTITY_TABLE) as [AuditEntity, ...AuditEntity[]]
