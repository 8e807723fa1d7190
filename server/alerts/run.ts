/**
 * The alert run: evaluate every rule (under a lease), record each state change once, enqueue its
 * deliveries, then send every claimable delivery.
 *
 * Guarantees (docs/ALERTS.md):
 * - evaluation runs in one process at a time (job_state lease `alerts`); each pair's state moves by
 *   compare-and-set, and a change's message is stored under its stable event id (UNIQUE), with its
 *   deliveries under UNIQUE send keys, in the same transaction: a change is announced once, also
 *   across restarts and concurrent runs;
 * - evaluation reads the present, not the history it missed: after downtime each pair makes at most
 *   one change (no flood of stale firings), and 4 or more messages of one rule in one evaluation go
 *   out as one digest per email address and Slack webhook (JSON webhooks get one POST per event);
 * - deliveries are claimed with a compare-and-set and a lease; the handover is recorded just before
 *   sending, so a sender killed between sending and recording is resent at most once, with the same
 *   event id (webhooks) or Message-ID (email), and shown as uncertain;
 * - webhooks: 2xx delivered; 5xx, 429, timeouts and connection errors retried with exponential
 *   backoff; any other answer fails at once; a webhook failing for `webhookDisableDays` days is
 *   disabled and the owners of its rules are emailed. Every attempt is recorded.
 */
import os from 'node:os'
import { randomUUID } from 'node:crypto'
import { writeTransaction, type Db } from '../../db/connection.js'
import {
  acquireAlertLease,
  claimAlertDelivery,
  disableWebhook,
  enqueueAlertDeliveries,
  findAlertRule,
  findAlertStates,
  findClaimableAlertDeliveries,
  findNotifications,
  findWebhookRow,
  finishAlertDelivery,
  insertNotification,
  lastAlertEvaluation,
  listAlertRules,
  listWebhooks,
  markAlertHandoff,
  noteWebhookOutcome,
  recordAlertAttempt,
  releaseAlertLease,
  saveAlertState,
  type AlertDeliveryRow,
  type AlertRule,
  type NewAlertDelivery,
  type NotificationRow,
  type StoredPairState,
  type Webhook,
} from '../../db/queries/alerts.js'
import { listInitiatives, type Initiative } from '../../db/queries/initiatives.js'
import { alertEventId, alertHeadline, nextAlertState, type AlertStep } from '../../metrics/alert-state.js'
import type { Config } from '../config.js'
import { classifySendError, createMailTransport, type MailTransport } from '../email/transport.js'
import { findingsFor, type EvaluationContext, type Finding } from './conditions.js'
import { alertEmail, alertMessageId, jsonBody, signatureHeader, slackBody, type AlertMessage } from './messages.js'

/** This many messages of one rule in one evaluation, or more, go out as one digest. */
export const DIGEST_AT = 4
/** The scheduler evaluates rules this often (deliveries and retries every minute). */
export const EVALUATE_EVERY_MS = 5 * 60_000
const BACKOFF_BASE_MS = 30_000
const BACKOFF_MAX_MS = 3_600_000
const MAX_EMAIL_ATTEMPTS = 10
const MAX_WEBHOOK_ATTEMPTS = 200
const DAY = 86_400_000

/**
 * The wait before attempt `attempts + 1` after a temporary failure: 30 s, 1 min, 2, 4 … capped at 1 h.
 * @example alertRetryDelay(3) // 120000
 */
export function alertRetryDelay(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS)
}

export type AlertConfig = Pick<Config, 'timezone' | 'readinessMonths' | 'alertLeaseMs' | 'webhookTimeoutMs' | 'webhookDisableDays' | 'mailFrom' | 'publicUrl' | 'smtpUrl' | 'outboxDir'>

export interface AlertDeps {
  db: Db
  config: AlertConfig
  /** Default: the configured mail transport, opened when the first email goes out. */
  transport?: MailTransport
  clock?: () => number
  log?: (m: string) => void
}

export interface AlertChange {
  ruleId: number
  rule: string
  initiative: string
  change: 'fired' | 'resolved'
  eventId: string
  message: string
}

