/**
 * Payback rules read the projected payback month from the summary (never computed here) and fire when
 * it has moved N months later than the month the rule first saw; they resolve when it comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeTransaction } from '../../db/connection.js'
import { findAlertStates } from '../../db/queries/alerts.js'
import { monthsBetween } from '../../metrics/alert-state.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'
import { runAlerts } from './run.js'

let s: TestServer
let admin: string

beforeAll(async () => {
  s = await startTestServer()
  const started = new Date(Date.now() - 200 * 86_400_000).toISOString().slice(0, 10)
  await s.initiative({ slug: 'slow', name: 'Slow payer', stage: 'production', hourlyValue: 50, upfrontCost: 20_000, monthlyCost: 100, startedAt: started })
  admin = await s.key('admin')
  const ingest = await s.key('ingest')
  // 30 hours a month at $50: $1,500 a month against $100 of cost.
  const events = Array.from({ length: 200 }, (_, k) => ({ initiative: 'slow', metric: 'time_saved', value: 1, unit: 'hours', occurredAt: new Date(Date.now() - (k + 1) * 86_400_000).toISOString() }))
  expect((await s.fetch('/api/v1/events', { method: 'POST', token: ingest, json: { events } })).status).toBe(202)
})
afterAll(() => s?.close())

describe('payback rules', () => {
  it('fires when the projected payback month is N months later than first seen, and resolves when it is back', async () => {
    const res = await s.fetch('/api/v1/alert-rules', { method: 'POST', token: admin, json: { name: 'Payback slipping', initiative: 'slow', kind: 'payback', params: { months: 2 }, emails: ['cfo@example.com'] } })
    expect(res.status).toBe(201)
    const ruleId = ((await res.json()) as { id: number }).id
    const summary = (await (await s.fetch('/api/v1/summary', { token: admin })).json()) as { initiatives: Array<{ slug: string; paybackMonth: { month: string; projected: boolean } | null }> }
    const pm = summary.initiatives.find((i) => i.slug === 'slow')!.paybackMonth!
    expect(pm.projected).toBe(true)

    const config = { ...s.config, outboxDir: s.dir + '/outbox' }
    const first = await runAlerts({ db: s.handle.db, config }, { immediateRetries: 0 })
    expect(first.evaluated!.changes).toEqual([])
    const [state] = await findAlertStates(s.handle.db, [ruleId])
    expect(state.info.reference).toBe(pm.month)

    // As if the rule had first seen a payback three months earlier than today's projection.
    const [y, m] = pm.month.split('-').map(Number)
    const earlier = new Date(Date.UTC(y, m - 1 - 3, 1)).toISOString().slice(0, 7)
    expect(monthsBetween(earlier, pm.month)).toBe(3)
    await writeTransaction(s.handle.db, (tx) => tx.updateTable('alert_states').set({ info: JSON.stringify({ reference: earlier }) }).where('rule_id', '=', ruleId).execute())
    const slipped = await runAlerts({ db: s.handle.db, config }, { immediateRetries: 0 })
    expect(slipped.evaluated!.changes.map((c) => c.change)).toEqual(['fired'])
    expect(slipped.evaluated!.changes[0].message).toMatch(/^Slow payer's projected payback has slipped 3 months, from \w+ \d{4} to \w+ \d{4}\.$/)

    // Within two months of the reference again: resolves.
    const near = new Date(Date.UTC(y, m - 1 - 1, 1)).toISOString().slice(0, 7)
    await writeTransaction(s.handle.db, (tx) => tx.updateTable('alert_states').set({ info: JSON.stringify({ reference: near }) }).where('rule_id', '=', ruleId).execute())
    const back = await runAlerts({ db: s.handle.db, config }, { immediateRetries: 0 })
    expect(back.evaluated!.changes.map((c) => c.change)).toEqual(['resolved'])
  }, 60_000)
})
