import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeTransaction } from '../../db/connection.js'
import { findAudit } from '../../db/queries/audit.js'
import { findInitiativeFields } from '../../db/queries/initiatives.js'
import { createKey } from '../../db/queries/keys.js'
import { createShareToken } from '../../db/queries/share-tokens.js'
import { createSubscription } from '../../db/queries/subscriptions.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'
import { signUnsubscribe, unsubscribeSecret } from '../email/tokens.js'
import { listRoutes, makeUser, sessionCookie } from './test-helpers.js'

/*
 * The documented rules (docs/SECURITY.md, "Roles" and "Scope"), written out here rather than read
 * from the implementation's permission table:
 * - viewers read; editors also change initiatives and subscriptions and manage share tokens; admins
 *   also manage users and keys, read the audit log and delete events. Read keys read, ingest keys
 *   send events, admin keys do what admins do.
 * - A scoped key reaches only its initiatives: a path naming another initiative (or another
 *   initiative's subscription or share token) answers 404; routes over every initiative or over things
 *   of no initiative (keys, users, audit, demo, creating initiatives) answer 403.
 * - A share token reads only the embed data of its initiative (GET summary, series, the initiative):
 *   everything else under /api/v1 answers 403.
 */
type Need = 'public' | 'signed-in' | 'read' | 'events:write' | 'initiatives:write' | 'subscriptions:write' | 'share:manage' | 'keys:manage' | 'users:manage' | 'audit:read' | 'events:delete' | 'alerts:write' | 'webhooks:manage'
/** What a route reaches: one initiative's thing named in the path, every initiative, or what the body or query names. */
type Reach = 'target' | 'every' | 'body' | 'none'
interface RouteSpec {
  need: Need
  reach: Reach
  /** An embed read, the only routes a share token opens. */
  embed?: boolean
  /** The concrete path names nothing that exists (404 is an allowed answer). */
  missing?: boolean
  body?: unknown
}
const ROUTES: Record<string, RouteSpec> = {
  'POST /api/v1/events': { need: 'events:write', reach: 'body' },
  'POST /api/v1/session': { need: 'public', reach: 'none' },
  'GET /api/v1/session': { need: 'signed-in', reach: 'none' },
  'DELETE /api/v1/session': { need: 'public', reach: 'none' },
  'GET /api/v1/setup': { need: 'public', reach: 'none' },
  'POST /api/v1/setup': { need: 'public', reach: 'none' },
  'GET /api/v1/users': { need: 'users:manage', reach: 'every' },
  'POST /api/v1/users': { need: 'users:manage', reach: 'every' },
  'PATCH /api/v1/users/:id': { need: 'users:manage', reach: 'every' },
  'GET /api/v1/keys': { need: 'keys:manage', reach: 'every' },
  'POST /api/v1/keys': { need: 'keys:manage', reach: 'every' },
  'DELETE /api/v1/keys/:id': { need: 'keys:manage', reach: 'every' },
  'GET /api/v1/audit': { need: 'audit:read', reach: 'every' },
  'POST /api/v1/events/delete': { need: 'events:delete', reach: 'body' },
  'DELETE /api/v1/events/:id': { need: 'events:delete', reach: 'body', missing: true },
  'GET /api/v1/initiatives/:slug/series': { need: 'read', reach: 'target', embed: true },
  'GET /api/v1/initiatives/:slug/payback': { need: 'read', reach: 'target', embed: true },
  'GET /api/v1/series': { need: 'read', reach: 'body', embed: true },
  'GET /api/v1/summary': { need: 'read', reach: 'body', embed: true },
  'GET /api/v1/readiness': { need: 'read', reach: 'body' },
  'GET /api/v1/initiatives/:slug/readiness': { need: 'read', reach: 'target' },
  'GET /api/v1/initiatives/:slug/fit': { need: 'read', reach: 'target' },
  'PUT /api/v1/initiatives/:slug/fit': { need: 'initiatives:write', reach: 'target' },
  'GET /api/v1/initiatives/:slug/attestations': { need: 'read', reach: 'target' },
  'POST /api/v1/initiatives/:slug/attestations': { need: 'initiatives:write', reach: 'target' },
  'POST /api/v1/share-tokens': { need: 'share:manage', reach: 'body' },
  'GET /api/v1/share-tokens': { need: 'share:manage', reach: 'body' },
  'DELETE /api/v1/share-tokens/:id': { need: 'share:manage', reach: 'target' },
  'POST /api/v1/demo': { need: 'users:manage', reach: 'every', body: { days: 0 } },
  'GET /api/v1/initiatives': { need: 'read', reach: 'body' },
  'POST /api/v1/initiatives': { need: 'initiatives:write', reach: 'every' },
  'GET /api/v1/initiatives/:slug': { need: 'read', reach: 'target', embed: true },
  'PATCH /api/v1/initiatives/:slug': { need: 'initiatives:write', reach: 'target' },
  'GET /api/v1/subscriptions': { need: 'read', reach: 'body' },
  'POST /api/v1/subscriptions': { need: 'subscriptions:write', reach: 'body' },
  'GET /api/v1/subscriptions/:id': { need: 'read', reach: 'target' },
  'PATCH /api/v1/subscriptions/:id': { need: 'subscriptions:write', reach: 'target' },
  'DELETE /api/v1/subscriptions/:id': { need: 'subscriptions:write', reach: 'target' },
  'GET /unsubscribe': { need: 'public', reach: 'none' },
  'POST /unsubscribe': { need: 'public', reach: 'none' },
  'GET /healthz': { need: 'public', reach: 'none' },
  'GET /api/v1/openapi.json': { need: 'public', reach: 'none' },
  'GET /api/v1/demo': { need: 'public', reach: 'none' },
  'GET /api/v1/assessment': { need: 'read', reach: 'body' },
  'POST /api/v1/assessment': { need: 'initiatives:write', reach: 'every', body: { answers: { uc_selection: 2, uc_volume: 2, uc_engagement: 2, int_reporting: 2, int_workflow: 2, int_silence: 2, gov_checklist: 2, gov_bias: 2, gov_accuracy: 2, meas_targets: 2, meas_results: 2, meas_scaling: 2 } } },
  'GET /api/v1/alert-rules': { need: 'read', reach: 'body' },
  'POST /api/v1/alert-rules': { need: 'alerts:write', reach: 'body', body: { name: 'm', initiative: 'alpha', kind: 'silence', params: { hours: 6 } } },
  'GET /api/v1/alert-rules/:id': { need: 'read', reach: 'body', missing: true },
  'PATCH /api/v1/alert-rules/:id': { need: 'alerts:write', reach: 'body', missing: true },
  'DELETE /api/v1/alert-rules/:id': { need: 'alerts:write', reach: 'body', missing: true },
  'GET /api/v1/webhooks': { need: 'webhooks:manage', reach: 'every' },
  'GET /api/v1/webhook-targets': { need: 'alerts:write', reach: 'every' },
  'POST /api/v1/webhooks': { need: 'webhooks:manage', reach: 'every', body: { url: 'https://hooks.example.com/m', format: 'json' } },
  'DELETE /api/v1/webhooks/:id': { need: 'webhooks:manage', reach: 'every', missing: true },
  'POST /v1/metrics': { need: 'events:write', reach: 'body' },
  'POST /v1/logs': { need: 'events:write', reach: 'body' },
  'POST /api/v1/otlp/v1/metrics': { need: 'events:write', reach: 'body' },
  'POST /api/v1/otlp/v1/logs': { need: 'events:write', reach: 'body' },
  'POST /api/v1/imports': { need: 'initiatives:write', reach: 'body' },
  'GET /api/v1/imports': { need: 'initiatives:write', reach: 'body' },
  'GET /api/v1/imports/:id': { need: 'initiatives:write', reach: 'body', missing: true },
  'GET /api/docs': { need: 'public', reach: 'none' },
}
/** The guard tag each reach must carry in the router. */
const SCOPE_TAG: Record<Reach, string | undefined> = { target: undefined, every: 'unscoped', body: 'filtered', none: undefined }

