/**
 * Ingest, sign-in and governance: events (and their corrections), session, setup, users, keys, audit,
 * subscriptions, share tokens, the demo loader and the health check.
 */
import { z } from 'zod'
import { METRICS } from '../metric-kinds.js'
import { errorBody, instant, keyRole, slug, userRole } from './common.js'
import { AUDIT_ENTITIES } from '../audit-entities.js'

// ---- events

/** One event (CONTRACT.md "Ingest"); the route checks it with metrics/kinds.ts parseEvent. */
export const eventInput = z
  .object({
    id: z.string().min(1).max(128).optional().meta({ description: 'idempotency key, unique per initiative' }),
    initiative: slug,
    metric: z.enum(METRICS),
    occurredAt: instant,
    value: z.number().optional().meta({ description: 'not used by error_rate' }),
    unit: z.enum(['seconds', 'minutes', 'hours']).optional(),
    errors: z.number().int().min(0).optional(),
    total: z.number().int().min(1).optional(),
    currency: z.string().optional(),
    attributes: z.record(z.string(), z.string()).optional(),
  })
  .meta({ id: 'EventInput' })

export const eventsBody = z
  .union([eventInput, z.object({ events: z.array(eventInput) }), z.array(eventInput)])
  .meta({ id: 'EventsBody', description: 'one event, {"events": [...]}, or an array; or NDJSON (application/x-ndjson), one event a line' })

export const eventsAccepted = z.object({ accepted: z.number().int(), duplicates: z.number().int() }).meta({ id: 'EventsAccepted' })

export const eventDeleteBody = z.object({ reason: z.string().max(1000).optional() }).meta({ id: 'EventDelete' })
export const eventRangeDeleteBody = z
  .object({ initiative: slug, from: instant, to: instant, reason: z.string().min(1).max(1000) })
  .meta({ id: 'EventRangeDelete' })
export const eventDeleted = z.object({ deleted: z.number().int(), ids: z.array(z.number().int()) }).meta({ id: 'EventDeleted' })
export const eventRangeDeleted = z.object({ deleted: z.number().int(), from: instant, to: instant }).meta({ id: 'EventRangeDeleted' })

// ---- session and setup

export const signInBody = z.object({ email: z.string(), password: z.string() }).meta({ id: 'SignIn' })
export const setupBody = z.object({ token: z.string(), email: z.string(), password: z.string() }).meta({ id: 'Setup' })
export const sessionUser = z
  .object({ id: z.number().int(), email: z.string(), role: userRole, expiresAt: instant.optional() })
  .meta({ id: 'SessionUser', description: 'the signed-in user; expiresAt on sign-in and setup' })
export const setupState = z
  .object({
    needed: z.boolean().meta({ description: 'the first admin still has to be created' }),
    signedIn: z.boolean().meta({ description: 'this request carries a dashboard session' }),
    canRead: z.boolean().meta({ description: 'this request may read at all (a session, a read key or a share token)' }),
  })
  .meta({ id: 'SetupState' })

// ---- users

export const user = z
  .object({ id: z.number().int(), email: z.string(), role: userRole, disabled: z.boolean(), createdAt: instant, lastSignInAt: instant.nullable() })
  .meta({ id: 'User' })
export const userList = z.object({ users: z.array(user) }).meta({ id: 'UserList' })
export const userCreateBody = z.object({ email: z.email(), password: z.string(), role: userRole }).meta({ id: 'UserCreate' })
export const userPatchBody = z.object({ role: userRole.optional(), disabled: z.boolean().optional(), password: z.string().optional() }).meta({ id: 'UserPatch' })

// ---- keys

export const apiKey = z
  .object({
    id: z.number().int(),
    name: z.string(),
    prefix: z.string(),
    role: keyRole,
    /** Initiative slugs the key may use; null means all. */
    initiatives: z.array(z.string()).nullable(),
    createdAt: instant,
    lastUsedAt: instant.nullable(),
    revokedAt: instant.nullable(),
  })
  .meta({ id: 'ApiKey' })
