import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeTransaction } from '../../db/connection.js'
import { findDemoTopUp } from '../../db/queries/demo.js'
import { createInitiative } from '../../db/queries/initiatives.js'
import { createKey } from '../../db/queries/keys.js'
import { listRoutes, makeUser } from '../auth/test-helpers.js'
import { startTestServer, TEST_DIALECT, type TestServer } from '../testing/test-server.js'
import { DemoDatabaseRefused, prepareLiveDemo, topUpLiveDemo } from './live.js'

const NOW = Date.parse('2026-12-06T10:00:00Z')

describe('live demo (YARDSTICK_DEMO=1)', () => {
  let s: TestServer
  let adminToken: string

  beforeAll(async () => {
    s = await startTestServer({ env: { YARDSTICK_DEMO: '1' }, clock: () => NOW })
    expect(await prepareLiveDemo(s.handle.db, s.config, { now: NOW, log: () => {} })).toBe('loaded')
    // A real admin key (made from the command line, as an operator could): even it changes nothing.
    adminToken = (await writeTransaction(s.handle.db, (tx) => createKey(tx, { name: 'operator', role: 'admin', initiatives: null }, { actor: 'cli', at: NOW }))).token
  }, 180_000)
  afterAll(() => s?.close())

  it('lets anyone read the dashboard\'s data without signing in', async () => {
    for (const path of ['/api/v1/initiatives', '/api/v1/summary?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z', '/api/v1/readiness', '/api/v1/assessment', '/api/v1/initiatives/invoice-processing/readiness']) {
      const res = await s.fetch(path)
      expect(res.status, path).toBe(200)
    }
    const demo = (await (await s.fetch('/api/v1/demo')).json()) as { demo: boolean; message: string }
    expect(demo.demo).toBe(true)
    expect(demo.message).toMatch(/read-only/)
  })

  it('refuses every change on every route, with or without credentials, saying it is a read-only demo', async () => {
    const writes = listRoutes(s.app.app).filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method))
    expect(writes.length).toBeGreaterThanOrEqual(15)
    // Also paths no router declares (OTLP, anything new): the guard stands before every route.
    const paths = [...writes.map((r) => [r.method, r.path.replace(/:slug/g, 'invoice-processing').replace(/:[A-Za-z_]+/g, '1')]), ['POST', '/v1/metrics'], ['POST', '/api/v1/otlp/v1/logs'], ['PUT', '/anything']]
    const wrong: string[] = []
    for (const [method, path] of paths) {
      for (const token of [undefined, adminToken]) {
        const res = await s.fetch(path, { method, token, json: {} })
        const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null
        if (res.status !== 403 || body?.error?.code !== 'read_only_demo' || !/read-only demo/.test(body.error.message)) wrong.push(`${method} ${path} ${token ? 'admin key' : 'anonymous'}: ${res.status} ${JSON.stringify(body).slice(0, 120)}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('keeps keys, users, the audit log and sessions closed to anonymous visitors', async () => {
    for (const path of ['/api/v1/keys', '/api/v1/users', '/api/v1/audit', '/api/v1/audit?entity=key', '/api/v1/session', '/api/v1/webhooks']) {
      const res = await s.fetch(path)
      const text = await res.text()
      if (res.status === 404) continue // a route this build does not have
      expect([401, 403], `${path}: ${text.slice(0, 120)}`).toContain(res.status)
      expect(text).not.toContain('demo feed')
      expect(text).not.toContain('ys_live_')
    }
  })

  it('holds a questionnaire the data contradicts', async () => {
    const v = (await (await s.fetch('/api/v1/assessment')).json()) as { overall: { score: number | null; change: unknown }; disagreements: Array<{ question: string; kind: string; message: string }>; history: unknown[]; nextSteps: Array<{ initiatives: unknown[] }>; figures: Array<{ id: string; met: number; total: number }> }
    expect(v.history).toHaveLength(2)
    expect(v.overall.score).not.toBeNull()
    expect(v.overall.change).not.toBeNull()
    const overstated = v.disagreements.filter((d) => d.kind === 'overstated').map((d) => d.question)
    // The Q4 answers claim every initiative reports through the API and has a bias review.
    expect(overstated).toEqual(expect.arrayContaining(['int_reporting', 'gov_bias']))
    const integrated = v.figures.find((f) => f.id === 'integrated')!
    expect([integrated.met, integrated.total]).toEqual([4, 6])
    expect(v.nextSteps).toHaveLength(3)
    for (const step of v.nextSteps) expect(step.initiatives.length).toBeGreaterThan(0)
  })

  it('tops the events up to now, each span once', async () => {
    const before = (await findDemoTopUp(s.handle.db))!
    expect(before.through).toBe(NOW)
    const later = NOW + 86_400_000
    // Two processes at once: exactly one generates the day.
    const [a, b] = await Promise.all([topUpLiveDemo(s.handle.db, { timezone: 'UTC', now: later }), topUpLiveDemo(s.handle.db, { timezone: 'UTC', now: later })])
    const done = [a, b].filter((r) => r !== null)
    expect(done).toHaveLength(1)
    expect(done[0]!.events).toBeGreaterThan(100)
    const count = await s.handle.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('received_at', '=', later).executeTakeFirstOrThrow()
    expect(Number(count.n)).toBe(done[0]!.events)
    const through = await s.handle.db.selectFrom('events').select((eb) => eb.fn.max('occurred_at').as('max')).where('received_at', '=', later).executeTakeFirstOrThrow()
    expect(Number(through.max)).toBeLessThan(later)
    expect(Number(through.max)).toBeGreaterThan(later - 12 * 3_600_000)
    expect(await topUpLiveDemo(s.handle.db, { timezone: 'UTC', now: later + 1000 })).toBeNull()
    expect((await findDemoTopUp(s.handle.db))!.through).toBe(later)
  })
})

describe('live demo refuses a database that is not a demo', () => {
  it.each([
    ['users', async (s: TestServer) => void (await makeUser(s.handle.db, 'ana@example.com', 'admin', 'admin-password-1'))],
    ['other initiatives', async (s: TestServer) => void (await writeTransaction(s.handle.db, (tx) => createInitiative(tx, { slug: 'payroll', name: 'Payroll', description: '', owner: null, team: null, stage: 'pilot', currency: 'USD', hourlyValueMinor: null, upfrontCostMinor: 0, monthlyCostMinor: 0, costPerErrorMinor: null, baselineErrorRate: null, baselineDecisionLatencySeconds: null, targetTimeSavedHoursPerMonth: null, targetErrorRate: null, targetRevenueInfluencedPerMonth: null, targetDecisionLatencySeconds: null, startedAt: 0 }, { actor: 'test', at: 0 })))],
  ])('with %s', async (_name, seed) => {
    const s = await startTestServer({ env: { YARDSTICK_DEMO: '1' } })
    try {
      await seed(s)
      const err = await prepareLiveDemo(s.handle.db, s.config, { now: NOW, log: () => {} }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(DemoDatabaseRefused)
      // The fix names the setting of the database in use: a new SQLite file, or a new PostgreSQL database.
      expect((err as Error).message).toMatch(TEST_DIALECT === 'postgres' ? /DATABASE_URL=postgres:\/\/.*YARDSTICK_DEMO=1/ : /YARDSTICK_DB=data\/demo\.db/)
      if (TEST_DIALECT === 'postgres') expect((err as Error).message).not.toMatch(/YARDSTICK_DB/)
    } finally {
      await s.close()
    }
  })
})