const EVERYTHING: Need[] = ['read', 'events:write', 'initiatives:write', 'subscriptions:write', 'share:manage', 'keys:manage', 'users:manage', 'audit:read', 'events:delete', 'alerts:write', 'webhooks:manage']
type Auth = 'none' | 'user' | 'key' | 'share'
interface Caller {
  auth: Auth
  may: Need[]
  /** Scoped to "alpha" only. */
  scoped: boolean
}
const CALLERS: Record<string, Caller> = {
  anonymous: { auth: 'none', may: [], scoped: false },
  viewer: { auth: 'user', may: ['read'], scoped: false },
  editor: { auth: 'user', may: ['read', 'initiatives:write', 'subscriptions:write', 'share:manage', 'alerts:write'], scoped: false },
  admin: { auth: 'user', may: EVERYTHING, scoped: false },
  'ingest key': { auth: 'key', may: ['events:write'], scoped: false },
  'read key': { auth: 'key', may: ['read'], scoped: false },
  'admin key': { auth: 'key', may: EVERYTHING, scoped: false },
  'ingest key (alpha)': { auth: 'key', may: ['events:write'], scoped: true },
  'read key (alpha)': { auth: 'key', may: ['read'], scoped: true },
  // Made before admin keys could not be scoped: it must act as scoped, never as a full admin key.
  'old scoped admin key (alpha)': { auth: 'key', may: EVERYTHING, scoped: true },
  'share token (alpha)': { auth: 'share', may: ['read'], scoped: true },
}
// Webhooks are the organisation's, not an initiative's (docs/SECURITY.md).
const UNSCOPED_ONLY: Need[] = ['keys:manage', 'users:manage', 'audit:read', 'webhooks:manage']

