/**
 * The Alerts page end to end: the real server (real SQLite file, built client, every /api answer checked
 * against the OpenAPI document), a real SMTP server and a real webhook receiver on 127.0.0.1, driven by
 * headless Chromium. An admin adds a webhook and reads its secret once; an editor creates a rule; the
 * scheduler's tick evaluates it (the receiver answers 500 first), `alerts run` retries at once; the page
 * then shows the alert firing with its reason in words and every delivery attempt with its status code
 * and time, and the receiver holds a body signed with the secret. A viewer sees the rules but no form,
 * and the server refuses the viewer's rule with 403.
 */
import { createHmac } from 'node:crypto'
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
import { createUser } from '../../db/queries/users.js'
import { alertsTick, runAlerts } from '../../server/alerts/run.js'
import { createApp, type App } from '../../server/app.js'
import { hashPassword } from '../../server/auth/password.js'
import { loadConfig, type Config } from '../../server/config.js'
import { startSmtpSink, type SmtpSink } from '../../server/email/testing-smtp.js'
import { parseCreateInitiative } from '../../server/routes/initiative-input.js'
import { responseChecker, type ResponseChecker } from '../../server/testing/response-check.js'
import { ARTIFACTS, buildClientInto, HAS_CHROMIUM, launchChromium } from './support.js'

const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' }
const EDITOR = { email: 'editor@example.com', password: 'editor-password-1' }
const VIEWER = { email: 'viewer@example.com', password: 'viewer-password-1' }

interface Received {
  headers: http.IncomingHttpHeaders
  body: string
  at: number
}

/** Verifies a Yardstick-Signature header as docs/ALERTS.md tells receivers to. */
function verify(secret: string, header: string | undefined, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '')
  if (!m) return false
  const expected = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest('hex')
  return expected === m[2] && Math.abs(Date.now() / 1000 - Number(m[1])) < 300
}

