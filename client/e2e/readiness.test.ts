/**
 * Scale readiness in the dashboard, end to end: the real server with demo data and the built client, in
 * headless Chromium, signed in as an editor with a session cookie.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { migrateToLatest, openDatabase, type DbHandle } from '../../db/connection.js'
import { findAudit } from '../../db/queries/audit.js'
import { createApp, type App } from '../../server/app.js'
import { makeUser, sessionCookie } from '../../server/auth/test-helpers.js'
import { loadConfig } from '../../server/config.js'
import { loadDemo } from '../../server/demo/load.js'
import { DEMO_SCENARIOS } from '../../server/demo/scenarios.js'
import { ARTIFACTS, buildClientInto, HAS_CHROMIUM, launchChromium } from './support.js'


interface ApiReadiness {
  slug: string
  stage: string
  verdict: 'ready' | 'not_yet' | 'at_risk'
  missing: Array<{ item: string; message: string }>
  risks: Array<{ item: string; message: string }>
}

describe.skipIf(!HAS_CHROMIUM)('readiness in the dashboard, headless Chromium (install Chromium: apt-get update && apt-get install -y chromium)', () => {
  let dir: string
  let handle: DbHandle
  let app: App
  let server: http.Server
  let url: string
  let browser: Browser
  let ctx: BrowserContext
  let cookie: string
  const problems: string[] = []

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yardstick-readiness-e2e-'))
    const clientDir = await buildClientInto(dir)
    const config = loadConfig({ YARDSTICK_DB: path.join(dir, 'y.db'), PORT: '0', YARDSTICK_SYNC: 'normal', YARDSTICK_OUTBOX_DIR: path.join(dir, 'outbox') })
    handle = openDatabase(config.dbFile, { sync: 'normal' })
    await migrateToLatest(handle.db)
    await loadDemo(handle.db, { days: 365, timezone: config.timezone })
    cookie = await sessionCookie(handle.db, await makeUser(handle.db, 'editor@example.com', 'editor', 'editor-password-1'))
    app = createApp({ db: handle.db, config, log: (m) => problems.push(`server: ${m}`), clientDir })
    server = app.app.listen(0, '127.0.0.1')
    await new Promise<void>((r) => server.once('listening', () => r()))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    browser = await launchChromium()
    ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 } })
    const [name, value] = cookie.split('=')
    await ctx.addCookies([{ name, value, url }])
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    server?.closeAllConnections()
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
    await app?.close()
    await handle?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  async function open(pathname: string): Promise<Page> {
    const page = await ctx.newPage()
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${pathname}: console ${m.type()}: ${m.text()}`)
    })
    page.on('pageerror', (e) => problems.push(`${pathname}: ${e.message}`))
    await page.goto(url + pathname)
    return page
  }

  async function apiReadiness(): Promise<ApiReadiness[]> {
    const res = await fetch(`${url}/api/v1/readiness`, { headers: { cookie } })
    return ((await res.json()) as { initiatives: ApiReadiness[] }).initiatives
  }

  it('shows each initiative\'s verdict in words and icon on the portfolio, with what is missing', async () => {
    const api = await apiReadiness()
    const page = await open('/')
    await page.waitForSelector('ys-portfolio[data-ready]', { timeout: 30_000 })
    const retired = DEMO_SCENARIOS.filter((s) => api.find((x) => x.slug === s.slug)!.stage === 'retired').length
    await page.locator('ys-readiness-badge .badge').nth(DEMO_SCENARIOS.length - retired - 1).waitFor({ timeout: 30_000 })
    const rows = await page.locator('ys-portfolio table#initiatives tbody tr').evaluateAll((trs) =>
      trs.map((tr) => {
        const name = tr.querySelector('td a')?.textContent?.trim() ?? ''
        const badge = tr.querySelector('ys-readiness-badge')?.shadowRoot
        const gaps = [...tr.querySelectorAll('td.rec li')].map((li) => li.textContent?.trim() ?? '')
        return { name, verdict: badge?.querySelector('.badge')?.getAttribute('data-verdict') ?? '', word: badge?.querySelector('.badge')?.textContent?.trim() ?? '', gaps, text: tr.textContent ?? '' }
      }),
    )
    expect(rows).toHaveLength(DEMO_SCENARIOS.length)
    const words = { ready: '✓ready', not_yet: '✕not yet', at_risk: '!at risk' }
    for (const s of DEMO_SCENARIOS) {
      const row = rows.find((r) => r.name === s.name)!
      const r = api.find((x) => x.slug === s.slug)!
      if (r.stage === 'retired') {
        // Retired initiatives are out of the gate: no red "not yet", no gaps.
        expect(row.verdict).toBe('')
        expect(row.text).toContain('left out of the gate')
        expect(row.gaps).toEqual([])
        continue
      }
      expect(row.verdict, s.slug).toBe(r.verdict)
      expect(row.word).toBe(words[r.verdict])
      const shown = r.missing.slice(0, 2).map((m) => m.message)
      if (r.missing.length > 2) shown.push(`and ${r.missing.length - 2} more on its page`)
      expect(row.gaps, s.slug).toEqual(shown)
    }
    expect(new Set(rows.filter((r) => r.verdict).map((r) => r.verdict))).toEqual(new Set(api.filter((r) => r.stage !== 'retired').map((r) => r.verdict)))
    expect(rows.filter((r) => r.verdict).length).toBeGreaterThan(0)
    const header = await page.locator('ys-portfolio table#initiatives thead th').allTextContents()
    expect(header.at(-1)?.trim()).toBe('Ready to scale?')
    await page.screenshot({ path: path.join(ARTIFACTS, 'readiness-portfolio.png'), fullPage: true })
    await page.close()
  })

  it('lists met and missing on the initiative page, and an editor\'s attestation turns a missing item into a met one, audited', async () => {
    const page = await open('/initiatives/appointment-scheduling')
    const panel = page.locator('ys-readiness-panel')
    await panel.locator('#missing').waitFor({ timeout: 30_000 })
    const missing = await panel.locator('#missing li').allTextContents()
    expect(missing.some((t) => t.includes('no bias review recorded'))).toBe(true)
    const bench = await panel.locator('#benchmarks li').allTextContents()
    expect(bench.map((t) => t.match(/Seed: [^\n]*/)?.[0].trim())).toEqual(['Seed: early adopters return $1.41 per $1', 'Seed: typical payback 2–4 years', 'Seed: 82% of CFOs who began with a small pilot scaled within six months'])

    await panel.locator('#attest-form summary').click()
    await panel.locator('#attest-form select[name=item]').selectOption('bias_review')
    await panel.locator('#attest-form textarea[name=note]').fill('Booking outcomes compared across clinics and age groups')
    await panel.locator('#attest-form input[name=reviewer]').fill('Patient safety board')
    await panel.locator('#attest-form button[type=submit]').click()
    await panel.locator('#met li[data-item=bias_review]').waitFor({ timeout: 15_000 })
    const met = await panel.locator('#met li[data-item=bias_review]').textContent()
    expect(met).toContain('bias review by Patient safety board')
    expect(met).toContain('attested by editor@example.com')
    expect(await panel.locator('#missing li[data-item=bias_review]').count()).toBe(0)
    const audit = await findAudit(handle.db, { entity: 'initiative', entityId: 'appointment-scheduling' })
    expect(audit.find((a) => a.action === 'attest' && a.actor === 'editor@example.com')).toBeTruthy()
    await page.screenshot({ path: path.join(ARTIFACTS, 'readiness-panel.png'), fullPage: true })
    await page.close()
    expect(problems).toEqual([])
  })
})
