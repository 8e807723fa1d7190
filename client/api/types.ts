/**
 * The shapes the dashboard reads from and sends to the API: inferred from the API's one set of
 * schemas (metrics/api, the same ones the server validates with and the OpenAPI document is made
 * from), so a renamed or retyped field fails to compile here. Type-only imports: no zod in the bundle.
 */
import type { z } from 'zod'
import type * as api from '../../metrics/api/schemas.js'

export type { Granularity, KeyRole, Metric, Stage, TargetStatus, UserRole } from '../../metrics/api/schemas.js'

export type StageChange = z.infer<typeof api.stageChange>
export type Initiative = z.infer<typeof api.initiative>
/** PATCH /api/v1/initiatives/:slug: any subset of the editable fields. */
export type InitiativePatch = z.input<typeof api.initiativePatchBody>
/** POST /api/v1/initiatives: a new initiative (money in the currency's units, rates 0–1, durations in seconds). */
export type InitiativeInput = z.input<typeof api.initiativeCreateBody>

export type TargetAttainment = z.infer<typeof api.targetAttainment>
export type SummaryInitiative = z.infer<typeof api.summaryInitiative>
/** GET /api/v1/summary. */
export type Summary = z.infer<typeof api.summaryResponse>
/** One month of GET /api/v1/initiatives/:slug/payback. */
export type PaybackCurveMonth = z.infer<typeof api.paybackCurveMonth>
/** GET /api/v1/initiatives/:slug/payback: the curve the payback chart draws. */
export type PaybackCurve = z.infer<typeof api.paybackResponse>
export type SeriesPoint = z.infer<typeof api.seriesPoint>
/** GET /api/v1/initiatives/:slug/series. */
export type Series = z.infer<typeof api.seriesResponse>
/** GET /api/v1/series: one metric's points for several initiatives at once. */
export type PortfolioSeries = z.infer<typeof api.portfolioSeriesResponse>

/** GET /api/v1/session, POST /api/v1/session, POST /api/v1/setup. */
export type SessionUser = z.infer<typeof api.sessionUser>
export type User = z.infer<typeof api.user>
export type ApiKeyInfo = z.infer<typeof api.apiKey>
export type AuditEntry = z.infer<typeof api.auditEntry>
export type DeliveryStatus = z.infer<typeof api.deliveryStatus>
export type Delivery = z.infer<typeof api.delivery>
export type Subscription = z.infer<typeof api.subscription>
/** POST /api/v1/subscriptions (PATCH takes any subset). */
export type SubscriptionInput = z.input<typeof api.subscriptionBody>

/** GET /api/v1/readiness, GET /api/v1/initiatives/:slug/readiness and the fit and attestation bodies. */
export type PortfolioReadiness = z.infer<typeof api.portfolioReadinessResponse>
export type InitiativeReadiness = z.infer<typeof api.initiativeReadinessResponse>
export type FitInput = z.input<typeof api.fitBody>
export type AttestationInput = z.input<typeof api.attestationBody>

/** GET /api/v1/imports/:id (and POST /api/v1/imports' answer): a CSV import with its progress and bad rows. */
export type ImportRecord = z.infer<typeof api.importRecord>
/** One row of GET /api/v1/imports (no `problems`). */
export type ImportListItem = z.infer<typeof api.importList>['imports'][number]
/** GET /api/v1/alert-rules (and one rule): the rule, its state per initiative in its tone, its last deliveries. */
export type AlertRule = z.infer<typeof api.alertRule>
export type AlertDelivery = AlertRule['deliveries'][number]
export type AlertAttempt = AlertDelivery['attempts'][number]
/** GET /api/v1/webhooks (admins). */
export type Webhook = z.infer<typeof api.webhook>
/** GET /api/v1/webhook-targets: a webhook as editors see it (no URL). */
export type WebhookTarget = z.infer<typeof api.webhookTargetList>['webhooks'][number]