type Want = 401 | 403 | 404 | 'allowed'
/** What the rules above say a caller gets on a route whose path names `target`'s thing. */
function expected(name: string, r: RouteSpec, c: Caller, target: 'alpha' | 'beta' | null): Want {
  // The API's own description is public to anyone, whatever they send (docs/API.md).
  if (name === 'GET /api/v1/openapi.json') return 'allowed'
  // A share token only reads embed data; anything else of the API (and the OTLP receiver's /v1/…) is 403.
  if (c.auth === 'share' && (name.includes(' /api/v1/') || name.includes(' /v1/')) && !(name.startsWith('GET ') && r.embed)) return 403
  if (r.need === 'public') return 'allowed'
  if (c.auth === 'none') return 401
  if (r.need === 'signed-in') return c.auth === 'user' ? 'allowed' : 403
  if (!c.may.includes(r.need)) return 403
  if (c.scoped && (UNSCOPED_ONLY.includes(r.need) || r.reach === 'every')) return 403
  if (c.scoped && r.reach === 'target' && target === 'beta') return 404
  return 'allowed'
}

let s: TestServer
let ids: { viewer: number; editor: number; admin: number }
const credentials: Record<string, string> = {}

async function mintShare(slug: string): Promise<{ id: number; token: string }> {
  return writeTransaction(s.handle.db, async (tx) => {
    const i = (await findInitiativeFields(tx, slug))!
    const { record, token } = await createShareToken(tx, { initiativeId: i.id, expiresAt: Date.now() + 86_400_000, minter: { kind: 'user', id: ids.admin, name: 'admin@example.com' } }, Date.now())
    return { id: record.id, token }
  })
}
async function subscription(slug: string): Promise<number> {
  return (await writeTransaction(s.handle.db, (tx) => createSubscription(tx, { name: `${slug} weekly`, recipients: [`${slug}-reader@example.com`], schedule: 'weekly', initiatives: [slug], timezone: 'UTC' }, { actor: 'test', at: Date.now() }))).id
}

