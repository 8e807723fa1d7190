import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findSubscription } from '../../db/queries/subscriptions.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'
import { buildDigestInput, inlineImages } from './compose.js'
import { renderDigest } from './render.js'

const CHROMIUM = '/usr/bin/chromium'
const FROM = Date.parse('2026-11-16T00:00:00Z')
const TO = Date.parse('2026-11-23T00:00:00Z')

describe.skipIf(!fs.existsSync(CHROMIUM))('digest HTML in headless Chromium (install Chromium: apt-get update && apt-get install -y chromium)', () => {
  let s: TestServer
  let html: string
  let text: string

  beforeAll(async () => {
    s = await startTestServer()
    await s.initiative({ slug: 'invoices', name: 'Invoice processing', currency: 'USD', hourlyValue: 85, upfrontCost: 20000, monthlyCost: 3000, costPerError: 40, startedAt: '2026-03-01', stage: 'production', baselines: { errorRate: 0.08, decisionLatencySeconds: 3600 }, targets: { timeSavedHoursPerMonth: 400, errorRate: 0.03, decisionLatencySeconds: 1800 } })
    await s.initiative({ slug: 'support', name: 'Support copilot <beta>', currency: 'USD', hourlyValue: 60, upfrontCost: 5000, monthlyCost: 1500, startedAt: '2026-08-01', stage: 'pilot', targets: { timeSavedHoursPerMonth: 300 } })
    const ingest = await s.key('ingest')
    const events: unknown[] = []
    for (let d = -7; d < 7; d++) {
      const at = (h: number) => new Date(FROM + d * 86_400_000 + h * 3_600_000).toISOString()
      const scale = d < 0 ? 0.8 : 1
      events.push({ initiative: 'invoices', metric: 'time_saved', value: Math.round(900 * scale), occurredAt: at(10) })
      events.push({ initiative: 'invoices', metric: 'error_rate', errors: d < 0 ? 5 : 3, total: 100, occurredAt: at(11) })
      events.push({ initiative: 'invoices', metric: 'decision_latency', value: 2000 + d * 10, occurredAt: at(12) })
      events.push({ initiative: 'invoices', metric: 'revenue_influenced', value: 450 * scale, occurredAt: at(13) })
      events.push({ initiative: 'support', metric: 'time_saved', value: Math.round(1500 / scale), occurredAt: at(14) })
    }
    expect((await s.fetch('/api/v1/events', { method: 'POST', token: ingest, json: { events } })).status).toBe(202)
    const admin = await s.key('admin')
    const res = await s.fetch('/api/v1/subscriptions', { method: 'POST', token: admin, json: { name: 'Leadership weekly', recipients: ['cfo@example.com'], schedule: 'weekly', timezone: 'Europe/London' } })
    const sub = (await findSubscription(s.handle.db, ((await res.json()) as { id: number }).id))!
    const input = await buildDigestInput(s.handle.db, s.config, sub, { from: FROM, to: TO, key: '2026-W47', kind: 'scheduled' }, TO + 3_600_000)
    const r = renderDigest({ ...input, unsubscribeUrl: `${s.config.publicUrl}/unsubscribe?token=x` })
    expect(input.chart).not.toBeNull()
    html = inlineImages(r.html, input.chart)
    text = r.text
  })

  afterAll(async () => {
    await s?.close()
  })

  it('renders at 600 px, without scripts, readable with images off, and saves a screenshot', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ys-chromium-'))
    const browser = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 680, height: 900 },
    })
    try {
      const page = await browser.newPage()
      await page.setContent(html, { waitUntil: 'load' })
      const width = await page.evaluate(() => (document.querySelector('table table') as HTMLElement).getBoundingClientRect().width)
      expect(width).toBe(600)
      expect(await page.evaluate(() => document.scripts.length)).toBe(0)
      const img = await page.evaluate(() => {
        const i = document.querySelector('img')!
        return { loaded: i.complete && i.naturalWidth > 0, alt: i.alt }
      })
      expect(img.loaded).toBe(true)
      expect(img.alt).toContain('Invoice processing')
      const visible = await page.evaluate(() => document.body.innerText)
      expect(visible).toContain('Support copilot <beta>')
      expect(visible).toMatch(/✓ on track|✕ off track|! at risk/)
      expect(text).toContain('SUPPORT COPILOT <BETA> [support]')
      fs.mkdirSync('test-artifacts', { recursive: true })
      await page.screenshot({ path: 'test-artifacts/digest.png', fullPage: true })
      // Images off: the same page without the chart still carries every figure.
      await page.setContent(html.replace(/<img[^>]*>/g, ''), { waitUntil: 'load' })
      expect(await page.evaluate(() => document.body.innerText)).toContain('Time saved')
    } finally {
      await browser.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