export interface AlertDeliveryOutcome {
  id: number
  ruleId: number
  eventId: string
  channel: 'email' | 'webhook'
  target: string
  status: 'sent' | 'uncertain' | 'retrying' | 'failed' | 'cancelled'
  error?: string
}

export interface AlertRunResult {
  /** Null when another process was evaluating (its lease) or evaluation was not due. */
  evaluated: { rules: number; changes: AlertChange[]; errors: string[] } | null
  skipped?: string
  outcomes: AlertDeliveryOutcome[]
  /** Deliveries of this run that ended failed or still retrying. */
  failed: number
}

export interface AlertRunOptions {
  /** Evaluate the rules (default true). */
  evaluate?: boolean
  /** Retry temporary failures this many more times within the run (`alerts run`: at once). */
  immediateRetries?: number
  /** Pause before the first immediate retry, doubled each time. */
  retryDelayMs?: number
  /** Attempt `retrying` deliveries without waiting for their backoff. */
  ignoreBackoff?: boolean
}

function ownerName(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
}

function dashboardUrl(config: AlertConfig, ruleId?: number): string {
  return `${config.publicUrl}/alerts${ruleId ? `?rule=${ruleId}` : ''}`
}

/** The deliveries of one rule's new messages: per email and webhook, or digests (see DIGEST_AT). */
function planDeliveries(rule: AlertRule, notes: NotificationRow[], webhooks: Map<number, Webhook>): NewAlertDelivery[] {
  if (notes.length === 0) return []
  const out: NewAlertDelivery[] = []
  const digest = notes.length >= DIGEST_AT
  const digestId = `dig_${rule.id}_${notes[0].id}_${notes.length}`
  const each = (channel: 'email' | 'webhook', target: string, webhookId: number | null, grouped: boolean) => {
    if (grouped) out.push({ sendKey: `${channel}:${target.toLowerCase()}:${digestId}`, ruleId: rule.id, channel, target, webhookId, eventId: digestId, notificationIds: notes.map((n) => n.id) })
    else for (const n of notes) out.push({ sendKey: `${channel}:${target.toLowerCase()}:${n.eventId}`, ruleId: rule.id, channel, target, webhookId, eventId: n.eventId, notificationIds: [n.id] })
  }
  for (const e of rule.emails) each('email', e, null, digest)
  for (const id of rule.webhooks) {
    const w = webhooks.get(id)
    if (!w || w.disabledAt) continue
    each('webhook', String(id), id, digest && w.format === 'slack')
  }
  return out
}

/**
 * Evaluates every rule once, under the evaluation lease. Each rule's changes, messages and deliveries
 * commit in one transaction; a rule that cannot be evaluated is reported and the others go on.
 * @example const r = await evaluateAlerts({ db, config })
 */
