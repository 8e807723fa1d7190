import fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { findAudit } from '../../db/queries/audit.js'
import { runCli, type CliContext } from '../cli.js'
import { startTestServer, TEST_DIALECT, type TestServer } from '../testing/test-server.js'
import './cli.js'
import { ensureSetupToken } from './setup.js'
import { cookieFrom, makeUser, sessionCookie } from './test-helpers.js'

const T0 = Date.parse('2026-11-25T12:00:00Z')
let now = T0
const clock = () => now
let s: TestServer | undefined

afterEach(async () => {
  await s?.close()
  s = undefined
  now = T0
})

async function boot(env: Record<string, string> = {}): Promise<TestServer> {
  s = await startTestServer({ clock, env })
  return s
}

function post(srv: TestServer, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(srv.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
}

function signIn(srv: TestServer, email: string, password: string, headers: Record<string, string> = {}) {
  return post(srv, '/api/v1/session', { email, password }, headers)
}

function me(srv: TestServer, cookie: string) {
  return fetch(srv.url + '/api/v1/session', { headers: { cookie } })
}

describe('first run', () => {
  it('lets the holder of the printed token create the first admin, once', async () => {
    const srv = await boot()
    expect(await (await fetch(srv.url + '/api/v1/setup')).json()).toMatchObject({ needed: true })
    const printed: string[] = []
    const token = (await ensureSetupToken(srv.handle.db, (m) => printed.push(m), 'http://localhost:3000'))!
    expect(printed.join('\n')).toContain('http://localhost:3000/setup')
    expect(printed.join('\n')).toContain(token)

    const wrong = await post(srv, '/api/v1/setup', { token: token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), email: 'root@example.com', password: 'first-admin-pw' })
    expect(wrong.status).toBe(403)
    const ok = await post(srv, '/api/v1/setup', { token, email: 'Root@Example.com', password: 'first-admin-pw' })
    expect(ok.status).toBe(201)
    expect(await ok.json()).toMatchObject({ email: 'root@example.com', role: 'admin' })
    const cookie = cookieFrom(ok)!
    expect(await (await me(srv, cookie)).json()).toMatchObject({ email: 'root@example.com', role: 'admin' })

    const again = await post(srv, '/api/v1/setup', { token, email: 'other@example.com', password: 'second-admin-pw' })
    expect(again.status).toBe(409)
    expect(await (await fetch(srv.url + '/api/v1/setup')).json()).toMatchObject({ needed: false })
    const audit = await findAudit(srv.handle.db, { entity: 'user' })
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actor: 'root@example.com', action: 'create', after: { email: 'root@example.com', role: 'admin' } })
    // With users present, a restart prints no token.
    expect(await ensureSetupToken(srv.handle.db, () => {})).toBeNull()
  })

  it('refuses setup when no token was printed', async () => {
    const srv = await boot()
    const res = await post(srv, '/api/v1/setup', { token: 'anything-at-all', email: 'root@example.com', password: 'first-admin-pw' })
    expect(res.status).toBe(403)
    expect(await (await fetch(srv.url + '/api/v1/setup')).json()).toMatchObject({ needed: true })
  })
})

