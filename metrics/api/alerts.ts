/**
 * Alerts: GET|POST /alert-rules, GET|PATCH|DELETE /alert-rules/:id, GET|POST /webhooks, DELETE
 * /webhooks/:id (docs/ALERTS.md). Validation of the bodies is server/alerts/rule-input.ts, whose
 * messages say what to fix; these schemas document the same fields.
 */
import { z } from 'zod'
import { instant, slug } from './common.js'

const alertKind = z.enum(['trajectory', 'readiness', 'payback', 'silence'])
const alertTone = z.enum(['good', 'warn', 'neutral']).meta({ description: 'good news (ready to scale, resolved), a warning, or neutral news; decided once (metrics/alert-state.ts)' })
const webhookFormat = z.enum(['json', 'slack'])

export const alertRuleBody = z
  .object({
    name: z.string().max(200),
    initiative: slug.nullable().optional().meta({ description: 'null or absent: every initiative' }),
    kind: alertKind,
    params: z.record(z.string(), z.unknown()).optional().meta({ description: 'per kind: trajectory {metric}, readiness {on}, payback {months}, silence {hours}' }),
    emails: z.array(z.string()).optional(),
    webhooks: z.array(z.number().int()).optional().meta({ description: 'webhook ids (GET /api/v1/webhooks)' }),
  })
  .meta({ id: 'AlertRuleInput' })
export const alertRulePatchBody = alertRuleBody.partial().meta({ id: 'AlertRulePatch' })

const alertAttempt = z.object({ at: instant, durationMs: z.number().nullable(), outcome: z.string(), statusCode: z.number().int().nullable(), error: z.string().nullable() })
const alertDelivery = z.object({
  id: z.number().int(),
  eventId: z.string(),
  type: z.string().meta({ description: 'alert.firing, alert.resolved, webhook.disabled or digest' }),
  tone: alertTone,
  headline: z.string().meta({ description: 'the leading words, as sent: "Ready to scale", "Firing", "Resolved"; a digest "N alerts"' }),
  initiatives: z.array(z.string()),
  channel: z.enum(['email', 'webhook']),
  target: z.string(),
  status: z.string(),
  attempts: z.array(alertAttempt),
  lastError: z.string().nullable(),
  sentAt: instant.nullable(),
  nextAttemptAt: instant.nullable(),
  createdAt: instant,
})
const alertPairState = z.object({
  initiative: slug,
  name: z.string(),
  state: z.enum(['ok', 'firing', 'resolved']),
  tone: alertTone,
  headline: z.string().meta({ description: 'the state in words: "Ready to scale", "At risk", "Firing", "Resolved", "Not fired"' }),
  since: instant.nullable(),
  message: z.string().nullable(),
  evaluatedAt: instant,
})
const webhookLabel = z.object({ id: z.number().int(), format: webhookFormat, host: z.string(), disabled: z.boolean() })

export const alertRule = z
  .object({
    id: z.number().int(),
    name: z.string(),
    initiative: slug.nullable(),
    kind: alertKind,
    params: z.record(z.string(), z.unknown()),
    emails: z.array(z.string()),
    webhooks: z.array(z.number().int()),
    webhookTargets: z.array(webhookLabel),
    owner: z.string().nullable(),
    createdBy: z.string(),
    createdAt: instant,
    updatedAt: instant,
    state: z.enum(['ok', 'firing', 'resolved']).meta({ description: 'firing when any initiative fires' }),
    firing: z.number().int().meta({ description: 'how many initiatives fire' }),
    states: z.array(alertPairState),
    deliveries: z.array(alertDelivery).meta({ description: 'the latest deliveries, newest first, each with its attempts' }),
  })
  .meta({ id: 'AlertRule' })
export const alertRuleList = z.object({ alertRules: z.array(alertRule) }).meta({ id: 'AlertRuleList' })

export const webhookBody = z.object({ url: z.string().meta({ description: 'the HTTPS address to post alerts to' }), format: webhookFormat.optional().meta({ description: 'default json' }) }).meta({ id: 'WebhookInput' })
export const webhook = z
  .object({
    id: z.number().int(),
    url: z.string(),
    format: webhookFormat,
    createdBy: z.string(),
    createdAt: instant,
    failingSince: instant.nullable(),
    disablesAt: instant.nullable().meta({ description: 'while failing: when it is disabled if no attempt succeeds before (failingSince + YARDSTICK_WEBHOOK_DISABLE_DAYS)' }),
    lastSuccessAt: instant.nullable(),
    disabledAt: instant.nullable(),
    disabledReason: z.string().nullable(),
  })
  .meta({ id: 'Webhook' })
export const webhookCreated = webhook.extend({ secret: z.string().meta({ description: 'signs each body (docs/ALERTS.md); shown once' }) }).meta({ id: 'WebhookCreated' })
export const webhookList = z.object({ webhooks: z.array(webhook) }).meta({ id: 'WebhookList' })
export const webhookTargetList = z.object({ webhooks: z.array(webhookLabel) }).meta({ id: 'WebhookTargetList' })

export type AlertRuleView = z.infer<typeof alertRule>
export type WebhookView = z.infer<typeof webhook>
