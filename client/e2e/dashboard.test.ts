/**
 * The dashboard end to end: the real server (real SQLite file, demo data, built client) driven by real
 * headless Chromium.
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
import { loadConfig } from '../../server/config.js'
import { parseCreateInitiative } from '../../server/routes/initiative-input.js'
import { loadDemo } from '../../server/demo/load.js'
import { DEMO_SCENARIOS } from '../../server/demo/scenarios.js'
import { ARTIFACTS, buildClientInto, HAS_CHROMIUM, launchChromium } from './support.js'

const XSS_NAME = '<img src=x onerror=alert(1)>'
const FORMULA_NAME = '=SUM(1+1)'

describe.skipIf(!HAS_CHROMIUM)('dashboard in headless Chromium (install Chromium: apt-get update && apt-get install -y chromium)', () => {
  let dir: string
  let handle: DbHandle
  let app: App
  let server: http.Server
  let other: http.Server
  let url: string
  let otherUrl: string
  let adminKey: string
  let readKey: string
  let browser: Browser
  let ctx: BrowserContext
  const problems: string[] = []

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yardstick-e2e-'))
    const clientDir = await buildClientInto(dir)
    const config = loadConfig({ YARDSTICK_DB: path.join(dir, 'y.db'), PORT: '0', YARDSTICK_SYNC: 'normal', YARDSTICK_OUTBOX_DIR: path.join(dir, 'outbox') })
    handle = openDatabase(config.dbFile, { sync: 'normal' })
    await migrateToLatest(handle.db)
    await loadDemo(handle.db, { days: 365, timezone: config.timezone })
    for (const [slug, name] of [['xss-probe', XSS_NAME], ['formula-probe', FORMULA_NAME]]) {
      const parsed = parseCreateInitiative({ slug, name, monthlyCost: 10 }, config.timezone, Date.now())
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.details))
      await writeTransaction(handle.db, (tx) => createInitiative(tx, parsed.value, { actor: 'test', at: Date.now() }))
    }
    adminKey = (await writeTransaction(handle.db, (tx) => createKey(tx, { name: 'e2e admin', role: 'admin', initiatives: null }, { actor: 'test', at: Date.now() }))).token
    readKey = (await writeTransaction(handle.db, (tx) => createKey(tx, { name: 'e2e read', role: 'read', initiatives: ['invoice-processing'] }, { actor: 'test', at: Date.now() }))).token
    app = createApp({ db: handle.db, config, log: (m) => problems.push(`server: ${m}`), clientDir })
    server = app.app.listen(0, '127.0.0.1')
    await new Promise<void>((r) => server.once('listening', () => r()))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    // Another origin: the plain page of some internal tool that embeds Yardstick.
    other = http.createServer((req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8')
      res.end(embedPage(url, decodeURIComponent((req.url ?? '').split('share=')[1] ?? ''), readKey))
    })
    other.listen(0, '127.0.0.1')
    await new Promise<void>((r) => other.once('listening', () => r()))
    otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`
    // launch() gives every run a fresh temporary profile (it refuses an explicit --user-data-dir).
    browser = await launchChromium()
    ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 }, extraHTTPHeaders: { authorization: `Bearer ${adminKey}` }, acceptDownloads: true })
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    other?.close()
    server?.closeAllConnections()
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
    await app?.close()
    await handle?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  async function open(pathname: string, c: BrowserContext = ctx): Promise<Page> {
    const page = await c.newPage()
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${pathname}: console ${m.type()}: ${m.text()}`)
    })
    page.on('pageerror', (e) => problems.push(`${pathname}: ${e.message}`))
    page.on('dialog', (d) => {
      problems.push(`${pathname}: dialog "${d.message()}"`)
      void d.dismiss()
    })
    await page.goto(pathname.startsWith('http') ? pathname : url + pathname)
    return page
  }

  /** Non-blank pixels of every canvas inside an element's shadow trees. */
  async function inkedCanvases(page: Page, hostSelector: string): Promise<number[]> {
    return page.evaluate((sel) => {
      const out: number[] = []
      const walk = (root: Document | ShadowRoot) => {
        for (const el of root.querySelectorAll('*')) {
          if (el instanceof HTMLCanvasElement && el.width > 0) {
            const d = el.getContext('2d')!.getImageData(0, 0, el.width, el.height).data
            let n = 0
            for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++
            out.push(n)
          }
          if (el.shadowRoot) walk(el.shadowRoot)
        }
      }
      // The shell renders into the page (no shadow root); the pages inside it have theirs.
      for (const host of document.querySelectorAll(sel)) walk((host.shadowRoot ?? host) as unknown as ShadowRoot)
      return out
    }, hostSelector)
  }

  const ready = (page: Page, tag: string) => page.waitForSelector(`${tag}[data-ready]`, { timeout: 30_000 })
  const deepText = (page: Page) => page.evaluate(() => {
    const parts: string[] = []
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) { parts.push(el.shadowRoot.textContent ?? ''); walk(el.shadowRoot) }
    }
    walk(document)
    return parts.join(' ')
  })

  it('lists every initiative on the portfolio page with its sparklines and one-line answer', async () => {
    const page = await open('/')
    await ready(page, 'ys-portfolio')
    const text = await deepText(page)
    for (const s of DEMO_SCENARIOS) expect(text).toContain(s.name)
    expect(text).toMatch(/\$[\d.]+[KM]? delivered on \$[\d.]+[KM]? spent, last 12 months: \$\d+\.\d\d per \$1 this period; \$\d+\.\d\d per \$1 to date\./)
    expect(text).not.toMatch(/NaN|undefined|Infinity/)
    const sparks = await inkedCanvases(page, 'ys-app')
    expect(sparks.filter((n) => n > 20).length).toBeGreaterThanOrEqual(DEMO_SCENARIOS.length + 4)
    await page.screenshot({ path: path.join(ARTIFACTS, 'portfolio-1440.png'), fullPage: true })
    await page.close()
  })

  it('shows an initiative named like HTML as text and never runs it', async () => {
    const page = await open('/')
    await ready(page, 'ys-portfolio')
    const text = await deepText(page)
    expect(text).toContain(XSS_NAME)
    const imgs = await page.evaluate(() => {
      let n = 0
      const walk = (root: Document | ShadowRoot) => {
        n += root.querySelectorAll('img').length
        for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot)
      }
      walk(document)
      return n
    })
    expect(imgs).toBe(0)
    expect(problems.filter((p) => p.includes('dialog'))).toEqual([])
    await page.close()
  })

  it('draws the four outcome charts and the payback chart on an initiative page', async () => {
    const page = await open('/initiatives/invoice-processing')
    await ready(page, 'ys-initiative')
    const inked = await inkedCanvases(page, 'ys-app')
    expect(inked.length).toBe(5)
    // A blank canvas has no opaque pixel; axes alone draw a few thousand, a line chart many more.
    for (const n of inked) expect(n).toBeGreaterThan(3000)
    const text = await deepText(page)
    expect(text).toContain('Hours saved per week')
    expect(text).toContain('→ production')
    expect(text).not.toMatch(/NaN|undefined|Infinity/)
    await page.screenshot({ path: path.join(ARTIFACTS, 'initiative-1440.png'), fullPage: true })
    await page.close()
  })

  it('keeps range and overlay in the URL, so a link reproduces the view', async () => {
    const page = await open('/initiatives/invoice-processing')
    await ready(page, 'ys-initiative')
    await page.locator('ys-range-picker select').selectOption('90d')
    await page.waitForURL(/range=90d/)
    await ready(page, 'ys-initiative')
    await page.locator('#compare').check()
    await page.waitForURL(/compare=1/)
    await ready(page, 'ys-initiative')
    const link = page.url()
    expect(new URL(link).pathname + new URL(link).search).toBe('/initiatives/invoice-processing?range=90d&compare=1')
    await page.close()
    const again = await open(link)
    await ready(again, 'ys-initiative')
    expect(await again.locator('ys-range-picker select').inputValue()).toBe('90d')
    expect(await again.locator('#compare').isChecked()).toBe(true)
    expect(await deepText(again)).toContain('Hours saved per day')
    expect(await deepText(again)).toContain('previous period')
    await again.goBack().catch(() => {})
    await again.close()
  })

  it('exports what is on screen as CSV with baseline and target columns', async () => {
    const page = await open('/initiatives/invoice-processing?range=30d')
    await ready(page, 'ys-initiative')
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#csv').click()])
    const csv = fs.readFileSync((await download.path())!, 'utf8').replace(/^\ufeff/, '')
    const lines = csv.trim().split('\r\n')
    expect(lines[0]).toBe('initiative,metric,unit,bucket_start,bucket_end,value,events,baseline,target,previous_period_value')
    // 30 daily buckets for each of the four metrics, then the period's seven money rows.
    expect(lines.length).toBe(1 + 4 * 30 + 7)
    expect(lines.slice(-7).map((l) => l.split(',')[1])).toEqual(['value_total', 'cost', 'return_per_dollar', 'value_to_date', 'cost_to_date', 'return_to_date', 'payback_month'])
    const errorRows = lines.filter((l) => l.includes(',error_rate,'))
    expect(errorRows[0].split(',').slice(7, 9)).toEqual(['6', '2'])
    const latency = lines.find((l) => l.includes(',decision_latency,'))!.split(',')
    expect(Number(latency[7])).toBeCloseTo(3, 5)
    await page.close()

    const portfolio = await open('/')
    await ready(portfolio, 'ys-portfolio')
    const [d2] = await Promise.all([portfolio.waitForEvent('download'), portfolio.locator('#csv').click()])
    const pcsv = fs.readFileSync((await d2.path())!, 'utf8')
    expect(pcsv).toContain(`"'${FORMULA_NAME}"`)
    expect(pcsv).not.toMatch(/,=SUM/)
    expect(pcsv.split('\r\n')[0]).toContain('time_saved_target')
    await portfolio.close()
  })

  it('is readable at 390 px without horizontal scrolling', async () => {
    const narrow = await browser.newContext({ viewport: { width: 390, height: 844 }, extraHTTPHeaders: { authorization: `Bearer ${adminKey}` } })
    for (const [p, tag] of [['/', 'ys-portfolio'], ['/initiatives/customer-query-routing', 'ys-initiative']] as const) {
      const page = await open(p, narrow)
      await ready(page, tag)
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      expect(width).toBeLessThanOrEqual(390)
      await page.screenshot({ path: path.join(ARTIFACTS, `${tag}-390.png`), fullPage: true })
      await page.close()
    }
    await narrow.close()
  })

  it('draws the embeds from /embed.js on another site with a share token and a read key', async () => {
    const res = await fetch(`${url}/api/v1/share-tokens`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ initiative: 'invoice-processing', expiresInDays: 1 }) })
    expect(res.status).toBe(201)
    const { token } = (await res.json()) as { token: string }
    const plain = await browser.newContext({ viewport: { width: 1000, height: 800 } })
    const page = await open(`${otherUrl}/?share=${encodeURIComponent(token)}`, plain)
    await page.waitForFunction(() => {
      const chart = document.querySelector('ys-outcome-chart')?.shadowRoot?.querySelector('ys-chart')?.shadowRoot?.querySelector('canvas')
      const tile = document.querySelector('ys-outcome-tile')?.shadowRoot?.textContent ?? ''
      return !!chart && /vs previous period/.test(tile)
    }, undefined, { timeout: 30_000 })
    const inked = await page.evaluate(() => {
      const c = document.querySelector('ys-outcome-chart')!.shadowRoot!.querySelector('ys-chart')!.shadowRoot!.querySelector('canvas')!
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
      let n = 0
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++
      return n
    })
    expect(inked).toBeGreaterThan(3000)
    const tile = await page.evaluate(() => document.querySelector('ys-outcome-tile')!.shadowRoot!.textContent ?? '')
    expect(tile).toContain('Invoice processing: Value delivered, last 30 days')
    expect(tile).toMatch(/\$[\d.]+K/)
    await page.screenshot({ path: path.join(ARTIFACTS, 'embed.png'), fullPage: true })
    await plain.close()

    // A share token reads its own initiative only, and never writes.
    const other = await fetch(`${url}/api/v1/initiatives/contract-review`, { headers: { 'x-yardstick-share': token } })
    expect(other.status).toBe(404)
    const tampered = await fetch(`${url}/api/v1/initiatives/invoice-processing`, { headers: { 'x-yardstick-share': token.slice(0, -2) + 'xx' } })
    expect(tampered.status).toBe(401)
  })

  it('raised no console errors, page errors or dialogs anywhere', () => {
    expect(problems).toEqual([])
  })
})

function embedPage(yardstick: string, share: string, readKey: string): string {
  const esc = (s: string) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)
  return `<!doctype html><html><head><meta charset="utf-8"><title>Ops wiki</title>
<style>body{font-family:Georgia,serif;--ys-color-series:#CC79A7;--ys-font:Georgia,serif}</style>
<script src="${yardstick}/embed.js"></script></head><body><h1>Finance ops wiki</h1>
<ys-outcome-chart initiative="invoice-processing" metric="time_saved" range="90d" share-token="${esc(share)}" style="height:320px"></ys-outcome-chart>
<ys-outcome-tile initiative="invoice-processing" metric="value" range="30d" token="${esc(readKey)}"></ys-outcome-tile>
</body></html>`
}