export const keyList = z.object({ keys: z.array(apiKey) }).meta({ id: 'KeyList' })
export const keyCreateBody = z
  .object({ name: z.string().min(1).max(200), role: keyRole.optional(), initiatives: z.array(slug).min(1).nullable().optional() })
  .meta({ id: 'KeyCreate' })
export const keyCreated = z.object({ key: apiKey, token: z.string().meta({ description: 'shown in this answer only' }) }).meta({ id: 'KeyCreated' })
export const keyRevoked = z.object({ key: apiKey }).meta({ id: 'KeyRevoked' })

// ---- audit

export const auditEntry = z
  .object({ at: instant, actor: z.string(), action: z.string(), entity: z.string(), entityId: z.string(), before: z.unknown(), after: z.unknown() })
  .meta({ id: 'AuditEntry' })
export const auditList = z.object({ entries: z.array(auditEntry) }).meta({ id: 'AuditList' })
export const auditQuery = z.object({
  from: z.string().optional().meta({ description: 'ISO 8601 date or instant; inclusive' }),
  to: z.string().optional().meta({ description: 'ISO 8601 date or instant; exclusive' }),
  entity: z.enum(AUDIT_ENTITIES).optional(),
  entityId: z.string().optional(),
  limit: z.string().regex(/^\d+$/).optional().meta({ description: '1–10000, default 1000' }),
})

// ---- subscriptions

