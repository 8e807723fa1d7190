/**
 * GET|POST /api/v1/subscriptions, GET|PATCH|DELETE /api/v1/subscriptions/:id (each with its latest
 * deliveries and their status), and the public GET|POST /unsubscribe?token=… of digest emails.
 */
import express, { Router } from 'express'
import type { Db } from '../../db/connection.js'
import { writeTransaction } from '../../db/connection.js'
import { listInitiatives } from '../../db/queries/initiatives.js'
import { findRecentDeliveries } from '../../db/queries/outbox.js'
import { createSubscription, deleteSubscription, findSubscription, listSubscriptions, removeRecipient, updateSubscription, type Subscription, type SubscriptionFields } from '../../db/queries/subscriptions.js'
import { actorName, canUseInitiative, coversInitiatives, publicRoute, requirePermission, type Actor } from '../auth/actor.js'
import type { Config } from '../config.js'
import { lastCompletedPeriod } from '../email/schedule.js'
import { escapeHtml } from '../email/format.js'
import { parseSubscription } from '../email/subscription-input.js'
import { unsubscribeSecret, verifyUnsubscribe } from '../email/tokens.js'
import { forbidden, notFound, unprocessable } from '../errors.js'
import { subscription, subscriptionList } from '../../metrics/api/schemas.js'
import { send } from './answer.js'

const DELIVERIES_SHOWN = 20

function refuseOutOfScope(actor: Actor, initiatives: readonly string[]): void {
  if (coversInitiatives(actor, initiatives)) return
  throw forbidden(initiatives.length === 0 ? 'this API key is scoped to some initiatives; a subscription without initiatives covers every one: list initiatives inside the key\'s scope' : `this API key may not reach ${initiatives.filter((s) => !canUseInitiative(actor, s)).join(', ')}`)
}

function parseId(raw: unknown): number {
  const id = Number(raw)
  if (!Number.isInteger(id) || id < 1 || String(raw) !== String(id)) throw notFound(`no subscription "${String(raw).slice(0, 40)}"; ids are whole numbers (GET /api/v1/subscriptions lists them)`)
  return id
}

