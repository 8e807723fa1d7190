/**
 * Alerts end to end: the real app and database, a real HTTP receiver on 127.0.0.1 started here, the
 * real SMTP test server, and `alerts run` as a child process (kill -9 between send and record).
 * Silence rules of one second make the state change on demand: wait past it and a rule fires; post
 * an event and it resolves.
 */
import { createHmac } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAlertDeliveries } from '../../db/queries/alerts.js'
import { findAudit } from '../../db/queries/audit.js'
import { makeUser, sessionCookie } from '../auth/test-helpers.js'
import { startSmtpSink, type SmtpSink } from '../email/testing-smtp.js'
import { spawnChild } from '../faults/child-server.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'
import { runAlerts } from './run.js'

interface Received {
  headers: http.IncomingHttpHeaders
  body: string
}

/** A webhook receiver: answers each request with the next planned status (200 when none is left). */
async function startReceiver() {
  const received: Received[] = []
  const plan: Array<number | 'hang' | ((r: Received) => Promise<number>)> = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', async () => {
      const r = { headers: req.headers, body }
      received.push(r)
      const next = plan.shift() ?? 200
      if (next === 'hang') return // never answers: the sender's timeout
      const status = typeof next === 'function' ? await next(r) : next
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : `planned ${status}`)
    })
  })
  server.listen(0, '127.0.0.1')
  await new Promise<void>((r) => server.once('listening', () => r()))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  return {
    url,
    received,
    plan,
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((r) => server.close(() => r()))
    },
  }
}

/** Verifies a Yardstick-Signature header as the docs tell receivers to (docs/ALERTS.md). */
function verify(secret: string, header: string | undefined, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '')
  if (!m) return false
  const expected = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest('hex')
  return expected === m[2] && Math.abs(Date.now() / 1000 - Number(m[1])) < 300
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const ONE_SECOND_IN_HOURS = 1 / 3600

let s: TestServer
let smtp: SmtpSink
let receiver: Awaited<ReturnType<typeof startReceiver>>
let editor: string
let admin: string
let ingest: string

