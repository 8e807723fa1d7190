/**
 * Validates alert-rule and webhook input from the API: one-line names, a known kind with its
 * parameters, registered initiatives and webhooks, real addresses. Problems come back as field details.
 */
import type { AlertKind, WebhookFormat } from '../../db/queries/alerts.js'
import type { ErrorDetail } from '../errors.js'
import { addressProblem } from '../email/subscription-input.js'
import { MONTHLY_METRICS, type MonthlyMetric } from '../../metrics/metric-kinds.js'

export const ALERT_KINDS: readonly AlertKind[] = ['trajectory', 'readiness', 'payback', 'silence']

/** The monthly targets a trajectory rule can watch: the figures that add up over a month. */
export const TRAJECTORY_METRICS = MONTHLY_METRICS
export type TrajectoryMetric = MonthlyMetric

export type RuleParams =
  | { kind: 'trajectory'; metric: TrajectoryMetric }
  | { kind: 'readiness'; on: Array<'ready' | 'at_risk'> }
  | { kind: 'payback'; months: number }
  | { kind: 'silence'; hours: number }

const MAX_EMAILS = 50
const MAX_WEBHOOKS = 20

/**
 * The parameters of a kind, with defaults: trajectory `{metric}` (required: time_saved or
 * revenue_influenced); readiness `{on}` (default both `ready` and `at_risk`); payback `{months}`
 * (whole months ≥ 1, default 1); silence `{hours}` (> 0, fractions allowed, at most 8760; required).
 * @example parseParams('silence', { hours: 0.5 }) // { ok: true, value: { hours: 0.5 } }
 */
export function parseParams(kind: AlertKind, raw: unknown): { ok: true; value: Record<string, unknown> } | { ok: false; details: ErrorDetail[] } {
  const body = raw === undefined || raw === null ? {} : raw
  if (typeof body !== 'object' || Array.isArray(body)) return { ok: false, details: [{ field: 'params', message: 'must be a JSON object' }] }
  const p = body as Record<string, unknown>
  const details: ErrorDetail[] = []
  const only = (keys: string[]) => {
    for (const k of Object.keys(p)) if (!keys.includes(k)) details.push({ field: `params.${k}`, message: `unknown parameter for a ${kind} rule; use ${keys.join(', ')}` })
  }
  if (kind === 'trajectory') {
    only(['metric'])
    if (!TRAJECTORY_METRICS.includes(p.metric as TrajectoryMetric)) details.push({ field: 'params.metric', message: `must be ${TRAJECTORY_METRICS.join(' or ')} (the monthly targets a month adds up to), got ${JSON.stringify(p.metric ?? null)}` })
    return details.length ? { ok: false, details } : { ok: true, value: { metric: p.metric } }
  }
  if (kind === 'readiness') {
    only(['on'])
    const on = p.on ?? ['ready', 'at_risk']
    if (!Array.isArray(on) || on.length === 0 || on.some((v) => v !== 'ready' && v !== 'at_risk')) details.push({ field: 'params.on', message: 'must be a non-empty array of "ready" (became ready to scale) and "at_risk" (fell to at risk)' })
    return details.length ? { ok: false, details } : { ok: true, value: { on: [...new Set(on as string[])].sort() } }
  }
  if (kind === 'payback') {
    only(['months'])
    const months = p.months ?? 1
    if (typeof months !== 'number' || !Number.isInteger(months) || months < 1 || months > 120) details.push({ field: 'params.months', message: `must be a whole number of months from 1 to 120 (how much later the projected payback month may move), got ${JSON.stringify(months)}` })
    return details.length ? { ok: false, details } : { ok: true, value: { months } }
  }
  only(['hours'])
  const hours = p.hours
  if (typeof hours !== 'number' || !Number.isFinite(hours) || hours <= 0 || hours > 8760) details.push({ field: 'params.hours', message: `is required: hours without events before the rule fires, more than 0 (fractions allowed) and at most 8760, got ${JSON.stringify(hours ?? null)}` })
  return details.length ? { ok: false, details } : { ok: true, value: { hours } }
}

export interface ParsedRule {
  name?: string
  /** Slug, or null for all. */
  initiative?: string | null
  kind?: AlertKind
  params?: Record<string, unknown>
  emails?: string[]
  webhooks?: number[]
}

/**
 * Parses an alert-rule body. `partial` (PATCH) accepts any subset; otherwise name and kind are
 * required, initiative defaults to null (all), params to the kind's defaults, emails and webhooks to [].
 * A rule needs at least one email or webhook. `current` (PATCH) supplies the fields not sent.
 * @example parseAlertRule({ name: 'Silent', kind: 'silence', params: { hours: 6 }, emails: ['ops@x.com'] }, { knownInitiatives: new Set(), knownWebhooks: new Set() })
 */
