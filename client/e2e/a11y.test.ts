/**
 * Every page with the demo data, in real headless Chromium against the real server: axe-core finds no
 * violation at 1366 px and 390 px and nothing scrolls sideways; an editor creates an initiative and a
 * share link from the UI; an admin's override of the readiness gate leaves a mark on the initiative
 * page and reads correctly in the audit log.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { DEMO_EDITOR, startDemoServer, type DemoServer } from './demo-server.js'
import { axeViolations, contextAt, horizontalOverflow, mintShare, openPage, PAGES, WIDTHS } from './pages.js'
import { ARTIFACTS, HAS_CHROMIUM, launchChromium } from './support.js'

describe.skipIf(!HAS_CHROMIUM)('accessibility and editors\' work in headless Chromium', () => {
  let demo: DemoServer
  let browser: Browser
  let adminCookie: string
  let editorCookie: string
  let share: string
  /** Script errors on the pages the editors use (refused requests, such as a 422 for a gated move, are expected). */
  const pageErrors: string[] = []

  beforeAll(async () => {
    demo = await startDemoServer()
    browser = await launchChromium()
    adminCookie = await demo.signIn()
    editorCookie = await demo.signIn(DEMO_EDITOR)
    share = await mintShare(demo, adminCookie)
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await demo?.close()
  })

  const watch = (page: Page, label: string) => {
    page.on('pageerror', (e) => pageErrors.push(`${label}: ${e.message}`))
    return page
  }

  for (const width of WIDTHS) {
    it(`finds no axe-core violation and no sideways scroll on any page at ${width} px`, async () => {
      const found: Record<string, unknown> = {}
      for (const spec of PAGES) {
        const ctx = await contextAt(browser, demo, width, spec.signedIn ? adminCookie : undefined)
        const page = await openPage(ctx, demo, spec, share)
        const violations = await axeViolations(page)
        const overflow = await horizontalOverflow(page)
        if (violations.length > 0 || overflow > 0) found[spec.name] = { violations, overflow }
        await page.screenshot({ path: path.join(ARTIFACTS, `a11y-${spec.name}-${width}.png`), fullPage: true })
        await ctx.close()
      }
      expect(found).toEqual({})
    }, 240_000)
  }

  it('shows the sign-in page to a signed-out visitor without an error in the console', async () => {
    const ctx = await contextAt(browser, demo, 1366)
    const errors: string[] = []
    const page = await ctx.newPage()
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    await page.goto(demo.url + '/')
    await page.locator('ys-sign-in form').waitFor()
    await page.waitForTimeout(300)
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('lets an editor create an initiative from the UI, in the units people use', async () => {
    const ctx = await contextAt(browser, demo, 1366, editorCookie)
    const page = watch(await ctx.newPage(), 'create')
    await page.goto(demo.url + '/')
    await page.locator('ys-portfolio[data-ready]').waitFor({ timeout: 30_000 })
    await page.locator('#new-initiative').click()
    await page.locator('ys-initiative-edit form').waitFor()
    expect(await page.locator('ys-initiative-edit #gate-rules').textContent()).toContain('Moving to production needs an owner')
    await page.locator('ys-initiative-edit #name').fill('Expense report checks')
    expect(await page.locator('ys-initiative-edit #slug').inputValue()).toBe('expense-report-checks')
    await page.locator('ys-initiative-edit #description').fill('Flags out-of-policy expense lines before approval.')
    await page.locator('ys-initiative-edit #currency').selectOption('EUR')
    await page.locator('ys-initiative-edit #startedAt').fill('2026-09-01')
    await page.locator('ys-initiative-edit #owner').fill('ana@example.com')
    await page.locator('ys-initiative-edit #team').fill('Finance')
    await page.locator('ys-initiative-edit #hourlyValue').fill('55')
    await page.locator('ys-initiative-edit #upfrontCost').fill('12000')
    await page.locator('ys-initiative-edit #monthlyCost').fill('1500.50')
    await page.locator('ys-initiative-edit #baselineErrorPct').fill('4.5')
    await page.locator('ys-initiative-edit #baselineLatency').fill('2')
    await page.locator('ys-initiative-edit select[name="baselineLatencyUnit"]').selectOption('days')
    await page.locator('ys-initiative-edit #targetLatency').fill('90')
    await page.locator('ys-initiative-edit select[name="targetLatencyUnit"]').selectOption('minutes')
    await page.locator('ys-initiative-edit #targetHours').fill('120')
    await page.locator('ys-initiative-edit button[type="submit"]').click()
    await page.waitForURL(/\/initiatives\/expense-report-checks$/)
    await page.locator('ys-initiative[data-ready]').waitFor({ timeout: 30_000 })
    const r = await fetch(`${demo.url}/api/v1/initiatives/expense-report-checks`, { headers: { cookie: editorCookie } })
    expect(r.status).toBe(200)
    const created = (await r.json()) as Record<string, unknown>
    expect(created).toMatchObject({
      name: 'Expense report checks',
      description: 'Flags out-of-policy expense lines before approval.',
      currency: 'EUR',
      owner: 'ana@example.com',
      team: 'Finance',
      stage: 'pilot',
      hourlyValue: 55,
      upfrontCost: 12000,
      monthlyCost: 1500.5,
      // 2 days and 90 minutes, in seconds; 4.5 % as a rate.
      baselines: { errorRate: 0.045, decisionLatencySeconds: 172_800 },
      targets: { timeSavedHoursPerMonth: 120, decisionLatencySeconds: 5_400, errorRate: null, revenueInfluencedPerMonth: null },
    })
    expect(String(created.startedAt)).toMatch(/^2026-09-01/)
    // Its edit form shows the stored durations back in days and hours.
    await page.goto(demo.url + '/initiatives/expense-report-checks/edit')
    await page.locator('ys-initiative-edit form').waitFor()
    expect(await page.locator('ys-initiative-edit #baselineLatency').inputValue()).toBe('2')
    expect(await page.locator('ys-initiative-edit select[name="baselineLatencyUnit"]').inputValue()).toBe('days')
    // 90 minutes comes back in the largest unit that keeps it short.
    expect(await page.locator('ys-initiative-edit #targetLatency').inputValue()).toBe('1.5')
    expect(await page.locator('ys-initiative-edit select[name="targetLatencyUnit"]').inputValue()).toBe('hours')
    await ctx.close()
  }, 60_000)

  it('refuses a taken slug in words, storing nothing new', async () => {
    const ctx = await contextAt(browser, demo, 390, editorCookie)
    const page = await ctx.newPage()
    await page.goto(demo.url + '/initiatives/new')
    await page.locator('ys-initiative-edit form').waitFor()
    await page.locator('ys-initiative-edit #name').fill('Invoice processing')
    await page.locator('ys-initiative-edit #slug').fill('invoice-processing')
    await page.locator('ys-initiative-edit #monthlyCost').fill('10')
    await page.locator('ys-initiative-edit button[type="submit"]').click()
    const alert = page.locator('ys-initiative-edit [role="alert"]')
    await alert.waitFor()
    expect(await alert.textContent()).toContain('already exists')
    expect(page.url()).toMatch(/\/initiatives\/new$/)
    await ctx.close()
  })

  it('makes a share link from the initiative page whose snippet shows the chart on another site', async () => {
    const ctx = await contextAt(browser, demo, 1366, editorCookie)
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demo.url })
    const page = watch(await ctx.newPage(), 'share')
    await page.goto(demo.url + '/initiatives/invoice-processing')
    await page.locator('ys-initiative[data-ready]').waitFor({ timeout: 30_000 })
    await page.locator('ys-share-links summary').click()
    await page.locator('ys-share-links #share-metric').selectOption('error_rate')
    await page.locator('ys-share-links #share-expiry').selectOption('7')
    await page.locator('ys-share-links button[type="submit"]').click()
    const snippet = await page.locator('ys-share-links #share-snippet').inputValue()
    expect(snippet).toContain(`<script src="${demo.url}/embed.js"></script>`)
    expect(snippet).toMatch(/<ys-outcome-chart initiative="invoice-processing" metric="error_rate" range="90d" share-token="[^"]+"/)
    const token = /share-token="([^"]+)"/.exec(snippet)![1]
    // The token reads this initiative only, and expires in 7 days.
    expect((await fetch(`${demo.url}/api/v1/initiatives/invoice-processing`, { headers: { 'x-yardstick-share': token } })).status).toBe(200)
    expect((await fetch(`${demo.url}/api/v1/initiatives/contract-review`, { headers: { 'x-yardstick-share': token } })).status).not.toBe(200)
    expect(await page.locator('ys-share-links #share-created label').textContent()).toMatch(/works until \d{1,2} \w{3} \d{4}/)
    await page.locator('ys-share-links #share-copy').click()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippet)
    // Pasted into another site's page, it draws the chart.
    const host = await ctx.newPage()
    await host.goto(`${demo.hostUrl}/?share=${encodeURIComponent(token)}`)
    await host.locator('ys-outcome-chart canvas').waitFor({ timeout: 30_000 })
    await page.screenshot({ path: path.join(ARTIFACTS, 'share-link-created.png'), fullPage: true })
    await ctx.close()
  }, 60_000)

  it('marks an admin\'s override on the initiative page and describes it as an override in the audit log', async () => {
    const before = (await (await fetch(`${demo.url}/api/v1/initiatives/document-classification/readiness`, { headers: { cookie: adminCookie } })).json()) as { verdict: string; missing: Array<{ message: string }> }
    expect(before.verdict).not.toBe('ready')
    const reason = 'Board approved the rollout on 3 Dec despite the open bias review'
    const ctx = await contextAt(browser, demo, 1366, adminCookie)
    const page = watch(await ctx.newPage(), 'override')
    await page.goto(demo.url + '/initiatives/document-classification/edit')
    await page.locator('ys-initiative-edit form').waitFor()
    await page.locator('ys-initiative-edit #stage').selectOption('production')
    await page.locator('ys-initiative-edit button[type="submit"]').click()
    await page.locator('ys-initiative-edit #override-reason').fill(reason)
    await page.locator('ys-initiative-edit #override button').click()
    await page.locator('ys-initiative-edit .ok').waitFor()
    await page.goto(demo.url + '/initiatives/document-classification')
    const mark = page.locator('ys-initiative #override-mark')
    await mark.waitFor({ timeout: 30_000 })
    await page.locator('ys-initiative #override-mark .sub', { hasText: 'Missing then' }).waitFor()
    const text = (await mark.textContent())!.replace(/\s+/g, ' ')
    expect(text).toContain("In production by an admin's override of the readiness gate")
    expect(text).toContain('admin@example.com')
    expect(text).toContain(reason)
    for (const m of before.missing) expect(text).toContain(m.message)
    await page.screenshot({ path: path.join(ARTIFACTS, 'override-mark.png'), fullPage: false })
    // A viewer-level reader (the editor here) sees who, when and why too.
    const ectx = await contextAt(browser, demo, 390, editorCookie)
    const epage = await ectx.newPage()
    await epage.goto(demo.url + '/initiatives/document-classification')
    expect(((await epage.locator('ys-initiative #override-mark').textContent({ timeout: 30_000 })) ?? '').replace(/\s+/g, ' ')).toContain(reason)
    await ectx.close()
    await page.goto(demo.url + '/audit')
    const row = page.locator('ys-audit table tbody tr', { hasText: 'over the readiness gate' }).first()
    await row.waitFor({ timeout: 30_000 })
    const rowText = (await row.textContent())!.replace(/\s+/g, ' ')
    expect(rowText).toContain('moved to production over the readiness gate: initiative document-classification')
    expect(rowText).toContain(`missing at the time: ${before.missing.map((m) => m.message).join('; ')}`)
    expect(rowText).toContain('(overridden, not fixed)')
    expect(rowText).not.toMatch(/entries → —/)
    await ctx.close()
  }, 90_000)

  it('raised no script error on the pages the editors used', () => {
    expect(pageErrors).toEqual([])
  })
})
