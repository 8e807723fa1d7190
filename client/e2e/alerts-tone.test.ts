/**
 * Good news looks like good news on the Alerts page: with the demo data, a readiness rule fires for
 * Invoice processing (it became ready to scale) and for five initiatives at risk. The page lists them
 * all, the ready one in green with ✓ "Ready to scale", the at-risk ones in amber with ! "At risk"; the
 * rule's line counts each. Real server, demo data, headless Chromium; the evaluation is `alerts run`'s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { runAlerts } from '../../server/alerts/run.js'
import { DEMO_EDITOR, startDemoServer, type DemoServer } from './demo-server.js'
import { contextAt } from './pages.js'
import { HAS_CHROMIUM, launchChromium } from './support.js'

describe.skipIf(!HAS_CHROMIUM)('alert tone on the Alerts page (install Chromium: apt-get update && apt-get install -y chromium)', () => {
  let demo: DemoServer
  let browser: Browser

  beforeAll(async () => {
    demo = await startDemoServer()
    browser = await launchChromium()
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await demo?.close()
  })

  it('shows "ready to scale" as good news and "at risk" as a warning, both listed', async () => {
    const editor = await demo.signIn(DEMO_EDITOR)
    const res = await fetch(`${demo.url}/api/v1/alert-rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: demo.url, cookie: editor },
      body: JSON.stringify({ name: 'Readiness changes', initiative: null, kind: 'readiness', params: { on: ['ready', 'at_risk'] }, emails: ['cfo@example.com'] }),
    })
    expect(res.status).toBe(201)
    const run = await runAlerts({ db: demo.handle.db, config: demo.config }, { immediateRetries: 0 })
    expect(run.evaluated!.changes.filter((c) => c.change === 'fired').length).toBeGreaterThanOrEqual(2)

    const ctx = await contextAt(browser, demo, 1366, editor)
    const page = await ctx.newPage()
    await page.goto(`${demo.url}/alerts`)
    await page.locator('ys-alerts[data-ready="true"]').waitFor({ timeout: 30_000 })
    const card = page.locator('ys-alerts section.rule').filter({ hasText: 'Readiness changes' })
    const colour = (sel: string) => card.locator(sel).first().evaluate((el) => getComputedStyle(el).color)

    const ready = card.locator('.pair[data-initiative="invoice-processing"]')
    expect(await ready.getAttribute('data-tone')).toBe('good')
    expect((await ready.locator('.badge').textContent())!.trim()).toBe('✓ Ready to scale')
    expect(await ready.textContent()).toContain('Invoice processing is ready to scale')
    expect(await colour('.pair[data-initiative="invoice-processing"] .badge')).toBe('rgb(26, 127, 55)')

    const risky = card.locator('.pair[data-tone="warn"]')
    expect(await risky.count()).toBeGreaterThanOrEqual(1)
    for (const text of await risky.locator('.badge').allTextContents()) expect(text.trim()).toBe('! At risk')
    expect(await colour('.pair[data-tone="warn"] .badge')).toBe('rgb(154, 103, 0)')

    const line = (await card.locator('.head .state').textContent())!.replace(/\s+/g, ' ').trim()
    expect(line).toBe(`! At risk: ${await risky.count()} initiatives ✓ Ready to scale: 1 initiative`)
    // Six at once go to the email address as one digest, listed as such.
    const delivery = card.locator('.delivery[data-channel="email"] .badge')
    await card.locator('details.deliveries summary').click()
    expect((await delivery.textContent())!.trim()).toMatch(/^! \d+ alerts$/)
    await ctx.close()
  }, 120_000)
})
