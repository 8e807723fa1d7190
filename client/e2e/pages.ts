/**
 * Every page of the dashboard, how to reach it signed in (or not), and an axe-core run over it: shared by
 * the accessibility test (a11y.test.ts) and the screenshot tool (look.ts).
 */
import AxeBuilder from '@axe-core/playwright'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { DemoServer } from './demo-server.js'

export const WIDTHS = [1366, 390] as const

export interface PageSpec {
  name: string
  /** Path on the dashboard, or a function of the server for pages on another origin. */
  path: (demo: DemoServer, share: string) => string
  signedIn: boolean
  /** What to wait for before measuring: a selector that pierces shadow roots. */
  ready: string
  /** A step after it is ready, to show what axe should also see (a form opened by a button). */
  prepare?: (page: Page) => Promise<void>
}

export const PAGES: PageSpec[] = [
  { name: 'sign-in', path: (d) => `${d.url}/`, signedIn: false, ready: 'ys-sign-in form' },
  { name: 'setup', path: (d) => `${d.url}/setup`, signedIn: false, ready: 'ys-setup h1' },
  { name: 'portfolio', path: (d) => `${d.url}/`, signedIn: true, ready: 'ys-portfolio[data-ready]' },
  { name: 'initiative', path: (d) => `${d.url}/initiatives/customer-query-routing`, signedIn: true, ready: 'ys-initiative[data-ready]' },
  { name: 'new-initiative', path: (d) => `${d.url}/initiatives/new`, signedIn: true, ready: 'ys-initiative-edit form' },
  { name: 'edit-initiative', path: (d) => `${d.url}/initiatives/invoice-processing/edit`, signedIn: true, ready: 'ys-initiative-edit form' },
  { name: 'admin', path: (d) => `${d.url}/admin`, signedIn: true, ready: 'ys-admin table' },
  {
    name: 'subscriptions',
    path: (d) => `${d.url}/subscriptions`,
    signedIn: true,
    ready: 'ys-subscriptions #new',
    prepare: async (page) => {
      await page.locator('ys-subscriptions #new').click()
      await page.locator('ys-subscriptions form').waitFor()
    },
  },
  { name: 'audit', path: (d) => `${d.url}/audit`, signedIn: true, ready: 'ys-audit table' },
  { name: 'assessment', path: (d) => `${d.url}/assessment`, signedIn: true, ready: 'ys-assessment #ph-h' },
  { name: 'imports', path: (d) => `${d.url}/imports`, signedIn: true, ready: 'ys-imports[data-ready="true"]' },
  {
    name: 'alerts',
    path: (d) => `${d.url}/alerts`,
    signedIn: true,
    ready: 'ys-alerts[data-ready="true"] #new',
    prepare: async (page) => {
      await page.locator('ys-alerts #new').click()
      await page.locator('ys-alerts form[aria-label="New alert rule"]').waitFor()
    },
  },
  { name: 'embed', path: (d, share) => `${d.hostUrl}/?share=${encodeURIComponent(share)}`, signedIn: false, ready: 'ys-outcome-chart canvas' },
]

/** A context at one width, signed in as the demo admin when `cookie` is given. */
export async function contextAt(browser: Browser, demo: DemoServer, width: number, cookie?: string): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width, height: width < 600 ? 844 : 900 }, deviceScaleFactor: 1, reducedMotion: 'reduce' })
  if (cookie) {
    const [name, value] = cookie.split('=')
    await ctx.addCookies([{ name, value, url: demo.url }])
    // The shell asks for the session only where this browser signed in before.
    await ctx.addInitScript(() => localStorage.setItem('yardstick.signedIn', '1'))
  }
  return ctx
}

/** Opens a page and waits until its data is drawn. */
export async function openPage(ctx: BrowserContext, demo: DemoServer, spec: PageSpec, share: string): Promise<Page> {
  const page = await ctx.newPage()
  await page.goto(spec.path(demo, share))
  await page.locator(spec.ready).first().waitFor({ timeout: 30_000 })
  // Charts off screen draw when they scroll near: scroll through once, as a reader would, then back up.
  await page.evaluate(async () => {
    for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight / 2) {
      window.scrollTo(0, y)
      await new Promise((r) => setTimeout(r, 60))
    }
    window.scrollTo(0, 0)
  })
  await spec.prepare?.(page)
  // Sparklines, badges and charts settle after the first paint.
  await page.waitForTimeout(400)
  return page
}

export interface AxeViolation {
  id: string
  impact: string | null | undefined
  help: string
  targets: string[]
}

/** What axe-core checks: WCAG 2.0–2.2 A and AA (target size included) and its best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice']

/** axe-core over the page (shadow roots included); violations in a short form. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const r = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()
  return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)) }))
}

/** Width of the document beyond the viewport (0 when nothing scrolls sideways). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
}

/** A share token for invoice-processing, minted through the API as the demo admin. */
export async function mintShare(demo: DemoServer, cookie: string): Promise<string> {
  const r = await fetch(`${demo.url}/api/v1/share-tokens`, { method: 'POST', headers: { 'content-type': 'application/json', origin: demo.url, cookie }, body: JSON.stringify({ initiative: 'invoice-processing', expiresInDays: 7 }) })
  if (r.status !== 201) throw new Error(`share token: ${r.status} ${await r.text()}`)
  return ((await r.json()) as { token: string }).token
}