beforeAll(async () => {
  smtp = await startSmtpSink()
  receiver = await startReceiver()
  s = await startTestServer({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://ys.example.com' } })
  for (const slug of ['invoices', 'refunds', 'claims', 'crashy']) await s.initiative({ slug, name: slug[0].toUpperCase() + slug.slice(1), stage: 'production', startedAt: '2026-01-01' })
  editor = await sessionCookie(s.handle.db, await makeUser(s.handle.db, 'editor@example.com', 'editor', 'editor-password-1'))
  admin = await sessionCookie(s.handle.db, await makeUser(s.handle.db, 'admin@example.com', 'admin', 'admin-password-1'))
  ingest = await s.key('ingest')
})
afterAll(async () => {
  await s?.close()
  await smtp?.close()
  await receiver?.close()
})

async function api(cookie: string, method: string, path: string, json?: unknown): Promise<Response> {
  return fetch(s.url + path, { method, headers: { cookie, ...(json ? { 'content-type': 'application/json' } : {}) }, body: json ? JSON.stringify(json) : undefined })
}

async function webhook(format: 'json' | 'slack' = 'json'): Promise<{ id: number; secret: string }> {
  const res = await api(admin, 'POST', '/api/v1/webhooks', { url: receiver.url, format })
  expect(res.status, await res.clone().text()).toBe(201)
  return (await res.json()) as { id: number; secret: string }
}

async function event(slug: string) {
  const res = await s.fetch('/api/v1/events', { method: 'POST', token: ingest, json: { initiative: slug, metric: 'time_saved', value: 5, occurredAt: new Date().toISOString() } })
  expect(res.status).toBe(202)
}

async function silenceRule(slug: string | null, emails: string[], webhooks: number[], cookie = editor): Promise<number> {
  const res = await api(cookie, 'POST', '/api/v1/alert-rules', { name: `Silent ${slug ?? 'any'}`, initiative: slug, kind: 'silence', params: { hours: ONE_SECOND_IN_HOURS }, emails, webhooks })
  expect(res.status, await res.clone().text()).toBe(201)
  return ((await res.json()) as { id: number }).id
}

const run = (opts: Parameters<typeof runAlerts>[1] = {}, clock?: () => number) =>
  runAlerts({ db: s.handle.db, config: { ...s.config, webhookTimeoutMs: 1000 }, clock }, { immediateRetries: 3, retryDelayMs: 20, ignoreBackoff: true, ...opts })

describe('webhooks and email', () => {
  it('signs each POST, delivers a 500-then-200 once, never repeats while firing, and sends one message on resolving', async () => {
    const hook = await webhook('json')
    const listed = (await (await api(admin, 'GET', '/api/v1/webhooks')).json()) as { webhooks: Array<Record<string, unknown>> }
    expect(JSON.stringify(listed)).not.toContain(hook.secret)
    await event('invoices')
    const ruleId = await silenceRule('invoices', ['ops@example.com'], [hook.id])
    await sleep(1200)
    receiver.plan.push(500, 200)
    const before = receiver.received.length
    const mailBefore = smtp.messages.length

    const fired = await run()
    expect(fired.evaluated!.changes.map((c) => `${c.change} ${c.initiative}`)).toEqual(['fired invoices'])
    const got = receiver.received.slice(before)
    expect(got).toHaveLength(2)
    const eventId = got[0].headers['yardstick-event-id']
    expect(eventId).toBe(`alt_${ruleId}_1_1_f`)
    expect(got[1].headers['yardstick-event-id']).toBe(eventId)
    for (const r of got) {
      expect(verify(hook.secret, r.headers['yardstick-signature'] as string, r.body)).toBe(true)
      expect(verify('whsec_wrong', r.headers['yardstick-signature'] as string, r.body)).toBe(false)
    }
    const body = JSON.parse(got[1].body)
    expect(Object.keys(body).sort()).toEqual(['at', 'id', 'initiative', 'message', 'rule', 'type'])
    expect(body).toMatchObject({ id: eventId, type: 'alert.firing', rule: { id: ruleId, name: 'Silent invoices', kind: 'silence' }, initiative: { slug: 'invoices', name: 'Invoices' } })
    expect(body.message).toMatch(/^No events from Invoices for [\d.]+ hours/)
    expect(fired.failed).toBe(0)
    // The email went through the real SMTP server, once.
    const mails = smtp.messages.slice(mailBefore)
    expect(mails.map((m) => m.recipients)).toEqual([['ops@example.com']])
    expect(mails[0].subject).toBe('Firing: Silent invoices, Invoices')
    expect(mails[0].text).toContain('No events from Invoices')

    // Both attempts are on the rule's page.
    const page = (await (await api(editor, 'GET', `/api/v1/alert-rules/${ruleId}`)).json()) as { state: string; deliveries: Array<{ channel: string; status: string; attempts: Array<{ statusCode: number; outcome: string }> }> }
    expect(page.state).toBe('firing')
    const wh = page.deliveries.find((d) => d.channel === 'webhook')!
    expect(wh.status).toBe('sent')
    expect(wh.attempts.map((a) => `${a.statusCode} ${a.outcome}`)).toEqual(['500 retry', '200 delivered'])

    // Still silent: nothing is sent again.
    await run()
    expect(receiver.received.length).toBe(before + 2)

    // An event arrives: one resolved message, once.
    await event('invoices')
    const resolved = await run()
    expect(resolved.evaluated!.changes.map((c) => c.change)).toEqual(['resolved'])
    const after = receiver.received.slice(before + 2)
    expect(after).toHaveLength(1)
    expect(JSON.parse(after[0].body)).toMatchObject({ id: `alt_${ruleId}_1_1_r`, type: 'alert.resolved' })
    expect(after[0].headers['yardstick-event-id']).toBe(`alt_${ruleId}_1_1_r`)
    expect(smtp.messages.slice(mailBefore).map((m) => m.subject)).toEqual(['Firing: Silent invoices, Invoices', 'Resolved: Silent invoices, Invoices'])
    await run({ evaluate: true })
    expect(receiver.received.length).toBe(before + 3)

    expect((await api(editor, 'DELETE', `/api/v1/alert-rules/${ruleId}`)).status).toBe(204)
    const audit = await findAudit(s.handle.db, { entity: 'alert_rule' })
    expect(audit.map((a) => a.action).slice(0, 2)).toEqual(['delete', 'create'])
    expect(audit[0].actor).toBe('editor@example.com')
  }, 30_000)

  it('retries a 429 and a timeout, and does not retry a 400 (alerts run exits 1)', async () => {
    const hook = await webhook('json')
    const ruleId = await silenceRule('refunds', [], [hook.id])
    await sleep(1200)
    receiver.plan.push('hang', 429, 200)
    const before = receiver.received.length
    const r = await run()
    expect(r.failed).toBe(0)
    const got = receiver.received.slice(before)
    expect(got).toHaveLength(3)
    expect(new Set(got.map((g) => g.headers['yardstick-event-id'])).size).toBe(1)
    const rows = await listAlertDeliveries(s.handle.db, ruleId)
    expect(rows.map((x) => `${x.status} ${x.attempts}`)).toEqual(['sent 3'])

    // A 400: one attempt, failed, and the CLI says so with its exit code.
    await event('refunds')
    await run() // resolves (200)
    await sleep(1200)
    receiver.plan.push(400, 200)
    const before400 = receiver.received.length
    const child = spawnChild('server/cli.ts', ['alerts', 'run'], { ...s.dbEnv, SMTP_URL: smtp.url })
    const exit = await child.exited
    expect(exit.code, child.output()).toBe(1)
    expect(child.output()).toMatch(/failed\twebhook \d+\talt_\d+_2_2_f\tHTTP 400/)
    expect(receiver.received.length - before400).toBe(1)
    receiver.plan.length = 0
    expect((await api(editor, 'DELETE', `/api/v1/alert-rules/${ruleId}`)).status).toBe(204)
  }, 60_000)

  it('after a kill -9 between sending and recording, delivers at most twice with the same event id', async () => {
    const hook = await webhook('json')
    const ruleId = await silenceRule('claims', [], [hook.id])
    await sleep(1200)
    const env = { ...s.dbEnv, YARDSTICK_ALERT_LEASE_SECONDS: '1' }
    const child = spawnChild('server/cli.ts', ['alerts', 'run'], env)
    // The receiver has the request: the sender dies before it can record the answer.
    receiver.plan.push(async () => {
      child.process.kill('SIGKILL')
      await child.exited
      return 200
    })
    const before = receiver.received.length
    const exit = await child.exited
    expect(exit.signal).toBe('SIGKILL')
    expect(receiver.received.length - before).toBe(1)
    const [row] = await listAlertDeliveries(s.handle.db, ruleId)
    expect(row.status).toBe('sending')
    expect(row.handoffs).toBe(1)
    await sleep(1100) // the killed sender's lease runs out

    for (let k = 0; k < 2; k++) {
      const again = spawnChild('server/cli.ts', ['alerts', 'run'], { ...env, YARDSTICK_ALERT_LEASE_SECONDS: '120' })
      expect((await again.exited).code, again.output()).toBe(0)
    }
    const got = receiver.received.slice(before)
    expect(got).toHaveLength(2)
    expect(got[1].headers['yardstick-event-id']).toBe(got[0].headers['yardstick-event-id'])
    expect(got[0].headers['yardstick-event-id']).toBe(`alt_${ruleId}_3_1_f`)
    const [done] = await listAlertDeliveries(s.handle.db, ruleId)
    expect(done.status).toBe('sent')
    expect(done.uncertain).toBe(1)
    const page = (await (await api(editor, 'GET', `/api/v1/alert-rules/${ruleId}`)).json()) as { deliveries: Array<{ status: string }> }
    expect(page.deliveries[0].status).toBe('uncertain')
    expect((await api(editor, 'DELETE', `/api/v1/alert-rules/${ruleId}`)).status).toBe(204)
  }, 60_000)

  it('disables a webhook failing for the stated days and emails the rule owner', async () => {
    const hook = await webhook('json')
    const ruleId = await silenceRule('crashy', [], [hook.id])
    await sleep(1200)
    receiver.plan.push(503, 503, 503, 503)
    const t0 = Date.now()
    const first = await run({ immediateRetries: 0 })
    expect(first.outcomes.map((o) => o.status)).toEqual(['retrying'])
    const config = { ...s.config, webhookDisableDays: 1 }
    const later = () => t0 + 86_400_000 + 60_000
    const second = await runAlerts({ db: s.handle.db, config, clock: later }, { evaluate: false, immediateRetries: 0, ignoreBackoff: true })
    expect(second.outcomes.map((o) => o.status)).toEqual(['failed'])
    const third = await runAlerts({ db: s.handle.db, config, clock: later }, { evaluate: false, immediateRetries: 0, ignoreBackoff: true })
    expect(third.outcomes.map((o) => `${o.channel} ${o.target} ${o.status}`)).toEqual(['email editor@example.com sent'])
    const mail = smtp.messages.at(-1)!
    expect(mail.recipients).toEqual(['editor@example.com'])
    expect(mail.subject).toBe(`Webhook disabled: Silent crashy`)
    expect(mail.text).toMatch(/has been disabled: every attempt failed for 1 days/)
    const hooks = (await (await api(admin, 'GET', '/api/v1/webhooks')).json()) as { webhooks: Array<{ id: number; disabledAt: string | null }> }
    expect(hooks.webhooks.find((w) => w.id === hook.id)!.disabledAt).not.toBeNull()
    receiver.plan.length = 0
    expect((await api(editor, 'DELETE', `/api/v1/alert-rules/${ruleId}`)).status).toBe(204)
    expect((await api(admin, 'DELETE', `/api/v1/webhooks/${hook.id}`)).status).toBe(204)
  }, 30_000)

  it('sends one digest per email and Slack webhook when many fire at once, one POST per event to JSON webhooks', async () => {
    const slack = await webhook('slack')
    const json = await webhook('json')
    const ruleId = await silenceRule(null, ['cfo@example.com'], [slack.id, json.id])
    await sleep(1200)
    const before = receiver.received.length
    const mailBefore = smtp.messages.length
    const r = await run()
    const fired = r.evaluated!.changes.filter((c) => c.ruleId === ruleId)
    expect(fired).toHaveLength(4) // invoices, refunds, claims, crashy
    const got = receiver.received.slice(before)
    const slackPosts = got.filter((g) => 'text' in JSON.parse(g.body))
    expect(slackPosts).toHaveLength(1)
    expect(JSON.parse(slackPosts[0].body).text).toMatch(/4 alerts at once/)
    expect(got.length - slackPosts.length).toBe(4)
    const mails = smtp.messages.slice(mailBefore)
    expect(mails).toHaveLength(1)
    expect(mails[0].subject).toBe(`Silent any: 4 alerts (4 firing)`)
    expect((await api(editor, 'DELETE', `/api/v1/alert-rules/${ruleId}`)).status).toBe(204)
  }, 30_000)

  it('refuses bad rules with what to fix, and viewers may not create them', async () => {
    const bad = await api(editor, 'POST', '/api/v1/alert-rules', { name: 'x', kind: 'silence', params: { hours: -1 }, emails: ['not-an-address'], webhooks: [9999] })
    expect(bad.status).toBe(422)
    const fields = ((await bad.json()) as { error: { details: Array<{ field: string }> } }).error.details.map((d) => d.field).sort()
    expect(fields).toEqual(['emails', 'params.hours', 'webhooks'])
    const viewer = await sessionCookie(s.handle.db, await makeUser(s.handle.db, 'viewer@example.com', 'viewer', 'viewer-password-1'))
    expect((await api(viewer, 'POST', '/api/v1/alert-rules', { name: 'x', kind: 'silence', params: { hours: 1 }, emails: ['a@example.com'] })).status).toBe(403)
    expect((await api(editor, 'POST', '/api/v1/webhooks', { url: receiver.url })).status).toBe(403)
  })
})
