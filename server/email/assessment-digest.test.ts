import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findSubscription, type Subscription } from '../../db/queries/subscriptions.js'
import { createComposer } from './compose.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'

const NOW = Date.parse('2026-12-02T09:00:00Z')
const answers = (level: number) => Object.fromEntries(['uc_selection', 'uc_volume', 'uc_engagement', 'int_reporting', 'int_workflow', 'int_silence', 'gov_checklist', 'gov_bias', 'gov_accuracy', 'meas_targets', 'meas_results', 'meas_scaling'].map((q) => [q, level]))

describe('the assessment in the monthly digest', () => {
  let s: TestServer
  let monthly: Subscription
  let weekly: Subscription
  let admin: string

  beforeAll(async () => {
    s = await startTestServer({ clock: () => NOW })
    await s.initiative({ slug: 'invoices', name: 'Invoices', owner: 'maria@example.com', hourlyValue: 80, monthlyCost: 500, startedAt: '2026-06-01' })
    admin = await s.key('admin')
    // Two takings: all 1s, then all 2s (the data caps nothing at 2 or below except where it supports 1).
    expect((await s.fetch('/api/v1/assessment', { method: 'POST', token: admin, json: { answers: answers(1) } })).status).toBe(201)
    expect((await s.fetch('/api/v1/assessment', { method: 'POST', token: admin, json: { answers: answers(2) } })).status).toBe(201)
    const sub = async (schedule: string) => (await findSubscription(s.handle.db, ((await (await s.fetch('/api/v1/subscriptions', { method: 'POST', token: admin, json: { name: schedule, recipients: ['cfo@example.com'], schedule } })).json()) as { id: number }).id))!
    monthly = await sub('monthly')
    weekly = await sub('weekly')
  })
  afterAll(() => s?.close())

  it('carries the score and its change, as the API gives them, in text and HTML', async () => {
    const api = (await (await s.fetch('/api/v1/assessment', { token: admin })).json()) as { overall: { score: number; word: string; change: { delta: number; previous: number; since: string } } }
    expect(api.overall.change).not.toBeNull()
    const compose = createComposer(s.handle.db, s.config, () => NOW)
    const msg = (await compose(monthly, { from: Date.parse('2026-11-01T00:00:00Z'), to: Date.parse('2026-12-01T00:00:00Z'), key: '2026-11', kind: 'scheduled' }))('cfo@example.com')
    const c = api.overall.change
    const line = `  Score                      ${api.overall.score.toFixed(1)} of 4 (${api.overall.word}), ${c.delta > 0 ? '▲ +' : c.delta < 0 ? '▼ ' : '= '}${c.delta.toFixed(1)} since ${c.since.slice(0, 10)} (was ${c.previous.toFixed(1)})`
    expect(msg.text).toContain('AI READINESS')
    expect(msg.text).toContain(line)
    expect(msg.html).toContain('AI readiness</h2>')
    expect(msg.html).toContain(`>${api.overall.score.toFixed(1)}</span>`)
    expect(msg.html).toContain(`${s.config.publicUrl}/assessment`)
  })

  it('leaves it out of weekly digests', async () => {
    const compose = createComposer(s.handle.db, s.config, () => NOW)
    const msg = (await compose(weekly, { from: Date.parse('2026-11-23T00:00:00Z'), to: Date.parse('2026-11-30T00:00:00Z'), key: '2026-W48', kind: 'scheduled' }))('cfo@example.com')
    expect(msg.text).not.toContain('AI READINESS')
    expect(msg.html).not.toContain('AI readiness</h2>')
  })
})
