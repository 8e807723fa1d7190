/**
 * What a delivery sends: the webhook body (JSON per CONTRACT.md, or a Slack/Teams incoming-webhook
 * body), its signature, and the alert email. A delivery of several messages at once (a digest) lists
 * them all in one Slack message or email.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto'
import type { AlertRule, NotificationRow } from '../../db/queries/alerts.js'
import { escapeHtml } from '../email/format.js'

export interface AlertMessage extends NotificationRow {
  initiative: { slug: string; name: string } | null
}

/**
 * A new webhook secret: `whsec_` and 32 random bytes in hex.
 * @example newWebhookSecret() // 'whsec_3f9c…'
 */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`
}

/**
 * The `Yardstick-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
 * @example signatureHeader('whsec_x', '{"id":"alt_1_1_1_f"}', 1767000000) // 't=1767000000,v1=…'
 */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')
  return `t=${unixSeconds},v1=${v1}`
}

/** Slack/Teams emoji and email colour per tone (the tone itself is decided in metrics/alert-state.ts). */
const EMOJI = { good: ':white_check_mark:', warn: ':warning:', neutral: ':information_source:' } as const
const COLOUR = { good: '#1a7f37', warn: '#9a6700', neutral: '#57606a' } as const
const SYMBOL = { good: '✓', warn: '!', neutral: '·' } as const

/**
 * The JSON body of one message, exactly as CONTRACT.md "Alerts and webhooks" fixes it.
 * @example jsonBody(rule, message) // '{"id":"alt_1_2_1_f","type":"alert.firing",…}'
 */
export function jsonBody(rule: Pick<AlertRule, 'id' | 'name' | 'kind'>, m: AlertMessage): string {
  return JSON.stringify({ id: m.eventId, type: m.type, rule: { id: rule.id, name: rule.name, kind: rule.kind }, initiative: m.initiative, message: m.message, at: new Date(m.at).toISOString() })
}

/**
 * A Slack incoming-webhook body (Teams incoming webhooks read the same `text`): the message, and the
 * event id in small print; several messages become one list.
 */
export function slackBody(rule: Pick<AlertRule, 'name'>, messages: AlertMessage[], eventId: string, dashboardUrl: string): string {
  const line = (m: AlertMessage) => `${EMOJI[m.tone]} *${m.headline}*: ${m.message}`
  const text =
    messages.length === 1
      ? `${line(messages[0])}\n_Rule “${rule.name}” · <${dashboardUrl}|open Yardstick> · event ${eventId}_`
      : `*${rule.name}: ${messages.length} alerts at once*\n${messages.map((m) => `• ${line(m)}`).join('\n')}\n_<${dashboardUrl}|open Yardstick> · event ${eventId}_`
  return JSON.stringify({ text })
}

/** A stable Message-ID for an alert email, derived from its send key (a resend is the same message). */
export function alertMessageId(sendKey: string): string {
  return `<${createHash('sha256').update(sendKey).digest('hex').slice(0, 40)}.alert@yardstick>`
}

/**
 * The alert email: a subject that says what happened, and the same lines in text and HTML.
 * @example alertEmail(rule, [message], 'https://ys.example.com/#/alerts').subject // 'Firing: Hours off course, Invoice processing'
 */
export function alertEmail(rule: Pick<AlertRule, 'id' | 'name'>, messages: AlertMessage[], dashboardUrl: string): { subject: string; text: string; html: string } {
  // A digest counts its messages by their leading words: "2 firing, 1 ready to scale".
  const counts = new Map<string, number>()
  for (const m of messages) counts.set(m.headline.toLowerCase(), (counts.get(m.headline.toLowerCase()) ?? 0) + 1)
  const one = messages.length === 1 ? messages[0] : null
  const subject = one
    ? `${one.headline}: ${rule.name}${one.initiative ? `, ${one.initiative.name}` : ''}`
    : `${rule.name}: ${messages.length} alerts (${[...counts].map(([w, n]) => `${n} ${w}`).join(', ')})`
  const text = [
    ...messages.map((m) => `${m.headline.toUpperCase()}: ${m.message}`),
    '',
    `Rule: ${rule.name} (id ${rule.id})`,
    `Open the rule and its deliveries: ${dashboardUrl}`,
    `Event${messages.length > 1 ? 's' : ''}: ${messages.map((m) => m.eventId).join(', ')}`,
  ].join('\n')
  const rows = messages
    .map((m) => {
      return `<tr><td style="padding:8px 0;border-bottom:1px solid #d0d7de"><strong style="color:${COLOUR[m.tone]}">${SYMBOL[m.tone]} ${escapeHtml(m.headline)}</strong><br>${escapeHtml(m.message)}</td></tr>`
    })
    .join('')
  const html = `<!doctype html><html><body style="margin:0;padding:16px;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Arial,sans-serif;color:#1f2328"><table role="presentation" width="600" style="max-width:600px;border-collapse:collapse;font-size:15px;line-height:1.5"><tr><td style="padding-bottom:8px;font-size:18px"><strong>${escapeHtml(subject)}</strong></td></tr>${rows}<tr><td style="padding-top:12px;font-size:13px;color:#57606a">Rule “${escapeHtml(rule.name)}” · <a href="${escapeHtml(dashboardUrl)}">open the rule and its deliveries</a><br>Event ${escapeHtml(messages.map((m) => m.eventId).join(', '))}</td></tr></table></body></html>`
  return { subject, text, html }
}