describe('sign-in and sessions', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie and answers the current user', async () => {
    const srv = await boot()
    await makeUser(srv.handle.db, 'ana@example.com', 'editor', 'ana-password-1')
    const res = await signIn(srv, 'ANA@example.com', 'ana-password-1')
    expect(res.status).toBe(200)
    const set = res.headers.getSetCookie().find((c) => c.startsWith('ys_session='))!
    expect(set).toMatch(/; HttpOnly/i)
    expect(set).toMatch(/; SameSite=Lax/i)
    expect(set).toMatch(/; Path=\//i)
    expect(set).not.toMatch(/; Secure/i)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const cookie = cookieFrom(res)!
    const who = await me(srv, cookie)
    expect(who.status).toBe(200)
    expect(await who.json()).toEqual({ id: 1, email: 'ana@example.com', role: 'editor' })
    expect((await fetch(srv.url + '/api/v1/session')).status).toBe(401)
  })

  it('marks the cookie Secure behind an HTTPS proxy when trust proxy is set', async () => {
    const srv = await boot({ YARDSTICK_TRUST_PROXY: '1' })
    await makeUser(srv.handle.db, 'ana@example.com', 'viewer', 'ana-password-1')
    const res = await signIn(srv, 'ana@example.com', 'ana-password-1', { 'x-forwarded-proto': 'https' })
    expect(res.status).toBe(200)
    expect(res.headers.getSetCookie().find((c) => c.startsWith('ys_session='))).toMatch(/; Secure/i)
  })

  it('gives a new session id at every sign-in and ends the one presented', async () => {
    const srv = await boot()
    await makeUser(srv.handle.db, 'ana@example.com', 'viewer', 'ana-password-1')
    const first = cookieFrom(await signIn(srv, 'ana@example.com', 'ana-password-1'))!
    const second = cookieFrom(await signIn(srv, 'ana@example.com', 'ana-password-1', { cookie: first }))!
    expect(second).not.toBe(first)
    expect((await me(srv, first)).status).toBe(401)
    expect((await me(srv, second)).status).toBe(200)
  })

  it('signs out', async () => {
    const srv = await boot()
    await makeUser(srv.handle.db, 'ana@example.com', 'viewer', 'ana-password-1')
    const cookie = cookieFrom(await signIn(srv, 'ana@example.com', 'ana-password-1'))!
    const out = await fetch(srv.url + '/api/v1/session', { method: 'DELETE', headers: { cookie } })
    expect(out.status).toBe(204)
    expect(out.headers.getSetCookie().join()).toMatch(/ys_session=;/)
    expect((await me(srv, cookie)).status).toBe(401)
    expect((await fetch(srv.url + '/api/v1/initiatives', { headers: { cookie } })).status).toBe(401)
  })

  it('answers an unknown email and a wrong password alike', async () => {
    const srv = await boot()
    await makeUser(srv.handle.db, 'ana@example.com', 'viewer', 'ana-password-1')
    const a = await signIn(srv, 'ana@example.com', 'not-the-password')
    const b = await signIn(srv, 'nobody@example.com', 'not-the-password')
    expect(a.status).toBe(401)
    expect(b.status).toBe(401)
    expect(await a.text()).toBe(await b.text())
  })

  it('ends a session after the idle time, and after the absolute time however active', async () => {
    const srv = await boot({ YARDSTICK_SESSION_IDLE_MINUTES: '720', YARDSTICK_SESSION_MAX_HOURS: '168' })
    await makeUser(srv.handle.db, 'ana@example.com', 'viewer', 'ana-password-1')
    const idle = cookieFrom(await signIn(srv, 'ana@example.com', 'ana-password-1'))!
    now += 11 * 3_600_000
    expect((await me(srv, idle)).status).toBe(200) // resets the idle clock
    now += 12 * 3_600_000 - 1
    expect((await me(srv, idle)).status).toBe(200)
    now += 12 * 3_600_000
    const expired = await me(srv, idle)
    expect(expired.status).toBe(401)
    expect(((await expired.json()) as { error: { message: string } }).error.message).toMatch(/without activity/)

    now = T0
    const active = cookieFrom(await signIn(srv, 'ana@example.com', 'ana-password-1'))!
    for (let h = 11; h < 168; h += 11) {
      now = T0 + h * 3_600_000
      expect((await me(srv, active)).status, `after ${h} h`).toBe(200)
    }
    now = T0 + 168 * 3_600_000
    const ended = await me(srv, active)
    expect(ended.status).toBe(401)
    expect(((await ended.json()) as { error: { message: string } }).error.message).toMatch(/maximum length/)
  })

  it('prefers the API key when a request carries a key and a cookie', async () => {
    const srv = await boot()
    const id = await makeUser(srv.handle.db, 'boss@example.com', 'admin', 'boss-password-1')
    const cookie = await sessionCookie(srv.handle.db, id, now)
    const ingest = await srv.key('ingest')
    const res = await fetch(srv.url + '/api/v1/users', { headers: { cookie, authorization: `Bearer ${ingest}` } })
    expect(res.status).toBe(403)
    expect((await fetch(srv.url + '/api/v1/users', { headers: { cookie } })).status).toBe(200)
  })
})

