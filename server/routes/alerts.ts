/**
 * POST|GET /api/v1/webhooks, DELETE /api/v1/webhooks/:id (admins; the secret is shown once, at
 * creation), and GET|POST /api/v1/alert-rules, GET|PATCH|DELETE /api/v1/alert-rules/:id (editors
 * change, everyone who reads sees), each rule with its current state per initiative and its last
 * deliveries with every attempt. Every change is audited.
 */
import { Router } from 'express'
import { writeTransaction, type Db } from '../../db/connection.js'
import {
  createAlertRule,
  createWebhook,
  deleteAlertRule,
  deleteWebhook,
  findAlertRule,
  findAlertStates,
  findRecentAlertDeliveries,
  listAlertRules,
  listWebhooks,
  updateAlertRule,
  type AlertRule,
  type AlertRuleFields,
  type Webhook,
} from '../../db/queries/alerts.js'
import { listInitiatives } from '../../db/queries/initiatives.js'
import { actorName, canUseInitiative, requirePermission, scopeOf, type Actor } from '../auth/actor.js'
import { parseAlertRule, parseWebhook } from '../alerts/rule-input.js'
import { newWebhookSecret } from '../alerts/messages.js'
import { forbidden, notFound, unprocessable } from '../errors.js'
import { alertRule, alertRuleList, webhookCreated, webhookList, webhookTargetList } from '../../metrics/api/schemas.js'
import { send } from './answer.js'
import { alertStateHeadline, type AlertHeadline } from '../../metrics/alert-state.js'

const toneOf = (h: AlertHeadline) => ({ tone: h.tone, headline: h.word })

const DELIVERIES_SHOWN = 20

function parseId(raw: unknown, what: string, list: string): number {
  const id = Number(raw)
  if (!Number.isInteger(id) || id < 1 || String(raw) !== String(id)) throw notFound(`no ${what} "${String(raw).slice(0, 40)}"; ids are whole numbers (${list} lists them)`)
  return id
}

/** What anyone who may read rules sees of a webhook: not its URL (a Slack URL is itself a credential). */
function webhookLabel(w: Webhook) {
  let host = ''
  try {
    host = new URL(w.url).host
  } catch {
    host = '(invalid URL)'
  }
  return { id: w.id, format: w.format, host, disabled: w.disabledAt !== null }
}

export function webhooksRouter(deps: { db: Db; clock: () => number; disableDays: number }): Router {
  const { db, clock } = deps
  /** While failing and not yet disabled: when it will be, unless an attempt succeeds first. */
  const withDeadline = (w: Webhook) => ({ ...w, disablesAt: w.failingSince && !w.disabledAt ? new Date(Date.parse(w.failingSince) + deps.disableDays * 86_400_000).toISOString() : null })
  const router = Router()

  router.get('/', requirePermission('webhooks:manage', 'unscoped'), async (_req, res) => {
    send(res, webhookList, { webhooks: (await listWebhooks(db)).map(withDeadline) })
  })

  router.post('/', requirePermission('webhooks:manage', 'unscoped'), async (req, res) => {
    const parsed = parseWebhook(req.body)
    if (!parsed.ok) throw unprocessable('the webhook is invalid; nothing was stored', parsed.details)
    const secret = newWebhookSecret()
    const created = await writeTransaction(db, (tx) => createWebhook(tx, { ...parsed.value, secret }, { actor: actorName(req.actor!), at: clock() }))
    send(res, webhookCreated, { ...withDeadline(created), secret }, 201)
  })

  router.delete('/:id', requirePermission('webhooks:manage', 'unscoped'), async (req, res) => {
    const id = parseId(req.params.id, 'webhook', 'GET /api/v1/webhooks')
    const gone = await writeTransaction(db, (tx) => deleteWebhook(tx, id, { actor: actorName(req.actor!), at: clock() }))
    if (!gone) throw notFound(`no webhook ${id}`)
    res.status(204).end()
  })

  return router
}

/**
 * GET /api/v1/webhook-targets (editors): the webhooks a rule may post to, as labels (id, format, host),
 * so an editor can choose them on the dashboard without seeing a URL (a Slack URL is itself a credential).
 */
export function webhookTargetsRouter(deps: { db: Db }): Router {
  const router = Router()
  router.get('/', requirePermission('alerts:write', 'unscoped'), async (_req, res) => {
    send(res, webhookTargetList, { webhooks: (await listWebhooks(deps.db)).map(webhookLabel) })
  })
  return router
}

/** A rule for every initiative (null) reaches beyond any scope; a scoped caller sees and changes only its initiatives' rules. */
function inScope(a: Actor, initiative: string | null): boolean {
  return initiative === null ? scopeOf(a) === null : canUseInitiative(a, initiative)
}
function refuseOutOfScope(a: Actor, initiative: string | null): void {
  if (inScope(a, initiative)) return
  throw initiative === null
    ? forbidden('this API key is scoped to some initiatives; a rule for every initiative reaches beyond them: name one of yours in "initiative"')
    : notFound(`no initiative "${initiative}"`)
}

