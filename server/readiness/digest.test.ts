import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findSubscription, type Subscription } from '../../db/queries/subscriptions.js'
import { createComposer } from '../email/compose.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'

const NOW = Date.parse('2026-11-25T12:00:00Z')
const FROM = Date.parse('2026-11-16T00:00:00Z')
const TO = Date.parse('2026-11-23T00:00:00Z')

describe('readiness in the email digest', () => {
  let s: TestServer
  let sub: Subscription

  beforeAll(async () => {
    s = await startTestServer({ clock: () => NOW })
    await s.initiative({ slug: 'invoices', name: 'Invoice processing', owner: 'maria@example.com', hourlyValue: 80, upfrontCost: 1000, monthlyCost: 500, startedAt: '2026-09-01', baselines: { errorRate: 0.1, decisionLatencySeconds: 60 }, targets: { timeSavedHoursPerMonth: 10 } })
    await s.initiative({ slug: 'claims', name: 'Claims', hourlyValue: 80, startedAt: '2026-09-01' })
    const ingest = await s.key('ingest')
    const events = [{ initiative: 'invoices', metric: 'time_saved', value: 3, unit: 'hours', occurredAt: '2026-11-17T10:00:00Z' }]
    expect((await s.fetch('/api/v1/events', { method: 'POST', token: ingest, json: { events } })).status).toBe(202)
    const admin = await s.key('admin')
    const res = await s.fetch('/api/v1/subscriptions', { method: 'POST', token: admin, json: { name: 'Weekly', recipients: ['cfo@example.com'], schedule: 'weekly' } })
    sub = (await findSubscription(s.handle.db, ((await res.json()) as { id: number }).id))!
  })
  afterAll(() => s?.close())

  it('shows each initiative\'s verdict as word and symbol with the first missing item, in text and HTML, as the API says', async () => {
    const compose = createComposer(s.handle.db, s.config, () => NOW)
    const message = (await compose(sub, { from: FROM, to: TO, key: '2026-W47', kind: 'scheduled' }))('cfo@example.com')
    const api = (await (await s.fetch('/api/v1/readiness', { token: await s.key('read') })).json()) as { initiatives: Array<{ slug: string; verdict: string; missing: Array<{ message: string }> }> }
    for (const slug of ['invoices', 'claims']) {
      const r = api.initiatives.find((i) => i.slug === slug)!
      expect(r.verdict).toBe('not_yet')
      const line = `✕ not yet ready: ${r.missing[0].message} (+${r.missing.length - 1} more)`
      expect(message.text).toContain(`  Readiness                  ${line}`)
      expect(message.html).toContain('✕ not yet ready</span>')
    }
    expect(message.text).toContain('Readiness                  ✕ not yet ready: no use-case fit recorded: record repetitiveness, clarity and stakeholder engagement')
    // The text part puts each verdict in its initiative's block.
    const claimsBlock = message.text.slice(message.text.indexOf('CLAIMS [claims]'))
    expect(claimsBlock.split('\n').find((l) => l.trimStart().startsWith('Readiness'))).toContain('not yet ready')
  })
})
