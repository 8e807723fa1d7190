/**
 * Every route of the HTTP API with its parameters, body and answers: the one table the OpenAPI
 * document (metrics/api/openapi.ts), the reference page and the tests' response validation read.
 * Adding a route = one entry here (its schemas beside the others in metrics/api/); see docs/API.md.
 */
import { z } from 'zod'
import { errorBody, slug } from './common.js'
import * as al from './alerts.js'
import * as asm from './assessment.js'
import * as gov from './governance.js'
import * as ini from './initiatives.js'
import * as out from './outcomes.js'
import * as rd from './readiness.js'

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete'

/** One answer: its description and body schema (none for a body-less answer such as 204). */
export interface ApiAnswer {
  description: string
  schema?: z.ZodType
}

export interface ApiRoute {
  method: HttpMethod
  /** OpenAPI style, parameters in braces: `/api/v1/initiatives/{slug}`. */
  path: string
  summary: string
  /** Area, for grouping in the reference (OpenAPI tag). */
  tag: 'Ingest' | 'Alerts' | 'Outcomes' | 'Initiatives' | 'Readiness' | 'Session' | 'Administration' | 'Email' | 'Embedding' | 'Operations'
  /** The guard's permission (server/auth/actor.ts): `public`, `signed-in`, `read`, `initiatives:write`, …; the route-matrix test holds routes to it. */
  access: string
  /** Path parameters, by name (default: a plain string). */
  params?: Record<string, z.ZodType>
  query?: z.ZodObject
  body?: z.ZodType
  /** Content types the body may also come in, besides application/json. */
  bodyTypes?: string[]
  /** Answers by status; any other 4xx/5xx is the one error shape (`Error`). */
  responses: Record<number, ApiAnswer>
  /** The error shape when it is not `Error` (the OTLP receiver answers as the protocol says). */
  errors?: z.ZodType
}