export function alertRulesRouter(deps: { db: Db; clock: () => number }): Router {
  const { db, clock } = deps
  const router = Router()

  const view = async (rules: AlertRule[], allowed: (slug: string) => boolean) => {
    const now = clock()
    const ids = rules.map((r) => r.id)
    const states = await findAlertStates(db, ids)
    const deliveries = await findRecentAlertDeliveries(db, ids, DELIVERIES_SHOWN, now)
    const initiatives = new Map((await listInitiatives(db)).map((i) => [i.id, i]))
    const hooks = new Map((await listWebhooks(db)).map((w) => [w.id, webhookLabel(w)]))
    return rules.map((r) => {
      const mine = states
        .filter((s) => s.ruleId === r.id)
        .map((s) => ({ s, i: initiatives.get(s.initiativeId) }))
        .filter((x) => x.i && allowed(x.i.slug))
        .map(({ s, i }) => ({ initiative: i!.slug, name: i!.name, state: s.state, ...toneOf(alertStateHeadline(r.kind, s.state, s.info.key as string | undefined)), since: s.since === null ? null : new Date(s.since).toISOString(), message: s.message, evaluatedAt: new Date(s.evaluatedAt).toISOString() }))
      const firing = mine.filter((s) => s.state === 'firing').length
      return {
        id: r.id,
        name: r.name,
        initiative: r.initiative,
        kind: r.kind,
        params: r.params,
        emails: r.emails,
        webhooks: r.webhooks,
        webhookTargets: r.webhooks.map((id) => hooks.get(id)).filter((w) => w !== undefined),
        owner: r.owner,
        createdBy: r.createdBy,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
        state: firing > 0 ? ('firing' as const) : mine.some((s) => s.state === 'resolved') ? ('resolved' as const) : ('ok' as const),
        firing,
        states: mine,
        deliveries: (deliveries.get(r.id) ?? []).map((d) => ({ ...d, initiatives: d.initiatives.map((id) => initiatives.get(id)?.slug).filter((x) => x !== undefined) })),
      }
    })
  }

  const known = async () => {
    const initiatives = await listInitiatives(db)
    return { initiatives, slugs: new Set(initiatives.map((i) => i.slug)), webhooks: new Set((await listWebhooks(db)).map((w) => w.id)) }
  }
  const fields = (v: ReturnType<typeof parseAlertRule> & { ok: true }, initiatives: Awaited<ReturnType<typeof known>>['initiatives']): Partial<AlertRuleFields> => {
    const out: Partial<AlertRuleFields> = {}
    if (v.value.name !== undefined) out.name = v.value.name
    if (v.value.initiative !== undefined) out.initiativeId = v.value.initiative === null ? null : initiatives.find((i) => i.slug === v.value.initiative)!.id
    if (v.value.kind !== undefined) out.kind = v.value.kind
    if (v.value.params !== undefined) out.params = v.value.params
    if (v.value.emails !== undefined) out.emails = v.value.emails
    if (v.value.webhooks !== undefined) out.webhooks = v.value.webhooks
    return out
  }

  router.get('/', requirePermission('read', 'filtered'), async (req, res) => {
    const allowed = (slug: string) => canUseInitiative(req.actor!, slug)
    const rules = (await listAlertRules(db)).filter((r) => r.initiative === null || allowed(r.initiative))
    send(res, alertRuleList, { alertRules: await view(rules, allowed) })
  })

  router.post('/', requirePermission('alerts:write', 'filtered'), async (req, res) => {
    const k = await known()
    const parsed = parseAlertRule(req.body, { knownInitiatives: k.slugs, knownWebhooks: k.webhooks })
    if (!parsed.ok) throw unprocessable('the alert rule is invalid; nothing was stored', parsed.details)
    const a = req.actor!
    refuseOutOfScope(a, parsed.value.initiative ?? null)
    const created = await writeTransaction(db, (tx) => createAlertRule(tx, fields(parsed, k.initiatives) as AlertRuleFields, { actor: actorName(a), owner: a.kind === 'user' ? a.email : null, at: clock() }))
    send(res, alertRule, (await view([created], () => true))[0], 201)
  })

  router.get('/:id', requirePermission('read', 'filtered'), async (req, res) => {
    const id = parseId(req.params.id, 'alert rule', 'GET /api/v1/alert-rules')
    const rule = await findAlertRule(db, id)
    const allowed = (slug: string) => canUseInitiative(req.actor!, slug)
    if (!rule || (rule.initiative !== null && !allowed(rule.initiative))) throw notFound(`no alert rule ${id}`)
    send(res, alertRule, (await view([rule], allowed))[0])
  })

  router.patch('/:id', requirePermission('alerts:write', 'filtered'), async (req, res) => {
    const id = parseId(req.params.id, 'alert rule', 'GET /api/v1/alert-rules')
    const current = await findAlertRule(db, id)
    if (!current || !inScope(req.actor!, current.initiative)) throw notFound(`no alert rule ${id}`)
    const k = await known()
    const parsed = parseAlertRule(req.body, { partial: true, knownInitiatives: k.slugs, knownWebhooks: k.webhooks, current })
    if (!parsed.ok) throw unprocessable('the change is invalid; nothing was changed', parsed.details)
    if (parsed.value.initiative !== undefined) refuseOutOfScope(req.actor!, parsed.value.initiative)
    const updated = await writeTransaction(db, (tx) => updateAlertRule(tx, id, fields(parsed, k.initiatives), { actor: actorName(req.actor!), at: clock() }))
    if (!updated) throw notFound(`no alert rule ${id}`)
    send(res, alertRule, (await view([updated], () => true))[0])
  })

  router.delete('/:id', requirePermission('alerts:write', 'filtered'), async (req, res) => {
    const id = parseId(req.params.id, 'alert rule', 'GET /api/v1/alert-rules')
    const gone = await writeTransaction(db, async (tx) => {
      const current = await findAlertRule(tx, id)
      if (!current || !inScope(req.actor!, current.initiative)) return false
      return deleteAlertRule(tx, id, { actor: actorName(req.actor!), at: clock() })
    })
    if (!gone) throw notFound(`no alert rule ${id}`)
    res.status(204).end()
  })

  return router
}
