/**
 * The assessment page and the live demo, end to end: the real server in demo mode (YARDSTICK_DEMO=1,
 * the demo loaded as `npm start` loads it) and the built client, in headless Chromium, without signing
 * in, at 1366 px and 390 px; then an ordinary server where an editor takes the assessment in the form.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { migrateToLatest, openDatabase, writeTransaction, type DbHandle } from '../../db/connection.js'
import { createApp, type App } from '../../server/app.js'
import { makeUser, sessionCookie } from '../../server/auth/test-helpers.js'
import { loadConfig, type Config } from '../../server/config.js'
import { prepareLiveDemo } from '../../server/demo/live.js'
import { createInitiative } from '../../db/queries/initiatives.js'
import { ARTIFACTS, buildClientInto, HAS_CHROMIUM, launchChromium } from './support.js'

interface Served {
  handle: DbHandle
  app: App
  server: http.Server
  url: string
  config: Config
}

async function serve(dir: string, name: string, clientDir: string, env: Record<string, string>, problems: string[]): Promise<Served> {
  const config = loadConfig({ YARDSTICK_DB: path.join(dir, `${name}.db`), PORT: '0', YARDSTICK_SYNC: 'normal', YARDSTICK_OUTBOX_DIR: path.join(dir, 'outbox'), ...env })
  const handle = openDatabase(config.dbFile, { sync: 'normal' })
  await migrateToLatest(handle.db)
  if (config.demo) await prepareLiveDemo(handle.db, config, { now: Date.now(), log: () => {} })
  const app = createApp({ db: handle.db, config, log: (m) => problems.push(`server: ${m}`), clientDir })
  await app.ready()
  const server = app.app.listen(0, '127.0.0.1')
  await new Promise<void>((r) => server.once('listening', () => r()))
  return { handle, app, server, config, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

async function stop(s: Served | undefined) {
  if (!s) return
  s.server.closeAllConnections()
  await new Promise<void>((r) => s.server.close(() => r()))
  await s.app.close()
  await s.handle.close()
}

describe.skipIf(!HAS_CHROMIUM)('assessment page and live demo, headless Chromium (install Chromium: apt-get update && apt-get install -y chromium)', () => {
  let dir: string
  let demo: Served
  let plain: Served
  let browser: Browser
  const problems: string[] = []

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yardstick-assessment-e2e-'))
    const clientDir = await buildClientInto(dir)
    demo = await serve(dir, 'demo', clientDir, { YARDSTICK_DEMO: '1' }, problems)
    plain = await serve(dir, 'plain', clientDir, {}, problems)
    browser = await launchChromium()
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await stop(demo)
    await stop(plain)
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  async function open(base: string, pathname: string, width: number, height: number, cookie?: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width, height } })
    if (cookie) {
      const [name, value] = cookie.split('=')
      await ctx.addCookies([{ name, value, url: base }])
    }
    const page = await ctx.newPage()
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${pathname}@${width}: console error: ${m.text()}`)
    })
    page.on('pageerror', (e) => problems.push(`${pathname}@${width}: ${e.message}`))
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${pathname}@${width}: ${r.status()} ${r.url()}`)
    })
    await page.goto(base + pathname)
    return page
  }

  it('opens the demo portfolio without signing in, under a read-only banner, with the assessment in the menu', async () => {
    const page = await open(demo.url, '/', 1366, 900)
    const banner = page.locator('.demo-banner')
    await banner.waitFor({ timeout: 20_000 })
    expect(await banner.textContent()).toMatch(/Live demo\..*read-only/)
    await page.locator('ys-portfolio table, ys-portfolio .card').first().waitFor({ timeout: 30_000 })
    expect(await page.locator('ys-sign-in').count()).toBe(0)
    await page.locator('nav a', { hasText: 'Assessment' }).click()
    await page.locator('ys-assessment h1').waitFor()
    expect(new URL(page.url()).pathname).toBe('/assessment')
    await page.context().close()
  }, 60_000)

  it('tells an executive where the organisation stands at 1366 px, disagreeing with the optimistic answers', async () => {
    const page = await open(demo.url, '/assessment', 1366, 900)
    await page.locator('ys-assessment .score').waitFor({ timeout: 30_000 })
    const api = (await (await fetch(`${demo.url}/api/v1/assessment`)).json()) as { overall: { score: number }; disagreements: Array<{ message: string }>; nextSteps: Array<{ action: string; initiatives: Array<{ slug: string }> }> }
    expect(await page.locator('ys-assessment .score').textContent()).toContain(api.overall.score.toFixed(1))
    const callout = (await page.locator('ys-assessment .callout').textContent()) ?? ''
    for (const d of api.disagreements) expect(callout).toContain(d.message)
    expect(callout).toMatch(/reports automatically \(API or OpenTelemetry\).*4 of 6 initiatives/)
    const steps = page.locator('ys-assessment ol.steps > li')
    expect(await steps.count()).toBe(3)
    for (let k = 0; k < 3; k++) {
      expect(await steps.nth(k).textContent()).toContain(api.nextSteps[k].action)
      expect(await steps.nth(k).locator('a').count()).toBe(api.nextSteps[k].initiatives.length)
    }
    expect(await page.locator('ys-assessment .tile').count()).toBe(3)
    // No form for a demo visitor.
    expect(await page.locator('ys-assessment form').count()).toBe(0)
    await page.screenshot({ path: path.join(ARTIFACTS, 'assessment-1366.png'), fullPage: true })
    // A next step's initiative opens that initiative's page.
    const first = api.nextSteps[0].initiatives[0].slug
    await steps.nth(0).locator('a').first().click()
    await page.locator('ys-initiative').waitFor()
    expect(new URL(page.url()).pathname).toBe(`/initiatives/${first}`)
    await page.context().close()
  }, 60_000)

  it('fits a 390 px phone without sideways scrolling', async () => {
    const page = await open(demo.url, '/assessment', 390, 844)
    await page.locator('ys-assessment .score').waitFor({ timeout: 30_000 })
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    // Nor inside a section: the history table becomes blocks on a phone.
    const inner = await page.locator('ys-assessment .table-wrap').evaluate((el) => el.scrollWidth - el.clientWidth)
    expect(inner).toBeLessThanOrEqual(0)
    await page.screenshot({ path: path.join(ARTIFACTS, 'assessment-390.png'), fullPage: true })
    await page.screenshot({ path: path.join(ARTIFACTS, 'assessment-390-first-screen.png') })
    await page.locator('ys-assessment section[aria-labelledby="steps-h"]').screenshot({ path: path.join(ARTIFACTS, 'assessment-390-steps.png') })
    await page.locator('ys-assessment section[aria-labelledby="hist-h"]').screenshot({ path: path.join(ARTIFACTS, 'assessment-390-history.png') })
    await page.context().close()
  }, 60_000)

  it('lets an editor take the assessment in the form, and shows the score', async () => {
    await writeTransaction(plain.handle.db, (tx) => createInitiative(tx, { slug: 'invoices', name: 'Invoices', description: '', owner: 'maria@example.com', team: null, stage: 'pilot', currency: 'USD', hourlyValueMinor: 5000, upfrontCostMinor: 0, monthlyCostMinor: 10000, costPerErrorMinor: null, baselineErrorRate: null, baselineDecisionLatencySeconds: null, targetTimeSavedHoursPerMonth: null, targetErrorRate: null, targetRevenueInfluencedPerMonth: null, targetDecisionLatencySeconds: null, startedAt: Date.now() - 86_400_000 }, { actor: 'test', at: Date.now() }))
    const cookie = await sessionCookie(plain.handle.db, await makeUser(plain.handle.db, 'editor@example.com', 'editor', 'editor-password-1'))
    const page = await open(plain.url, '/assessment', 1366, 900, cookie)
    await page.locator('ys-assessment form').waitFor({ timeout: 30_000 })
    expect(await page.locator('ys-assessment h2', { hasText: 'Not assessed yet' }).count()).toBe(1)
    expect(await page.locator('.demo-banner').count()).toBe(0)
    const groups = page.locator('ys-assessment form fieldset')
    expect(await groups.count()).toBe(12)
    for (let k = 0; k < 12; k++) await groups.nth(k).locator('input[value="3"]').check()
    await page.locator('ys-assessment button[type="submit"]').click()
    await page.locator('ys-assessment .score').waitFor({ timeout: 20_000 })
    const api = (await (await fetch(`${plain.url}/api/v1/assessment`, { headers: { cookie } })).json()) as { overall: { score: number }; taken: { takenBy: string } }
    expect(api.taken.takenBy).toBe('editor@example.com')
    expect(await page.locator('ys-assessment .score').textContent()).toContain(api.overall.score.toFixed(1))
    await page.context().close()
  }, 60_000)

  it('logged no errors', () => {
    expect(problems).toEqual([])
  })
})