export function parseAlertRule(
  raw: unknown,
  opts: { partial?: boolean; knownInitiatives: Set<string>; knownWebhooks: Set<number>; current?: { kind: AlertKind; params: Record<string, unknown>; emails: string[]; webhooks: number[] } },
): { ok: true; value: ParsedRule } | { ok: false; details: ErrorDetail[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, details: [{ field: null, message: 'the body must be a JSON object' }] }
  const body = raw as Record<string, unknown>
  const details: ErrorDetail[] = []
  const value: ParsedRule = {}
  const allowed = ['name', 'initiative', 'kind', 'params', 'emails', 'webhooks']
  for (const k of Object.keys(body)) if (!allowed.includes(k)) details.push({ field: k, message: `unknown field; use ${allowed.join(', ')}` })

  if (!opts.partial && body.name === undefined) details.push({ field: 'name', message: 'is required' })
  else if (body.name !== undefined) {
    if (typeof body.name !== 'string' || body.name.trim() === '') details.push({ field: 'name', message: 'must be a non-empty string' })
    else if (/[\r\n\u0000-\u001f\u007f]/.test(body.name)) details.push({ field: 'name', message: 'must be one line without control characters (it appears in email subjects)' })
    else if (body.name.length > 200) details.push({ field: 'name', message: 'must be at most 200 characters' })
    else value.name = body.name.trim()
  }

  if (body.initiative !== undefined) {
    if (body.initiative === null) value.initiative = null
    else if (typeof body.initiative !== 'string' || !opts.knownInitiatives.has(body.initiative)) details.push({ field: 'initiative', message: `must be a registered initiative's slug, or null for every initiative; got ${JSON.stringify(body.initiative).slice(0, 60)} (GET /api/v1/initiatives lists them)` })
    else value.initiative = body.initiative
  } else if (!opts.partial) value.initiative = null

  let kind = opts.current?.kind
  if (!opts.partial && body.kind === undefined) details.push({ field: 'kind', message: `is required: ${ALERT_KINDS.join(', ')}` })
  else if (body.kind !== undefined) {
    if (!ALERT_KINDS.includes(body.kind as AlertKind)) details.push({ field: 'kind', message: `must be one of ${ALERT_KINDS.join(', ')}, got ${JSON.stringify(body.kind).slice(0, 40)}` })
    else kind = value.kind = body.kind as AlertKind
  }
  if (kind && (body.params !== undefined || body.kind !== undefined)) {
    // A new kind with no params: that kind's defaults (or its required-parameter error).
    const params = parseParams(kind, body.params)
    if (params.ok) value.params = params.value
    else details.push(...params.details)
  }

  if (body.emails !== undefined) {
    if (!Array.isArray(body.emails) || body.emails.some((e) => typeof e !== 'string')) details.push({ field: 'emails', message: 'must be an array of email addresses' })
    else {
      const seen = new Set<string>()
      const emails: string[] = []
      for (const e of body.emails as string[]) {
        const address = e.trim()
        const problem = addressProblem(address)
        if (problem) details.push({ field: 'emails', message: problem })
        else if (!seen.has(address.toLowerCase())) {
          seen.add(address.toLowerCase())
          emails.push(address)
        }
      }
      if (emails.length > MAX_EMAILS) details.push({ field: 'emails', message: `must list at most ${MAX_EMAILS} addresses` })
      value.emails = emails
    }
  } else if (!opts.partial) value.emails = []

  if (body.webhooks !== undefined) {
    if (!Array.isArray(body.webhooks) || body.webhooks.some((w) => typeof w !== 'number' || !Number.isInteger(w))) details.push({ field: 'webhooks', message: 'must be an array of webhook ids (GET /api/v1/webhooks lists them)' })
    else {
      const unknown = (body.webhooks as number[]).filter((w) => !opts.knownWebhooks.has(w))
      if (unknown.length) details.push({ field: 'webhooks', message: `no webhook with id ${unknown.join(', ')} (an admin creates them with POST /api/v1/webhooks)` })
      if (body.webhooks.length > MAX_WEBHOOKS) details.push({ field: 'webhooks', message: `must list at most ${MAX_WEBHOOKS} webhooks` })
      value.webhooks = [...new Set(body.webhooks as number[])]
    }
  } else if (!opts.partial) value.webhooks = []

  const emails = value.emails ?? opts.current?.emails ?? []
  const webhooks = value.webhooks ?? opts.current?.webhooks ?? []
  if (emails.length === 0 && webhooks.length === 0 && !details.some((d) => d.field === 'emails' || d.field === 'webhooks')) {
    details.push({ field: 'emails', message: 'a rule needs somewhere to send: at least one email address or webhook id' })
  }
  return details.length ? { ok: false, details } : { ok: true, value }
}

/**
 * Parses a webhook body: `url` (http or https, at most 2,000 characters) and `format` (json, the
 * default, or slack: a Slack or Teams incoming-webhook body).
 * @example parseWebhook({ url: 'https://hooks.slack.com/services/T/B/x', format: 'slack' })
 */
export function parseWebhook(raw: unknown): { ok: true; value: { url: string; format: WebhookFormat } } | { ok: false; details: ErrorDetail[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, details: [{ field: null, message: 'the body must be a JSON object' }] }
  const body = raw as Record<string, unknown>
  const details: ErrorDetail[] = []
  for (const k of Object.keys(body)) if (k !== 'url' && k !== 'format') details.push({ field: k, message: 'unknown field; use url, format' })
  let url = ''
  if (typeof body.url !== 'string' || body.url.trim() === '') details.push({ field: 'url', message: 'is required: the https:// address to POST alerts to' })
  else {
    url = body.url.trim()
    let parsed: URL | null = null
    try {
      parsed = new URL(url)
    } catch {
      details.push({ field: 'url', message: `is not an absolute URL (expected https://hooks.example.com/...), got "${url.slice(0, 80)}"` })
    }
    if (parsed && parsed.protocol !== 'https:' && parsed.protocol !== 'http:') details.push({ field: 'url', message: `must be http:// or https://, got ${parsed.protocol}` })
    if (parsed && (parsed.username || parsed.password)) details.push({ field: 'url', message: 'must not carry a user name or password; the signature authenticates each request' })
    if (url.length > 2000) details.push({ field: 'url', message: 'must be at most 2,000 characters' })
  }
  const format = body.format ?? 'json'
  if (format !== 'json' && format !== 'slack') details.push({ field: 'format', message: `must be "json" or "slack" (a Slack or Teams incoming webhook), got ${JSON.stringify(format).slice(0, 40)}` })
  return details.length ? { ok: false, details } : { ok: true, value: { url, format: format as WebhookFormat } }
}