beforeAll(async () => {
  s = await startTestServer()
  await s.initiative({ slug: 'matrix', name: 'Matrix', owner: 'owner@example.com' })
  await s.initiative({ slug: 'alpha', name: 'Alpha', owner: 'owner@example.com' })
  await s.initiative({ slug: 'beta', name: 'Beta', owner: 'owner@example.com' })
  ids = {
    viewer: await makeUser(s.handle.db, 'viewer@example.com', 'viewer', 'viewer-password-1'),
    editor: await makeUser(s.handle.db, 'editor@example.com', 'editor', 'editor-password-1'),
    admin: await makeUser(s.handle.db, 'admin@example.com', 'admin', 'admin-password-1'),
  }
  credentials['ingest key'] = await s.key('ingest')
  credentials['read key'] = await s.key('read')
  credentials['admin key'] = await s.key('admin')
  credentials['ingest key (alpha)'] = await s.key('ingest', ['alpha'])
  credentials['read key (alpha)'] = await s.key('read', ['alpha'])
  credentials['old scoped admin key (alpha)'] = await s.key('admin', ['alpha'])
  credentials['share token (alpha)'] = (await mintShare('alpha')).token
})
afterAll(async () => {
  await s?.close()
})

/** The request for one cell: a fresh thing to delete where the route deletes, so no cell sees another's effect. */
async function concrete(name: string, target: 'alpha' | 'beta'): Promise<string> {
  const path = name.split(' ')[1]
  const method = name.split(' ')[0]
  if (path === '/api/v1/keys/:id') return `/api/v1/keys/${(await writeTransaction(s.handle.db, (tx) => createKey(tx, { name: 'to revoke', role: 'read', initiatives: null }, { actor: 'test', at: Date.now() }))).key.id}`
  if (path === '/api/v1/users/:id') return `/api/v1/users/${ids.viewer}`
  if (path === '/api/v1/events/:id') return '/api/v1/events/999999'
  if (path === '/api/v1/subscriptions/:id') return `/api/v1/subscriptions/${method === 'DELETE' ? await subscription(target) : target === 'alpha' ? subs.alpha : subs.beta}`
  if (path === '/api/v1/share-tokens/:id') return `/api/v1/share-tokens/${(await mintShare(target)).id}`
  return path.replace(/:slug/g, target)
}
const subs = { alpha: 0, beta: 0 }

async function call(caller: string, method: string, path: string, body?: unknown): Promise<Response> {
  const c = CALLERS[caller]
  const headers: Record<string, string> = {}
  if (c.auth === 'key') headers.authorization = `Bearer ${credentials[caller]}`
  else if (c.auth === 'share') headers['x-yardstick-share'] = credentials[caller]
  else if (c.auth === 'user') headers.cookie = await sessionCookie(s.handle.db, ids[caller as 'viewer' | 'editor' | 'admin'])
  const text = method === 'GET' || method === 'HEAD' ? undefined : JSON.stringify(body ?? {})
  if (text) headers['content-type'] = 'application/json'
  return fetch(s.url + path, { method, headers, body: text })
}

