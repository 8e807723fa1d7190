/**
 * The import page end to end: the real server (real SQLite file, built client) in headless Chromium. An
 * editor signs in, downloads the template, checks and imports it, and sees the events counted by the
 * API; a bad file lists its rows to fix and stores nothing; a viewer has no Import page; nothing scrolls
 * sideways at 390 px. Screenshots at 1366 and 390 px in test-artifacts/imports-*.png.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { migrateToLatest, openDatabase, writeTransaction, type DbHandle } from '../../db/connection.js'
import { createInitiative } from '../../db/queries/initiatives.js'
import { createApp, type App } from '../../server/app.js'
import { makeUser } from '../../server/auth/test-helpers.js'
import { loadConfig } from '../../server/config.js'
import { CSV_IMPORT_COLUMNS } from '../../metrics/csv-import.js'
import { axeViolations, horizontalOverflow } from './pages.js'
import { ARTIFACTS, buildClientInto, HAS_CHROMIUM, launchChromium } from './support.js'

const EDITOR = { email: 'editor@example.com', password: 'editor-password-1' }
const VIEWER = { email: 'viewer@example.com', password: 'viewer-password-1' }

interface Summary {
  initiatives: Array<{ slug: string; timeSavedHours: number | null; revenueInfluenced: number | null; errorRate: number | null; decisionLatencyP50: number | null }>
}

describe.skipIf(!HAS_CHROMIUM)('the import page in headless Chromium (install Chromium: apt-get update && apt-get install -y chromium)', () => {
  let dir: string
  let handle: DbHandle
  let app: App
  let server: http.Server
  let url: string
  let browser: Browser
  let editor: BrowserContext
  let page: Page
  const problems: string[] = []

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yardstick-imports-e2e-'))
    const clientDir = await buildClientInto(dir)
    const config = loadConfig({ YARDSTICK_DB: path.join(dir, 'y.db'), PORT: '0', YARDSTICK_SYNC: 'normal', YARDSTICK_OUTBOX_DIR: path.join(dir, 'outbox') })
    handle = openDatabase(config.dbFile, { sync: 'normal' })
    await migrateToLatest(handle.db)
    const started = Date.parse('2026-01-01T00:00:00Z')
    const fields = { description: '', owner: null, team: null, stage: 'pilot' as const, hourlyValueMinor: 6000, upfrontCostMinor: 0, monthlyCostMinor: 100_000, costPerErrorMinor: null, baselineErrorRate: null, baselineDecisionLatencySeconds: null, targetTimeSavedHoursPerMonth: null, targetErrorRate: null, targetRevenueInfluencedPerMonth: null, targetDecisionLatencySeconds: null, startedAt: started }
    await writeTransaction(handle.db, async (tx) => {
      await createInitiative(tx, { ...fields, slug: 'claims-triage', name: 'Claims triage', currency: 'USD' }, { actor: 'test', at: started })
      await createInitiative(tx, { ...fields, slug: 'invoice-matching', name: 'Invoice matching', currency: 'EUR' }, { actor: 'test', at: started })
    })
    await makeUser(handle.db, EDITOR.email, 'editor', EDITOR.password)
    await makeUser(handle.db, VIEWER.email, 'viewer', VIEWER.password)
    app = createApp({ db: handle.db, config, log: (m) => problems.push(`server: ${m}`), clientDir })
    await app.ready()
    server = app.app.listen(0, '127.0.0.1')
    await new Promise<void>((r) => server.once('listening', () => r()))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    browser = await launchChromium()
    editor = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true })
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    server?.closeAllConnections()
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
    await app?.close()
    await handle?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  function watch(p: Page, label: string): Page {
    p.on('console', (m) => {
      // A refused request is answered on the page; the viewer's 403 is the expected one.
      if (m.type() === 'error' && !/status of 403/.test(m.text())) problems.push(`${label}: console: ${m.text()}`)
    })
    p.on('pageerror', (e) => problems.push(`${label}: ${e.message}`))
    return p
  }

  async function signIn(p: Page, who: { email: string; password: string }) {
    await p.goto(url + '/')
    await p.locator('ys-sign-in #email').waitFor({ timeout: 30_000 })
    await p.locator('ys-sign-in #email').fill(who.email)
    await p.locator('ys-sign-in #password').fill(who.password)
    await p.locator('ys-sign-in button[type=submit]').click()
    await p.locator('ys-app nav .who').filter({ hasText: who.email }).waitFor({ timeout: 30_000 })
  }

  /** GET as the signed-in browser (its cookie), from the page. */
  const apiGet = <T>(p: Page, pathname: string) => p.evaluate(async (u) => (await fetch(u)).json(), pathname) as Promise<T>
  const summary = (p: Page) => apiGet<Summary>(p, `/api/v1/summary?from=2026-01-01T00:00:00Z&to=${new Date(Date.now() + 86_400_000).toISOString()}`)
  const eventCount = async () => Number((await handle.db.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  const focusedOutcome = (p: Page) => p.evaluate(() => document.querySelector('ys-app ys-imports')?.shadowRoot?.activeElement?.getAttribute('data-outcome') ?? null)
  const shot = (p: Page, name: string) => p.screenshot({ path: path.join(ARTIFACTS, `imports-${name}.png`), fullPage: true })

  it('lets an editor download the template, check it, import it, and see the events counted by the API', async () => {
    page = watch(await editor.newPage(), 'editor')
    await signIn(page, EDITOR)
    await page.locator('ys-app nav a', { hasText: 'Import' }).click()
    await page.locator('ys-imports[data-ready="true"]').waitFor({ timeout: 30_000 })
    expect(new URL(page.url()).pathname).toBe('/imports')
    expect(await page.title()).toBe('Import history · Yardstick')
    expect(await page.locator('ys-imports .empty').textContent()).toContain('No imports yet')
    await shot(page, '1366-before')

    // The template, for the initiative picked, as a browser downloads it.
    await page.locator('ys-imports #template-initiative').selectOption('claims-triage')
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('ys-imports #template').click()])
    expect(download.suggestedFilename()).toBe('yardstick-import-claims-triage.csv')
    const template = fs.readFileSync((await download.path())!, 'utf8')
    const lines = template.trimEnd().split('\r\n')
    expect(lines[0].split(',')).toEqual([...CSV_IMPORT_COLUMNS])
    expect(lines.slice(1).every((l) => l.startsWith('claims-triage,'))).toBe(true)

    // Chosen: checked at once (a dry run), nothing stored.
    await page.locator('ys-imports #file').setInputFiles({ name: 'claims-history.csv', mimeType: 'text/csv', buffer: Buffer.from(template) })
    const result = page.locator('ys-imports .result')
    await page.locator('ys-imports .result[data-outcome="valid"]').waitFor({ timeout: 30_000 })
    expect(await result.locator('h3').textContent()).toBe('✓ All 4 rows are valid. Nothing is stored until you import them.')
    expect(await focusedOutcome(page)).toBe('valid')
    expect(await result.locator('.about').textContent()).toBe('Checked claims-history.csv.')
    expect(await eventCount()).toBe(0)

    // Imported: the result, focused, and the API counts the four events.
    await page.locator('ys-imports #import').click()
    await page.locator('ys-imports .result[data-outcome="imported"]').waitFor({ timeout: 30_000 })
    expect(await result.locator('h3').textContent()).toMatch(/Imported: 4 events stored\./)
    expect(await focusedOutcome(page)).toBe('imported')
    expect(await page.locator('ys-imports [aria-live="polite"]').count()).toBe(1)
    await shot(page, '1366-result')
    const claims = (await summary(page)).initiatives.find((i) => i.slug === 'claims-triage')!
    expect(claims).toMatchObject({ timeSavedHours: 1.5, revenueInfluenced: 1250.5, errorRate: 0.025, decisionLatencyP50: 45 })
    expect(await eventCount()).toBe(4)

    // The list: the check and the import, newest first, with who and the counts.
    const rows = page.locator('ys-imports table.past tbody tr')
    await expect.poll(() => rows.count()).toBe(1)
    // Checks (dry runs) are listed on demand.
    await page.locator('ys-imports #show-checks').check()
    await expect.poll(() => rows.count()).toBe(2)
    const list = await apiGet<{ imports: Array<{ id: number; dryRun: boolean; accepted: number; actor: string; fileName: string }> }>(page, '/api/v1/imports')
    expect(list.imports.map((i) => [i.dryRun, i.accepted, i.actor, i.fileName])).toEqual([
      [false, 4, EDITOR.email, 'claims-history.csv'],
      [true, 0, EDITOR.email, 'claims-history.csv'],
    ])
    const first = (await rows.first().textContent())!.replace(/\s+/g, ' ')
    expect(first).toContain('claims-history.csv')
    expect(first).toContain(EDITOR.email)
    expect(first).toMatch(/import 4 4 0 0 ✓ imported/)

    // The same file again counts nothing twice.
    await page.locator('ys-imports .result button', { hasText: 'Import another file' }).click()
    await page.locator('ys-imports #file').setInputFiles({ name: 'claims-history.csv', mimeType: 'text/csv', buffer: Buffer.from(template) })
    await page.locator('ys-imports #import').click()
    await page.locator('ys-imports .result[data-outcome="imported"]').waitFor({ timeout: 30_000 })
    expect(await result.locator('h3').textContent()).toMatch(/Imported: 0 events stored, 4 already there and not counted again\./)
    expect(await eventCount()).toBe(4)
    expect(await axeViolations(page)).toEqual([])
  }, 120_000)

  it('lists a bad file’s rows to fix by line and column, offers no import, and stores nothing', async () => {
    await page.locator('ys-imports .result button', { hasText: 'Import another file' }).click()
    const bad = [
      'initiative,metric,occurredAt,value,unit,errors,total',
      'claims-triage,time_saved,2026-11-02T09:00:00Z,30,minutes,,', // 2 good
      'claims-triage,time_saved,2026-11-02T09:00:00Z,-5,minutes,,', // 3 negative
      'nowhere,time_saved,2026-11-02T09:00:00Z,1,hours,,', // 4 unknown initiative
      'claims-triage,error_rate,2026-11-03T09:00:00Z,,,5,2', // 5 errors > total
      'invoice-matching,revenue_influenced,2026-11-03,"1,200.50",,,', // 6 date and thousands separator
    ].join('\n')
    await page.locator('ys-imports #file').setInputFiles({ name: 'bad-history.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) })
    const result = page.locator('ys-imports .result[data-outcome="invalid"]')
    await result.waitFor({ timeout: 30_000 })
    expect(await focusedOutcome(page)).toBe('invalid')
    expect(await result.locator('h3').textContent()).toBe('✕ 4 of 5 rows need fixing. Nothing was stored.')
    const line = (n: number) =>
      result.locator(`tr[data-line="${n}"]`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()).join(' ')).join(' | '))
    expect(await line(2)).toBe('')
    expect(await line(3)).toMatch(/3 value Value must be ≥ 0 for time_saved/)
    expect(await line(4)).toMatch(/4 initiative Initiative "nowhere" is not registered/)
    expect(await line(5)).toMatch(/5 errors Errors \(5\) must not exceed total \(2\)/)
    expect(await line(6)).toMatch(/6 value Value must be a number .*no thousands separator/)
    expect(await line(6)).toMatch(/6 occurredAt /)
    expect(await result.locator('a[href="/initiatives/new"]').count()).toBe(1)
    expect(await page.locator('ys-imports #import').count()).toBe(0)
    await shot(page, '1366-errors')
    expect(await eventCount()).toBe(4)
    const latest = (await apiGet<{ imports: Array<{ id: number }> }>(page, '/api/v1/imports')).imports[0]
    expect(await apiGet(page, `/api/v1/imports/${latest.id}`)).toMatchObject({ fileName: 'bad-history.csv', dryRun: true, status: 'done', accepted: 0, badRows: 4, rowsRead: 5 })

    // Even sent without the check (the API, all or nothing), the file stores nothing.
    const refused = await page.evaluate(async (text) => {
      const r = await fetch('/api/v1/imports?name=bad-history.csv', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: text })
      const started = (await r.json()) as { id: number }
      for (;;) {
        const i = (await (await fetch(`/api/v1/imports/${started.id}`)).json()) as { status: string; accepted: number; badRows: number }
        if (i.status !== 'running') return i
        await new Promise((res) => setTimeout(res, 100))
      }
    }, bad)
    expect(refused).toMatchObject({ status: 'done', accepted: 0, badRows: 4 })
    expect(await eventCount()).toBe(4)
    // A file that is not CSV is turned away before it is sent.
    await page.locator('ys-imports .result button', { hasText: 'Choose another file' }).click()
    await page.locator('ys-imports #file').setInputFiles({ name: 'history.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from('PK\u0003\u0004') })
    expect(await page.locator('ys-imports .result[data-outcome="error"]').textContent()).toContain('is not a CSV file')
  }, 60_000)

  it('shows the progress of a large file while it is checked and while it is stored', async () => {
    await page.locator('ys-imports .result button', { hasText: 'Choose another file' }).click()
    const rows = ['initiative,metric,occurredAt,value,unit']
    for (let k = 0; k < 100_000; k++) rows.push(`claims-triage,time_saved,${new Date(Date.UTC(2026, 9, 1) + k * 20_000).toISOString()},${1 + (k % 90)},minutes`)
    await page.locator('ys-imports #file').setInputFiles({ name: 'large-history.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) })
    const progress = page.locator('ys-imports .progress[data-phase="running"]')
    await progress.waitFor({ timeout: 30_000 })
    expect(await progress.textContent()).toMatch(/^\s*large-history\.csv: checking every row: [\d,]+ rows? read \(\d+%\)\s*$/)
    expect(await page.locator('ys-imports #file').isDisabled()).toBe(true)
    await shot(page, '1366-progress')
    await page.locator('ys-imports .result[data-outcome="valid"]').waitFor({ timeout: 60_000 })
    expect(await page.locator('ys-imports .result h3').textContent()).toContain('All 100,000 rows are valid')
    expect(await page.locator('ys-imports [aria-live="polite"]').textContent()).toBe('')
    // Imported: checked again, then stored, step by step.
    await page.locator('ys-imports #import').click()
    await page.locator('ys-imports .progress[data-phase="running"]', { hasText: 'step 2 of 2, storing' }).waitFor({ timeout: 60_000 })
    expect(await page.locator('ys-imports [aria-live="polite"]').textContent()).toMatch(/^Step 2 of 2, storing: [\d,]+ of 100,000 rows, \d+%$/)
    await shot(page, '1366-storing')
    await page.locator('ys-imports .result[data-outcome="imported"]').waitFor({ timeout: 60_000 })
    expect(await page.locator('ys-imports .result h3').textContent()).toContain('Imported: 100,000 events stored.')
    expect(await eventCount()).toBe(100_004)
    await page.locator('ys-imports .result button', { hasText: 'Import another file' }).click()
  }, 180_000)

  it('fits a 390 px phone without sideways scrolling, before and after a check with errors', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const p = watch(await phone.newPage(), 'phone')
    await signIn(p, EDITOR)
    await p.goto(url + '/imports')
    await p.locator('ys-imports[data-ready="true"]').waitFor({ timeout: 30_000 })
    await p.locator('ys-imports table.past tbody tr').first().waitFor()
    expect(await horizontalOverflow(p)).toBe(0)
    await p.screenshot({ path: path.join(ARTIFACTS, 'imports-390-before.png'), fullPage: true })
    await p.locator('ys-imports details summary').click()
    expect(await horizontalOverflow(p)).toBe(0)
    await p.locator('ys-imports details').screenshot({ path: path.join(ARTIFACTS, 'imports-390-columns.png') })
    await p.locator('ys-imports details summary').click()
    await p.locator('ys-imports #file').setInputFiles({ name: 'a-long-file-name-exported-from-the-finance-spreadsheet-2026.csv', mimeType: 'text/csv', buffer: Buffer.from('initiative,metric,occurredAt,value\nclaims-triage,time_saved,yesterday,12\nclaims-triage,time_saved,2026-11-02T09:00:00Z,1 200\n') })
    await p.locator('ys-imports .result[data-outcome="invalid"]').waitFor({ timeout: 30_000 })
    expect(await horizontalOverflow(p)).toBe(0)
    await p.screenshot({ path: path.join(ARTIFACTS, 'imports-390-errors.png'), fullPage: true })
    await p.locator('ys-imports .result').screenshot({ path: path.join(ARTIFACTS, 'imports-390-errors-close.png') })
    await p.locator('ys-imports .result button', { hasText: 'Choose another file' }).click()
    // Dropped on the drop zone, as a file dragged from the desktop.
    const dropped = await p.evaluateHandle(() => {
      const dt = new DataTransfer()
      dt.items.add(new File(['initiative,metric,occurredAt,value,unit\ninvoice-matching,time_saved,2026-10-02T09:00:00Z,2,hours\n'], 'october.csv', { type: 'text/csv' }))
      return dt
    })
    await p.locator('ys-imports .drop').dispatchEvent('dragover', { dataTransfer: dropped })
    expect(await p.locator('ys-imports .drop.over').count()).toBe(1)
    await p.locator('ys-imports .drop').dispatchEvent('drop', { dataTransfer: dropped })
    await p.locator('ys-imports .result[data-outcome="valid"]').waitFor({ timeout: 30_000 })
    await p.locator('ys-imports #import').click()
    await p.locator('ys-imports .result[data-outcome="imported"]').waitFor({ timeout: 30_000 })
    expect(await horizontalOverflow(p)).toBe(0)
    await p.screenshot({ path: path.join(ARTIFACTS, 'imports-390-result.png'), fullPage: true })
    await p.locator('ys-imports .result').screenshot({ path: path.join(ARTIFACTS, 'imports-390-result-close.png') })
    await p.locator('ys-imports table.past tbody tr').first().screenshot({ path: path.join(ARTIFACTS, 'imports-390-list-row.png') })
    await phone.close()
  }, 60_000)

  it('shows a viewer no Import page, and the API refuses the viewer', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } })
    const p = watch(await ctx.newPage(), 'viewer')
    await signIn(p, VIEWER)
    expect(await p.locator('ys-app nav a').allTextContents()).not.toContain('Import')
    expect(await p.locator('ys-app nav a', { hasText: 'Alerts' }).count()).toBe(1)
    await p.goto(url + '/imports')
    await p.locator('ys-imports[data-ready]').waitFor({ timeout: 30_000 })
    expect(await p.locator('ys-imports [role="alert"]').textContent()).toContain('viewer role')
    expect(await p.locator('ys-imports #file').count()).toBe(0)
    expect(await p.evaluate(async () => (await fetch('/api/v1/imports')).status)).toBe(403)
    await ctx.close()
    expect(problems).toEqual([])
  }, 60_000)
})
