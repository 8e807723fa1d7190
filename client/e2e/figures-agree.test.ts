/**
 * One figure, one value, everywhere: on a fixed data set and a fixed clock, each initiative's period
 * return, return to date and payback month are the same in /summary, /readiness and /payback, on the
 * dashboard as rendered in headless Chromium (headline, portfolio table, payback chart's data table),
 * in the monthly digest's HTML and text parts as received by a real SMTP server, and in both CSV
 * exports. The expected values are worked out below from the data, by hand (CONTRACT.md, "Money").
 * This is the guard against a second implementation of any of them coming back.
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
import { createKey } from '../../db/queries/keys.js'
import { createApp, type App } from '../../server/app.js'
import { makeUser, sessionCookie } from '../../server/auth/test-helpers.js'
import { loadConfig, type Config } from '../../server/config.js'
import { digestTick } from '../../server/email/schedule-job.js'
import { startSmtpSink, type SmtpSink } from '../../server/email/testing-smtp.js'
import { parseCreateInitiative } from '../../server/routes/initiative-input.js'
import { ARTIFACTS, buildClientInto, HAS_CHROMIUM, launchChromium } from './support.js'

/** The server's now: the end of November 2026, so that "to date" means the same for every surface. */
const NOW = Date.parse('2026-12-01T00:00:00Z')
const FROM = '2026-11-01T00:00:00Z'
const TO = '2026-12-01T00:00:00Z'

/**
 * The data, and what each figure must be, worked out by hand:
 * - Invoices: started 1 Jan 2026, $10,000 upfront + $1,000 a month, 60 hours saved each month at $100
 *   an hour ($6,000). November: $6,000 on $1,000 → $6.00 per $1. To 1 Dec: 11 × $6,000 = $66,000 on
 *   $10,000 + 11 × $1,000 = $21,000 → 66/21 = $3.142857 per $1. Cumulative at the end of February:
 *   $12,000 value, $12,000 cost → paid back in Feb 2026.
 * - Support: started 1 Jun 2026, $50,000 upfront + $2,000 a month, 40 hours a month ($4,000).
 *   November: $4,000 on $2,000 → $2.00. To 1 Dec: 6 × $4,000 = $24,000 on $50,000 + 6 × $2,000 =
 *   $62,000 → $0.387097. Projected: each month adds the trailing three months' $4,000 and costs
 *   $2,000, so the $38,000 gap closes after 19 months from the end of November: June 2028, when both
 *   cumulative figures reach $100,000.
 */
const CASES = [
  { slug: 'invoices', name: 'Invoices', startedAt: '2026-01-01', upfrontCost: 10_000, monthlyCost: 1_000, hours: 60, months: 11, period: 6, toDate: 3.142857, periodText: '$6.00', toDateText: '$3.14', payback: { month: '2026-02', projected: false }, paybackText: 'Feb 2026', crossing: { value: '$12,000.00', cost: '$12,000.00', kind: 'actual' } },
  { slug: 'support', name: 'Support', startedAt: '2026-06-01', upfrontCost: 50_000, monthlyCost: 2_000, hours: 40, months: 6, period: 2, toDate: 0.387097, periodText: '$2.00', toDateText: '$0.39', payback: { month: '2028-06', projected: true }, paybackText: 'Jun 2028', crossing: { value: '$100,000.00', cost: '$100,000.00', kind: 'projected' } },
] as const

