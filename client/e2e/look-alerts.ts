/**
 * `npx tsx client/e2e/look-alerts.ts [label]`: the Alerts page with the demo data and a few rules that
 * fire (off course, at risk, ready to scale), one that fired and resolved, one not fired yet, and
 * webhooks that answer or fail, as full-page screenshots at 1366 px and 390 px in
 * test-artifacts/look-<label>-alerts-<who>-<width>.png, with axe-core's violations and any sideways
 * scroll printed. A tool for looking, not a test.
 */
import http from 'node:http'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { runAlerts } from '../../server/alerts/run.js'
import { DEMO_EDITOR, startDemoServer } from './demo-server.js'
import { axeViolations, contextAt, horizontalOverflow, WIDTHS } from './pages.js'
import { ARTIFACTS, launchChromium } from './support.js'

async function main() {
  const label = process.argv[2] ?? 'now'
  process.env.NODE_ENV = 'production'
  const demo = await startDemoServer()
  // A receiver whose /ok answers 200 and whose /down answers 503 (a failing endpoint).
  const receiver = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(req.url === '/down' ? 503 : 200).end(req.url === '/down' ? 'service unavailable' : 'ok'))
  })
  receiver.listen(0, '127.0.0.1')
  await new Promise<void>((r) => receiver.once('listening', () => r()))
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
  const browser = await launchChromium()
  try {
    const admin = await demo.signIn()
    const editor = await demo.signIn(DEMO_EDITOR)
    const call = async (cookie: string, method: string, p: string, json?: unknown) => {
      const r = await fetch(demo.url + p, { method, headers: { 'content-type': 'application/json', origin: demo.url, cookie }, body: json === undefined ? undefined : JSON.stringify(json) })
      if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${await r.text()}`)
      return r.status === 204 ? null : ((await r.json()) as Record<string, unknown>)
    }
    const ok = (await call(admin, 'POST', '/api/v1/webhooks', { url: `${hook}/ok`, format: 'json' }))!.id
    const down = (await call(admin, 'POST', '/api/v1/webhooks', { url: `${hook}/down`, format: 'slack' }))!.id
    const ingest = (await call(admin, 'POST', '/api/v1/keys', { name: 'look ingest', role: 'ingest' }))!.token as string
    await call(editor, 'POST', '/api/v1/alert-rules', { name: 'Readiness changes', initiative: null, kind: 'readiness', params: { on: ['ready', 'at_risk'] }, emails: ['cfo@example.com'], webhooks: [ok] })
    await call(editor, 'POST', '/api/v1/alert-rules', { name: 'Customer query routing off course', initiative: 'customer-query-routing', kind: 'trajectory', params: { metric: 'time_saved' }, emails: ['ops@example.com'], webhooks: [down] })
    await call(editor, 'POST', '/api/v1/alert-rules', { name: 'Invoice processing integration quiet', initiative: 'invoice-processing', kind: 'silence', params: { hours: 1 / 3600 }, emails: [], webhooks: [ok] })
    await call(editor, 'POST', '/api/v1/alert-rules', { name: 'Payback slipping', initiative: null, kind: 'payback', params: { months: 2 }, emails: ['cfo@example.com'], webhooks: [] })
    await new Promise((r) => setTimeout(r, 1500))
    const deps = { db: demo.handle.db, config: demo.config }
    console.log('first run:', JSON.stringify((await runAlerts(deps, { immediateRetries: 1, retryDelayMs: 10, ignoreBackoff: true })).evaluated?.changes.map((c) => `${c.change} ${c.rule} ${c.initiative}`)))
    // An event arrives: the silence alert resolves.
    const r = await fetch(`${demo.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest}` }, body: JSON.stringify({ initiative: 'invoice-processing', metric: 'time_saved', value: 5, occurredAt: new Date().toISOString() }) })
    if (r.status !== 202) throw new Error(`event: ${r.status} ${await r.text()}`)
    console.log('second run:', JSON.stringify((await runAlerts(deps, { immediateRetries: 0, ignoreBackoff: true })).evaluated?.changes.map((c) => `${c.change} ${c.rule} ${c.initiative}`)))

    for (const [who, cookie] of [['admin', admin], ['editor', editor]] as const) {
      for (const width of WIDTHS) {
        const ctx = await contextAt(browser, demo, width, cookie)
        const page = await ctx.newPage()
        const errors: string[] = []
        page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
        await page.goto(`${demo.url}/alerts`)
        await page.locator('ys-alerts[data-ready="true"]').waitFor({ timeout: 30_000 })
        await page.waitForTimeout(300)
        await page.screenshot({ path: path.join(ARTIFACTS, `look-${label}-alerts-${who}-${width}-first-screen.png`) })
        // Every rule's deliveries open, to see them all.
        await page.locator('ys-alerts').evaluate((el) => el.shadowRoot!.querySelectorAll('details').forEach((d) => (d.open = true)))
        await page.screenshot({ path: path.join(ARTIFACTS, `look-${label}-alerts-${who}-${width}.png`), fullPage: true })
        // A long phone page in screen-high parts, to read each at its real size.
        if (width < 600) {
          const height = await page.evaluate(() => document.documentElement.scrollHeight)
          for (let y = 0, k = 1; y < height; y += 1200, k++) await page.screenshot({ path: path.join(ARTIFACTS, `look-${label}-alerts-${who}-${width}-part${k}.png`), fullPage: true, clip: { x: 0, y, width, height: Math.min(1200, height - y) } })
        }
        if (who === 'editor') {
          await page.locator('ys-alerts #new').click()
          await page.locator('ys-alerts form[aria-label="New alert rule"]').waitFor()
          await page.screenshot({ path: path.join(ARTIFACTS, `look-${label}-alerts-${who}-${width}-new-rule.png`) })
        }
        const violations = await axeViolations(page)
        console.log(`alerts ${who}@${width}: ${violations.length} axe violations${violations.length ? ` ${JSON.stringify(violations)}` : ''}, sideways scroll ${await horizontalOverflow(page)}px${errors.length ? `, ${errors.join('; ')}` : ''}`)
        await ctx.close()
      }
    }
  } finally {
    await browser.close()
    receiver.closeAllConnections()
    receiver.close()
    await demo.close()
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