export const API_ROUTES: ApiRoute[] = [
  // Ingest
  { method: 'post', path: '/api/v1/events', tag: 'Ingest', access: 'events:write', summary: 'Send events (one, a batch, or NDJSON); acknowledged only once durably committed', body: gov.eventsBody, bodyTypes: ['application/x-ndjson'], responses: { 202: { description: 'every event committed (duplicates counted once)', schema: gov.eventsAccepted } } },
  { method: 'post', path: '/api/v1/events/delete', tag: 'Ingest', access: 'events:delete', summary: "Delete an initiative's events in [from, to) (audited; rollups recomputed)", body: gov.eventRangeDeleteBody, responses: { 200: { description: 'deleted', schema: gov.eventRangeDeleted } } },
  { method: 'delete', path: '/api/v1/events/{id}', tag: 'Ingest', access: 'events:delete', summary: 'Delete one event by the id it was sent with (or its stored id)', query: gov.eventDeleteQuery, body: gov.eventDeleteBody, responses: { 200: { description: 'deleted', schema: gov.eventDeleted } } },

  { method: 'post', path: '/api/v1/otlp/v1/metrics', tag: 'Ingest', access: 'events:write', summary: 'OpenTelemetry metrics (OTLP/HTTP, protobuf or JSON, gzip allowed); also at /v1/metrics. Names and attributes: docs/OPENTELEMETRY.md', body: z.unknown().meta({ description: 'ExportMetricsServiceRequest' }), bodyTypes: ['application/x-protobuf'], responses: { 200: { description: 'ExportMetricsServiceResponse, in the request\'s encoding (partialSuccess counts rejected points)' } }, errors: gov.otlpError },
  { method: 'post', path: '/api/v1/otlp/v1/logs', tag: 'Ingest', access: 'events:write', summary: 'OpenTelemetry log records as outcome events (OTLP/HTTP, protobuf or JSON, gzip allowed); also at /v1/logs', body: z.unknown().meta({ description: 'ExportLogsServiceRequest' }), bodyTypes: ['application/x-protobuf'], responses: { 200: { description: 'ExportLogsServiceResponse, in the request\'s encoding (partialSuccess counts rejected records)' } }, errors: gov.otlpError },
  { method: 'post', path: '/api/v1/imports', tag: 'Ingest', access: 'initiatives:write', summary: 'Import events from a CSV file (the body, text/csv); answers at once and runs on: follow Location. Every row is checked before any is stored', query: gov.importQuery, body: gov.importBody, bodyTypes: ['text/csv'], responses: { 202: { description: 'started', schema: gov.importRecord } } },
  { method: 'get', path: '/api/v1/imports', tag: 'Ingest', access: 'initiatives:write', summary: 'CSV imports, newest first (a scoped caller: the ones it started)', responses: { 200: { description: 'the imports', schema: gov.importList } } },
  { method: 'get', path: '/api/v1/imports/{id}', tag: 'Ingest', access: 'initiatives:write', summary: "One import's progress and the problems found", responses: { 200: { description: 'the import', schema: gov.importRecord } } },

  // Outcomes
  { method: 'get', path: '/api/v1/summary', tag: 'Outcomes', access: 'read', summary: 'Per initiative and for the portfolio: outcomes, value, cost, returns and payback of a period', query: out.summaryQuery, responses: { 200: { description: 'the summary', schema: out.summaryResponse } } },
  { method: 'get', path: '/api/v1/initiatives/{slug}/series', tag: 'Outcomes', access: 'read', summary: "One metric of one initiative, bucket by bucket", params: { slug }, query: out.seriesQuery, responses: { 200: { description: 'the series', schema: out.seriesResponse } } },
  { method: 'get', path: '/api/v1/series', tag: 'Outcomes', access: 'read', summary: 'One metric of several initiatives at once', query: out.portfolioSeriesQuery, responses: { 200: { description: 'the series', schema: out.portfolioSeriesResponse } } },
  { method: 'get', path: '/api/v1/initiatives/{slug}/payback', tag: 'Outcomes', access: 'read', summary: 'The payback curve: monthly and cumulative value and cost, actual then projected', params: { slug }, query: out.paybackQuery, responses: { 200: { description: 'the curve', schema: out.paybackResponse } } },

  // Alerts (docs/ALERTS.md)
  { method: 'get', path: '/api/v1/alert-rules', tag: 'Alerts', access: 'read', summary: 'Alert rules with their state per initiative and latest deliveries', responses: { 200: { description: 'the rules', schema: al.alertRuleList } } },
  { method: 'post', path: '/api/v1/alert-rules', tag: 'Alerts', access: 'alerts:write', summary: 'Create an alert rule (audited)', body: al.alertRuleBody, responses: { 201: { description: 'created', schema: al.alertRule } } },
  { method: 'get', path: '/api/v1/alert-rules/{id}', tag: 'Alerts', access: 'read', summary: 'One alert rule', responses: { 200: { description: 'the rule', schema: al.alertRule } } },
  { method: 'patch', path: '/api/v1/alert-rules/{id}', tag: 'Alerts', access: 'alerts:write', summary: 'Change an alert rule (audited)', body: al.alertRulePatchBody, responses: { 200: { description: 'changed', schema: al.alertRule } } },
  { method: 'delete', path: '/api/v1/alert-rules/{id}', tag: 'Alerts', access: 'alerts:write', summary: 'Delete an alert rule (audited)', responses: { 204: { description: 'deleted' } } },
  { method: 'get', path: '/api/v1/webhooks', tag: 'Alerts', access: 'webhooks:manage', summary: 'Webhooks alerts are posted to (never their secrets)', responses: { 200: { description: 'the webhooks', schema: al.webhookList } } },
  { method: 'get', path: '/api/v1/webhook-targets', tag: 'Alerts', access: 'alerts:write', summary: 'The webhooks a rule may post to, as editors see them: id, format and host (never the URL or secret)', responses: { 200: { description: 'the webhooks', schema: al.webhookTargetList } } },
  { method: 'post', path: '/api/v1/webhooks', tag: 'Alerts', access: 'webhooks:manage', summary: 'Add a webhook; its signing secret is in this answer only (audited)', body: al.webhookBody, responses: { 201: { description: 'created', schema: al.webhookCreated } } },
  { method: 'delete', path: '/api/v1/webhooks/{id}', tag: 'Alerts', access: 'webhooks:manage', summary: 'Remove a webhook (audited)', responses: { 204: { description: 'removed' } } },

  // The organisation's AI-readiness assessment
  { method: 'get', path: '/api/v1/assessment', tag: 'Readiness', access: 'read', summary: "Where the organisation stands: the latest answers per phase, what the data says, scores, disagreements, the framework's yardsticks and next steps", responses: { 200: { description: 'the assessment', schema: asm.assessmentResponse } } },
  { method: 'post', path: '/api/v1/assessment', tag: 'Readiness', access: 'initiatives:write', summary: 'Record a taking of the questionnaire, scored against the data as of now (audited; unscoped callers)', body: asm.assessmentBody, responses: { 201: { description: 'recorded; the updated assessment', schema: asm.assessmentResponse } } },
  { method: 'get', path: '/api/v1/demo', tag: 'Operations', access: 'public', summary: 'Whether this server is the read-only live demo (YARDSTICK_DEMO=1)', responses: { 200: { description: 'the demo status', schema: gov.demoStatus } } },

  // Readiness
  { method: 'get', path: '/api/v1/readiness', tag: 'Readiness', access: 'read', summary: "Every initiative's pilot-to-production verdict", query: rd.readinessQuery, responses: { 200: { description: 'the verdicts', schema: rd.portfolioReadinessResponse } } },
  { method: 'get', path: '/api/v1/initiatives/{slug}/readiness', tag: 'Readiness', access: 'read', summary: "One initiative's verdict: what is met, missing and why", params: { slug }, query: rd.readinessQuery, responses: { 200: { description: 'the verdict', schema: rd.initiativeReadinessResponse } } },
  { method: 'get', path: '/api/v1/initiatives/{slug}/fit', tag: 'Readiness', access: 'read', summary: 'The use-case fit and the scales of its form', params: { slug }, responses: { 200: { description: 'the fit', schema: rd.fitResponse } } },
  { method: 'put', path: '/api/v1/initiatives/{slug}/fit', tag: 'Readiness', access: 'initiatives:write', summary: 'Record the use-case fit (audited)', params: { slug }, body: rd.fitBody, responses: { 200: { description: 'recorded', schema: rd.fitSavedResponse } } },
  { method: 'get', path: '/api/v1/initiatives/{slug}/attestations', tag: 'Readiness', access: 'read', summary: 'Checklist attestations, newest first', params: { slug }, responses: { 200: { description: 'the attestations', schema: rd.attestationList } } },
  { method: 'post', path: '/api/v1/initiatives/{slug}/attestations', tag: 'Readiness', access: 'initiatives:write', summary: 'Attest a checklist item (audited)', params: { slug }, body: rd.attestationBody, responses: { 201: { description: 'recorded', schema: rd.attestationCreated } } },

  // Initiatives
  { method: 'get', path: '/api/v1/initiatives', tag: 'Initiatives', access: 'read', summary: 'The initiatives the caller may see', responses: { 200: { description: 'the initiatives', schema: ini.initiativeList } } },
  { method: 'post', path: '/api/v1/initiatives', tag: 'Initiatives', access: 'initiatives:write', summary: 'Register an initiative (audited)', body: ini.initiativeCreateBody, responses: { 201: { description: 'created', schema: ini.initiative } } },
  { method: 'get', path: '/api/v1/initiatives/{slug}', tag: 'Initiatives', access: 'read', summary: 'One initiative with its stage history', params: { slug }, responses: { 200: { description: 'the initiative', schema: ini.initiative } } },
  { method: 'patch', path: '/api/v1/initiatives/{slug}', tag: 'Initiatives', access: 'initiatives:write', summary: 'Change an initiative; a move to production passes the readiness gate (audited)', params: { slug }, body: ini.initiativePatchBody, responses: { 200: { description: 'changed', schema: ini.initiative } } },

  // Session
  { method: 'post', path: '/api/v1/session', tag: 'Session', access: 'public', summary: 'Sign in: sets the httpOnly session cookie', body: gov.signInBody, responses: { 200: { description: 'signed in', schema: gov.sessionUser } } },
  { method: 'get', path: '/api/v1/session', tag: 'Session', access: 'signed-in', summary: 'The signed-in user', responses: { 200: { description: 'the user', schema: gov.sessionUser } } },
  { method: 'delete', path: '/api/v1/session', tag: 'Session', access: 'public', summary: 'Sign out', responses: { 204: { description: 'signed out (always)' } } },
  { method: 'get', path: '/api/v1/setup', tag: 'Session', access: 'public', summary: 'Whether the first admin still has to be created', responses: { 200: { description: 'the state', schema: gov.setupState } } },
  { method: 'post', path: '/api/v1/setup', tag: 'Session', access: 'public', summary: 'Create the first admin with the setup token printed by npm start', body: gov.setupBody, responses: { 201: { description: 'created and signed in', schema: gov.sessionUser } } },

  // Administration
  { method: 'get', path: '/api/v1/users', tag: 'Administration', access: 'users:manage', summary: 'Dashboard users', responses: { 200: { description: 'the users', schema: gov.userList } } },
  { method: 'post', path: '/api/v1/users', tag: 'Administration', access: 'users:manage', summary: 'Create a dashboard user (audited)', body: gov.userCreateBody, responses: { 201: { description: 'created', schema: gov.user } } },
  { method: 'patch', path: '/api/v1/users/{id}', tag: 'Administration', access: 'users:manage', summary: "Change a user's role, disabled flag or password (audited)", body: gov.userPatchBody, responses: { 200: { description: 'changed', schema: gov.user } } },
  { method: 'get', path: '/api/v1/keys', tag: 'Administration', access: 'keys:manage', summary: 'API keys (never their secrets)', responses: { 200: { description: 'the keys', schema: gov.keyList } } },
  { method: 'post', path: '/api/v1/keys', tag: 'Administration', access: 'keys:manage', summary: 'Create an API key; the token is in this answer only (audited)', body: gov.keyCreateBody, responses: { 201: { description: 'created', schema: gov.keyCreated } } },
  { method: 'delete', path: '/api/v1/keys/{id}', tag: 'Administration', access: 'keys:manage', summary: 'Revoke an API key at once (audited)', responses: { 200: { description: 'revoked', schema: gov.keyRevoked } } },
  { method: 'get', path: '/api/v1/audit', tag: 'Administration', access: 'audit:read', summary: 'The audit log, newest first', query: gov.auditQuery, responses: { 200: { description: 'the entries', schema: gov.auditList } } },
  { method: 'post', path: '/api/v1/demo', tag: 'Administration', access: 'users:manage', summary: 'Load the demo portfolio (as `npm run cli -- demo`)', body: gov.demoBody, responses: { 201: { description: 'loaded', schema: gov.demoLoaded } } },

  // Email
  { method: 'get', path: '/api/v1/subscriptions', tag: 'Email', access: 'read', summary: 'Digest subscriptions with their latest deliveries', responses: { 200: { description: 'the subscriptions', schema: gov.subscriptionList } } },
  { method: 'post', path: '/api/v1/subscriptions', tag: 'Email', access: 'subscriptions:write', summary: 'Subscribe recipients to an email digest (audited)', body: gov.subscriptionBody, responses: { 201: { description: 'created', schema: gov.subscription } } },
  { method: 'get', path: '/api/v1/subscriptions/{id}', tag: 'Email', access: 'read', summary: 'One subscription with its latest deliveries', responses: { 200: { description: 'the subscription', schema: gov.subscription } } },
  { method: 'patch', path: '/api/v1/subscriptions/{id}', tag: 'Email', access: 'subscriptions:write', summary: 'Change a subscription (audited)', body: gov.subscriptionPatchBody, responses: { 200: { description: 'changed', schema: gov.subscription } } },
  { method: 'delete', path: '/api/v1/subscriptions/{id}', tag: 'Email', access: 'subscriptions:write', summary: 'Delete a subscription (audited)', responses: { 204: { description: 'deleted' } } },

  // Embedding
  { method: 'post', path: '/api/v1/share-tokens', tag: 'Embedding', access: 'share:manage', summary: 'A signed, expiring token that lets an embedded chart read one initiative; the token is in this answer only (audited)', body: gov.shareTokenBody, responses: { 201: { description: 'created', schema: gov.shareToken } } },
  { method: 'get', path: '/api/v1/share-tokens', tag: 'Embedding', access: 'share:manage', summary: 'Share tokens, newest first, revoked and expired ones included (never the tokens)', query: gov.shareTokenListQuery, responses: { 200: { description: 'the share tokens', schema: gov.shareTokenList } } },
  { method: 'delete', path: '/api/v1/share-tokens/{id}', tag: 'Embedding', access: 'share:manage', summary: 'Revoke a share token at once (audited)', responses: { 200: { description: 'revoked', schema: gov.shareTokenRevoked } } },

  // Operations
  { method: 'get', path: '/api/v1/openapi.json', tag: 'Operations', access: 'public', summary: 'This document (OpenAPI 3.1); rendered for people at /api/docs', responses: { 200: { description: 'the OpenAPI document' } } },
  { method: 'get', path: '/api/docs', tag: 'Operations', access: 'public', summary: 'This reference, as an HTML page', responses: { 200: { description: 'the reference page (text/html)' } } },
  { method: 'get', path: '/healthz', tag: 'Operations', access: 'public', summary: 'Health: 200 while the database answers', responses: { 200: { description: 'healthy', schema: gov.health }, 503: { description: 'the database does not answer', schema: gov.healthDown } } },
]

/** The schema an answer of `status` must match: the route's own, else (4xx/5xx) the one error shape. */
export function answerSchema(route: ApiRoute, status: number): z.ZodType | undefined {
  const own = route.responses[status]
  if (own) return own.schema
  return status >= 400 ? (route.errors ?? errorBody) : undefined
}