describe.skipIf(!HAS_CHROMIUM)('the Alerts page in headless Chromium (install Chromium: apt-get update && apt-get install -y chromium)', () => {
  let dir: string
  let handle: DbHandle
  let config: Config
  let app: App
  let server: http.Server
  let responses: ResponseChecker
  let url: string
  let smtp: SmtpSink
  let receiver: http.Server
  let hookUrl: string
  const received: Received[] = []
  /** Statuses the receiver answers, in order; 200 when none is left. */
  const plan: number[] = []
  let browser: Browser
  const problems: string[] = []
  let secret = ''
  const RULE = 'Invoices hours off course'

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yardstick-alerts-e2e-'))
    const clientDir = await buildClientInto(dir)
    smtp = await startSmtpSink()
    receiver = http.createServer((req, res) => {
      let body = ''
      req.on('data', (d) => (body += d))
      req.on('end', () => {
        received.push({ headers: req.headers, body, at: Date.now() })
        const status = plan.shift() ?? 200
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'down for maintenance')
      })
    })
    receiver.listen(0, '127.0.0.1')
    await new Promise<void>((r) => receiver.once('listening', () => r()))
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/yardstick-hook`

    config = loadConfig({ YARDSTICK_DB: path.join(dir, 'y.db'), PORT: '0', YARDSTICK_SYNC: 'normal', YARDSTICK_OUTBOX_DIR: path.join(dir, 'outbox'), SMTP_URL: smtp.url, PUBLIC_URL: 'https://ys.example.com' })
    handle = openDatabase(config.dbFile, { sync: 'normal' })
    await migrateToLatest(handle.db)
    const by = { actor: 'test', at: Date.now() }
    for (const [u, role] of [[ADMIN, 'admin'], [EDITOR, 'editor'], [VIEWER, 'viewer']] as const) {
      const passwordHash = await hashPassword(u.password)
      await writeTransaction(handle.db, (tx) => createUser(tx, { email: u.email, role, passwordHash }, by))
    }
    // In production since November with a 300-hour monthly target and no hours yet: its month is
    // projected to miss, so a trajectory rule fires at its first evaluation.
    for (const body of [
      { slug: 'invoices', name: 'Invoice processing', stage: 'production', startedAt: '2026-11-01', targets: { timeSavedHoursPerMonth: 300 } },
      { slug: 'claims', name: 'Claims triage', stage: 'pilot', startedAt: '2026-11-01' },
    ]) {
      const parsed = parseCreateInitiative(body, config.timezone, Date.now())
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.details))
      await writeTransaction(handle.db, (tx) => createInitiative(tx, parsed.value, by))
    }
    await writeTransaction(handle.db, (tx) => createKey(tx, { name: 'unused', role: 'read', initiatives: null }, by))
    app = createApp({ db: handle.db, config, log: (m) => problems.push(`server: ${m}`), clientDir })
    await app.ready()
    responses = responseChecker()
    server = http.createServer(responses.wrap(app.app)).listen(0, '127.0.0.1')
    await new Promise<void>((r) => server.once('listening', () => r()))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    browser = await launchChromium()
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    server?.closeAllConnections()
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
    receiver?.closeAllConnections()
    await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()))
    await app?.close()
    await handle?.close()
    await smtp?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  async function signIn(who: { email: string; password: string }): Promise<string> {
    const r = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify(who) })
    expect(r.status, await r.clone().text()).toBe(200)
    return (r.headers.get('set-cookie') ?? '').split(';')[0]
  }

  /** A browser context signed in as `who`, at `width` pixels. */
  async function contextAs(who: { email: string; password: string }, width = 1366): Promise<BrowserContext> {
    const ctx = await browser.newContext({ viewport: { width, height: width < 600 ? 844 : 900 }, reducedMotion: 'reduce' })
    const [name, value] = (await signIn(who)).split('=')
    await ctx.addCookies([{ name, value, url }])
    await ctx.addInitScript(() => localStorage.setItem('yardstick.signedIn', '1'))
    return ctx
  }

  async function openAlerts(ctx: BrowserContext, label: string): Promise<Page> {
    const page = await ctx.newPage()
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 403/.test(m.text())) problems.push(`${label}: console: ${m.text()}`)
    })
    page.on('pageerror', (e) => problems.push(`${label}: ${e.message}`))
    page.on('dialog', (d) => void d.accept())
    await page.goto(`${url}/alerts`)
    await page.locator('ys-alerts[data-ready="true"]').waitFor({ timeout: 30_000 })
    return page
  }

  it('lets an admin add a webhook and shows its signing secret once', async () => {
    const ctx = await contextAs(ADMIN)
    const page = await openAlerts(ctx, 'admin')
    const form = page.locator('ys-alerts form[aria-label="New webhook"]')
    await form.locator('input[name="url"]').fill(hookUrl)
    await form.locator('select[name="format"]').selectOption('json')
    await form.locator('button[type="submit"]').click()
    const shown = page.locator('ys-alerts .secret')
    await shown.waitFor()
    secret = (await shown.textContent())!.trim()
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/)
    await expect.poll(() => page.locator('ys-alerts .hook').filter({ hasText: hookUrl }).count()).toBe(1)
    // Listed afterwards without its secret.
    await page.reload()
    await page.locator('ys-alerts[data-ready="true"]').waitFor()
    expect(await page.locator('ys-alerts').evaluate((el) => el.shadowRoot!.textContent)).not.toContain(secret)
    await ctx.close()
  }, 60_000)

  it('lets an editor create a trajectory rule that posts to the webhook', async () => {
    const ctx = await contextAs(EDITOR)
    const page = await openAlerts(ctx, 'editor')
    await page.locator('ys-alerts #new').click()
    const form = page.locator('ys-alerts form[aria-label="New alert rule"]')
    await form.locator('input[name="name"]').fill(RULE)
    await form.locator('select[name="kind"]').selectOption('trajectory')
    await form.locator('select[name="metric"]').selectOption('time_saved')
    await form.locator('select[name="initiative"]').selectOption('invoices')
    await form.locator('input[name="emails"]').fill('cfo@example.com')
    // The editor picks the admin's webhook by its kind and host (its URL and secret stay with admins).
    const host = new URL(hookUrl).host
    await form.locator('fieldset').filter({ hasText: 'Webhooks' }).locator('label').filter({ hasText: host }).locator('input').check()
    await form.locator('button[type="submit"]').click()
    await page.locator('ys-alerts [role="status"]').filter({ hasText: `Created “${RULE}”` }).waitFor()
    const card = page.locator('ys-alerts section.rule').filter({ hasText: RULE })
    await expect.poll(() => card.count()).toBe(1)
    expect(await card.textContent()).toContain('Not fired yet')
    expect(await card.textContent()).toContain(`JSON webhook ${host}`)
    await ctx.close()
  }, 60_000)

  it('shows the alert firing with its reason and every delivery attempt, and the receiver got a signed body', async () => {
    plan.push(500)
    // The scheduler's tick: evaluates (due: never evaluated) and sends; the receiver's 500 waits for a retry.
    const tick = await alertsTick({ db: handle.db, config })
    expect(tick.evaluated!.changes.map((c) => `${c.change} ${c.rule} ${c.initiative}`)).toEqual([`fired ${RULE} invoices`])
    expect(tick.outcomes.map((o) => `${o.channel} ${o.status}`).sort()).toEqual(['email sent', 'webhook retrying'])
    // `alerts run`: retries at once, and the receiver answers 200.
    const run = await runAlerts({ db: handle.db, config }, { immediateRetries: 2, retryDelayMs: 10, ignoreBackoff: true })
    expect(run.evaluated!.changes).toEqual([])
    expect(run.outcomes.map((o) => `${o.channel} ${o.status}`)).toEqual(['webhook sent'])

    // The receiver: two POSTs of one event, each signed with the secret the page showed once.
    expect(received).toHaveLength(2)
    expect(received[1].headers['yardstick-event-id']).toBe(received[0].headers['yardstick-event-id'])
    for (const r of received) {
      expect(verify(secret, r.headers['yardstick-signature'] as string, r.body)).toBe(true)
      expect(verify('whsec_not-the-secret', r.headers['yardstick-signature'] as string, r.body)).toBe(false)
    }
    const body = JSON.parse(received[1].body)
    expect(body).toMatchObject({ type: 'alert.firing', rule: { name: RULE, kind: 'trajectory' }, initiative: { slug: 'invoices', name: 'Invoice processing' } })
    expect(body.message).toMatch(/^Invoice processing is heading for 0 hours saved in \w+, 300 hours \(100%\) short of its 300-hour target: 0 hours so far, .* Projected to miss since \d+ \w+\.$/)
    expect(smtp.messages.map((m) => `${m.recipients.join(',')} ${m.subject}`)).toEqual([`cfo@example.com Firing: ${RULE}, Invoice processing`])

    for (const width of [1366, 390]) {
      const ctx = await contextAs(EDITOR, width)
      const page = await openAlerts(ctx, `editor@${width}`)
      const card = page.locator('ys-alerts section.rule').filter({ hasText: RULE })
      expect(await card.getAttribute('data-state')).toBe('firing')
      expect((await card.locator('.head .state').textContent())!.replace(/\s+/g, ' ').trim()).toBe('! Firing: 1 initiative')
      const pair = card.locator('.pair[data-initiative="invoices"]')
      expect(await pair.getAttribute('data-tone')).toBe('warn')
      const pairText = (await pair.textContent())!.replace(/\s+/g, ' ')
      expect(pairText).toContain('! Firing Invoice processing since')
      expect(pairText).toMatch(/since \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}/)
      expect(pairText).toContain(body.message)

      // Every attempt, with its status code and time, on the rule's page.
      await card.locator('details.deliveries summary').click()
      expect(await card.locator('details.deliveries summary').textContent()).toBe('Deliveries and attempts (2): all delivered')
      const hook = card.locator('.delivery[data-channel="webhook"]')
      expect(await hook.getAttribute('data-status')).toBe('sent')
      const attempts = (await hook.locator('.attempt').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())
      expect(attempts).toHaveLength(2)
      expect(attempts[0]).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2} · HTTP 500 in [\d.]+ m?s: will retry \(down for maintenance\)$/)
      expect(attempts[1]).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2} · HTTP 200 in [\d.]+ m?s: delivered$/)
      expect(await hook.textContent()).toContain(`JSON webhook ${new URL(hookUrl).host}`)
      const mail = card.locator('.delivery[data-channel="email"]')
      expect((await mail.locator('.attempt').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([expect.stringMatching(/ · SMTP 250 in [\d.]+ m?s: delivered$/)])

      // Nothing off screen at either width.
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0)
      await page.screenshot({ path: path.join(ARTIFACTS, `alerts-page-editor-${width}.png`), fullPage: true })
      await ctx.close()
    }
  }, 90_000)

  it('shows a viewer the rules but no form, and the server refuses the viewer a rule with 403', async () => {
    const ctx = await contextAs(VIEWER)
    const page = await openAlerts(ctx, 'viewer')
    await page.locator('ys-alerts section.rule').filter({ hasText: RULE }).waitFor()
    expect(await page.locator('ys-alerts #new').count()).toBe(0)
    expect(await page.locator('ys-alerts form').count()).toBe(0)
    expect(await page.locator('ys-alerts button.danger').count()).toBe(0)
    expect(await page.locator('ys-alerts').evaluate((el) => el.shadowRoot!.textContent)).toContain('you can see the rules but not change them')
    const cookie = (await ctx.cookies(url)).find((c) => c.name === 'ys_session')!
    const res = await fetch(`${url}/api/v1/alert-rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url, cookie: `${cookie.name}=${cookie.value}` },
      body: JSON.stringify({ name: 'Sneaky', initiative: 'invoices', kind: 'silence', params: { hours: 1 }, emails: [] }),
    })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden')
    await ctx.close()
  }, 60_000)

  it("lets an editor change where a rule sends without starting its alerts afresh", async () => {
    const ctx = await contextAs(EDITOR)
    const page = await openAlerts(ctx, 'editor-change')
    await page.locator(`ys-alerts button[aria-label="Change ${RULE}"]`).click()
    const form = page.locator(`ys-alerts form[aria-label="Change ${RULE}"]`)
    // The form holds the rule as it is.
    expect(await form.locator('input[name="name"]').inputValue()).toBe(RULE)
    expect(await form.locator('select[name="initiative"]').inputValue()).toBe('invoices')
    expect(await form.locator('select[name="metric"]').inputValue()).toBe('time_saved')
    expect(await form.locator('input[name="webhooks"]').isChecked()).toBe(true)
    await form.locator('input[name="emails"]').fill('cfo@example.com, ops@example.com')
    await form.locator('button[type="submit"]').click()
    await page.locator('ys-alerts [role="status"]').filter({ hasText: `Saved “${RULE}”` }).waitFor()
    const card = page.locator('ys-alerts section.rule').filter({ hasText: RULE })
    expect(await card.textContent()).toContain('cfo@example.com, ops@example.com, JSON webhook')
    // Still firing, nothing new to send: only where it sends changed.
    expect(await card.getAttribute('data-state')).toBe('firing')
    const again = await runAlerts({ db: handle.db, config }, { immediateRetries: 0 })
    expect(again.evaluated!.changes).toEqual([])
    await ctx.close()
  }, 60_000)

  it('met no browser errors and answered as the API document says', () => {
    expect(problems).toEqual([])
    // A browser revalidates with ETags; its 304s carry no body to check.
    expect(responses.violations.filter((v) => !/ 304: the document lists no 304 answer/.test(v))).toEqual([])
    expect(responses.checked).toBeGreaterThan(5)
  })
})
