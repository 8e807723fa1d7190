/**
 * The digest run: enqueue what is due, claim rows one by one with a compare-and-set, send, record.
 *
 * Guarantees (see docs in README "Email summaries"):
 * - one outbox row per (subscription, period key, recipient) under a UNIQUE constraint, so restarts and
 *   concurrent runs enqueue each message once;
 * - a row is sent only by the sender whose compare-and-set moved it to `sending`;
 * - just before a message goes to the mail server its row records the handover; a row found in
 *   `sending` after its lease expired was sent normally if it was never handed over (the sender died
 *   while composing), and otherwise may have been accepted before its sender died: it is resent once
 *   with the same Message-ID and shown as uncertain; after two interrupted handovers it is not resent
 *   again;
 * - SMTP 4xx (and connection trouble) → `retrying` with exponential backoff; 5xx → `failed`, not retried.
 */
import os from 'node:os'
import { randomUUID } from 'node:crypto'
import type { Attachment } from 'nodemailer/lib/mailer/index.js'
import type { Db } from '../../db/connection.js'
import { claimDelivery, enqueueDeliveries, findClaimable, finishDelivery, markHandoff, type NewDelivery, type OutboxRow } from '../../db/queries/outbox.js'
import { findSubscription, listSubscriptions, type Subscription } from '../../db/queries/subscriptions.js'
import type { Config } from '../config.js'
import { currentPeriod, lastCompletedPeriod, type DigestPeriod } from './schedule.js'
import { messageIdFor } from './tokens.js'
import { classifySendError, type MailTransport } from './transport.js'

export interface ComposedMessage {
  subject: string
  html: string
  text: string
  attachments: Attachment[]
  /** Extra headers (List-Unsubscribe). */
  headers: Record<string, string>
}

/** Builds one period's digest once, then the message for each recipient (their unsubscribe link). */
export type Composer = (sub: Subscription, period: DigestPeriod & { kind: 'scheduled' | 'now' }) => Promise<(recipient: string) => ComposedMessage>

export interface DigestRunOptions {
  /** Only this subscription. */
  subscriptionId?: number
  /** Send the period in progress now, as an extra message (needs subscriptionId). */
  extraNow?: boolean
  /** Retry temporary failures this many more times within the run (digest run: at once). */
  immediateRetries?: number
  /** Pause before the first immediate retry, doubled each time. */
  retryDelayMs?: number
  /** Attempt `retrying` rows without waiting for their backoff (digest run). */
  ignoreBackoff?: boolean
}

export interface DeliveryOutcome {
  id: number
  subscriptionId: number
  periodKey: string
  recipient: string
  status: 'sent' | 'uncertain' | 'retrying' | 'failed' | 'cancelled'
  error?: string
}

export interface DigestRunResult {
  enqueued: number
  outcomes: DeliveryOutcome[]
  /** Deliveries of this run that ended failed or still retrying. */
  failed: number
}

export interface DigestDeps {
  db: Db
  config: Pick<Config, 'mailFrom' | 'digestLeaseMs'>
  transport: MailTransport
  compose: Composer
  clock?: () => number
  log?: (m: string) => void
}

const BACKOFF_BASE_MS = 60_000
const BACKOFF_MAX_MS = 3_600_000
const MAX_ATTEMPTS = 10

/**
 * The wait before attempt `attempts + 1` after a temporary failure: 1 min, 2, 4, … capped at 1 h.
 * @example retryDelay(3) // 240000
 */
export function retryDelay(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS)
}

function deliveriesFor(sub: Subscription, period: DigestPeriod, kind: 'scheduled' | 'now'): NewDelivery[] {
  return sub.recipients.map((recipient) => ({
    subscriptionId: sub.id,
    periodKey: period.key,
    periodFrom: period.from,
    periodTo: period.to,
    kind,
    recipient,
    messageId: messageIdFor(sub.id, period.key, recipient),
  }))
}

/**
 * Enqueues the due digests (or, with `extraNow`, the period in progress) and sends every claimable row.
 * @example const result = await runDigests({ db, config, transport, compose }, { immediateRetries: 2 })
 */
