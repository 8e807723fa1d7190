/**
 * Warming the read cache at startup: afterwards the dashboard's first reads (the 30-day summary and
 * the portfolio series) are answered from the reader thread's cache, with the same figures as with an
 * empty one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { METRICS } from '../../metrics/kinds.js'
import { rollupPending } from '../rollup/rollup-job.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'
import { warmReadCache } from './warm.js'

const NOW = Date.parse('2026-11-25T09:17:00Z')
const DAY = 86_400_000

describe('warmReadCache', () => {
  let s: TestServer
  let token: string
  beforeAll(async () => {
    s = await startTestServer({ env: { YARDSTICK_TIMEZONE: 'Europe/London' }, clock: () => NOW })
    for (const slug of ['invoices', 'triage']) await s.initiative({ slug, name: slug, hourlyValue: 80, upfrontCost: 1000, monthlyCost: 100, startedAt: '2026-06-01' })
    const ingest = await s.key('ingest')
    token = await s.key('read')
    const events = []
    for (let k = 0; k < 400; k++) {
      const metric = METRICS[k % 4]
      const base = { id: `e${k}`, initiative: k % 3 === 0 ? 'triage' : 'invoices', metric, occurredAt: new Date(NOW - Math.floor(((k * 7919) % 1000) / 1000 * 150 * DAY)).toISOString() }
      events.push(metric === 'error_rate' ? { ...base, errors: k % 5, total: 20 } : { ...base, value: 1 + (k % 17) })
    }
    expect((await s.fetch('/api/v1/events', { method: 'POST', token: ingest, json: { events } })).status).toBe(202)
    await rollupPending(s.handle.db, { timezone: 'Europe/London', clock: () => NOW })
  })
  afterAll(() => s.close())

  it("answers the dashboard's first reads from the reader thread's warmed cache, with the same figures as an empty cache", async () => {
    const reader = s.app.reader
    await reader.cacheStats(true)
    expect(await reader.warm(NOW)).toBeGreaterThan(0)
    expect((await reader.cacheStats()).entries).toBeGreaterThan(0)

    // The dashboard's "last 30 days": local days from 29 days ago up to the start of tomorrow.
    const range = 'from=2026-10-27T00:00:00Z&to=2026-11-26T00:00:00Z'
    const before = await reader.cacheStats()
    const warm = await (await s.fetch(`/api/v1/summary?${range}`, { token })).json()
    const series = await (await s.fetch(`/api/v1/series?metric=decision_latency&${range}&granularity=day`, { token })).json()
    const after = await reader.cacheStats()
    expect(after.misses).toBe(before.misses)
    expect(after.hits).toBeGreaterThan(before.hits)

    await reader.cacheStats(true)
    const cold = await (await s.fetch(`/api/v1/summary?${range}`, { token })).json()
    expect({ ...warm, generatedAt: null }).toEqual({ ...cold, generatedAt: null })
    expect(await (await s.fetch(`/api/v1/series?metric=decision_latency&${range}&granularity=day`, { token })).json()).toEqual(series)
    expect(warm.portfolio.eventCount).toBeGreaterThan(0)
  })

  it('logs how long it took, or a failure instead of throwing', async () => {
    const logs: string[] = []
    expect(await warmReadCache(s.handle.db, s.config, (m) => logs.push(m), NOW)).toBeGreaterThan(0)
    // An unknown zone makes the bucket arithmetic throw.
    expect(await warmReadCache(s.handle.db, { timezone: 'Not/AZone' }, (m) => logs.push(m), NOW)).toBeNull()
    expect(logs).toEqual([expect.stringMatching(/^read cache warmed in \d+ ms$/), expect.stringMatching(/^warming the read cache failed \(answers are unaffected, only slower at first\): /)])
  })
})
