import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeTransaction } from '../../db/connection.js'
import { findAudit } from '../../db/queries/audit.js'
import { createKey } from '../../db/queries/keys.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'
import { signUnsubscribe, unsubscribeSecret } from '../email/tokens.js'
import { ROLE_PERMISSIONS, type Permission } from './actor.js'
import { listRoutes, makeUser, sessionCookie, type RouteRule } from './test-helpers.js'

type ActorName = 'anonymous' | 'viewer' | 'editor' | 'admin' | 'ingest key' | 'read key' | 'admin key'
const ACTORS: ActorName[] = ['anonymous', 'viewer', 'editor', 'admin', 'ingest key', 'read key', 'admin key']
const ROLE_OF: Record<Exclude<ActorName, 'anonymous'>, keyof typeof ROLE_PERMISSIONS> = {
  viewer: 'user:viewer',
  editor: 'user:editor',
  admin: 'user:admin',
  'ingest key': 'key:ingest',
  'read key': 'key:read',
  'admin key': 'key:admin',
}

/** What the rule table says an actor gets: 401, 403 or through the guard. Written out, not read from the guard. */
function expected(permission: string, actor: ActorName): 401 | 403 | 'allowed' {
  if (permission === 'public') return 'allowed'
  if (actor === 'anonymous') return 401
  if (permission === 'signed-in') return actor.endsWith('key') ? 403 : 'allowed'
  return ROLE_PERMISSIONS[ROLE_OF[actor]].has(permission as Permission) ? 'allowed' : 403
}

let s: TestServer
let ids: { viewer: number; editor: number; admin: number; sacrificialKey: number }
let tokens: Record<'ingest key' | 'read key' | 'admin key', string>

beforeAll(async () => {
  s = await startTestServer()
  await s.initiative({ slug: 'matrix', name: 'Matrix', owner: 'owner@example.com' })
  ids = {
    viewer: await makeUser(s.handle.db, 'viewer@example.com', 'viewer', 'viewer-password-1'),
    editor: await makeUser(s.handle.db, 'editor@example.com', 'editor', 'editor-password-1'),
    admin: await makeUser(s.handle.db, 'admin@example.com', 'admin', 'admin-password-1'),
    sacrificialKey: (await writeTransaction(s.handle.db, (tx) => createKey(tx, { name: 'to revoke', role: 'read', initiatives: null }, { actor: 'test', at: Date.now() }))).key.id,
  }
  tokens = { 'ingest key': await s.key('ingest'), 'read key': await s.key('read'), 'admin key': await s.key('admin') }
})
afterAll(async () => {
  await s?.close()
})

function concrete(path: string): string {
  return path
    .replace(/^\/api\/v1\/keys\/:id/, `/api/v1/keys/${ids.sacrificialKey}`)
    .replace(/^\/api\/v1\/users\/:id/, `/api/v1/users/${ids.viewer}`)
    .replace(/^\/api\/v1\/events\/:id/, '/api/v1/events/999999')
    .replace(/:slug/g, 'matrix')
    .replace(/:[A-Za-z_]+/g, '1')
}

async function call(actor: ActorName, method: string, path: string): Promise<Response> {
  const headers: Record<string, string> = {}
  if (actor.endsWith('key')) headers.authorization = `Bearer ${tokens[actor as keyof typeof tokens]}`
  else if (actor !== 'anonymous') headers.cookie = await sessionCookie(s.handle.db, ids[actor as 'viewer' | 'editor' | 'admin'])
  const body = method === 'GET' || method === 'HEAD' ? undefined : '{}'
  if (body) headers['content-type'] = 'application/json'
  return fetch(s.url + concrete(path), { method, headers, body })
}