export async function evaluateAlerts(deps: AlertDeps): Promise<AlertRunResult['evaluated'] & { skipped?: string }> {
  const { db, config } = deps
  const clock = deps.clock ?? Date.now
  const log = deps.log ?? (() => {})
  const owner = ownerName()
  const now = clock()
  if (!(await acquireAlertLease(db, owner, now, config.alertLeaseMs))) return { rules: 0, changes: [], errors: [], skipped: 'another process is evaluating the alert rules now' }
  const changes: AlertChange[] = []
  const errors: string[] = []
  let rules: AlertRule[] = []
  try {
    rules = await listAlertRules(db)
    const initiatives = await listInitiatives(db)
    const byId = new Map(initiatives.map((i) => [i.id, i]))
    const webhooks = new Map((await listWebhooks(db)).map((w) => [w.id, w]))
    const states = await findAlertStates(db)
    const ctx: EvaluationContext = { db, timezone: config.timezone, readinessMonths: config.readinessMonths, now, initiatives, cache: new Map() }
    for (const rule of rules) {
      try {
        const mine = new Map(states.filter((s) => s.ruleId === rule.id).map((s) => [s.initiativeId, s]))
        const findings = await findingsFor(ctx, rule, new Map([...mine].map(([id, s]) => [id, s.info])))
        const seen = new Set(findings.map((f) => f.initiative.id))
        // A firing pair whose initiative left the rule's scope (retired, or the rule narrowed) resolves.
        for (const [id, s] of mine) {
          const i = byId.get(id)
          if (s.state === 'firing' && !seen.has(id) && i) findings.push({ initiative: i, condition: false, message: `${i.name} is no longer watched by this rule (${i.stage === 'retired' ? 'retired' : 'out of its scope'}).` })
        }
        const made = await writeTransaction(db, async (tx) => {
          const notes: NotificationRow[] = []
          const done: AlertChange[] = []
          for (const f of findings) {
            const prev = mine.get(f.initiative.id) ?? null
            const steps = stepsFor(prev, f, now)
            const last = steps[steps.length - 1]
            const info = { ...(prev?.info ?? {}), ...(f.info ?? {}), ...(f.key !== undefined && last.state === 'firing' ? { key: f.key } : {}) }
            const saved = await saveAlertState(tx, { ruleId: rule.id, initiativeId: f.initiative.id, state: last.state, since: last.since, episode: last.episode, message: f.message, info, evaluatedAt: now }, prev?.version ?? 0)
            if (!saved) continue
            for (const step of steps) {
              if (!step.change) continue
              const eventId = alertEventId(rule.id, f.initiative.id, step.episode, step.change)
              const message = step.change === 'resolved' && steps.length > 1 ? `${f.initiative.name} is no longer ${prev?.info.key === 'ready' ? 'ready to scale' : 'at risk'}.` : f.message
              // Good or bad news is decided once, from what fired (a resolution: what had fired).
              const { tone, word } = alertHeadline(rule.kind, step.change, step.change === 'fired' ? f.key : (prev?.info.key as string | undefined))
              const note = { eventId, ruleId: rule.id, initiativeId: f.initiative.id, type: step.change === 'fired' ? ('alert.firing' as const) : ('alert.resolved' as const), message, at: now, tone, headline: word }
              const id = await insertNotification(tx, note)
              if (id === undefined) continue
              notes.push({ id, ...note })
              done.push({ ruleId: rule.id, rule: rule.name, initiative: f.initiative.slug, change: step.change, eventId, message })
            }
          }
          await enqueueAlertDeliveries(tx, planDeliveries(rule, notes, webhooks), now)
          return done
        })
        changes.push(...made)
      } catch (e) {
        const message = `alert rule ${rule.id} "${rule.name}" could not be evaluated: ${(e as Error).message}`
        errors.push(message)
        log(message)
      }
    }
  } finally {
    await releaseAlertLease(db, owner, clock())
  }
  return { rules: rules.length, changes, errors }
}

/** The state steps for one finding: usually one; a firing pair whose key changed resolves, then fires again. */
function stepsFor(prev: StoredPairState | null, f: Finding, now: number): AlertStep[] {
  const stored = prev ? { state: prev.state, since: prev.since, episode: prev.episode } : null
  if (prev?.state === 'firing' && f.condition && f.key !== undefined && prev.info.key !== undefined && prev.info.key !== f.key) {
    const resolved = nextAlertState(stored, false, now)
    return [resolved, nextAlertState(resolved, true, now)]
  }
  return [nextAlertState(stored, f.condition, now)]
}

/**
 * Sends every claimable delivery (or only `ids`), recording each attempt.
 * @example const outcomes = await deliverAlerts({ db, config }, { immediateRetries: 2 })
 */