describe('brute force', () => {
  it('throttles an account after 5 failures with 429 and Retry-After, right password included', async () => {
    const srv = await boot()
    await makeUser(srv.handle.db, 'ana@example.com', 'viewer', 'ana-password-1')
    for (let i = 0; i < 5; i++) expect((await signIn(srv, 'ana@example.com', `guess-number-${i}`)).status).toBe(401)
    const blocked = await signIn(srv, 'ana@example.com', 'ana-password-1')
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBe(15 * 60)
    now += 15 * 60_000
    expect((await signIn(srv, 'ana@example.com', 'ana-password-1')).status).toBe(200)
  })

  it('throttles a client address after 20 failures across accounts', async () => {
    const srv = await boot()
    for (let i = 0; i < 20; i++) expect((await signIn(srv, `user${i}@example.com`, 'wrong-password')).status).toBe(401)
    const res = await signIn(srv, 'fresh@example.com', 'wrong-password')
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})

describe('cross-origin changes', () => {
  it('refuses a cookie change from another origin or site, accepts its own origin and API keys', async () => {
    const srv = await boot()
    const id = await makeUser(srv.handle.db, 'ed@example.com', 'editor', 'ed-password-12')
    const cookie = await sessionCookie(srv.handle.db, id, now)
    const body = (slug: string) => ({ slug, name: slug })
    const evil = await post(srv, '/api/v1/initiatives', body('evil'), { cookie, origin: 'https://evil.example' })
    expect(evil.status).toBe(403)
    const site = await post(srv, '/api/v1/initiatives', body('site'), { cookie, 'sec-fetch-site': 'cross-site' })
    expect(site.status).toBe(403)
    const nullOrigin = await post(srv, '/api/v1/initiatives', body('nullorigin'), { cookie, origin: 'null' })
    expect(nullOrigin.status).toBe(403)
    expect((await srv.fetch('/api/v1/initiatives/evil', { token: await srv.key('admin') })).status).toBe(404)
    expect(evil.headers.get('access-control-allow-origin')).toBeNull()

    const own = await post(srv, '/api/v1/initiatives', body('own'), { cookie, origin: srv.url, 'sec-fetch-site': 'same-origin' })
    expect(own.status).toBe(201)
    const viaPublicUrl = await post(srv, '/api/v1/initiatives', body('public'), { cookie, origin: 'http://localhost:0' })
    expect(viaPublicUrl.status).toBe(201)
    const key = await post(srv, '/api/v1/initiatives', body('bykey'), { authorization: `Bearer ${await srv.key('admin')}`, origin: 'https://evil.example' })
    expect(key.status).toBe(201)
  })
})

describe('accountability', () => {
  it('refuses a move to production that is not ready to scale, saying what is missing; an admin override with a reason and an owner lets it through', async () => {
    const srv = await boot()
    await srv.initiative({ slug: 'invoices', name: 'Invoices' })
    const token = await srv.key('admin')
    const res = await srv.fetch('/api/v1/initiatives/invoices', { method: 'PATCH', token, json: { stage: 'production' } })
    expect(res.status).toBe(422)
    const body = (await res.json()) as { error: { code: string; message: string; details: Array<{ field: string }> } }
    expect(body.error.code).toBe('not_ready')
    expect(body.error.message).toMatch(/^cannot move "invoices" to production: it is not ready to scale \(not yet\): .*no owner.*; nothing was changed$/)
    expect(body.error.details.map((d) => d.field)).toContain('owner')
    const noOwner = await srv.fetch('/api/v1/initiatives/invoices', { method: 'PATCH', token, json: { stage: 'production', override: { reason: 'pilot signed off' } } })
    expect(noOwner.status).toBe(422)
    expect(((await noOwner.json()) as { error: { message: string } }).error.message).toBe('cannot move "invoices" to production: it needs an owner; nothing was changed (an override cannot stand in for an owner)')
    const ok = await srv.fetch('/api/v1/initiatives/invoices', { method: 'PATCH', token, json: { stage: 'production', owner: 'ana@example.com', baselines: { errorRate: 0.1, decisionLatencySeconds: 600 }, override: { reason: 'pilot signed off' } } })
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { stage: string }).stage).toBe('production')
  })
})

describe('users over HTTP and the CLI', () => {
  it('creates, lists, demotes and disables users; keeps the last admin', async () => {
    const srv = await boot()
    const adminId = await makeUser(srv.handle.db, 'boss@example.com', 'admin', 'boss-password-1')
    const cookie = await sessionCookie(srv.handle.db, adminId, now)
    const h = { cookie, 'content-type': 'application/json' }
    const created = await fetch(srv.url + '/api/v1/users', { method: 'POST', headers: h, body: JSON.stringify({ email: 'v@example.com', role: 'viewer', password: 'viewer-password' }) })
    expect(created.status).toBe(201)
    const v = (await created.json()) as { id: number }
    const vCookie = cookieFrom(await signIn(srv, 'v@example.com', 'viewer-password'))!
    expect((await me(srv, vCookie)).status).toBe(200)
    const disable = await fetch(srv.url + `/api/v1/users/${v.id}`, { method: 'PATCH', headers: h, body: JSON.stringify({ disabled: true }) })
    expect(disable.status).toBe(200)
    expect((await me(srv, vCookie)).status).toBe(401)
    expect((await signIn(srv, 'v@example.com', 'viewer-password')).status).toBe(403)
    const demoteSelf = await fetch(srv.url + `/api/v1/users/${adminId}`, { method: 'PATCH', headers: h, body: JSON.stringify({ role: 'viewer' }) })
    expect(demoteSelf.status).toBe(409)
    const list = (await (await fetch(srv.url + '/api/v1/users', { headers: { cookie } })).json()) as { users: Array<{ email: string; disabled: boolean }> }
    expect(list.users.map((u) => [u.email, u.disabled])).toEqual([['boss@example.com', false], ['v@example.com', true]])
    expect(JSON.stringify(list)).not.toContain('scrypt')
  })

  it('`users create` reads the password from stdin', async () => {
    const srv = await boot()
    const out: string[] = []
    const err: string[] = []
    const ctx = (stdin: string): CliContext => ({ config: srv.config, out: (l) => out.push(l), err: (l) => err.push(l), open: async () => srv.handle, readStdin: async () => stdin })
    expect(await runCli(['users', 'create', '--email', 'cli@example.com', '--role', 'editor'], ctx('cli-password-1\n'))).toBe(0)
    expect(out.at(-1)).toBe('created user 1 cli@example.com (editor)')
    expect(await runCli(['users', 'create', '--email', 'x@example.com', '--role', 'owner'], ctx('cli-password-1'))).toBe(1)
    expect(err.at(-1)).toContain('--role must be one of viewer, editor, admin')
    expect(await runCli(['users', 'create', '--email', 'y@example.com', '--role', 'viewer'], ctx('short'))).toBe(1)
    expect(err.at(-1)).toContain('at least 10 characters')
    expect((await signIn(srv, 'cli@example.com', 'cli-password-1')).status).toBe(200)
    expect(await runCli(['users', 'list', '--json'], ctx(''))).toBe(0)
    expect(JSON.parse(out.at(-1)!)).toMatchObject([{ email: 'cli@example.com', role: 'editor', disabled: false }])
    expect((await findAudit(srv.handle.db, { entity: 'user' }))[0]).toMatchObject({ actor: 'cli', action: 'create' })
  })
})

