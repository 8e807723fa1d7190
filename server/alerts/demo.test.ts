/**
 * The demo portfolio fires alerts an executive can act on: a trajectory alert (hours saved heading
 * below target this month, by how much and since when) and readiness alerts (at risk, ready to scale).
 * The projected hours are worked out here again from the daily series, by the method in docs/ALERTS.md.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findNotifications } from '../../db/queries/alerts.js'
import { loadDemo } from '../demo/load.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'
import { alertEmail, slackBody } from './messages.js'
import { runAlerts } from './run.js'

const DAY = 86_400_000
let s: TestServer
let admin: string

beforeAll(async () => {
  s = await startTestServer()
  await loadDemo(s.handle.db, { timezone: s.config.timezone, days: 365 })
  admin = await s.key('admin')
}, 120_000)
afterAll(() => s?.close())

describe('alerts on the demo data', () => {
  it('fires a trajectory alert and readiness alerts that say what is wrong in plain words', async () => {
    for (const json of [
      { name: 'Hours saved off course', initiative: null, kind: 'trajectory', params: { metric: 'time_saved' }, emails: ['cfo@example.com'] },
      { name: 'Readiness changes', initiative: null, kind: 'readiness', emails: ['cfo@example.com'] },
    ]) expect((await s.fetch('/api/v1/alert-rules', { method: 'POST', token: admin, json })).status).toBe(201)
    const now = Date.now()
    const r = await runAlerts({ db: s.handle.db, config: { ...s.config, outboxDir: s.dir + '/outbox' }, clock: () => now }, { immediateRetries: 0 })
    const changes = r.evaluated!.changes
    const routing = changes.find((c) => c.rule === 'Hours saved off course' && c.initiative === 'customer-query-routing')
    expect(routing, JSON.stringify(changes, null, 1)).toBeDefined()
    const m = /^Customer query routing is heading for ([\d,]+) hours saved in \w+, ([\d,]+) hours \((\d+)%\) short of its 600-hour target: ([\d,]+) hours so far, .* Projected to miss since \d+ \w+\.$/.exec(routing!.message)
    expect(m, routing!.message).not.toBeNull()

    // The projection again, from GET /series (UTC days): month so far + each remaining day's share ×
    // the mean of that weekday over the 84 full days before today.
    const today = Math.floor(now / DAY) * DAY
    const d = new Date(now)
    const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
    const monthEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
    const from = today - 84 * DAY
    const res = await s.fetch(`/api/v1/initiatives/customer-query-routing/series?metric=time_saved&granularity=day&from=${new Date(Math.min(from, monthStart)).toISOString()}&to=${new Date(now).toISOString()}`, { token: admin })
    const points = ((await res.json()) as { points: Array<{ start: string; value: number }> }).points
    const byDay = new Map(points.map((p) => [Date.parse(p.start), p.value]))
    const weekday = (t: number) => (new Date(t).getUTCDay() + 6) % 7
    const sums = Array(7).fill(0)
    const counts = Array(7).fill(0)
    for (let t = from; t < today; t += DAY) {
      sums[weekday(t)] += byDay.get(t) ?? 0
      counts[weekday(t)]++
    }
    let mtd = 0
    for (let t = monthStart; t <= today; t += DAY) mtd += byDay.get(t) ?? 0
    let rest = ((today + DAY - now) / DAY) * (sums[weekday(today)] / counts[weekday(today)])
    for (let t = today + DAY; t < monthEnd; t += DAY) rest += sums[weekday(t)] / counts[weekday(t)]
    const projected = mtd + rest
    expect(Number(m![1].replace(/,/g, ''))).toBe(Math.round(projected))
    expect(Number(m![2].replace(/,/g, ''))).toBe(Math.round(600 - projected))
    expect(Number(m![4].replace(/,/g, ''))).toBe(Math.round(mtd))

    const readiness = changes.filter((c) => c.rule === 'Readiness changes')
    expect(readiness.find((c) => c.initiative === 'document-classification')?.message).toMatch(/^Document classification is at risk: return well below 1 in pilot/)
    expect(readiness.find((c) => c.initiative === 'invoice-processing')?.message).toMatch(/^Invoice processing is ready to scale/)
    process.stderr.write(`demo alerts:\n${changes.map((c) => `  ${c.rule} / ${c.initiative}: ${c.message}`).join('\n')}\n`)

    // Good news looks like good news: the rule's page, the email and a Slack body say "Ready to scale"
    // in the positive tone, bad news stays a warning; the tone comes from the stored message.
    const rules = ((await (await s.fetch('/api/v1/alert-rules', { token: admin })).json()) as { alertRules: Array<{ name: string; states: Array<{ initiative: string; state: string; tone: string; headline: string }>; deliveries: Array<{ tone: string; headline: string; type: string }> }> }).alertRules
    const states = rules.find((x) => x.name === 'Readiness changes')!.states
    expect(states.find((x) => x.initiative === 'invoice-processing')).toMatchObject({ state: 'firing', tone: 'good', headline: 'Ready to scale' })
    expect(states.find((x) => x.initiative === 'document-classification')).toMatchObject({ state: 'firing', tone: 'warn', headline: 'At risk' })
    expect(rules.find((x) => x.name === 'Hours saved off course')!.states.find((x) => x.initiative === 'customer-query-routing')).toMatchObject({ tone: 'warn', headline: 'Firing' })
    const mails = fs.readdirSync(s.dir + '/outbox').map((f) => fs.readFileSync(path.join(s.dir, 'outbox', f), 'utf8'))
    const digest = mails.find((x) => /Subject: Readiness changes: \d+ alerts/.test(x))!
    expect(digest, mails.map((x) => /^Subject: .*$/m.exec(x)?.[0]).join('\n')).toMatch(/Subject: Readiness changes: \d+ alerts \(\d+ at risk, 1 ready to scale\)/)
    expect(digest).toContain('READY TO SCALE: Invoice processing is ready to scale')
    const note = (await findNotifications(s.handle.db, [...Array(40).keys()].map((k) => k + 1))).find((n) => n.message.startsWith('Invoice processing is ready to scale'))!
    expect(note).toMatchObject({ type: 'alert.firing', tone: 'good', headline: 'Ready to scale' })
    const slack = JSON.parse(slackBody({ name: 'Readiness changes' }, [{ ...note, initiative: { slug: 'invoice-processing', name: 'Invoice processing' } }], note.eventId, 'https://ys.example.com/alerts')).text as string
    expect(slack).toMatch(/^:white_check_mark: \*Ready to scale\*: Invoice processing is ready to scale/)
    expect(alertEmail({ id: 1, name: 'Readiness changes' }, [{ ...note, initiative: { slug: 'invoice-processing', name: 'Invoice processing' } }], 'https://ys.example.com/alerts').subject).toBe('Ready to scale: Readiness changes, Invoice processing')

    // A second run announces nothing new.
    const again = await runAlerts({ db: s.handle.db, config: { ...s.config, outboxDir: s.dir + '/outbox' }, clock: () => now + 60_000 }, { immediateRetries: 0 })
    expect(again.evaluated!.changes).toEqual([])
    expect(again.outcomes).toEqual([])
  }, 120_000)
})
