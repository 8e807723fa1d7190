import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { findAudit } from '../../db/queries/audit.js'
import { listOutbox } from '../../db/queries/outbox.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'
import { digestTick } from './schedule-job.js'
import { lastCompletedPeriod } from './schedule.js'
import { startSmtpSink, type ReceivedMessage, type SmtpSink } from './testing-smtp.js'
import { messageIdFor } from './tokens.js'

const WED_7_OCT = Date.parse('2026-10-07T09:00:00Z')

let s: TestServer
let smtp: SmtpSink
let admin: string
let reader: string

function cli(args: string[], env: Record<string, string> = {}, onSpawn?: (c: ChildProcess) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // One process (node --import tsx), not the tsx wrapper, so that SIGKILL reaches the sender itself.
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...s.dbEnv, SMTP_URL: smtp.url, PUBLIC_URL: 'https://ys.example.com', YARDSTICK_OUTBOX_DIR: path.join(s.dir, 'outbox'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (c) => (stdout += c))
    child.stderr!.on('data', (c) => (stderr += c))
    onSpawn?.(child)
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

async function createSub(body: Record<string, unknown>): Promise<number> {
  const res = await s.fetch('/api/v1/subscriptions', { method: 'POST', token: admin, json: body })
  expect(res.status).toBe(201)
  return ((await res.json()) as { id: number }).id
}

const forSub = (id: number): ReceivedMessage[] => smtp.messages.filter((m) => m.headers.get('x-yardstick-subscription') === String(id))
const tick = (at: number) => digestTick({ db: s.handle.db, config: s.config, log: () => {}, clock: () => at })

async function deliveries(id: number): Promise<Array<{ status: string; recipient: string; attempts: number; period: { key: string } }>> {
  const res = await s.fetch(`/api/v1/subscriptions/${id}`, { token: reader })
  expect(res.status).toBe(200)
  return ((await res.json()) as { deliveries: Array<{ status: string; recipient: string; attempts: number; period: { key: string } }> }).deliveries
}

beforeAll(async () => {
  smtp = await startSmtpSink()
  s = await startTestServer({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://ys.example.com' } })
  admin = await s.key('admin')
  reader = await s.key('read')
  await s.initiative({ slug: 'invoices', name: 'Invoice <processing> & co', currency: 'USD', hourlyValue: 80, upfrontCost: 1000, monthlyCost: 500, costPerError: 20, startedAt: '2026-06-01', stage: 'production', baselines: { errorRate: 0.1, decisionLatencySeconds: 120 }, targets: { timeSavedHoursPerMonth: 10, errorRate: 0.05 } })
  await s.initiative({ slug: 'support', name: 'Support copilot', currency: 'USD', hourlyValue: 50, startedAt: '2026-08-01', stage: 'pilot' })
})

afterAll(async () => {
  await s?.close()
  await smtp?.close()
})

describe('digest delivery against a real SMTP server', () => {
  // Each test's scheduler ticks see only its own subscription.
  afterEach(async () => {
    smtp.onAccepted = undefined
    smtp.replies.length = 0
    const { subscriptions } = (await (await s.fetch('/api/v1/subscriptions', { token: reader })).json()) as { subscriptions: Array<{ id: number }> }
    for (const sub of subscriptions) expect((await s.fetch(`/api/v1/subscriptions/${sub.id}`, { method: 'DELETE', token: admin })).status).toBe(204)
  })

  it('sends one message per recipient and period across two concurrent digest runs and restarts', async () => {
    const id = await createSub({ name: 'Concurrent', recipients: ['a@example.com', 'b@example.com', 'c@example.com'], schedule: 'monthly' })
    const [one, two] = await Promise.all([cli(['digest', 'run', '--subscription', String(id)]), cli(['digest', 'run', '--subscription', String(id)])])
    expect([one.code, two.code]).toEqual([0, 0])
    expect(forSub(id).map((m) => m.recipients[0]).sort()).toEqual(['a@example.com', 'b@example.com', 'c@example.com'])
    // A restart (a fresh process) and the in-process scheduler find nothing more to send.
    const again = await cli(['digest', 'run'])
    expect(again.code).toBe(0)
    await tick(Date.now())
    expect(forSub(id)).toHaveLength(3)
    const period = lastCompletedPeriod(Date.now(), 'monthly', 'UTC')
    for (const m of forSub(id)) expect(m.messageId).toBe(messageIdFor(id, period.key, m.recipients[0]))
    expect((await deliveries(id)).map((d) => d.status)).toEqual(['sent', 'sent', 'sent'])
  })

  it('sends each message once when two runs in one process race for the same rows', async () => {
    const recipients = Array.from({ length: 8 }, (_, k) => `r${k}@example.com`)
    const id = await createSub({ name: 'Race', recipients, schedule: 'weekly' })
    const [a, b] = await Promise.all([tick(WED_7_OCT), tick(WED_7_OCT)])
    expect(a.outcomes.length + b.outcomes.length).toBe(8)
    expect(a.outcomes.length).toBeGreaterThan(0)
    expect(b.outcomes.length).toBeGreaterThan(0)
    expect(forSub(id).map((m) => m.recipients[0]).sort()).toEqual([...recipients].sort())
  })

  it('resends at most once, with the same Message-ID, after a kill between acceptance and record, and shows it as uncertain', async () => {
    const id = await createSub({ name: 'Crash', recipients: ['crash@example.com'], schedule: 'monthly' })
    let child: ChildProcess | undefined
    smtp.onAccepted = async (m) => {
      if (m.headers.get('x-yardstick-subscription') !== String(id)) return
      smtp.onAccepted = undefined
      const exited = new Promise((r) => child!.once('exit', r))
      child!.kill('SIGKILL')
      await exited
    }
    const killed = await cli(['digest', 'run', '--subscription', String(id)], { YARDSTICK_DIGEST_LEASE_SECONDS: '1' }, (c) => (child = c))
    expect(killed.signal).toBe('SIGKILL')
    expect(forSub(id)).toHaveLength(1)
    const [row] = await listOutbox(s.handle.db, id)
    expect(row.status).toBe('sending')
    await new Promise((r) => setTimeout(r, 1100))
    expect((await deliveries(id))[0].status).toBe('uncertain')

    const rescue = await cli(['digest', 'run', '--subscription', String(id)], { YARDSTICK_DIGEST_LEASE_SECONDS: '1' })
    expect(rescue.code).toBe(0)
    expect(rescue.stdout).toMatch(/^uncertain\tsubscription \d+\t\S+\tcrash@example.com/m)
    const messages = forSub(id)
    expect(messages).toHaveLength(2)
    expect(messages[1].messageId).toBe(messages[0].messageId)
    expect(messages[1].subject).toBe(messages[0].subject)
    const [d] = await deliveries(id)
    expect(d.status).toBe('uncertain')
    expect(d.attempts).toBe(2)
    await cli(['digest', 'run', '--subscription', String(id)])
    expect(forSub(id)).toHaveLength(2)
  })

  it('retries a 451 at once in digest run and delivers one message', async () => {
    const id = await createSub({ name: 'Greylisted', recipients: ['grey@example.com'], schedule: 'monthly' })
    smtp.replies.push(451)
    const run = await cli(['digest', 'run', '--subscription', String(id)])
    expect(run.code).toBe(0)
    expect(smtp.replies).toEqual([])
    expect(forSub(id)).toHaveLength(1)
    const [d] = await deliveries(id)
    expect(d.status).toBe('sent')
    expect(d.attempts).toBe(2)
  })

  it('retries a 451 from the scheduler only after the backoff', async () => {
    const id = await createSub({ name: 'Backoff', recipients: ['later@example.com'], schedule: 'weekly' })
    smtp.replies.push(451)
    await tick(WED_7_OCT)
    expect((await deliveries(id))[0].status).toBe('retrying')
    await tick(WED_7_OCT + 30_000)
    expect(forSub(id)).toHaveLength(0)
    await tick(WED_7_OCT + 61_000)
    expect(forSub(id)).toHaveLength(1)
    expect((await deliveries(id))[0]).toMatchObject({ status: 'sent', attempts: 2 })
  })

  it('marks a 550 failed, does not retry it, and digest run exits non-zero', async () => {
    const id = await createSub({ name: 'Bounce', recipients: ['gone@example.com'], schedule: 'monthly' })
    smtp.replies.push(550)
    const run = await cli(['digest', 'run', '--subscription', String(id)])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/^failed\tsubscription \d+\t\S+\tgone@example.com\t550/m)
    expect(forSub(id)).toHaveLength(0)
    const again = await cli(['digest', 'run', '--subscription', String(id)])
    expect(again.code).toBe(0)
    await tick(Date.now() + 7_200_000)
    expect(forSub(id)).toHaveLength(0)
    expect(await deliveries(id)).toMatchObject([{ status: 'failed', attempts: 1 }])
  })

  it('after downtime sends only the latest missed period, once', async () => {
    const id = await createSub({ name: 'Catch-up', recipients: ['cfo@example.com'], schedule: 'weekly' })
    await tick(WED_7_OCT)
    expect(forSub(id).map((m) => m.headers.get('x-yardstick-period'))).toEqual(['2026-W40'])
    // Down for three weeks: W41 and W42 were missed; only W43 is sent, however many ticks follow.
    await tick(WED_7_OCT + 21 * 86_400_000)
    await tick(WED_7_OCT + 21 * 86_400_000 + 60_000)
    expect(forSub(id).map((m) => m.headers.get('x-yardstick-period'))).toEqual(['2026-W40', '2026-W43'])
  })

  it('sends the period in progress as an extra message with digest run --now', async () => {
    const id = await createSub({ name: 'Now', recipients: ['now@example.com'], schedule: 'daily' })
    expect((await cli(['digest', 'run', '--subscription', String(id)])).code).toBe(0)
    const run = await cli(['digest', 'run', '--now', '--subscription', String(id)])
    expect(run.code).toBe(0)
    const periods = forSub(id).map((m) => m.headers.get('x-yardstick-period')!)
    expect(periods).toHaveLength(2)
    expect(periods[0]).toBe(lastCompletedPeriod(Date.now(), 'daily', 'UTC').key)
    expect(periods[1]).toMatch(/^now:/)
    expect(forSub(id)[1].subject).toMatch(/today so far/)
  })

  it('covers Monday 00:00 to Monday 00:00 in Pacific/Tongatapu (+13:00) for a weekly subscriber there', async () => {
    const id = await createSub({ name: 'Tonga', recipients: ['tonga@example.com'], schedule: 'weekly', timezone: 'Pacific/Tongatapu' })
    await tick(WED_7_OCT)
    const [row] = await listOutbox(s.handle.db, id)
    expect(row.period_from).toBe(Date.parse('2026-09-28T00:00:00+13:00'))
    expect(row.period_to).toBe(Date.parse('2026-10-05T00:00:00+13:00'))
    expect(row.period_key).toBe('2026-W40')
    const [m] = forSub(id)
    expect(m.text).toMatch(/Period: Mon, 28 Sept? 2026, 00:00 – Mon, 5 Oct 2026, 00:00 \(Pacific\/Tongatapu\)/)
    expect(m.subject).toMatch(/^AI outcomes, week of 28 Sept?: /)
  })
})

describe('digest content', () => {
  const FROM = Date.parse('2026-09-28T00:00:00Z')
  const TO = Date.parse('2026-10-05T00:00:00Z')
  let id: number
  let message: ReceivedMessage

  beforeAll(async () => {
    const ingest = await s.key('ingest')
    const at = (h: number) => new Date(FROM + h * 3_600_000).toISOString()
    const events = [
      { initiative: 'invoices', metric: 'time_saved', value: 30, occurredAt: at(10) },
      { initiative: 'invoices', metric: 'time_saved', value: 45, occurredAt: at(30) },
      { initiative: 'invoices', metric: 'time_saved', value: 90, occurredAt: at(100) },
      { initiative: 'invoices', metric: 'error_rate', errors: 2, total: 50, occurredAt: at(12) },
      { initiative: 'invoices', metric: 'revenue_influenced', value: 1234.56, occurredAt: at(50) },
      { initiative: 'invoices', metric: 'decision_latency', value: 30, occurredAt: at(5) },
      { initiative: 'invoices', metric: 'decision_latency', value: 60, occurredAt: at(6) },
      { initiative: 'invoices', metric: 'decision_latency', value: 90, occurredAt: at(7) },
      { initiative: 'support', metric: 'time_saved', value: 120, occurredAt: at(20) },
      // Outside the period: must not count.
      { initiative: 'invoices', metric: 'time_saved', value: 600, occurredAt: new Date(TO + 3_600_000).toISOString() },
    ]
    const res = await s.fetch('/api/v1/events', { method: 'POST', token: ingest, json: { events } })
    expect(res.status).toBe(202)
    id = await createSub({ name: 'Exec <b>weekly</b>', recipients: ['cfo@example.com', 'ceo@example.com'], schedule: 'weekly', initiatives: ['invoices', 'support'] })
    await tick(WED_7_OCT)
    message = forSub(id).find((m) => m.recipients[0] === 'cfo@example.com')!
  })

  function section(text: string, slug: string): string {
    const start = text.indexOf(`[${slug}]`)
    expect(start).toBeGreaterThan(0)
    const end = text.indexOf('\n\n', start)
    return text.slice(start, end < 0 ? undefined : end)
  }
  const usd = (n: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(n)
  const line = (sec: string, label: string) => sec.split('\n').find((l) => l.trim().startsWith(label)) ?? ''

  it('has a text and an HTML part, a period subject, a Message-ID from (subscription, period, recipient) and a one-click unsubscribe header', () => {
    expect(message.parts).toEqual(expect.arrayContaining(['text/plain', 'text/html', 'image/png']))
    expect(message.subject).toMatch(/^AI outcomes, week of 28 Sept?: \$[\d.,]+k? delivered/)
    expect(message.messageId).toBe(messageIdFor(id, '2026-W40', 'cfo@example.com'))
    expect(message.headers.get('list-unsubscribe')).toMatch(/^<https:\/\/ys\.example\.com\/unsubscribe\?token=/)
    expect(message.html).toContain('cid:value-chart.')
    expect(message.html).not.toMatch(/<script/i)
    // User-provided strings are escaped.
    expect(message.html).toContain('Invoice &lt;processing&gt; &amp; co')
    expect(message.html).toContain('Exec &lt;b&gt;weekly&lt;/b&gt;')
    expect(message.html).not.toContain('<b>weekly</b>')
    expect(message.html).toContain('https://ys.example.com/?range=custom&amp;from=2026-09-28&amp;to=2026-10-04')
  })

  it('shows the events of the period, computed independently: 2.75 h, 4.00%, $1,234.56', () => {
    const inv = section(message.text!, 'invoices')
    expect(line(inv, 'Time saved')).toMatch(/\s2\.75 h\s/)
    expect(line(inv, 'Error rate')).toMatch(/\s4\.00%\s/)
    expect(line(inv, 'Revenue influenced')).toContain('$1,234.56')
    // 2.75 h × $80 + $1,234.56 + (0.1 × 50 − 2) × $20 = $1,514.56
    expect(line(inv, 'Value delivered')).toContain('$1,514.56')
    expect(line(section(message.text!, 'support'), 'Time saved')).toMatch(/\s2\.00 h\s/)
  })

  it('shows the same numbers as GET /api/v1/summary for the period', async () => {
    const res = await s.fetch(`/api/v1/summary?from=${encodeURIComponent(new Date(FROM).toISOString())}&to=${encodeURIComponent(new Date(TO).toISOString())}`, { token: reader })
    expect(res.status).toBe(200)
    const summary = (await res.json()) as { initiatives: Array<Record<string, number | null | string>>; portfolio: Record<string, number> }
    expect(summary.initiatives.map((i) => i.slug).sort()).toEqual(['invoices', 'support'])
    for (const i of summary.initiatives) {
      const sec = section(message.text!, String(i.slug))
      expect(line(sec, 'Time saved')).toContain(`${(i.timeSavedHours as number).toFixed(2)} h`)
      expect(line(sec, 'Error rate')).toContain(i.errorRate === null ? 'no data' : `${((i.errorRate as number) * 100).toFixed(2)}%`)
      expect(line(sec, 'Revenue influenced')).toContain(usd(i.revenueInfluenced as number))
      expect(line(sec, 'Decision latency')).toContain(i.decisionLatencyP50 === null ? 'no data' : `${(i.decisionLatencyP50 as number).toFixed(1)} s`)
      expect(line(sec, 'Value delivered')).toContain(usd(i.valueTotal as number))
      expect(line(sec, 'Return per $1')).toContain(i.returnPerDollar === null ? 'n/a' : usd(i.returnPerDollar as number))
    }
    const text = message.text!
    expect(line(text, 'Value delivered')).toContain(usd(summary.portfolio.valueTotal))
    expect(line(text, 'Cost to date')).toContain(usd(summary.portfolio.costToDate))
    expect(summary.portfolio.valueTotal).toBeCloseTo(1514.56 + 2 * 50, 2)
  })

  it('unsubscribes one recipient by the one-click POST only (RFC 8058), audited, and refuses a forged token', async () => {
    const url = /Unsubscribe: (\S+)/.exec(message.text!)![1]
    const local = url.replace('https://ys.example.com', '')
    const recipients = async () => ((await (await s.fetch(`/api/v1/subscriptions/${id}`, { token: reader })).json()) as { recipients: string[] }).recipients
    // A mail link scanner's HEAD and GET change nothing; the GET page asks for confirmation.
    expect((await s.fetch(local, { method: 'HEAD' })).status).toBe(200)
    const confirm = await s.fetch(local)
    expect(confirm.status).toBe(200)
    const page = await confirm.text()
    expect(page).toContain('<form method="post"')
    expect(page).toContain('cfo@example.com will receive no more emails')
    expect(await recipients()).toContain('cfo@example.com')
    const res = await s.fetch(local, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('cfo@example.com will receive no more emails')
    const sub = (await (await s.fetch(`/api/v1/subscriptions/${id}`, { token: reader })).json()) as { recipients: string[] }
    expect(sub.recipients).toEqual(['ceo@example.com'])
    const audit = await findAudit(s.handle.db, { entity: 'subscription', entityId: String(id) })
    expect(audit[0]).toMatchObject({ action: 'unsubscribe', actor: 'cfo@example.com' })
    const forged = local.replace(/token=(\d+)\.([^.]+)\./, (_m, n, r) => `token=${n}.${Buffer.from('ceo@example.com').toString('base64url')}.`)
    expect(forged).not.toBe(local)
    expect((await s.fetch(forged, { method: 'POST' })).status).toBe(400)
    expect((await s.fetch(forged)).status).toBe(400)
    expect(((await (await s.fetch(`/api/v1/subscriptions/${id}`, { token: reader })).json()) as { recipients: string[] }).recipients).toEqual(['ceo@example.com'])
  })
})

describe('subscription input', () => {
  it.each([
    [{ name: 'Weekly\r\nBcc: x@evil.com', recipients: ['a@example.com'], schedule: 'weekly' }, 'name'],
    [{ name: 'Weekly', recipients: ['a@example.com\r\nBcc: x@evil.com'], schedule: 'weekly' }, 'recipients'],
    [{ name: 'Weekly', recipients: ['not-an-address'], schedule: 'weekly' }, 'recipients'],
    [{ name: 'Weekly', recipients: ['a@example.com'], schedule: 'hourly' }, 'schedule'],
    [{ name: 'Weekly', recipients: ['a@example.com'], schedule: '0 0 8 * * 1' }, 'schedule'],
    [{ name: 'Weekly', recipients: ['a@example.com'], schedule: 'weekly', timezone: 'Mars/Olympus' }, 'timezone'],
    [{ name: 'Weekly', recipients: ['a@example.com'], schedule: 'weekly', initiatives: ['nope'] }, 'initiatives'],
  ])('refuses %j with 422 naming %s', async (body, field) => {
    const res = await s.fetch('/api/v1/subscriptions', { method: 'POST', token: admin, json: body })
    expect(res.status).toBe(422)
    const err = (await res.json()) as { error: { details: Array<{ field: string; message: string }> } }
    expect(err.error.details.map((d) => d.field)).toContain(field)
  })

  it('refuses a read key, audits create, update and delete, and refuses CR/LF on the CLI', async () => {
    expect((await s.fetch('/api/v1/subscriptions', { method: 'POST', token: reader, json: { name: 'x', recipients: ['a@example.com'], schedule: 'daily' } })).status).toBe(403)
    const id = await createSub({ name: 'Audited', recipients: ['a@example.com'], schedule: '0 8 * * 1' })
    const patched = await s.fetch(`/api/v1/subscriptions/${id}`, { method: 'PATCH', token: admin, json: { schedule: 'monthly' } })
    expect(patched.status).toBe(200)
    expect(((await patched.json()) as { schedule: string }).schedule).toBe('monthly')
    expect((await s.fetch(`/api/v1/subscriptions/${id}`, { method: 'DELETE', token: admin })).status).toBe(204)
    expect((await s.fetch(`/api/v1/subscriptions/${id}`, { token: reader })).status).toBe(404)
    const audit = await findAudit(s.handle.db, { entity: 'subscription', entityId: String(id) })
    expect(audit.map((a) => a.action)).toEqual(['delete', 'update', 'create'])
    const bad = await cli(['subscriptions', 'create', '--name', 'x', '--recipients', 'a@example.com\nBcc: b@example.com', '--schedule', 'weekly'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('--recipients: "a@example.com\\nBcc: b@example.com" contains a line break')
    const ok = await cli(['subscriptions', 'create', '--name', 'CLI', '--recipients', 'a@example.com,b@example.com', '--schedule', 'weekly', '--initiatives', 'invoices', '--timezone', 'Asia/Kolkata'])
    expect(ok.code).toBe(0)
    const newId = Number(ok.stdout.trim().split('\n').pop())
    expect(((await (await s.fetch(`/api/v1/subscriptions/${newId}`, { token: reader })).json()) as { timezone: string }).timezone).toBe('Asia/Kolkata')
  })
})