describe('route × caller × scope matrix', () => {
  it('lists every route in the rules table, each with the guard and scope tag the table says', () => {
    const routes = listRoutes(s.app.app)
    const names = routes.map((r) => `${r.method} ${r.path}`)
    expect(names.filter((n) => !(n in ROUTES)), 'add each new route to ROUTES in server/auth/route-matrix.test.ts, with its rule').toEqual([])
    expect(Object.keys(ROUTES).filter((n) => !names.includes(n))).toEqual([])
    const drift = routes.filter((r) => {
      const spec = ROUTES[`${r.method} ${r.path}`]
      const tag = r.path.includes(':slug') ? 'slug' : r.path.endsWith('/:id') && spec.reach === 'target' ? 'filtered' : SCOPE_TAG[spec.reach]
      return r.permission !== spec.need || r.scope !== tag
    })
    expect(drift.map((r) => `${r.method} ${r.path}: tagged ${r.permission}/${r.scope}`)).toEqual([])
  })

  // Hundreds of requests, each signing in anew: slower on PostgreSQL, more so beside other suites.
  it('answers every route × caller × in-scope and out-of-scope initiative as the rules say', async () => {
    subs.alpha = await subscription('alpha')
    subs.beta = await subscription('beta')
    const wrong: string[] = []
    let checked = 0
    for (const [name, r] of Object.entries(ROUTES)) {
      const targets: Array<'alpha' | 'beta'> = r.reach === 'target' ? ['alpha', 'beta'] : ['alpha']
      for (const caller of Object.keys(CALLERS)) {
        for (const target of targets) {
          const method = name.split(' ')[0]
          const res = await call(caller, method, await concrete(name, target), r.body)
          const want = expected(name, r, CALLERS[caller], r.reach === 'target' ? target : null)
          const ok = want === 'allowed' ? ![401, 403].includes(res.status) && res.status < 500 && (r.missing || r.need === 'public' || res.status !== 404) : res.status === want
          if (!ok) wrong.push(`${name} (${target}) as ${caller}: got ${res.status}, want ${want} (${(await res.text()).slice(0, 160)})`)
          checked++
        }
      }
    }
    expect(wrong).toEqual([])
    expect(checked).toBeGreaterThanOrEqual(Object.keys(ROUTES).length * Object.keys(CALLERS).length)
  }, 120_000)
})

