/**
 * The scope holes found by probing as an attacker would (issue "Close the scope holes"), each replayed
 * over HTTP against the real server: subscriptions across scopes, a scoped admin key acting unscoped,
 * share tokens outliving their grant, and cross-origin reads of more than the embed data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeTransaction } from '../../db/connection.js'
import { findAudit } from '../../db/queries/audit.js'
import { createSubscription } from '../../db/queries/subscriptions.js'
import { runCli, type CliContext } from '../cli.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'
import { makeUser, sessionCookie } from './test-helpers.js'

let s: TestServer
let subAlpha = 0
let subBeta = 0
let subAll = 0
let editorId = 0
let viewerId = 0
let adminId = 0

beforeAll(async () => {
  s = await startTestServer()
  await s.initiative({ slug: 'alpha', name: 'Alpha' })
  await s.initiative({ slug: 'beta', name: 'Beta' })
  const sub = (name: string, initiatives: string[]) => writeTransaction(s.handle.db, (tx) => createSubscription(tx, { name, recipients: [`${name}@example.com`], schedule: 'weekly', initiatives, timezone: 'UTC' }, { actor: 'creator@example.com', at: Date.now() }))
  subAlpha = (await sub('alpha-only', ['alpha'])).id
  subBeta = (await sub('beta-only', ['beta'])).id
  subAll = (await sub('everything', [])).id
  editorId = await makeUser(s.handle.db, 'editor@example.com', 'editor', 'editor-password-1')
  viewerId = await makeUser(s.handle.db, 'viewer@example.com', 'viewer', 'viewer-password-1')
  adminId = await makeUser(s.handle.db, 'admin@example.com', 'admin', 'admin-password-1')
})
afterAll(async () => {
  await s?.close()
})

async function mint(headers: Record<string, string>, initiative = 'alpha'): Promise<Response> {
  return fetch(s.url + '/api/v1/share-tokens', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ initiative, expiresInDays: 30 }) })
}
const bearer = (t: string) => ({ authorization: `Bearer ${t}` })

describe('subscriptions leak across scopes (finding 1)', () => {
  it('a read key scoped to alpha lists and opens only alpha subscriptions', async () => {
    const key = await s.key('read', ['alpha'])
    const list = await s.fetch('/api/v1/subscriptions', { token: key })
    expect(list.status).toBe(200)
    const names = ((await list.json()) as { subscriptions: Array<{ name: string }> }).subscriptions.map((x) => x.name)
    expect(names).toEqual(['alpha-only'])
    expect((await s.fetch(`/api/v1/subscriptions/${subBeta}`, { token: key })).status).toBe(404)
    expect((await s.fetch(`/api/v1/subscriptions/${subAll}`, { token: key })).status).toBe(404)
    expect((await s.fetch(`/api/v1/subscriptions/${subAlpha}`, { token: key })).status).toBe(200)
  })

  it('a share token reads no subscription, and its answers are not readable by another site', async () => {
    const token = ((await (await mint({ cookie: await sessionCookie(s.handle.db, adminId) })).json()) as { token: string }).token
    const res = await fetch(s.url + '/api/v1/subscriptions', { headers: { 'x-yardstick-share': token, origin: 'https://evil.example' } })
    expect(res.status).toBe(403)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    const one = await fetch(s.url + `/api/v1/subscriptions/${subAlpha}`, { headers: { 'x-yardstick-share': token, origin: 'https://evil.example' } })
    expect(one.status).toBe(403)
    expect(one.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('answers Access-Control-Allow-Origin: * on the embed data only', async () => {
    const admin = await s.key('admin')
    const keys = await fetch(s.url + '/api/v1/keys', { headers: { ...bearer(admin), origin: 'https://evil.example' } })
    expect(keys.status).toBe(200)
    expect(keys.headers.get('access-control-allow-origin')).toBeNull()
    const preflight = await fetch(s.url + '/api/v1/subscriptions', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } })
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
    const token = ((await (await mint(bearer(admin))).json()) as { token: string }).token
    const summary = await fetch(s.url + '/api/v1/summary', { headers: { 'x-yardstick-share': token, origin: 'https://wiki.example' } })
    expect(summary.status).toBe(200)
    expect(summary.headers.get('access-control-allow-origin')).toBe('*')
  })
})

describe('a scoped admin key is not scoped (finding 2)', () => {
  it('refuses to create an admin key scoped to initiatives, saying why', async () => {
    const res = await s.fetch('/api/v1/keys', { method: 'POST', token: await s.key('admin'), json: { name: 'alpha admin', role: 'admin', initiatives: ['alpha'] } })
    expect(res.status).toBe(422)
    const body = (await res.json()) as { error: { details: Array<{ field: string; message: string }> } }
    expect(body.error.details.some((d) => d.field === 'initiatives' && /admin key cannot be scoped/.test(d.message))).toBe(true)
  })

  it('`keys create --role admin --initiatives alpha` is refused with the reason, and creates nothing', async () => {
    const err: string[] = []
    const ctx: CliContext = { config: s.config, out: () => {}, err: (l) => err.push(l), open: async () => s.handle, readStdin: async () => '' }
    const before = (await (await s.fetch('/api/v1/keys', { token: await s.key('admin') })).json()) as { keys: unknown[] }
    expect(await runCli(['keys', 'create', '--name', 'alpha admin', '--role', 'admin', '--initiatives', 'alpha'], ctx)).toBe(1)
    expect(err.join('\n')).toMatch(/admin key cannot be scoped/)
    const after = (await (await s.fetch('/api/v1/keys', { token: await s.key('admin') })).json()) as { keys: unknown[] }
    expect(after.keys.length).toBe(before.keys.length + 1)
  })

  it('an admin key scoped to alpha (made by an earlier version) reaches nothing outside alpha', async () => {
    const key = await s.key('admin', ['alpha'])
    expect((await s.fetch('/api/v1/initiatives/beta', { method: 'PATCH', token: key, json: { name: 'Beta renamed' } })).status).toBe(404)
    expect((await s.fetch('/api/v1/initiatives/alpha', { method: 'PATCH', token: key, json: { name: 'Alpha renamed' } })).status).toBe(200)
    expect((await s.fetch('/api/v1/keys', { method: 'POST', token: key, json: { name: 'escalated', role: 'admin' } })).status).toBe(403)
    expect((await s.fetch('/api/v1/users', { method: 'POST', token: key, json: { email: 'mallory@example.com', role: 'admin', password: 'mallory-password-1' } })).status).toBe(403)
    expect((await s.fetch(`/api/v1/subscriptions/${subBeta}`, { method: 'PATCH', token: key, json: { recipients: ['mallory@example.com'] } })).status).toBe(404)
    expect((await s.fetch('/api/v1/subscriptions', { method: 'POST', token: key, json: { name: 'all', recipients: ['mallory@example.com'], schedule: 'weekly' } })).status).toBe(403)
    for (const path of ['/api/v1/audit', '/api/v1/keys', '/api/v1/users']) expect((await s.fetch(path, { token: key })).status, path).toBe(403)
    const beta = await s.fetch('/api/v1/initiatives/beta', { token: await s.key('read') })
    expect(((await beta.json()) as { name: string }).name).toBe('Beta')
  })
})

describe('share tokens outlive their grant (finding 4)', () => {
  it('viewers and read keys cannot mint; editors, admins and admin keys can', async () => {
    expect((await mint({ cookie: await sessionCookie(s.handle.db, viewerId) })).status).toBe(403)
    expect((await mint(bearer(await s.key('read')))).status).toBe(403)
    expect((await mint({ cookie: await sessionCookie(s.handle.db, editorId) })).status).toBe(201)
    expect((await mint(bearer(await s.key('admin')))).status).toBe(201)
  })

  it('a token ends when the key that minted it is revoked', async () => {
    const admin = await s.key('admin')
    const minter = await s.fetch('/api/v1/keys', { method: 'POST', token: admin, json: { name: 'embed minter', role: 'admin' } })
    const { key, token: minterToken } = (await minter.json()) as { key: { id: number }; token: string }
    const { token } = (await (await mint(bearer(minterToken))).json()) as { token: string }
    const read = () => fetch(s.url + '/api/v1/initiatives/alpha', { headers: { 'x-yardstick-share': token } })
    expect((await read()).status).toBe(200)
    expect((await s.fetch(`/api/v1/keys/${key.id}`, { method: 'DELETE', token: admin })).status).toBe(200)
    expect((await read()).status).toBe(401)
  })

  it('a token ends when the user who minted it is disabled or loses the editor role', async () => {
    const id = await makeUser(s.handle.db, 'sharer@example.com', 'editor', 'sharer-password-1')
    const id2 = await makeUser(s.handle.db, 'sharer2@example.com', 'editor', 'sharer-password-2')
    const a = ((await (await mint({ cookie: await sessionCookie(s.handle.db, id) })).json()) as { token: string }).token
    const b = ((await (await mint({ cookie: await sessionCookie(s.handle.db, id2) })).json()) as { token: string }).token
    const read = (t: string) => fetch(s.url + '/api/v1/summary', { headers: { 'x-yardstick-share': t } })
    expect((await read(a)).status).toBe(200)
    expect((await read(b)).status).toBe(200)
    const admin = await s.key('admin')
    expect((await s.fetch(`/api/v1/users/${id}`, { method: 'PATCH', token: admin, json: { disabled: true } })).status).toBe(200)
    expect((await s.fetch(`/api/v1/users/${id2}`, { method: 'PATCH', token: admin, json: { role: 'viewer' } })).status).toBe(200)
    expect((await read(a)).status).toBe(401)
    expect((await read(b)).status).toBe(401)
  })

  it('lists tokens without their secret, revokes one at once, and audits minting and revoking', async () => {
    const cookie = await sessionCookie(s.handle.db, editorId)
    const minted = (await (await mint({ cookie })).json()) as { id: number; token: string; initiative: string; expiresAt: string; createdBy: string }
    expect(minted.createdBy).toBe('editor@example.com')
    const list = await fetch(s.url + '/api/v1/share-tokens', { headers: { cookie } })
    expect(list.status).toBe(200)
    const text = await list.text()
    expect(text).not.toContain(minted.token)
    const entry = (JSON.parse(text) as { shareTokens: Array<{ id: number; initiative: string; createdBy: string; expiresAt: string; status: string }> }).shareTokens.find((t) => t.id === minted.id)
    expect(entry).toMatchObject({ initiative: 'alpha', createdBy: 'editor@example.com', expiresAt: minted.expiresAt, status: 'active' })
    const read = () => fetch(s.url + '/api/v1/initiatives/alpha/series?metric=time_saved', { headers: { 'x-yardstick-share': minted.token } })
    expect((await read()).status).toBe(200)
    const revoked = await fetch(s.url + `/api/v1/share-tokens/${minted.id}`, { method: 'DELETE', headers: { cookie } })
    expect(revoked.status).toBe(200)
    expect((await read()).status).toBe(401)
    const audit = await findAudit(s.handle.db, { entity: 'share_token', entityId: String(minted.id) })
    expect(audit.map((e) => `${e.action} by ${e.actor}`)).toEqual(['revoke by editor@example.com', 'create by editor@example.com'])
  })

  it('a share token opens only the embed reads of its own initiative', async () => {
    const { token } = (await (await mint({ cookie: await sessionCookie(s.handle.db, editorId) })).json()) as { token: string }
    const get = (path: string) => fetch(s.url + path, { headers: { 'x-yardstick-share': token } })
    expect((await get('/api/v1/initiatives/alpha')).status).toBe(200)
    expect((await get('/api/v1/initiatives/beta')).status).toBe(404)
    expect((await get('/api/v1/initiatives/alpha/readiness')).status).toBe(403)
    expect((await get('/api/v1/share-tokens')).status).toBe(403)
    const summary = (await (await get('/api/v1/summary')).json()) as { initiatives: Array<{ slug: string }> }
    expect(summary.initiatives.map((i) => i.slug)).toEqual(['alpha'])
  })
})

describe('/summary freshness for scoped callers (finding 6)', () => {
  it('does not show database-wide volume to a caller scoped to one initiative', async () => {
    const ingest = await s.key('ingest')
    const at = new Date(Date.now() - 3_600_000).toISOString()
    const events = Array.from({ length: 7 }, () => ({ initiative: 'beta', metric: 'time_saved', occurredAt: at, value: 1 }))
    expect((await s.fetch('/api/v1/events', { method: 'POST', token: ingest, json: { events } })).status).toBe(202)
    const scoped = (await (await s.fetch('/api/v1/summary', { token: await s.key('read', ['alpha']) })).json()) as { freshness: Record<string, unknown> }
    expect(Object.keys(scoped.freshness)).toEqual(['rolledUpAt'])
    const whole = (await (await s.fetch('/api/v1/summary', { token: await s.key('read') })).json()) as { freshness: { tailEvents: number } }
    expect(whole.freshness.tailEvents).toBeGreaterThanOrEqual(7)
  })
})
