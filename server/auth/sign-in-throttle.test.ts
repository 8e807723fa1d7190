/**
 * Sign-in throttling (issue "Close the scope holes", finding 5): anonymous guesses from many addresses
 * must not lock the real user out, and the counts hold across instances sharing the database.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/test-server.js'
import { makeUser } from './test-helpers.js'

const T0 = Date.parse('2026-11-25T12:00:00Z')
let now = T0
const clock = () => now
const servers: TestServer[] = []

afterEach(async () => {
  // Newest first: an instance sharing another's database closes before that database goes.
  for (const s of servers.splice(0).reverse()) await s.close()
  now = T0
})

/** A server that takes the client address from X-Forwarded-For (as behind one proxy). */
async function boot(sameDatabaseAs?: TestServer): Promise<TestServer> {
  const s = await startTestServer({ clock, env: { YARDSTICK_TRUST_PROXY: '1' }, sameDatabaseAs })
  servers.push(s)
  return s
}

function signIn(s: TestServer, email: string, password: string, address: string): Promise<Response> {
  return fetch(s.url + '/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body: JSON.stringify({ email, password }) })
}

describe('sign-in throttling', () => {
  it('does not lock out the real user after wrong passwords from other addresses', async () => {
    const s = await boot()
    await makeUser(s.handle.db, 'admin@example.com', 'admin', 'admin-password-1')
    for (let i = 0; i < 20; i++) await signIn(s, 'admin@example.com', `guess-${i}`, `203.0.113.${i + 1}`)
    const real = await signIn(s, 'admin@example.com', 'admin-password-1', '198.51.100.7')
    expect(real.status).toBe(200)
  })

  it('gives each address at most two guesses at an account under attack, and still 429s the one guessing', async () => {
    const s = await boot()
    await makeUser(s.handle.db, 'ana@example.com', 'viewer', 'ana-password-1')
    for (let i = 0; i < 6; i++) expect((await signIn(s, 'ana@example.com', `guess-${i}`, `203.0.113.${i + 1}`)).status).toBe(401)
    // Under attack now: an address with two failures on the account is refused, with one it may try.
    expect((await signIn(s, 'ana@example.com', 'guess-again', '203.0.113.1')).status).toBe(401)
    const third = await signIn(s, 'ana@example.com', 'guess-more', '203.0.113.1')
    expect(third.status).toBe(429)
    expect(Number(third.headers.get('retry-after'))).toBe(15 * 60)
    now += 15 * 60_000
    expect((await signIn(s, 'ana@example.com', 'ana-password-1', '203.0.113.1')).status).toBe(200)
  })

  it('holds across two instances sharing one database', async () => {
    const a = await boot()
    const b = await boot(a)
    await makeUser(a.handle.db, 'bo@example.com', 'viewer', 'bo-password-12')
    for (let i = 0; i < 3; i++) expect((await signIn(a, 'bo@example.com', `guess-${i}`, '203.0.113.9')).status).toBe(401)
    for (let i = 0; i < 2; i++) expect((await signIn(b, 'bo@example.com', `guess-b-${i}`, '203.0.113.9')).status).toBe(401)
    expect((await signIn(b, 'bo@example.com', 'bo-password-12', '203.0.113.9')).status).toBe(429)
    expect((await signIn(a, 'bo@example.com', 'bo-password-12', '203.0.113.9')).status).toBe(429)
  })

  it('lets no more than the limit of parallel guesses through (atomic check and count)', async () => {
    const s = await boot()
    await makeUser(s.handle.db, 'cy@example.com', 'viewer', 'cy-password-12')
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => signIn(s, 'cy@example.com', `parallel-${i}`, '203.0.113.50')))
    const statuses = answers.map((r) => r.status)
    expect(statuses.filter((c) => c === 401)).toHaveLength(5)
    expect(statuses.filter((c) => c === 429)).toHaveLength(7)
  })
})