/** A valid change per mutating route, made by the admin user, and the audit entity it must record. */
const AUDIT_CASES: Record<string, { entity: string; body?: () => unknown; path?: () => string | Promise<string>; actor?: string }> = {
  'POST /api/v1/initiatives': { entity: 'initiative', body: () => ({ slug: 'audited', name: 'Audited' }) },
  'PATCH /api/v1/initiatives/:slug': { entity: 'initiative', body: () => ({ name: 'Matrix renamed' }) },
  'PUT /api/v1/initiatives/:slug/fit': { entity: 'initiative', body: () => ({ category: 'other', repetitiveness: 3, clarity: 3, engagement: 3 }) },
  'POST /api/v1/initiatives/:slug/attestations': { entity: 'initiative', body: () => ({ item: 'bias_review', note: 'reviewed by the ethics board' }) },
  'POST /api/v1/keys': { entity: 'key', body: () => ({ name: 'audited key', role: 'read' }) },
  'DELETE /api/v1/keys/:id': { entity: 'key', path: () => `/api/v1/keys/${auditKeyId}` },
  'POST /api/v1/users': { entity: 'user', body: () => ({ email: 'new@example.com', role: 'viewer', password: 'new-user-password' }) },
  'PATCH /api/v1/users/:id': { entity: 'user', body: () => ({ role: 'editor', password: 'changed-password-1' }), path: () => `/api/v1/users/${ids.viewer}` },
  'DELETE /api/v1/events/:id': { entity: 'event', path: () => '/api/v1/events/audit-evt-1?initiative=matrix', body: () => ({ reason: 'test' }) },
  'POST /api/v1/events/delete': { entity: 'event', body: () => ({ initiative: 'matrix', from: '2020-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z', reason: 'test range' }) },
  'POST /api/v1/subscriptions': { entity: 'subscription', body: () => ({ name: 'Weekly', recipients: ['a@example.com'], schedule: 'weekly' }) },
  'PATCH /api/v1/subscriptions/:id': { entity: 'subscription', body: () => ({ name: 'Weekly (renamed)' }), path: () => `/api/v1/subscriptions/${subscriptionId}` },
  'POST /unsubscribe': {
    entity: 'subscription',
    actor: 'a@example.com',
    path: async () => `/unsubscribe?token=${encodeURIComponent(signUnsubscribe(await unsubscribeSecret(s.handle.db), Number(subscriptionId), 'a@example.com'))}`,
  },
  'DELETE /api/v1/subscriptions/:id': { entity: 'subscription', path: () => `/api/v1/subscriptions/${subscriptionId}` },
  'POST /api/v1/share-tokens': { entity: 'share_token', body: () => ({ initiative: 'matrix', expiresInDays: 7 }) },
  'DELETE /api/v1/share-tokens/:id': { entity: 'share_token', path: () => `/api/v1/share-tokens/${shareTokenId}` },
  'POST /api/v1/webhooks': { entity: 'webhook', body: () => ({ url: 'https://hooks.example.com/yardstick', format: 'json' }) },
  'POST /api/v1/alert-rules': { entity: 'alert_rule', body: () => ({ name: 'Silent', initiative: 'matrix', kind: 'silence', params: { hours: 6 }, emails: ['ops@example.com'], webhooks: [Number(webhookId)] }) },
  'PATCH /api/v1/alert-rules/:id': { entity: 'alert_rule', body: () => ({ params: { hours: 12 } }), path: () => `/api/v1/alert-rules/${alertRuleId}` },
  'DELETE /api/v1/alert-rules/:id': { entity: 'alert_rule', path: () => `/api/v1/alert-rules/${alertRuleId}` },
  'DELETE /api/v1/webhooks/:id': { entity: 'webhook', path: () => `/api/v1/webhooks/${webhookId}` },
  'POST /api/v1/assessment': { entity: 'assessment', body: () => ({ answers: { uc_selection: 3, uc_volume: 3, uc_engagement: 3, int_reporting: 3, int_workflow: 3, int_silence: 3, gov_checklist: 3, gov_bias: 3, gov_accuracy: 3, meas_targets: 3, meas_results: 3, meas_scaling: 3 } }) },
}
/** Changes that are not changes to audited things, and why. */
const NOT_AUDITED: Record<string, string> = {
  'POST /api/v1/session': 'signing in changes no entity',
  'DELETE /api/v1/session': 'signing out changes no entity',
  'POST /api/v1/setup': 'audited as a user creation; covered in session.test.ts on an empty database',
  'POST /api/v1/events': 'ingestion: the events are the data, each stored with its key',
  'POST /v1/metrics': 'OTLP ingestion, as POST /api/v1/events',
  'POST /api/v1/otlp/v1/metrics': 'OTLP ingestion, as POST /api/v1/events',
  'POST /v1/logs': 'OTLP ingestion, as POST /api/v1/events',
  'POST /api/v1/otlp/v1/logs': 'OTLP ingestion, as POST /api/v1/events',
  'POST /api/v1/imports': 'CSV import: the body is a CSV file, not JSON; its audit entry (entity event, action import) is checked in server/import/import.test.ts',
  'POST /api/v1/demo': 'loads demo initiatives, each audited as a creation by db/queries/demo.ts; not run here (it loads a year of events)',
}
let auditKeyId = 0
let subscriptionId = ''
let shareTokenId = ''
let webhookId = ''
let alertRuleId = ''