describe('route × role matrix, read from the router', () => {
  it('finds the governance routes and gives every route a guard', () => {
    const routes = listRoutes(s.app.app)
    const names = routes.map((r) => `${r.method} ${r.path}`)
    for (const r of ['POST /api/v1/session', 'GET /api/v1/users', 'DELETE /api/v1/keys/:id', 'GET /api/v1/audit', 'POST /api/v1/events/delete', 'PATCH /api/v1/initiatives/:slug', 'POST /api/v1/events', 'GET /healthz']) {
      expect(names).toContain(r)
    }
    const unguarded = routes.filter((r) => r.permission === undefined).map((r) => `${r.method} ${r.path}`)
    expect(unguarded, 'every route needs requirePermission(p), requireSignedIn() or publicRoute()').toEqual([])
  })

  // Some 300 requests, each signing in anew: about 12 s on PostgreSQL alone, more beside other suites.
  it('answers every route × actor as the rules say', async () => {
    const routes = listRoutes(s.app.app).filter((r): r is RouteRule & { permission: string } => r.permission !== undefined)
    const wrong: string[] = []
    let checked = 0
    for (const r of routes) {
      for (const actor of ACTORS) {
        const res = await call(actor, r.method, r.path)
        const want = expected(r.permission, actor)
        const ok = want === 'allowed' ? res.status !== 401 && res.status !== 403 && res.status < 500 : res.status === want
        if (!ok) wrong.push(`${r.method} ${r.path} as ${actor}: got ${res.status}, want ${want} (${(await res.text()).slice(0, 160)})`)
        checked++
      }
    }
    expect(wrong).toEqual([])
    expect(checked).toBe(routes.length * ACTORS.length)
    expect(checked).toBeGreaterThanOrEqual(20 * ACTORS.length)
  }, 90_000)
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
}
/** Changes that are not changes to audited things, and why. */
const NOT_AUDITED: Record<string, string> = {
  'POST /api/v1/session': 'signing in changes no entity',
  'DELETE /api/v1/session': 'signing out changes no entity',
  'POST /api/v1/setup': 'audited as a user creation; covered in session.test.ts on an empty database',
  'POST /api/v1/events': 'ingestion: the events are the data, each stored with its key',
  'POST /api/v1/share-tokens': 'mints a signed, expiring read-only token; nothing is stored or changed',
  'POST /api/v1/demo': 'loads demo initiatives, each audited as a creation by db/queries/demo.ts; not run here (it loads a year of events)',
}
let auditKeyId = 0
let subscriptionId = ''

describe('audit entry for every mutating route', () => {
  it('records who, what, before and after for each change', async () => {
    const mutating = listRoutes(s.app.app).filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method))
    const names = mutating.map((r) => `${r.method} ${r.path}`)
    const uncovered = names.filter((n) => !(n in AUDIT_CASES) && !(n in NOT_AUDITED))
    expect(uncovered, 'add a valid request for each new mutating route to AUDIT_CASES in server/auth/route-matrix.test.ts').toEqual([])

    auditKeyId = (await writeTransaction(s.handle.db, (tx) => createKey(tx, { name: 'audit me', role: 'read', initiatives: null }, { actor: 'test', at: Date.now() }))).key.id
    const ingest = await s.fetch('/api/v1/events', { method: 'POST', token: tokens['ingest key'], json: { events: [{ id: 'audit-evt-1', initiative: 'matrix', metric: 'time_saved', occurredAt: new Date(Date.now() - 3_600_000).toISOString(), value: 5 }, { initiative: 'matrix', metric: 'time_saved', occurredAt: new Date(Date.now() - 7_200_000).toISOString(), value: 7 }] } })
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
    const raw = JSON.stringify(await findAudit(s.handle.db, { limit: 10_000 }))
    expect(raw).not.toMatch(/scrypt\$/)
    expect(raw).not.toMatch(/ys_live_[A-Za-z0-9]{32}/)
    expect(raw).not.toContain('new-user-password')
    expect(raw).not.toContain('changed-password-1')
    // The entries are there, so the absence above means something.
    expect(raw).toContain('secret-check@example.com')
    expect(raw).toContain('"name":"secret check"')
    expect(raw).toContain('"passwordChanged":true')
  })
})