export async function deliverAlerts(deps: AlertDeps, opts: AlertRunOptions = {}): Promise<AlertDeliveryOutcome[]> {
  const { db, config } = deps
  const clock = deps.clock ?? Date.now
  const log = deps.log ?? (() => {})
  const owner = ownerName()
  let transport = deps.transport
  const ownTransport = !transport
  const rules = new Map<number, Promise<AlertRule | undefined>>()
  const ruleOf = (id: number) => {
    let p = rules.get(id)
    if (!p) rules.set(id, (p = findAlertRule(db, id)))
    return p
  }
  const initiatives = new Map((await listInitiatives(db)).map((i): [number, Initiative] => [i.id, i]))
  const outcomes = new Map<number, AlertDeliveryOutcome>()

  const messagesOf = async (row: AlertDeliveryRow): Promise<AlertMessage[]> =>
    (await findNotifications(db, JSON.parse(row.notification_ids) as number[])).map((n) => {
      const i = n.initiativeId === null ? undefined : initiatives.get(n.initiativeId)
      return { ...n, initiative: i ? { slug: i.slug, name: i.name } : null }
    })

  const finish = async (row: AlertDeliveryRow, outcome: Parameters<typeof finishAlertDelivery>[3]) => {
    if (!(await finishAlertDelivery(db, row.id, owner, outcome))) log(`alerts: delivery ${row.id} (${row.event_id}) finished after its lease expired and was taken over; it may be sent twice`)
  }

  const temporary = async (row: AlertDeliveryRow, base: Omit<AlertDeliveryOutcome, 'status'>, error: string, maxAttempts: number): Promise<AlertDeliveryOutcome> => {
    const at = clock()
    if (row.attempts >= maxAttempts) {
      const message = `gave up after ${row.attempts} attempts: ${error}`
      await finish(row, { status: 'failed', at, error: message })
      return { ...base, status: 'failed', error: message }
    }
    await finish(row, { status: 'retrying', at, nextAttemptAt: at + alertRetryDelay(row.attempts), error })
    return { ...base, status: 'retrying', error }
  }

  const sendWebhook = async (row: AlertDeliveryRow, rule: AlertRule, base: Omit<AlertDeliveryOutcome, 'status'>): Promise<AlertDeliveryOutcome> => {
    const wh = await findWebhookRow(db, row.webhook_id!)
    if (!wh) {
      await finish(row, { status: 'cancelled', at: clock(), error: 'the webhook was deleted' })
      return { ...base, status: 'cancelled', error: 'the webhook was deleted' }
    }
    if (wh.disabled_at !== null) {
      const error = `the webhook is disabled (${wh.disabled_reason ?? 'failing'})`
      await finish(row, { status: 'failed', at: clock(), error })
      return { ...base, status: 'failed', error }
    }
    const messages = await messagesOf(row)
    const body = wh.format === 'slack' ? slackBody(rule, messages, row.event_id, dashboardUrl(config, rule.id)) : jsonBody(rule, messages[0])
    await markAlertHandoff(db, row.id, owner)
    const t = Math.floor(clock() / 1000)
    const started = performance.now()
    let status: number | null = null
    let failure: { retry: boolean; error: string } | null = null
    try {
      const res = await fetch(wh.url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(config.webhookTimeoutMs),
        headers: { 'content-type': 'application/json', 'user-agent': 'Yardstick-Webhooks/1', 'yardstick-event-id': row.event_id, 'yardstick-signature': signatureHeader(wh.secret, body, t) },
      })
      status = res.status
      const answer = (await res.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200)
      if (status >= 200 && status < 300) failure = null
      else if (status === 429 || status >= 500) failure = { retry: true, error: `HTTP ${status}${answer ? `: ${answer}` : ''}` }
      else failure = { retry: false, error: `HTTP ${status}${answer ? `: ${answer}` : ''}${status >= 300 && status < 400 ? ' (redirects are not followed; use the final URL)' : ' (not retried: a 4xx other than 429 means the request itself is refused)'}` }
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } }
      failure = err.name === 'TimeoutError' || err.name === 'AbortError' ? { retry: true, error: `no answer within ${config.webhookTimeoutMs / 1000} s` } : { retry: true, error: `${err.cause?.code ?? err.name}: ${err.cause?.message ?? err.message}` }
    }
    const at = clock()
    const durationMs = performance.now() - started
    await recordAlertAttempt(db, { deliveryId: row.id, at, durationMs, outcome: failure === null ? 'delivered' : failure.retry ? 'retry' : 'failed', statusCode: status, error: failure?.error ?? null })
    await noteWebhookOutcome(db, wh.id, failure === null, at)
    if (failure === null) {
      await finish(row, { status: 'sent', at })
      return { ...base, status: row.uncertain ? 'uncertain' : 'sent' }
    }
    const outcome = failure.retry ? await temporary(row, base, failure.error, MAX_WEBHOOK_ATTEMPTS) : (await finish(row, { status: 'failed', at, error: failure.error }), { ...base, status: 'failed' as const, error: failure.error })
    const disabled = await maybeDisable(wh.id, failure.error)
    return disabled ? { ...base, status: 'failed', error: `the webhook was disabled: ${disabled}` } : outcome
  }

  /** Disables a webhook failing for the configured days, fails its waiting deliveries and tells the rules' owners. */
  const maybeDisable = async (webhookId: number, lastError: string): Promise<string | null> => {
    const wh = await findWebhookRow(db, webhookId)
    if (!wh || wh.disabled_at !== null || wh.failing_since === null) return null
    const now = clock()
    if (now - wh.failing_since < config.webhookDisableDays * DAY) return null
    const host = (() => {
      try {
        return new URL(wh.url).host
      } catch {
        return 'its endpoint'
      }
    })()
    const reason = `every attempt failed for ${config.webhookDisableDays} days (last: ${lastError})`
    const mine = await writeTransaction(db, async (tx) => {
      if (!(await disableWebhook(tx, webhookId, reason, now))) return false
      await tx.updateTable('alert_deliveries').set({ status: 'failed', last_error: `the webhook was disabled: ${reason}`, updated_at: now }).where('webhook_id', '=', webhookId).where('status', 'in', ['pending', 'retrying']).execute()
      const ruleIds = (await tx.selectFrom('alert_rule_webhooks').select('rule_id').where('webhook_id', '=', webhookId).execute()).map((r) => r.rule_id)
      for (const ruleId of ruleIds) {
        const rule = await findAlertRule(tx, ruleId)
        if (!rule?.owner) continue
        const eventId = `whd_${webhookId}_${ruleId}_${now}`
        const message = `The webhook to ${host} (id ${webhookId}) has been disabled: ${reason}. Alerts of the rule “${rule.name}” no longer go there; an admin can delete it and add it again once the endpoint answers.`
        const id = await insertNotification(tx, { eventId, ruleId, initiativeId: null, type: 'webhook.disabled', message, at: now, tone: 'warn', headline: 'Webhook disabled' })
        if (id !== undefined) await enqueueAlertDeliveries(tx, [{ sendKey: `email:${rule.owner.toLowerCase()}:${eventId}`, ruleId, channel: 'email', target: rule.owner, webhookId: null, eventId, notificationIds: [id] }], now)
      }
      return true
    })
    if (!mine) return null
    log(`alerts: webhook ${webhookId} (${host}) disabled: ${reason}`)
    return reason
  }

  const sendEmail = async (row: AlertDeliveryRow, rule: AlertRule, base: Omit<AlertDeliveryOutcome, 'status'>): Promise<AlertDeliveryOutcome> => {
    const messages = await messagesOf(row)
    const mail = alertEmail(rule, messages, dashboardUrl(config, rule.id))
    transport ??= createMailTransport(config, log)
    await markAlertHandoff(db, row.id, owner)
    const started = performance.now()
    try {
      await transport.send({ from: config.mailFrom, to: row.target, subject: mail.subject, text: mail.text, html: mail.html, messageId: alertMessageId(row.send_key), headers: { 'X-Yardstick-Alert-Rule': String(rule.id), 'X-Yardstick-Event-Id': row.event_id } })
    } catch (e) {
      const failure = classifySendError(e)
      const at = clock()
      await recordAlertAttempt(db, { deliveryId: row.id, at, durationMs: performance.now() - started, outcome: failure.kind === 'permanent' ? 'failed' : 'retry', statusCode: (e as { responseCode?: number }).responseCode ?? null, error: failure.message })
      if (failure.kind === 'permanent') {
        await finish(row, { status: 'failed', at, error: failure.message })
        return { ...base, status: 'failed', error: failure.message }
      }
      return temporary(row, base, failure.message, MAX_EMAIL_ATTEMPTS)
    }
    const at = clock()
    await recordAlertAttempt(db, { deliveryId: row.id, at, durationMs: performance.now() - started, outcome: 'delivered', statusCode: 250, error: null })
    await finish(row, { status: 'sent', at })
    return { ...base, status: row.uncertain ? 'uncertain' : 'sent' }
  }

  const deliver = async (row: AlertDeliveryRow, seen: AlertDeliveryRow): Promise<AlertDeliveryOutcome> => {
    const base = { id: row.id, ruleId: row.rule_id, eventId: row.event_id, channel: row.channel as 'email' | 'webhook', target: row.target }
    if (seen.status === 'sending' && seen.handoffs >= 2) {
      const error = 'two attempts were interrupted after the message was handed over; not sent again, so the destination never gets more than two copies'
      await finish(row, { status: 'sent', at: clock() })
      return { ...base, status: 'uncertain', error }
    }
    const rule = await ruleOf(row.rule_id)
    if (!rule) {
      await finish(row, { status: 'cancelled', at: clock(), error: 'the rule was deleted' })
      return { ...base, status: 'cancelled' }
    }
    try {
      return row.channel === 'webhook' ? await sendWebhook(row, rule, base) : await sendEmail(row, rule, base)
    } catch (e) {
      // Our own trouble (the database, composing): the row waits for a later run.
      return temporary(row, base, `could not be sent: ${(e as Error).message}`, MAX_WEBHOOK_ATTEMPTS)
    }
  }

  const processRows = async (ids: number[] | undefined, ignoreBackoff: boolean) => {
    for (const seen of await findClaimableAlertDeliveries(db, { now: clock(), ids, ignoreBackoff })) {
      const row = await claimAlertDelivery(db, seen, owner, clock(), config.alertLeaseMs)
      if (!row) continue
      outcomes.set(row.id, await deliver(row, seen))
    }
  }

  try {
    await processRows(undefined, opts.ignoreBackoff ?? false)
    for (let i = 0; i < (opts.immediateRetries ?? 0); i++) {
      const again = [...outcomes.values()].filter((o) => o.status === 'retrying').map((o) => o.id)
      if (again.length === 0) break
      await new Promise((r) => setTimeout(r, (opts.retryDelayMs ?? 1000) * 2 ** i))
      await processRows(again, true)
    }
  } finally {
    if (ownTransport) transport?.close()
  }
  return [...outcomes.values()].sort((a, b) => a.id - b.id)
}