export async function runDigests(deps: DigestDeps, opts: DigestRunOptions = {}): Promise<DigestRunResult> {
  const { db, transport, compose } = deps
  const clock = deps.clock ?? Date.now
  const log = deps.log ?? (() => {})
  const owner = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`

  let subs: Subscription[]
  if (opts.subscriptionId !== undefined) {
    const one = await findSubscription(db, opts.subscriptionId)
    if (!one) throw new Error(`no subscription with id ${opts.subscriptionId} (see: npm run cli -- subscriptions list)`)
    subs = [one]
  } else subs = await listSubscriptions(db)

  let enqueued = 0
  let onlyIds: number[] | undefined
  if (opts.extraNow) {
    if (subs.length !== 1) throw new Error('--now needs --subscription ID')
    const sub = subs[0]
    const now = clock()
    const period = currentPeriod(now, sub.schedule, sub.timezone)
    const rows = deliveriesFor(sub, period, 'now')
    enqueued += await enqueueDeliveries(db, rows, now)
    const mine = await db.selectFrom('digest_outbox').select('id').where('subscription_id', '=', sub.id).where('period_key', '=', period.key).execute()
    onlyIds = mine.map((r) => r.id)
  } else {
    for (const sub of subs) {
      try {
        const now = clock()
        enqueued += await enqueueDeliveries(db, deliveriesFor(sub, lastCompletedPeriod(now, sub.schedule, sub.timezone), 'scheduled'), now)
      } catch (e) {
        log(`digest: subscription ${sub.id} "${sub.name}": ${(e as Error).message}`)
      }
    }
  }

  const composed = new Map<string, Promise<(recipient: string) => ComposedMessage>>()
  const outcomes = new Map<number, DeliveryOutcome>()

  const processRows = async (ids: number[] | undefined, ignoreBackoff: boolean) => {
    const rows = await findClaimable(db, { now: clock(), subscriptionId: opts.subscriptionId, ids, ignoreBackoff })
    for (const seen of rows) {
      const row = await claimDelivery(db, seen, owner, clock(), deps.config.digestLeaseMs)
      if (!row) continue
      const outcome = await deliver(row, seen)
      outcomes.set(row.id, outcome)
    }
  }

  const deliver = async (row: OutboxRow, seen: OutboxRow): Promise<DeliveryOutcome> => {
    const base = { id: row.id, subscriptionId: row.subscription_id, periodKey: row.period_key, recipient: row.recipient }
    if (seen.status === 'sending' && seen.handoffs >= 2) {
      const error = 'two attempts were interrupted after the message was handed to the mail server; not resent again, so the recipient never gets more than two copies'
      await finishDelivery(db, row.id, owner, { status: 'sent', at: clock() })
      log(`digest: delivery ${row.id} to ${row.recipient}: ${error}`)
      return { ...base, status: 'uncertain', error }
    }
    const sub = await findSubscription(db, row.subscription_id)
    if (!sub || !sub.recipients.some((r) => r.toLowerCase() === row.recipient.toLowerCase())) {
      await finishDelivery(db, row.id, owner, { status: 'cancelled', at: clock(), error: 'the recipient was removed from the subscription before sending' })
      return { ...base, status: 'cancelled' }
    }
    let message: ComposedMessage
    try {
      const cacheKey = `${sub.id}\n${row.period_key}`
      let build = composed.get(cacheKey)
      if (!build) {
        build = compose(sub, { from: row.period_from, to: row.period_to, key: row.period_key, kind: row.kind === 'now' ? 'now' : 'scheduled' })
        composed.set(cacheKey, build)
      }
      message = (await build)(row.recipient)
    } catch (e) {
      composed.delete(`${sub.id}\n${row.period_key}`)
      return temporary(row, base, `the digest could not be built: ${(e as Error).message}`)
    }
    await markHandoff(db, row.id, owner)
    try {
      await transport.send({
        from: deps.config.mailFrom,
        to: row.recipient,
        subject: message.subject,
        text: message.text,
        html: message.html,
        attachments: message.attachments,
        messageId: row.message_id,
        headers: { ...message.headers, 'X-Yardstick-Subscription': String(sub.id), 'X-Yardstick-Period': row.period_key },
      })
    } catch (e) {
      const failure = classifySendError(e)
      if (failure.kind === 'permanent') {
        await finishDelivery(db, row.id, owner, { status: 'failed', at: clock(), error: failure.message })
        log(`digest: delivery ${row.id} to ${row.recipient} failed permanently: ${failure.message}`)
        return { ...base, status: 'failed', error: failure.message }
      }
      return temporary(row, base, failure.message)
    }
    if (!(await finishDelivery(db, row.id, owner, { status: 'sent', at: clock() }))) {
      log(`digest: delivery ${row.id} to ${row.recipient} was sent, but its lease had expired and was taken over; it may be sent twice`)
    }
    return { ...base, status: row.uncertain ? 'uncertain' : 'sent' }
  }

  const temporary = async (row: OutboxRow, base: Omit<DeliveryOutcome, 'status'>, error: string): Promise<DeliveryOutcome> => {
    const at = clock()
    if (row.attempts >= MAX_ATTEMPTS) {
      const message = `gave up after ${row.attempts} attempts: ${error}`
      await finishDelivery(db, row.id, owner, { status: 'failed', at, error: message })
      return { ...base, status: 'failed', error: message }
    }
    await finishDelivery(db, row.id, owner, { status: 'retrying', at, nextAttemptAt: at + retryDelay(row.attempts), error })
    log(`digest: delivery ${row.id} to ${row.recipient} will be retried: ${error}`)
    return { ...base, status: 'retrying', error }
  }

  await processRows(onlyIds, opts.ignoreBackoff ?? false)
  const retries = opts.immediateRetries ?? 0
  for (let i = 0; i < retries; i++) {
    const again = [...outcomes.values()].filter((o) => o.status === 'retrying').map((o) => o.id)
    if (again.length === 0) break
    await new Promise((r) => setTimeout(r, (opts.retryDelayMs ?? 1000) * 2 ** i))
    await processRows(again, true)
  }

  const list = [...outcomes.values()].sort((a, b) => a.id - b.id)
  return { enqueued, outcomes: list, failed: list.filter((o) => o.status === 'failed' || o.status === 'retrying').length }
}
