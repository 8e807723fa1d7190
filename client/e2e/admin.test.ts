/**
 * Governance and email pages end to end: the real server (real SQLite file, built client, a real SMTP
 * server) driven by real headless Chromium, from an empty database through first-run setup, sign-out
 * and sign-in, users and keys, a viewer's read-only view, an editor's change seen in the audit log, a
 * refused move to production, and email summaries with their delivery status.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { migrateToLatest, openDatabase, type DbHandle } from '../../db/connection.js'
import { countUsers } from '../../db/queries/users.js'
import { createApp, type App } from '../../server/app.js'
import { ensureSetupToken } from '../../server/auth/setup.js'
import { loadConfig, type Config } from '../../server/config.js'
import { DEMO_SCENARIOS } from '../../server/demo/scenarios.js'
import { digestTick } from '../../server/email/schedule-job.js'
import { startSmtpSink, type SmtpSink } from '../../server/email/testing-smtp.js'
import { ARTIFACTS, buildClientInto, HAS_CHROMIUM, launchChromium } from './support.js'

const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' }
const EDITOR = { email: 'editor@example.com', password: 'editor-password-1' }
const VIEWER = { email: 'viewer@example.com', password: 'viewer-password-1' }

interface ApiReadiness {
  slug: string
  stage: string
  verdict: 'ready' | 'not_yet' | 'at_risk'
  missing: Array<{ item: string; message: string }>
}

describe.skipIf(!HAS_CHROMIUM)('governance and email pages in headless Chromium (install Chromium: apt-get update && apt-get install -y chromium)', () => {
  let dir: string
  let handle: DbHandle
  let config: Config
  let app: App
  let server: http.Server
  let url: string
  let smtp: SmtpSink
  let setupToken: string
  let browser: Browser
  let adminCtx: BrowserContext
  let adminPage: Page
  let editorCtx: BrowserContext
  /** Console errors, page errors and dialogs; Chromium's own "Failed to load resource" lines go to `http`. */
  const problems: string[] = []
  const httpRefusals: Array<{ status: number; url: string }> = []

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yardstick-admin-e2e-'))
    const clientDir = await buildClientInto(dir)
    smtp = await startSmtpSink()
    config = loadConfig({ YARDSTICK_DB: path.join(dir, 'y.db'), PORT: '0', YARDSTICK_SYNC: 'normal', YARDSTICK_OUTBOX_DIR: path.join(dir, 'outbox'), SMTP_URL: smtp.url })
    handle = openDatabase(config.dbFile, { sync: 'normal' })
    await migrateToLatest(handle.db)
    app = createApp({ db: handle.db, config, log: (m) => problems.push(`server: ${m}`), clientDir })
    await app.ready()
    server = app.app.listen(0, '127.0.0.1')
    await new Promise<void>((r) => server.once('listening', () => r()))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    // What `npm start` does on an empty user table: print a one-time token; read it from that output.
    const printed: string[] = []
    await ensureSetupToken(handle.db, (m) => printed.push(m), url)
    setupToken = /^ {4}(\S+)$/m.exec(printed.join('\n'))![1]
    expect(printed.join('\n')).toContain(`${url}/setup`)
    browser = await launchChromium()
    adminCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await adminCtx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url })
    editorCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } })
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

  function watch(page: Page, label: string): Page {
    page.on('console', (m) => {
      if (m.type() !== 'error' && m.type() !== 'warning') return
      const refused = /^Failed to load resource: the server responded with a status of (\d{3})/.exec(m.text())
      if (refused) httpRefusals.push({ status: Number(refused[1]), url: m.location().url })
      else problems.push(`${label}: console ${m.type()}: ${m.text()}`)
    })
    page.on('pageerror', (e) => problems.push(`${label}: ${e.message}`))
    page.on('dialog', (d) => {
      problems.push(`${label}: dialog "${d.message()}"`)
      void d.dismiss()
    })
    return page
  }

  async function open(ctx: BrowserContext, pathname: string): Promise<Page> {
    const page = watch(await ctx.newPage(), pathname)
    await page.goto(url + pathname)
    return page
  }

  const deepText = (page: Page) =>
    page.evaluate(() => {
      const parts: string[] = []
      const walk = (root: Document | ShadowRoot) => {
        for (const el of root.querySelectorAll('*')) if (el.shadowRoot) { parts.push(el.shadowRoot.textContent ?? ''); walk(el.shadowRoot) }
      }
      walk(document)
      return parts.join(' ').replace(/\s+/g, ' ')
    })

  /** The session cookie of a browser context, as a Cookie header for node's fetch. */
  async function cookieOf(ctx: BrowserContext): Promise<string> {
    const c = (await ctx.cookies(url)).find((x) => x.name === 'ys_session')
    if (!c) throw new Error('no session cookie in this context')
    return `${c.name}=${c.value}`
  }

  async function apiAs<T>(ctx: BrowserContext, pathname: string): Promise<{ status: number; body: T }> {
    const res = await fetch(url + pathname, { headers: { cookie: await cookieOf(ctx) } })
    return { status: res.status, body: (await res.json().catch(() => null)) as T }
  }

  async function signIn(page: Page, who: { email: string; password: string }) {
    await page.locator('ys-sign-in #email').waitFor({ timeout: 30_000 })
    await page.locator('ys-sign-in #email').fill(who.email)
    await page.locator('ys-sign-in #password').fill(who.password)
    await page.locator('ys-sign-in button[type=submit]').click()
    await page.locator('ys-app nav .who').filter({ hasText: who.email }).waitFor({ timeout: 30_000 })
  }

  it('creates the first admin on an empty database with the setup token, then signs out and in again', async () => {
    adminPage = await open(adminCtx, '/')
    // Nobody can sign in yet, so the 401 leads to the first-run setup instead of the sign-in form.
    await adminPage.waitForSelector('ys-setup[data-ready="needed"]', { timeout: 30_000 })
    expect(await deepText(adminPage)).toContain('npm start')
    await adminPage.locator('ys-setup #token').fill('not-the-token')
    await adminPage.locator('ys-setup #email').fill(ADMIN.email)
    await adminPage.locator('ys-setup #password').fill(ADMIN.password)
    await adminPage.locator('ys-setup button[type=submit]').click()
    await expect.poll(() => adminPage.locator('ys-setup [role=alert]').textContent()).toContain('The setup token does not match')
    expect(await countUsers(handle.db)).toBe(0)
    await adminPage.locator('ys-setup #token').fill(setupToken)
    await adminPage.screenshot({ path: path.join(ARTIFACTS, 'admin-setup.png'), fullPage: true })
    await adminPage.locator('ys-setup button[type=submit]').click()

    // Signed in as admin, on the portfolio's empty state, which offers demo data.
    await adminPage.locator('ys-first-run').getByRole('button', { name: 'Load demo data' }).waitFor({ timeout: 30_000 })
    expect(new URL(adminPage.url()).pathname).toBe('/')
    expect(await adminPage.locator('ys-app nav .who').textContent()).toBe(`${ADMIN.email} (admin)`)
    expect(await adminPage.locator('ys-app nav a').allTextContents()).toEqual(['Portfolio', 'Assessment', 'Email summaries', 'Alerts', 'Import', 'Audit log', 'Users & keys'])
    const users = await apiAs<{ users: Array<{ email: string; role: string }> }>(adminCtx, '/api/v1/users')
    expect(users.body.users.map((u) => [u.email, u.role])).toEqual([[ADMIN.email, 'admin']])
    expect((await fetch(`${url}/api/v1/setup`).then((r) => r.json())) as unknown).toEqual({ needed: false, signedIn: false, canRead: false })
    await adminPage.screenshot({ path: path.join(ARTIFACTS, 'admin-first-run.png'), fullPage: true })

    await adminPage.locator('ys-first-run').getByRole('button', { name: 'Load demo data' }).click()
    await adminPage.waitForSelector('ys-portfolio[data-ready="true"]', { timeout: 90_000 })
    const text = await deepText(adminPage)
    for (const s of DEMO_SCENARIOS) expect(text).toContain(s.name)

    const oldCookie = await cookieOf(adminCtx)
    await adminPage.locator('ys-app nav').getByRole('button', { name: 'Sign out' }).click()
    await adminPage.locator('ys-sign-in #email').waitFor()
    expect(await adminPage.locator('ys-app nav').count()).toBe(0)
    expect((await fetch(`${url}/api/v1/session`, { headers: { cookie: oldCookie } })).status).toBe(401)

    await signIn(adminPage, ADMIN)
    await adminPage.waitForSelector('ys-portfolio[data-ready="true"]', { timeout: 60_000 })
    expect(await adminPage.locator('ys-app nav .who').textContent()).toBe(`${ADMIN.email} (admin)`)
  }, 180_000)

  it('lets the admin add users with roles, change a role and disable an account', async () => {
    await adminPage.locator('ys-app nav').getByRole('link', { name: 'Users & keys' }).click()
    await adminPage.waitForSelector('ys-admin[data-ready="true"]')
    expect(new URL(adminPage.url()).pathname).toBe('/admin')
    const add = async (email: string, role: string, password: string) => {
      await adminPage.locator('ys-admin #u-email').fill(email)
      await adminPage.locator('ys-admin #u-role').selectOption(role)
      await adminPage.locator('ys-admin #u-password').fill(password)
      await adminPage.locator('ys-admin #new-user button[type=submit]').click()
      await adminPage.locator(`ys-admin #users tr[data-email="${email}"]`).waitFor()
    }
    // A password the server refuses: the reason is shown, nothing is stored.
    await adminPage.locator('ys-admin #u-email').fill('short@example.com')
    await adminPage.locator('ys-admin #u-password').evaluate((el: HTMLInputElement) => el.removeAttribute('minlength'))
    await adminPage.locator('ys-admin #u-password').fill('short')
    await adminPage.locator('ys-admin #new-user button[type=submit]').click()
    await expect.poll(() => adminPage.locator('ys-admin [role=alert]').last().textContent()).toContain('Password: must be at least 10 characters long.')
    await add(EDITOR.email, 'editor', EDITOR.password)
    await add(VIEWER.email, 'viewer', VIEWER.password)
    await add('temp@example.com', 'viewer', 'temp-password-1')

    await adminPage.locator('ys-admin #users tr[data-email="temp@example.com"] select.role').selectOption('editor')
    await expect.poll(() => adminPage.locator('ys-admin [role=status]').first().textContent()).toContain('temp@example.com is now editor.')
    await adminPage.locator('ys-admin #users tr[data-email="temp@example.com"] button.toggle').click()
    await expect.poll(() => adminPage.locator('ys-admin #users tr[data-email="temp@example.com"] td.status').textContent()).toBe('✕ disabled')

    const { body } = await apiAs<{ users: Array<{ email: string; role: string; disabled: boolean }> }>(adminCtx, '/api/v1/users')
    expect(body.users.map((u) => [u.email, u.role, u.disabled])).toEqual([
      [ADMIN.email, 'admin', false],
      [EDITOR.email, 'editor', false],
      ['temp@example.com', 'editor', true],
      [VIEWER.email, 'viewer', false],
    ])
    await adminPage.screenshot({ path: path.join(ARTIFACTS, 'admin-users-keys.png'), fullPage: true })
  }, 60_000)

  it('creates an API key, shows its token once with a copy button, lists it and revokes it', async () => {
    await adminPage.locator('ys-admin #k-name').fill('warehouse reader')
    await adminPage.locator('ys-admin #k-role').selectOption('read')
    await adminPage.locator('ys-admin #new-key input[value="invoice-processing"]').check()
    await adminPage.locator('ys-admin #new-key button[type=submit]').click()
    await adminPage.locator('ys-admin #new-token').waitFor()
    const token = await adminPage.locator('ys-admin #token-value').inputValue()
    expect(token).toMatch(/^ys_live_[A-Za-z0-9]{32}$/)
    expect(await adminPage.locator('ys-admin #new-token').textContent()).toContain('it will not be shown again')
    await adminPage.locator('ys-admin #copy').click()
    await expect.poll(() => adminPage.locator('ys-admin #new-token [role=status]').textContent()).toBe('Copied to the clipboard.')
    expect(await adminPage.evaluate(() => navigator.clipboard.readText())).toBe(token)
    await adminPage.screenshot({ path: path.join(ARTIFACTS, 'admin-new-key.png'), fullPage: true })

    // The token works, for its initiative only.
    expect((await fetch(`${url}/api/v1/initiatives/invoice-processing`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    expect((await fetch(`${url}/api/v1/initiatives/contract-review`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404)

    // Opened again, the page no longer has the token, only its prefix.
    await adminPage.reload()
    await adminPage.waitForSelector('ys-admin[data-ready="true"]')
    expect(await adminPage.locator('ys-admin #new-token').count()).toBe(0)
    expect(await deepText(adminPage)).not.toContain(token)
    const { body } = await apiAs<{ keys: Array<{ id: number; name: string; prefix: string; lastUsedAt: string | null }> }>(adminCtx, '/api/v1/keys')
    const key = body.keys.find((k) => k.name === 'warehouse reader')!
    expect(token.startsWith(key.prefix)).toBe(true)
    const row = adminPage.locator(`ys-admin #keys tr[data-id="${key.id}"]`)
    expect((await row.locator('td').allTextContents()).slice(0, 4)).toEqual(['warehouse reader', `${key.prefix}…`, 'read', 'Invoice processing'])
    // Last use is recorded in batches; the page shows what the API has.
    expect(await row.locator('td').nth(4).textContent()).toBe(key.lastUsedAt === null ? 'never' : expect.stringMatching(/^\d{1,2} \w{3} \d{4} \d\d:\d\d$/))

    await row.getByRole('button', { name: 'Revoke warehouse reader' }).click()
    await row.locator('button.confirm-revoke').click()
    await expect.poll(() => row.locator('td.status').textContent()).toMatch(/^✕ revoked /)
    expect((await fetch(`${url}/api/v1/initiatives/invoice-processing`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401)
  }, 60_000)

  it('shows a viewer no edit controls, and says why when they try', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await open(ctx, '/initiatives/invoice-processing')
    await signIn(page, VIEWER)
    await page.waitForSelector('ys-initiative[data-ready]', { timeout: 30_000 })
    expect(await page.locator('ys-app nav .who').textContent()).toBe(`${VIEWER.email} (viewer)`)
    expect(await page.locator('ys-app nav a').allTextContents()).toEqual(['Portfolio', 'Assessment', 'Email summaries', 'Alerts'])
    expect(await page.locator('ys-app .page-actions').count()).toBe(0)

    await page.goto(`${url}/initiatives/invoice-processing/edit`)
    await page.waitForSelector('ys-initiative-edit[data-ready="true"]')
    expect(await page.locator('ys-initiative-edit #read-only').textContent()).toContain('Your account has the viewer role: you can read this initiative but not change it.')
    expect(await page.locator('ys-initiative-edit input, ys-initiative-edit select').count()).toBe(0)

    await page.goto(`${url}/subscriptions`)
    await page.waitForSelector('ys-subscriptions[data-ready="true"]')
    expect(await page.locator('ys-subscriptions #read-only').textContent()).toContain('viewer role')
    expect(await page.locator('ys-subscriptions button').count()).toBe(0)

    for (const p of ['/admin', '/audit']) {
      await page.goto(url + p)
      await page.waitForSelector(`${p === '/admin' ? 'ys-admin' : 'ys-audit'}[data-ready="error"]`)
      expect(await page.locator('ys-app main [role=alert]').first().textContent()).toBe('Your account has the viewer role, which may not do this; only an admin may. Ask an admin if you need it.')
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-viewer-refused.png'), fullPage: true })
    await ctx.close()
  }, 90_000)

  it('lets an editor change a target, and shows the admin who changed it from what to what', async () => {
    const before = (await apiAs<{ targets: { timeSavedHoursPerMonth: number } }>(adminCtx, '/api/v1/initiatives/invoice-processing')).body.targets.timeSavedHoursPerMonth
    const after = before + 15
    const page = await open(editorCtx, '/initiatives/invoice-processing')
    await signIn(page, EDITOR)
    await page.locator('ys-app .page-actions a').click()
    await page.waitForSelector('ys-initiative-edit[data-ready="true"]')
    expect(new URL(page.url()).pathname).toBe('/initiatives/invoice-processing/edit')
    expect(await page.locator('ys-initiative-edit #targetHours').inputValue()).toBe(String(before))
    await page.locator('ys-initiative-edit #targetHours').fill(String(after))
    await page.locator('ys-initiative-edit button[type=submit]').click()
    await expect.poll(() => page.locator('ys-initiative-edit [role=status]').textContent()).toBe('Saved. The change is in the audit log.')
    expect((await apiAs<{ targets: { timeSavedHoursPerMonth: number } }>(editorCtx, '/api/v1/initiatives/invoice-processing')).body.targets.timeSavedHoursPerMonth).toBe(after)
    await page.close()

    await adminPage.locator('ys-app nav').getByRole('link', { name: 'Audit log' }).click()
    await adminPage.waitForSelector('ys-audit[data-ready="true"]')
    const today = new Date().toISOString().slice(0, 10)
    await adminPage.locator('ys-audit #entity').selectOption('initiative')
    await adminPage.locator('ys-audit #from').fill(today)
    await adminPage.locator('ys-audit #to').fill(today)
    await adminPage.locator('ys-audit button[type=submit]').click()
    await adminPage.waitForURL(/\/audit\?entity=initiative&from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/)
    await adminPage.waitForSelector('ys-audit[data-ready="true"]')
    const rows = await adminPage.locator('ys-audit #audit tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim())))
    const row = rows.find((r) => r[1] === EDITOR.email)!
    expect(row[2]).toBe('changed initiative invoice-processing')
    expect(row[3]).toBe(`target: time saved hours per month: ${before} → ${after}`)
    // Only initiatives: the users and keys created earlier are filtered out.
    expect(rows.every((r) => / initiative /.test(` ${r[2]} `))).toBe(true)
    await adminPage.screenshot({ path: path.join(ARTIFACTS, 'admin-audit.png'), fullPage: true })
  }, 90_000)

  it('says what is missing when a move to production is refused', async () => {
    const all = (await apiAs<{ initiatives: ApiReadiness[] }>(adminCtx, '/api/v1/readiness')).body.initiatives
    const target = all.find((r) => r.verdict === 'not_yet' && r.missing.length > 0 && r.stage !== 'production')
    expect(target, 'the demo has an initiative that is not ready').toBeDefined()
    const page = await open(editorCtx, `/initiatives/${target!.slug}/edit`)
    await page.waitForSelector('ys-initiative-edit[data-ready="true"]')
    await page.locator('ys-initiative-edit #stage').selectOption('production')
    await page.locator('ys-initiative-edit button[type=submit]').click()
    const alert = page.locator('ys-initiative-edit [role=alert]')
    await alert.waitFor()
    expect(await alert.locator('p').textContent()).toBe('Not moved to production: it is not ready to scale yet. Nothing was changed. What is missing:')
    const shown = (await alert.locator('li').allTextContents()).map((t) => t.replace(/\.$/, '').toLowerCase())
    expect(shown).toEqual(target!.missing.map((m) => m.message.replace(/\.$/, '').toLowerCase()))
    // Editors cannot override; only admins see that choice.
    expect(await page.locator('ys-initiative-edit #override').count()).toBe(0)
    expect((await apiAs<{ stage: string }>(editorCtx, `/api/v1/initiatives/${target!.slug}`)).body.stage).toBe(target!.stage)
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-production-refused.png'), fullPage: true })
    await page.close()

    // An admin is offered an override, which needs a reason and is audited.
    const reason = 'board approved the rollout on 3 Nov'
    await adminPage.goto(`${url}/initiatives/${target!.slug}/edit`)
    await adminPage.waitForSelector('ys-initiative-edit[data-ready="true"]')
    await adminPage.locator('ys-initiative-edit #stage').selectOption('production')
    await adminPage.locator('ys-initiative-edit button[type=submit]').click()
    await adminPage.locator('ys-initiative-edit #override').waitFor()
    await adminPage.locator('ys-initiative-edit #override-reason').fill(reason)
    await adminPage.locator('ys-initiative-edit #override button').click()
    await expect.poll(() => adminPage.locator('ys-initiative-edit [role=status]').textContent()).toBe('Saved. The change is in the audit log.')
    expect((await apiAs<{ stage: string }>(adminCtx, `/api/v1/initiatives/${target!.slug}`)).body.stage).toBe('production')
    const audit = (await apiAs<{ entries: Array<{ action: string; actor: string; after: { reason?: string } }> }>(adminCtx, `/api/v1/audit?entity=initiative&entityId=${target!.slug}`)).body.entries
    expect(audit.find((e) => e.action === 'stage_override')).toMatchObject({ actor: ADMIN.email, after: { reason } })
  }, 60_000)

  it('creates email summaries on the page and lists each with its delivery status', async () => {
    const page = await open(editorCtx, '/subscriptions')
    await page.waitForSelector('ys-subscriptions[data-ready="true"]')
    expect(await deepText(page)).toContain('No email summaries yet.')
    const create = async (name: string, recipients: string, preset: string, zone: string, initiatives: string[]) => {
      await page.locator('ys-subscriptions #new').click()
      await page.locator('ys-subscriptions #new-name').fill(name)
      await page.locator('ys-subscriptions #new-recipients').fill(recipients)
      await page.locator('ys-subscriptions #new-schedule').selectOption(preset)
      await page.locator('ys-subscriptions #new-tz').fill(zone)
      for (const s of initiatives) await page.locator(`ys-subscriptions form input[value="${s}"]`).check()
      await page.locator('ys-subscriptions form button[type=submit]').click()
    }
    // An address the server refuses: the reason is shown next to the form.
    await create('Leadership weekly', 'cfo@example.com, not an address', 'weekly', 'Europe/London', [])
    await expect.poll(() => page.locator('ys-subscriptions [role=alert]').textContent()).toContain('Recipients: "not an address" is not an email address')
    await page.locator('ys-subscriptions #new-recipients').fill('cfo@example.com\nceo@example.com')
    await page.locator('ys-subscriptions form button[type=submit]').click()
    const card = page.locator('ys-subscriptions section.sub', { hasText: 'Leadership weekly' })
    await card.waitFor()
    expect(await card.locator('.schedule').textContent()).toBe('Weekly, Monday to Monday')
    expect(await card.locator('.recipients').textContent()).toBe('cfo@example.com, ceo@example.com')
    expect(await card.locator('.scope').textContent()).toBe('All initiatives')
    expect(await card.locator('.timezone').textContent()).toBe('Europe/London')
    expect(await card.locator('.last .status').textContent()).toBe('– not sent yet')

    // The scheduler's tick sends both (the real SMTP server accepts them).
    await digestTick({ db: handle.db, config, log: () => {} })
    expect(smtp.messages.map((m) => m.recipients).flat().sort()).toEqual(['ceo@example.com', 'cfo@example.com'])

    // A second one, whose only recipient's mailbox the server refuses for good (550).
    await create('Ops daily', 'ops@example.com', 'daily', 'Pacific/Tongatapu', ['invoice-processing'])
    const ops = page.locator('ys-subscriptions section.sub', { hasText: 'Ops daily' })
    await ops.waitFor()
    expect(await ops.locator('.scope').textContent()).toBe('Invoice processing')
    smtp.replies.push(550)
    await digestTick({ db: handle.db, config, log: () => {} })

    await page.reload()
    await page.waitForSelector('ys-subscriptions[data-ready="true"]')
    const lead = page.locator('ys-subscriptions section.sub', { hasText: 'Leadership weekly' })
    expect(await lead.locator('.last .status').getAttribute('data-status')).toBe('sent')
    expect((await lead.locator('.last').textContent())!.replace(/\s+/g, ' ')).toMatch(/^✓ sent: 2 of 2 recipients, period /)
    const failed = page.locator('ys-subscriptions section.sub', { hasText: 'Ops daily' })
    expect(await failed.locator('.last .status').textContent()).toBe('✕ failed')
    expect(await failed.locator('.last').textContent()).toContain('0 of 1 recipient')
    expect(await failed.locator('.last code').textContent()).toMatch(/550/)
    // The page says what the API says.
    const api = (await apiAs<{ subscriptions: Array<{ name: string; deliveries: Array<{ status: string }> }> }>(editorCtx, '/api/v1/subscriptions')).body.subscriptions
    expect(api.find((s) => s.name === 'Ops daily')!.deliveries.map((d) => d.status)).toEqual(['failed'])
    expect(api.find((s) => s.name === 'Leadership weekly')!.deliveries.map((d) => d.status)).toEqual(['sent', 'sent'])
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-subscriptions.png'), fullPage: true })

    // Edit, then delete, through the page.
    await failed.getByRole('button', { name: 'Edit Ops daily' }).click()
    await failed.locator('textarea').fill('ops@example.com, oncall@example.com')
    await failed.locator('button[type=submit]').click()
    await expect.poll(() => page.locator('ys-subscriptions section.sub', { hasText: 'Ops daily' }).locator('.recipients').textContent()).toBe('ops@example.com, oncall@example.com')
    await page.locator('ys-subscriptions section.sub', { hasText: 'Ops daily' }).getByRole('button', { name: 'Delete Ops daily' }).click()
    await page.locator('ys-subscriptions button.confirm-delete').click()
    await expect.poll(() => page.locator('ys-subscriptions section.sub').count()).toBe(1)
    expect((await apiAs<{ subscriptions: unknown[] }>(editorCtx, '/api/v1/subscriptions')).body.subscriptions).toHaveLength(1)
    await page.close()
  }, 90_000)

  it('is readable at 390 px without horizontal scrolling', async () => {
    const narrow = await browser.newContext({ viewport: { width: 390, height: 844 } })
    await narrow.addCookies((await adminCtx.cookies(url)).filter((c) => c.name === 'ys_session'))
    for (const [p, tag] of [['/audit', 'ys-audit'], ['/admin', 'ys-admin'], ['/subscriptions', 'ys-subscriptions'], ['/initiatives/invoice-processing/edit', 'ys-initiative-edit'], ['/setup', 'ys-setup']] as const) {
      const page = await open(narrow, p)
      await page.waitForSelector(`${tag}[data-ready]`, { timeout: 30_000 })
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      expect(width, p).toBeLessThanOrEqual(390)
      await page.screenshot({ path: path.join(ARTIFACTS, `admin-${tag}-390.png`), fullPage: true })
      await page.close()
    }
    await narrow.close()
  }, 90_000)

  it('raised no console errors, page errors or dialogs; the only refused requests were the ones provoked', () => {
    expect(problems).toEqual([])
    const expected = (r: { status: number; url: string }) => {
      const p = new URL(r.url).pathname
      if (r.status === 401) return p.startsWith('/api/v1/') // anonymous page loads before signing in
      if (r.status === 403) return ['/api/v1/setup', '/api/v1/users', '/api/v1/keys', '/api/v1/audit'].includes(p) // wrong setup token; a viewer on admin pages
      if (r.status === 422) return p === '/api/v1/users' || p === '/api/v1/subscriptions' || /^\/api\/v1\/initiatives\/[^/]+$/.test(p) // refused inputs and the refused production move
      return false
    }
    expect(httpRefusals.filter((r) => !expected(r))).toEqual([])
    expect(httpRefusals.some((r) => r.status === 422)).toBe(true)
  })
})