/**
 * Evaluates (unless `evaluate: false`) and sends.
 * @example const r = await runAlerts({ db, config }, { immediateRetries: 2, ignoreBackoff: true })
 */
export async function runAlerts(deps: AlertDeps, opts: AlertRunOptions = {}): Promise<AlertRunResult> {
  let evaluated: AlertRunResult['evaluated'] = null
  let skipped: string | undefined
  if (opts.evaluate ?? true) {
    const e = await evaluateAlerts(deps)
    if (e.skipped) skipped = e.skipped
    else evaluated = { rules: e.rules, changes: e.changes, errors: e.errors }
  }
  const outcomes = await deliverAlerts(deps, opts)
  return { evaluated, skipped, outcomes, failed: outcomes.filter((o) => o.status === 'failed' || o.status === 'retrying').length }
}

/**
 * One scheduler tick: evaluates when the last evaluation (by any process) is EVALUATE_EVERY_MS old,
 * then sends what is due, retries waiting for their backoff.
 * @example await alertsTick({ db, config })
 */
export async function alertsTick(deps: AlertDeps): Promise<AlertRunResult> {
  const clock = deps.clock ?? Date.now
  const due = clock() - (await lastAlertEvaluation(deps.db)) >= EVALUATE_EVERY_MS
  return runAlerts(deps, { evaluate: due, immediateRetries: 0, ignoreBackoff: false })
}