export function subscriptionsRouter(deps: { db: Db; config: Config; clock: () => number }): Router {
  const { db, config, clock } = deps
  const router = Router()

  const withDeliveries = async (subs: Subscription[]) => {
    const now = clock()
    const deliveries = await findRecentDeliveries(db, subs.map((s) => s.id), DELIVERIES_SHOWN, now)
    return subs.map((s) => {
      let nextPeriod: { from: string; to: string; key: string } | null = null
      try {
        const p = lastCompletedPeriod(now, s.schedule, s.timezone)
        nextPeriod = { from: new Date(p.from).toISOString(), to: new Date(p.to).toISOString(), key: p.key }
      } catch {
        nextPeriod = null
      }
      return { ...s, latestPeriod: nextPeriod, deliveries: deliveries.get(s.id) ?? [] }
    })
  }
  const known = async () => new Set((await listInitiatives(db)).map((i) => i.slug))

  // Scope: a subscription reaches its initiatives (none listed: every one); a scoped caller sees and
  // changes only those wholly inside its scope, and others do not exist for it (404).
  router.get('/', requirePermission('read', 'filtered'), async (req, res) => {
    const visible = (await listSubscriptions(db)).filter((s) => coversInitiatives(req.actor!, s.initiatives))
    send(res, subscriptionList, { subscriptions: await withDeliveries(visible) })
  })

  router.post('/', requirePermission('subscriptions:write', 'filtered'), async (req, res) => {
    const parsed = parseSubscription(req.body, { defaultTimezone: config.timezone, knownInitiatives: await known() })
    if (!parsed.ok) throw unprocessable('the subscription is invalid; nothing was stored', parsed.details)
    refuseOutOfScope(req.actor!, parsed.value.initiatives ?? [])
    const created = await writeTransaction(db, (tx) => createSubscription(tx, parsed.value as SubscriptionFields, { actor: actorName(req.actor!), at: clock() }))
    send(res, subscription, (await withDeliveries([created]))[0], 201)
  })

  router.get('/:id', requirePermission('read', 'filtered'), async (req, res) => {
    const found = await findSubscription(db, parseId(req.params.id))
    if (!found || !coversInitiatives(req.actor!, found.initiatives)) throw notFound(`no subscription ${req.params.id}`)
    send(res, subscription, (await withDeliveries([found]))[0])
  })

  router.patch('/:id', requirePermission('subscriptions:write', 'filtered'), async (req, res) => {
    const id = parseId(req.params.id)
    const parsed = parseSubscription(req.body, { partial: true, defaultTimezone: config.timezone, knownInitiatives: await known() })
    if (!parsed.ok) throw unprocessable('the change is invalid; nothing was changed', parsed.details)
    if (parsed.value.initiatives !== undefined) refuseOutOfScope(req.actor!, parsed.value.initiatives)
    const updated = await writeTransaction(db, async (tx) => {
      const current = await findSubscription(tx, id)
      if (!current || !coversInitiatives(req.actor!, current.initiatives)) return undefined
      return updateSubscription(tx, id, parsed.value, { actor: actorName(req.actor!), at: clock() })
    })
    if (!updated) throw notFound(`no subscription ${id}`)
    send(res, subscription, (await withDeliveries([updated]))[0])
  })

  router.delete('/:id', requirePermission('subscriptions:write', 'filtered'), async (req, res) => {
    const id = parseId(req.params.id)
    const gone = await writeTransaction(db, async (tx) => {
      const current = await findSubscription(tx, id)
      if (!current || !coversInitiatives(req.actor!, current.initiatives)) return false
      return deleteSubscription(tx, id, { actor: actorName(req.actor!), at: clock() })
    })
    if (!gone) throw notFound(`no subscription ${id}`)
    res.status(204).end()
  })

  return router
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head><body style="font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Arial,sans-serif;max-width:520px;margin:64px auto;padding:0 16px;color:#1f2328;line-height:1.5"><h1 style="font-size:22px">${escapeHtml(title)}</h1>${body}</body></html>`
}

/**
 * The unsubscribe link of every digest, as RFC 8058 asks: GET /unsubscribe?token=… (the link, also
 * fetched by mail link scanners) changes nothing and shows a confirmation page with one button; HEAD
 * likewise; POST /unsubscribe?token=… (that button, or a mail client's one-click
 * `List-Unsubscribe=One-Click`) removes that recipient from that subscription, audited, and answers a
 * plain page.
 */
export function unsubscribeRouter(deps: { db: Db; clock: () => number }): Router {
  const { db, clock } = deps
  const router = Router()
  const invalid = { status: 400, html: page('This unsubscribe link is not valid', '<p>The link may have been cut short by your mail program. Open it again from the email, or ask the person who set up the summary to remove you.</p>') }
  const who = async (token: unknown) => (typeof token === 'string' ? verifyUnsubscribe(await unsubscribeSecret(db), token) : null)
  router.get('/unsubscribe', publicRoute(), async (req, res) => {
    const w = await who(req.query.token)
    res.setHeader('Cache-Control', 'no-store')
    if (!w) {
      res.status(invalid.status).type('html').send(invalid.html)
      return
    }
    const sub = await findSubscription(db, w.subscriptionId)
    const what = sub ? `the summary “${escapeHtml(sub.name)}”` : 'this summary'
    const action = `/unsubscribe?token=${encodeURIComponent(String(req.query.token))}`
    res
      .status(200)
      .type('html')
      .send(page('Unsubscribe from this summary?', `<p>${escapeHtml(w.recipient)} will receive no more emails from ${what}.</p><form method="post" action="${escapeHtml(action)}"><button type="submit" style="font:inherit;padding:8px 16px;border-radius:6px;border:1px solid #1f2328;background:#1f2328;color:#fff;cursor:pointer">Unsubscribe</button></form>`))
  })
  router.post('/unsubscribe', publicRoute(), express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const w = await who(req.query.token)
    if (!w) {
      res.status(invalid.status).type('html').send(invalid.html)
      return
    }
    const result = await writeTransaction(db, (tx) => removeRecipient(tx, w.subscriptionId, w.recipient, clock()))
    const html = !result
      ? page('You are unsubscribed', `<p>${escapeHtml(w.recipient)} receives no more emails from this summary (it no longer exists).</p>`)
      : page('You are unsubscribed', `<p>${escapeHtml(w.recipient)} will receive no more emails from the summary “${escapeHtml(result.subscription.name)}”.</p>${result.removed ? '' : '<p>(The address had already been removed.)</p>'}`)
    res.status(200).type('html').send(html)
  })
  return router
}