export const deliveryStatus = z.enum(['pending', 'sending', 'sent', 'uncertain', 'retrying', 'failed', 'cancelled']).meta({ id: 'DeliveryStatus' })
const period = z.object({ key: z.string(), from: instant, to: instant })
export const delivery = z
  .object({
    id: z.number().int(),
    subscriptionId: z.number().int(),
    period,
    kind: z.string(),
    recipient: z.string(),
    messageId: z.string(),
    status: deliveryStatus,
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    sentAt: instant.nullable(),
    nextAttemptAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Delivery' })

const subscriptionFields = {
  name: z.string(),
  recipients: z.array(z.string()),
  /** daily, weekly, monthly or a 5-field cron expression. */
  schedule: z.string().meta({ description: 'daily, weekly, monthly or a 5-field cron expression' }),
  /** Initiative slugs; empty means every initiative. */
  initiatives: z.array(z.string()),
  timezone: z.string(),
}
export const subscription = z
  .object({
    id: z.number().int(),
    ...subscriptionFields,
    createdBy: z.string(),
    createdAt: instant,
    updatedAt: instant,
    latestPeriod: period.nullable(),
    deliveries: z.array(delivery),
  })
  .meta({ id: 'Subscription' })
export const subscriptionList = z.object({ subscriptions: z.array(subscription) }).meta({ id: 'SubscriptionList' })
export const subscriptionBody = z
  .object({
    name: subscriptionFields.name,
    recipients: z.union([z.array(z.string()), z.string()]).meta({ description: 'addresses, as an array or comma-separated' }),
    schedule: subscriptionFields.schedule,
    initiatives: subscriptionFields.initiatives.optional(),
    timezone: z.string().optional(),
  })
  .meta({ id: 'SubscriptionInput' })
export const subscriptionPatchBody = subscriptionBody.partial().meta({ id: 'SubscriptionPatch' })

/** An OTLP receiver's error: a google.rpc.Status in OTLP/JSON, with the usual error object beside it. */
export const otlpError = errorBody
  .extend({ code: z.number().int().optional().meta({ description: 'gRPC status code (absent when a guard before the receiver answers, e.g. the read-only demo)' }), message: z.string().optional(), details: z.array(z.unknown()).optional() })
  .meta({ id: 'OtlpError', description: 'google.rpc.Status (protobuf when the request was protobuf), plus `error` as everywhere else' })

// ---- CSV imports (server/import)

const importProblem = z.object({ line: z.number().int(), column: z.string().nullable(), message: z.string() })
const importFields = {
  id: z.number().int(),
  fileName: z.string(),
  actor: z.string().meta({ description: 'who started it (email or key name)' }),
  dryRun: z.boolean(),
  status: z.enum(['running', 'done', 'failed']),
  bytesTotal: z.number().int(),
  bytesRead: z.number().int(),
  progress: z.number().min(0).max(1).meta({ description: '0…1: checking every row is the first half, storing the second' }),
  rowsRead: z.number().int(),
  accepted: z.number().int(),
  duplicates: z.number().int(),
  badRows: z.number().int(),
  message: z.string().nullable(),
  startedAt: instant,
  finishedAt: instant.nullable(),
}
export const importRecord = z.object({ ...importFields, problems: z.array(importProblem).meta({ description: 'the first problems found, by line and column' }) }).meta({ id: 'Import' })
export const importList = z.object({ imports: z.array(z.object(importFields)) }).meta({ id: 'ImportList' })
export const importQuery = z.object({
  dryRun: z.enum(['true', 'false', '1', '0']).optional().meta({ description: 'check every row, store nothing' }),
  name: z.string().max(200).optional().meta({ description: "the file's name, for the list" }),
})
/** The CSV file itself (text/csv); its columns are docs/API.md's "CSV import". */
export const importBody = z.string().meta({ id: 'CsvFile', description: 'a CSV file: header line initiative,metric,value,unit,occurredAt[,id,…]' })

// ---- share tokens, demo, health

export const shareTokenBody = z
  .object({ initiative: slug, expiresInDays: z.number().min(1).max(365).optional().meta({ description: 'default 30' }) })
  .meta({ id: 'ShareTokenCreate' })
/** A stored share token (the token itself appears only in the answer to POST). */
export const shareTokenRecord = z
  .object({
    id: z.number().int(),
    prefix: z.string().meta({ description: "the token's first 15 characters (ys_share_ + 6), to recognise it" }),
    initiative: slug,
    createdBy: z.string().meta({ description: "the minter's email or key name" }),
    createdByKind: z.enum(['user', 'key']),
    createdAt: instant,
    expiresAt: instant,
    revokedAt: instant.nullable(),
    revokedBy: z.string().nullable(),
    status: z.enum(['active', 'expired', 'revoked']).meta({ description: 'as stored; a token whose minter lost the right also answers 401 when used' }),
  })
  .meta({ id: 'ShareTokenRecord' })
export const shareToken = shareTokenRecord.extend({ token: z.string().meta({ description: 'shown once; send it as X-Yardstick-Share' }) }).meta({ id: 'ShareToken' })
export const shareTokenList = z.object({ shareTokens: z.array(shareTokenRecord) }).meta({ id: 'ShareTokenList' })
export const shareTokenRevoked = z.object({ shareToken: shareTokenRecord }).meta({ id: 'ShareTokenRevoked' })
export const shareTokenListQuery = z.object({ initiative: slug.optional() })

export const demoStatus = z.object({ demo: z.boolean(), readOnly: z.boolean(), message: z.string().nullable() }).meta({ id: 'DemoStatus' })
export const demoBody = z.object({ days: z.number().int().min(1).optional().meta({ description: 'days of events, default 365' }) }).meta({ id: 'DemoLoad' })
export const demoLoaded = z.object({ initiatives: z.array(z.string()), events: z.number().int(), rolledUp: z.boolean() }).meta({ id: 'DemoLoaded' })

export const health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' })
export const healthDown = errorBody.extend({ status: z.literal('unavailable') }).meta({ id: 'HealthUnavailable' })

export type EventInput = z.input<typeof eventInput>
export type EventsAccepted = z.infer<typeof eventsAccepted>
export type SessionUser = z.infer<typeof sessionUser>
export type User = z.infer<typeof user>
export type ApiKeyInfo = z.infer<typeof apiKey>
export type AuditEntry = z.infer<typeof auditEntry>
export type DeliveryStatus = z.infer<typeof deliveryStatus>
export type Delivery = z.infer<typeof delivery>
export type Subscription = z.infer<typeof subscription>
export type SubscriptionInput = z.input<typeof subscriptionBody>
export type ShareToken = z.infer<typeof shareToken>
export type ShareTokenRecord = z.infer<typeof shareTokenRecord>

export const eventDeleteQuery = z.object({ initiative: slug.optional().meta({ description: "look the id up in this initiative's events only" }) })