describe('audit entry for every mutating route', () => {
  it('records who, what, before and after for each change', async () => {
    const mutating = listRoutes(s.app.app).filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method))
    const names = mutating.map((r) => `${r.method} ${r.path}`)
    const uncovered = names.filter((n) => !(n in AUDIT_CASES) && !(n in NOT_AUDITED))
    expect(uncovered, 'add a valid request for each new mutating route to AUDIT_CASES in server/auth/route-matrix.test.ts').toEqual([])

    auditKeyId = (await writeTransaction(s.handle.db, (tx) => createKey(tx, { name: 'audit me', role: 'read', initiatives: null }, { actor: 'test', at: Date.now() }))).key.id
    const ingest = await s.fetch('/api/v1/events', { method: 'POST', token: credentials['ingest key'], json: { events: [{ id: 'audit-evt-1', initiative: 'matrix', metric: 'time_saved', occurredAt: new Date(Date.now() - 3_600_000).toISOString(), value: 5 }, { initiative: 'matrix', metric: 'time_saved', occurredAt: new Date(Date.now() - 7_200_000).toISOString(), value: 7 }] } })
    expect(ingest.status).toBe(202)
    const admin = await sessionCookie(s.handle.db, ids.admin)
    // Order: creations before the changes that need them (subscriptions: create, patch, delete).
    const order = Object.keys(AUDIT_CASES).filter((n) => names.includes(n))
    let covered = 0
    for (const name of order) {
      const c = AUDIT_CASES[name]
      const [method, path] = name.split(' ')
      const before = (await findAudit(s.handle.db, { entity: c.entity })).length
      const body = c.body?.()
      const res = await fetch(s.url + ((await c.path?.()) ?? path.replace(':slug', 'matrix')), { method, headers: { cookie: admin, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined })
      expect(res.status, `${name}: ${await res.clone().text()}`).toBeLessThan(300)
      if (name === 'POST /api/v1/subscriptions') subscriptionId = String(((await res.json()) as { id: string | number }).id)
      if (name === 'POST /api/v1/share-tokens') shareTokenId = String(((await res.json()) as { id: number }).id)
      if (name === 'POST /api/v1/webhooks') webhookId = String(((await res.json()) as { id: string | number }).id)
      if (name === 'POST /api/v1/alert-rules') alertRuleId = String(((await res.json()) as { id: string | number }).id)
      const entries = await findAudit(s.handle.db, { entity: c.entity })
      expect(entries.length, `${name} must add one audit entry`).toBe(before + 1)
      expect(entries[0].actor).toBe(c.actor ?? 'admin@example.com')
      expect(entries[0].before !== null || entries[0].after !== null).toBe(true)
      covered++
    }
    expect(covered).toBe(order.length)
    expect(covered).toBeGreaterThanOrEqual(8)
  })

  it('never puts a password hash or a token in an audit entry', async () => {
    const admin = await sessionCookie(s.handle.db, ids.admin)
    const h = { cookie: admin, 'content-type': 'application/json' }
    const created = await fetch(s.url + '/api/v1/users', { method: 'POST', headers: h, body: JSON.stringify({ email: 'secret-check@example.com', role: 'viewer', password: 'new-user-password' }) })
    expect(created.status).toBe(201)
    const { id } = (await created.json()) as { id: number }
    expect((await fetch(s.url + `/api/v1/users/${id}`, { method: 'PATCH', headers: h, body: JSON.stringify({ password: 'changed-password-1' }) })).status).toBe(200)
    expect((await fetch(s.url + '/api/v1/keys', { method: 'POST', headers: h, body: JSON.stringify({ name: 'secret check' }) })).status).toBe(201)
    const share = await fetch(s.url + '/api/v1/share-tokens', { method: 'POST', headers: h, body: JSON.stringify({ initiative: 'matrix' }) })
    expect(share.status).toBe(201)
    const { token: shareToken } = (await share.json()) as { token: string }
    const raw = JSON.stringify(await findAudit(s.handle.db, { limit: 10_000 }))
    expect(raw).not.toMatch(/scrypt\$/)
    expect(raw).not.toMatch(/ys_live_[A-Za-z0-9]{32}/)
    expect(raw).not.toContain(shareToken)
    expect(raw).not.toContain(shareToken.slice(12))
    expect(raw).not.toContain('new-user-password')
    expect(raw).not.toContain('changed-password-1')
    // The entries are there, so the absence above means something.
    expect(raw).toContain('secret-check@example.com')
    expect(raw).toContain('"name":"secret check"')
    expect(raw).toContain('"passwordChanged":true')
  })
})