describe.skipIf(!HAS_CHROMIUM)('every surface shows the same money figures (install Chromium: apt-get update && apt-get install -y chromium)', () => {
  let dir: string
  let config: Config
  let handle: DbHandle
  let app: App
  let server: http.Server
  let url: string
  let smtp: SmtpSink
  let browser: Browser
  let ctx: BrowserContext
  let readKey: string
  let adminKey: string
  const problems: string[] = []

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yardstick-figures-'))
    const clientDir = await buildClientInto(dir)
    smtp = await startSmtpSink()
    config = loadConfig({ YARDSTICK_DB: path.join(dir, 'y.db'), PORT: '0', YARDSTICK_SYNC: 'normal', YARDSTICK_TIMEZONE: 'UTC', YARDSTICK_OUTBOX_DIR: path.join(dir, 'outbox'), SMTP_URL: smtp.url, PUBLIC_URL: 'https://ys.example.com' })
    handle = openDatabase(config.dbFile, { sync: 'normal' })
    await migrateToLatest(handle.db)
    for (const c of CASES) {
      const parsed = parseCreateInitiative({ slug: c.slug, name: c.name, currency: 'USD', hourlyValue: 100, upfrontCost: c.upfrontCost, monthlyCost: c.monthlyCost, startedAt: c.startedAt, stage: 'pilot' }, 'UTC', NOW)
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.details))
      await writeTransaction(handle.db, (tx) => createInitiative(tx, parsed.value, { actor: 'test', at: NOW }))
    }
    readKey = (await writeTransaction(handle.db, (tx) => createKey(tx, { name: 'read', role: 'read', initiatives: null }, { actor: 'test', at: NOW }))).token
    adminKey = (await writeTransaction(handle.db, (tx) => createKey(tx, { name: 'admin', role: 'admin', initiatives: null }, { actor: 'test', at: NOW }))).token
    const cookie = await sessionCookie(handle.db, await makeUser(handle.db, 'cfo@example.com', 'viewer', 'viewer-password-1'))
    app = createApp({ db: handle.db, config, log: (m) => problems.push(`server: ${m}`), clientDir, clock: () => NOW })
    server = app.app.listen(0, '127.0.0.1')
    await new Promise<void>((r) => server.once('listening', () => r()))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

    // One time-saved event (in minutes) on the 15th of each month the initiative ran.
    const events = CASES.flatMap((c) =>
      Array.from({ length: c.months }, (_, k) => {
        const month = 11 - c.months + k // 0-based month index, ending with November (10)
        return { id: `${c.slug}-${month}`, initiative: c.slug, metric: 'time_saved', value: c.hours * 60, occurredAt: new Date(Date.UTC(2026, month, 15, 12)).toISOString() }
      }),
    )
    const ingest = await fetch(`${url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }) })
    expect(ingest.status, await ingest.clone().text()).toBe(202)

    browser = await launchChromium()
    ctx = await browser.newContext({ viewport: { width: 1366, height: 1000 } })
    const [name, value] = cookie.split('=')
    await ctx.addCookies([{ name, value, url }])
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    server?.closeAllConnections()
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
    await app?.close()
    await handle?.close()
    await smtp?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  const api = async <T,>(pathname: string): Promise<T> => {
    const res = await fetch(url + pathname, { headers: { authorization: `Bearer ${readKey}` } })
    expect(res.status, pathname).toBe(200)
    return (await res.json()) as T
  }

  async function open(pathname: string): Promise<Page> {
    const page = await ctx.newPage()
    // The browser's clock is the server's, so "this month" and "to date" mean the same on both sides.
    await page.clock.setFixedTime(NOW)
    page.on('pageerror', (e) => problems.push(`${pathname}: ${e.message}`))
    await page.goto(url + pathname)
    return page
  }
  const ready = (page: Page, tag: string) => page.waitForSelector(`${tag}[data-ready]`, { timeout: 30_000 })
  /** The text of the page through every shadow root, with every "Show data" table opened first. */
  const deepText = async (page: Page) => {
    await page.evaluate(() => {
      const walk = (root: Document | ShadowRoot) => {
        for (const el of root.querySelectorAll('*')) {
          if (el instanceof HTMLDetailsElement && !el.open) el.open = true
          if (el.shadowRoot) walk(el.shadowRoot)
        }
      }
      walk(document)
    })
    await page.waitForTimeout(300)
    return page.evaluate(() => {
      const parts: string[] = []
      const walk = (root: Document | ShadowRoot) => {
        for (const el of root.querySelectorAll('*')) {
          if (el.shadowRoot) {
            parts.push((el.shadowRoot as unknown as { innerText?: string }).innerText ?? el.shadowRoot.textContent ?? '')
            walk(el.shadowRoot)
          }
        }
      }
      walk(document)
      return parts.join('\n').replace(/\s+/g, ' ')
    })
  }
  /** Rows of each table on the page (through shadow roots), cells trimmed. */
  const tableRows = (page: Page) =>
    page.evaluate(() => {
      const rows: string[][] = []
      const walk = (root: Document | ShadowRoot) => {
        for (const el of root.querySelectorAll('*')) {
          if (el.tagName === 'TR') rows.push([...el.children].map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim()))
          if (el.shadowRoot) walk(el.shadowRoot)
        }
      }
      walk(document)
      return rows
    })
  async function download(page: Page): Promise<string[][]> {
    const [d] = await Promise.all([page.waitForEvent('download'), page.locator('#csv').click()])
    const csv = fs.readFileSync((await d.path())!, 'utf8').replace(/^\ufeff/, '')
    return csv.trim().split('\r\n').map((l) => l.split(','))
  }

  it('the API: /summary, /readiness and /payback', async () => {
    const summary = await api<{ initiatives: Array<{ slug: string; returnPerDollar: number | null; returnToDate: number | null; paybackMonth: { month: string; projected: boolean } | null }> }>(`/api/v1/summary?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`)
    for (const c of CASES) {
      const row = summary.initiatives.find((i) => i.slug === c.slug)!
      expect(row.returnPerDollar, c.slug).toBe(c.period)
      expect(row.returnToDate, c.slug).toBe(c.toDate)
      expect(row.paybackMonth && { month: row.paybackMonth.month, projected: row.paybackMonth.projected }, c.slug).toEqual(c.payback)

      const readiness = await api<{ evidence: { returnToDate: number | null; payback: { month: string; projected: boolean } | null } }>(`/api/v1/initiatives/${c.slug}/readiness`)
      expect(readiness.evidence.returnToDate, c.slug).toBe(c.toDate)
      expect(readiness.evidence.payback && { month: readiness.evidence.payback.month, projected: readiness.evidence.payback.projected }, c.slug).toEqual(c.payback)

      const curve = await api<{ paybackMonth: { month: string; projected: boolean } | null; months: Array<{ month: string; cumulativeValue: number; cumulativeCost: number; projected: boolean }> }>(`/api/v1/initiatives/${c.slug}/payback?to=${encodeURIComponent(TO)}`)
      expect(curve.paybackMonth && { month: curve.paybackMonth.month, projected: curve.paybackMonth.projected }, c.slug).toEqual(c.payback)
      const crossing = curve.months.find((m) => m.month === c.payback.month)!
      expect([crossing.cumulativeValue, crossing.cumulativeCost], c.slug).toEqual([Number(c.crossing.value.replace(/[$,]/g, '')), Number(c.crossing.cost.replace(/[$,]/g, ''))])
    }
  })

  it('the dashboard: each headline and the payback chart data table; the initiative CSV', async () => {
    for (const c of CASES) {
      const page = await open(`/initiatives/${c.slug}?range=custom&from=2026-11-01&to=2026-11-30`)
      await ready(page, 'ys-initiative')
      const text = await deepText(page)
      expect(text, c.slug).toContain(`${c.periodText} per $1 this period`)
      expect(text, c.slug).toContain(`${c.toDateText} per $1 to date`)
      expect(text, c.slug).toContain(`${c.payback.projected ? 'Projected to pay back' : 'Paid back'} in ${c.paybackText}.`)
      // The chart's data table: the payback month's row has the cumulative figures that cross.
      const row = (await tableRows(page)).find((r) => r[0] === c.paybackText && r.length === 6)
      expect(row, `${c.slug}: payback table row`).toBeDefined()
      expect([row![3], row![4], row![5]], c.slug).toEqual([c.crossing.value, c.crossing.cost, c.crossing.kind])
      await page.screenshot({ path: path.join(ARTIFACTS, `figures-${c.slug}-1366.png`), fullPage: true })

      const csv = await download(page)
      const cell = (metric: string) => csv.find((r) => r[1] === metric)?.[5]
      expect(cell('return_per_dollar'), c.slug).toBe(String(c.period))
      expect(cell('return_to_date'), c.slug).toBe(String(c.toDate))
      expect(cell('payback_month'), c.slug).toBe(c.payback.month)
      await page.close()
    }
  })

  it('the dashboard: the portfolio table and its CSV', async () => {
    const page = await open('/?range=custom&from=2026-11-01&to=2026-11-30')
    await ready(page, 'ys-portfolio')
    const rows = await tableRows(page)
    for (const c of CASES) {
      const row = rows.find((r) => r[0]?.startsWith(c.name))
      expect(row, `${c.slug}: portfolio row`).toBeDefined()
      const joined = row!.join(' | ')
      expect(joined, c.slug).toContain(c.periodText)
      expect(joined, c.slug).toContain(`${c.toDateText} to date`)
      expect(joined, c.slug).toContain(c.paybackText)
    }
    const csv = await download(page)
    const header = csv[0]
    for (const c of CASES) {
      const r = csv.find((x) => x[0] === c.slug)!
      const get = (col: string) => r[header.indexOf(col)]
      expect(get('return_per_dollar'), c.slug).toBe(String(c.period))
      expect(get('return_to_date'), c.slug).toBe(String(c.toDate))
      expect(get('payback_month'), c.slug).toBe(c.payback.month)
      expect(get('payback_projected'), c.slug).toBe(String(c.payback.projected))
    }
    await page.close()
  })

  it("the monthly digest's text and HTML parts, as received over SMTP", async () => {
    const res = await fetch(`${url}/api/v1/subscriptions`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'CFO monthly', recipients: ['cfo@example.com'], schedule: 'monthly', timezone: 'UTC' }) })
    expect(res.status, await res.clone().text()).toBe(201)
    // The digest for November goes out on the morning of 1 December; its figures are as of the period's end.
    await digestTick({ db: handle.db, config, log: (m) => problems.push(`digest: ${m}`), clock: () => NOW + 9 * 3_600_000 })
    const mail = smtp.messages.find((m) => m.recipients.includes('cfo@example.com'))
    expect(mail, 'a digest reached the SMTP server').toBeDefined()
    const text = mail!.text!.replace(/\s+/g, ' ')
    const html = mail!.html!.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ')
    for (const part of [text, html]) {
      for (const c of CASES) {
        expect(part, c.slug).toContain(`${c.periodText} per $1`)
        expect(part, c.slug).toContain(`${c.toDateText} per $1`)
        expect(part, c.slug).toContain(c.payback.projected ? `projected for ${c.paybackText}` : `paid back in ${c.paybackText}`)
      }
    }
  })

  it('raised no page errors and logged no server errors', () => {
    expect(problems).toEqual([])
  })
})
