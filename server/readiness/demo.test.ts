import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDemo } from '../demo/load.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'

describe('demo data covers every readiness verdict', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer()
    await loadDemo(s.handle.db, { timezone: s.config.timezone, days: 365 })
  }, 120_000)
  afterAll(() => s?.close())

  it('has a ready, a not-yet and an at-risk initiative, each not-ready one saying what is missing', async () => {
    const res = await s.fetch('/api/v1/readiness', { token: await s.key('read') })
    const body = (await res.json()) as { counts: Record<string, number>; initiatives: Array<{ slug: string; verdict: string; missing: Array<{ message: string }>; met: Array<{ item: string; attestedBy?: string }> }> }
    const verdict = Object.fromEntries(body.initiatives.map((i) => [i.slug, i.verdict]))
    expect(verdict['invoice-processing']).toBe('ready')
    expect(verdict['meeting-notes']).toBe('not_yet')
    expect(verdict['document-classification']).toBe('at_risk')
    expect(body.counts.ready).toBeGreaterThanOrEqual(1)
    expect(body.counts.not_yet).toBeGreaterThanOrEqual(1)
    expect(body.counts.at_risk).toBeGreaterThanOrEqual(1)
    for (const i of body.initiatives) if (i.verdict !== 'ready') expect(i.missing.length, i.slug).toBeGreaterThan(0)
    const invoices = body.initiatives.find((i) => i.slug === 'invoice-processing')!
    expect(invoices.met).toContainEqual(expect.objectContaining({ item: 'bias_review', attestedBy: 'maria.santos@example.com' }))
  })
})