describe('audit log', () => {
  it('is for admins and admin keys, filtered by entity and time', async () => {
    const srv = await boot()
    // Audited at the test's clock: with the wall clock, the entry's time depends on the day the test runs.
    const adminId = await makeUser(srv.handle.db, 'boss@example.com', 'admin', 'boss-password-1', now)
    now += 60_000
    await srv.initiative({ slug: 'later', name: 'Later' })
    const cookie = await sessionCookie(srv.handle.db, adminId, now)
    const all = (await (await fetch(srv.url + '/api/v1/audit', { headers: { cookie } })).json()) as { entries: Array<{ entity: string; at: string }> }
    expect(all.entries.map((e) => e.entity)).toEqual(['initiative', 'user'])
    const users = (await (await fetch(srv.url + '/api/v1/audit?entity=user', { headers: { cookie } })).json()) as { entries: Array<{ entity: string }> }
    expect(users.entries.map((e) => e.entity)).toEqual(['user'])
    const since = (await (await fetch(srv.url + `/api/v1/audit?from=${new Date(T0 + 30_000).toISOString()}`, { headers: { cookie } })).json()) as { entries: Array<{ entity: string }> }
    expect(since.entries.map((e) => e.entity)).toEqual(['initiative'])
    expect((await fetch(srv.url + '/api/v1/audit?entity=nope', { headers: { cookie } })).status).toBe(400)
    expect((await srv.fetch('/api/v1/audit', { token: await srv.key('read') })).status).toBe(403)
    expect((await srv.fetch('/api/v1/audit', { token: await srv.key('admin') })).status).toBe(200)
  })
})

describe('secrets at rest', () => {
  it('the database holds no password or token in clear', async () => {
    const srv = await boot()
    const setupToken = (await ensureSetupToken(srv.handle.db, () => {}))!
    const password = 'Very-Distinct-Password-4711'
    const setup = await post(srv, '/api/v1/setup', { token: setupToken, email: 'root@example.com', password })
    expect(setup.status).toBe(201)
    const sessionToken = cookieFrom(await signIn(srv, 'root@example.com', password))!.split('=')[1]
    const keyToken = await srv.key('ingest')
    const otherPassword = 'Another-Distinct-Password-0815'
    const admin = cookieFrom(setup)!
    expect((await fetch(srv.url + '/api/v1/users', { method: 'POST', headers: { cookie: admin, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'v@example.com', role: 'viewer', password: otherPassword }) })).status).toBe(201)
    // SQLite: the file's bytes (WAL included). PostgreSQL keeps its files elsewhere: every row of every table.
    const bytes =
      TEST_DIALECT === 'sqlite'
        ? Buffer.concat([srv.config.dbFile, srv.config.dbFile + '-wal'].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)))
        : Buffer.from(JSON.stringify(await Promise.all((await srv.handle.db.introspection.getTables()).map((t) => srv.handle.db.selectFrom(t.name as 'users').selectAll().execute()))))
    // The file does hold the users (so the search below looks at the right bytes)…
    expect(bytes.includes('root@example.com')).toBe(true)
    expect(bytes.includes('v@example.com')).toBe(true)
    // …and none of the secrets.
    for (const secret of [password, otherPassword, sessionToken, keyToken, setupToken]) {
      expect(secret.length).toBeGreaterThan(10)
      expect(bytes.includes(secret), secret.slice(0, 6)).toBe(false)
    }
  })
})
