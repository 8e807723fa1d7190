import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findAudit } from '../../db/queries/audit.js'
import { makeUser, sessionCookie } from '../auth/test-helpers.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'

const NOW = Date.parse('2026-11-25T12:00:00Z')
const MONTHS = ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']

let s: TestServer
let editor: string
let admin: string
let viewer: string
let ingest: string

type Json = Record<string, any>

async function call(method: string, path: string, who: string, json?: unknown): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { origin: s.url }
  if (!who.includes('=')) headers.authorization = `Bearer ${who}`
  else headers.cookie = who
  const res = await s.fetch(path, { method, headers, json })
  return { status: res.status, body: (await res.json()) as Json }
}

/** Per month: 60 time_saved events of 2 h on days 1–20, and 10 error_rate events of 1 error in 100 on days 1–10. */
function monthEvents(slug: string, month: string, errors: number) {
  const events: Json[] = []
  for (let d = 1; d <= 20; d++) {
    for (let k = 0; k < 3; k++) events.push({ initiative: slug, metric: 'time_saved', occurredAt: `${month}-${String(d).padStart(2, '0')}T0${k + 1}:00:00Z`, value: 2, unit: 'hours' })
    if (d <= 10) events.push({ initiative: slug, metric: 'error_rate', occurredAt: `${month}-${String(d).padStart(2, '0')}T09:00:00Z`, errors, total: 100 })
  }
  return events
}

async function ingestMonths(slug: string, errors: number) {
  const events = MONTHS.flatMap((m) => monthEvents(slug, m, errors))
  const res = await s.fetch('/api/v1/events', { method: 'POST', token: ingest, json: { events } })
  expect(res.status).toBe(202)
}

const goals = { hourlyValue: 100, upfrontCost: 1000, monthlyCost: 1000, costPerError: 10, startedAt: '2026-05-01', baselines: { errorRate: 0.1, decisionLatencySeconds: 600 } }

beforeAll(async () => {
  s = await startTestServer({ clock: () => NOW })
  await s.initiative({ slug: 'ready-one', name: 'Invoices', owner: 'maria@example.com', ...goals, targets: { timeSavedHoursPerMonth: 100, errorRate: 0.05 } })
  await s.initiative({ slug: 'not-yet-one', name: 'Routing', ...goals })
  await s.initiative({ slug: 'at-risk-one', name: 'Claims', owner: 'tom@example.com', stage: 'production', ...goals, targets: { errorRate: 0.02 } })
  ingest = await s.key('ingest')
  editor = await sessionCookie(s.handle.db, await makeUser(s.handle.db, 'ed@example.com', 'editor', 'editor-password-1'), NOW)
  admin = await sessionCookie(s.handle.db, await makeUser(s.handle.db, 'boss@example.com', 'admin', 'admin-password-1'), NOW)
  viewer = await sessionCookie(s.handle.db, await makeUser(s.handle.db, 'view@example.com', 'viewer', 'viewer-password-1'), NOW)
  await ingestMonths('ready-one', 1)
  await ingestMonths('at-risk-one', 5)
})
afterAll(() => s?.close())

describe('use-case fit and attestations', () => {
  it('says what is missing, then is ready once fit and a bias review are recorded, naming who attested', async () => {
    const before = await call('GET', '/api/v1/initiatives/ready-one/readiness', viewer)
    expect(before.status).toBe(200)
    expect(before.body.verdict).toBe('not_yet')
    expect(before.body.permissions).toEqual({ attest: false, recordFit: false, override: false })
    expect((await call('GET', '/api/v1/initiatives/ready-one/readiness', editor)).body.permissions).toEqual({ attest: true, recordFit: true, override: false })
    expect((await call('GET', '/api/v1/initiatives/ready-one/readiness', admin)).body.permissions).toEqual({ attest: true, recordFit: true, override: true })
    expect(before.body.missing.map((m: Json) => m.message)).toEqual(['no use-case fit recorded: record repetitiveness, clarity and stakeholder engagement', 'no bias review recorded'])

    const fit = await call('PUT', '/api/v1/initiatives/ready-one/fit', editor, { category: 'invoice_processing', repetitiveness: 4, clarity: 3, engagement: 3, note: 'AP team asked for it' })
    expect(fit.status).toBe(200)
    expect(fit.body.fit).toMatchObject({ recorded: true, category: 'invoice_processing', categoryLabel: 'Invoice processing', recordedBy: 'ed@example.com', repetitiveness: { level: 4, description: 'The same steps every time' } })
    // 70 events a month: 60 time_saved + 10 error_rate, measured in the last full month.
    expect(fit.body.fit.volume).toEqual({ eventsPerMonth: 70, basis: 'last_full_month', month: '2026-10', level: 2, description: '50–499 events a month: enough to measure' })

    const att = await call('POST', '/api/v1/initiatives/ready-one/attestations', editor, { item: 'bias_review', note: 'no disparity across supplier regions', date: '2026-11-02', reviewer: 'Ethics board' })
    expect(att.status).toBe(201)
    expect(att.body.attestation).toMatchObject({ item: 'bias_review', attestedBy: 'ed@example.com', reviewer: 'Ethics board', date: '2026-11-02' })
    expect(att.body.verdict).toBe('ready')

    const r = await call('GET', '/api/v1/initiatives/ready-one/readiness', viewer)
    expect(r.body.verdict).toBe('ready')
    expect(r.body.missing).toEqual([])
    expect(r.body.met).toContainEqual(expect.objectContaining({ item: 'bias_review', message: 'bias review by Ethics board on 2 Nov 2026', attestedBy: 'ed@example.com', attestedAt: '2026-11-02' }))
    expect(r.body.checklist.find((c: Json) => c.item === 'accuracy_monitored')).toMatchObject({ met: true, how: 'computed', message: 'error rate reported in the last 30 days (10 events)' })

    const audit = await findAudit(s.handle.db, { entity: 'initiative', entityId: 'ready-one' })
    expect(audit.filter((a) => a.action === 'attest')).toEqual([expect.objectContaining({ actor: 'ed@example.com', after: expect.objectContaining({ item: 'bias_review', note: 'no disparity across supplier regions' }) })])
    expect(audit.filter((a) => a.action === 'record_fit')).toEqual([expect.objectContaining({ actor: 'ed@example.com', before: null, after: { fit: expect.objectContaining({ category: 'invoice_processing', repetitiveness: 4 }) } })])
  })

  it('computes evidence from the same monthly figures as the summary', async () => {
    const r = (await call('GET', '/api/v1/initiatives/ready-one/readiness', viewer)).body
    // Each month: 120 h × $100 + (0.1 × 1000 − 10) errors avoided × $10 = $12,900; cost $1,000 upfront +
    // $1,000 a month for May–October, and 24.5 of November's 30 days by NOW (25 Nov, noon).
    const value = 7 * (120 * 100 + (0.1 * 1000 - 10) * 10)
    const cost = Math.round((1000 + 6 * 1000 + 1000 * (24.5 / 30)) * 100) / 100
    expect(r.evidence.valueToDate).toBe(value)
    expect(r.evidence.costToDate).toBe(cost)
    expect(r.evidence.returnToDate).toBe(Math.round((value / cost) * 1e6) / 1e6)
    expect(r.evidence.returnTrend).toMatchObject({ recentValue: 3 * 12_900, previousValue: 3 * 12_900, direction: 'flat' })
    expect(r.evidence.monthsCounted).toEqual(['2026-08', '2026-09', '2026-10'])
    const summary = (await call('GET', `/api/v1/summary?from=${encodeURIComponent('2026-05-01T00:00:00Z')}&to=${encodeURIComponent(new Date(NOW).toISOString())}&initiatives=ready-one`, viewer)).body
    expect(summary.initiatives[0].valueTotal).toBe(r.evidence.valueToDate)
    expect(summary.initiatives[0].valueToDate).toBe(r.evidence.valueToDate)
    expect(summary.initiatives[0].cost).toBe(r.evidence.costToDate)
    expect(summary.initiatives[0].costToDate).toBe(r.evidence.costToDate)
    expect(summary.initiatives[0].returnToDate).toBe(r.evidence.returnToDate)
    expect(summary.initiatives[0].paybackMonth).toEqual(r.evidence.payback)
    expect(r.benchmarks.map((b: Json) => [b.id, b.source, b.applies])).toEqual([
      ['return_per_dollar', 'Seed: early adopters return $1.41 per $1', true],
      ['payback_years', 'Seed: typical payback 2–4 years', true],
      ['pilot_six_months', 'Seed: 82% of CFOs who began with a small pilot scaled within six months', true],
    ])
  })

  it('lists every initiative with its verdict for the portfolio', async () => {
    const r = await call('GET', '/api/v1/readiness', viewer)
    expect(r.status).toBe(200)
    expect(Object.fromEntries(r.body.initiatives.map((i: Json) => [i.slug, i.verdict]))).toEqual({ 'ready-one': 'ready', 'not-yet-one': 'not_yet', 'at-risk-one': 'at_risk' })
    expect(r.body.counts).toEqual({ ready: 1, not_yet: 1, at_risk: 1 })
    const risk = r.body.initiatives.find((i: Json) => i.slug === 'at-risk-one')
    expect(risk.risks).toContainEqual(expect.objectContaining({ item: 'targets.errorRate', message: 'error rate above target in 3 of the last 3 months while in production' }))
    const notYet = r.body.initiatives.find((i: Json) => i.slug === 'not-yet-one')
    expect(notYet.missing.map((m: Json) => m.message)).toEqual(expect.arrayContaining(['no owner', 'no bias review recorded', 'no events in the last 30 days: connect it so its outcomes are measured', 'no targets set: set a target for at least one outcome']))
  })

  it('refuses bad fit and attestation bodies, saying what to fix, and viewers', async () => {
    const volume = await call('PUT', '/api/v1/initiatives/ready-one/fit', editor, { category: 'other', repetitiveness: 3, clarity: 3, engagement: 3, volume: 4 })
    expect(volume.status).toBe(422)
    expect(volume.body.error.details[0].message).toContain('volume is measured from the events')
    const five = await call('PUT', '/api/v1/initiatives/ready-one/fit', editor, { category: 'payroll', repetitiveness: 5, clarity: 3, engagement: 3 })
    expect(five.status).toBe(422)
    expect(five.body.error.details.map((d: Json) => d.field)).toEqual(['category', 'repetitiveness'])
    expect((await call('PUT', '/api/v1/initiatives/ready-one/fit', viewer, { category: 'other', repetitiveness: 3, clarity: 3, engagement: 3 })).status).toBe(403)
    const owner = await call('POST', '/api/v1/initiatives/ready-one/attestations', editor, { item: 'owner', note: 'x' })
    expect(owner.status).toBe(422)
    expect(owner.body.error.details[0].message).toContain('set them with PATCH')
    const future = await call('POST', '/api/v1/initiatives/ready-one/attestations', editor, { item: 'bias_review', note: 'x', date: '2026-12-01' })
    expect(future.status).toBe(422)
    expect(future.body.error.details[0].message).toBe('date must not be in the future: attest what has happened')
    expect((await call('POST', '/api/v1/initiatives/ready-one/attestations', viewer, { item: 'bias_review', note: 'x' })).status).toBe(403)
    expect((await call('GET', '/api/v1/initiatives/nope/readiness', viewer)).status).toBe(404)
    expect((await call('GET', '/api/v1/readiness?months=0', viewer)).status).toBe(400)
    const scoped = await s.key('read', ['at-risk-one'])
    expect((await call('GET', '/api/v1/initiatives/ready-one/readiness', scoped)).status).toBe(404)
    expect((await call('GET', '/api/v1/readiness', scoped)).body.initiatives.map((i: Json) => i.slug)).toEqual(['at-risk-one'])
  })

  it('takes N consecutive months from the query', async () => {
    // ready-one has 6 full months on target; asking for 7 leaves it short.
    const r = (await call('GET', '/api/v1/initiatives/ready-one/readiness?months=7', viewer)).body
    expect(r.verdict).toBe('not_yet')
    expect(r.missing).toEqual([expect.objectContaining({ item: 'targets', message: 'only 6 full months of data: 7 consecutive months on target are needed' })])
  })
})

describe('the production gate', () => {
  it('lets a ready initiative move to production without an override', async () => {
    const res = await call('PATCH', '/api/v1/initiatives/ready-one', editor, { stage: 'production' })
    expect(res.status).toBe(200)
    expect(res.body.stage).toBe('production')
    const audit = await findAudit(s.handle.db, { entity: 'initiative', entityId: 'ready-one' })
    expect(audit.map((a) => a.action)).not.toContain('stage_override')
  })

  it('refuses a move when not ready, listing what is missing; only an admin with a reason may override, and it is audited', async () => {
    const refused = await call('PATCH', '/api/v1/initiatives/not-yet-one', admin, { stage: 'production' })
    expect(refused.status).toBe(422)
    expect(refused.body.error.code).toBe('not_ready')
    expect(refused.body.error.message).toMatch(/^cannot move "not-yet-one" to production: it is not ready to scale \(not yet\): no use-case fit recorded/)
    expect(refused.body.error.details).toContainEqual({ field: 'owner', message: 'no owner' })
    expect(refused.body.error.details).toContainEqual({ field: 'bias_review', message: 'no bias review recorded' })

    const byEditor = await call('PATCH', '/api/v1/initiatives/not-yet-one', editor, { stage: 'production', owner: 'ana@example.com', override: { reason: 'board said so' } })
    expect(byEditor.status).toBe(403)
    const noReason = await call('PATCH', '/api/v1/initiatives/not-yet-one', admin, { stage: 'production', owner: 'ana@example.com', override: {} })
    expect(noReason.status).toBe(422)
    expect(noReason.body.error.details).toEqual([{ field: 'override.reason', message: 'override.reason is required: say why it moves to production although it is not ready' }])
    const noOwner = await call('PATCH', '/api/v1/initiatives/not-yet-one', admin, { stage: 'production', override: { reason: 'board said so' } })
    expect(noOwner.status).toBe(422)
    expect(noOwner.body.error.message).toBe('cannot move "not-yet-one" to production: it needs an owner; nothing was changed (an override cannot stand in for an owner)')
    const stillPilot = await call('GET', '/api/v1/initiatives/not-yet-one', viewer)
    expect(stillPilot.body.stage).toBe('pilot')

    const ok = await call('PATCH', '/api/v1/initiatives/not-yet-one', admin, { stage: 'production', owner: 'ana@example.com', override: { reason: 'regulator deadline on 1 Dec' } })
    expect(ok.status).toBe(200)
    expect(ok.body.stage).toBe('production')
    expect(ok.body.stageHistory.at(-1)).toMatchObject({ from: 'pilot', to: 'production', actor: 'boss@example.com', reason: 'override: regulator deadline on 1 Dec' })
    const audit = await findAudit(s.handle.db, { entity: 'initiative', entityId: 'not-yet-one' })
    const overrides = audit.filter((a) => a.action === 'stage_override')
    expect(overrides).toHaveLength(1)
    expect(overrides[0]).toMatchObject({ actor: 'boss@example.com', before: { stage: 'pilot', verdict: 'not_yet' }, after: { stage: 'production', verdict: 'not_yet', reason: 'regulator deadline on 1 Dec' } })
    expect((overrides[0].before as Json).missing).toContainEqual({ item: 'bias_review', message: 'no bias review recorded' })
    expect(audit.map((a) => a.action)).toContain('stage_change')
  })

  it('accepts the override from an admin key too, and refuses an override without a move to production', async () => {
    const key = await s.key('admin')
    const stray = await call('PATCH', '/api/v1/initiatives/at-risk-one', key, { name: 'Claims triage', override: { reason: 'x' } })
    expect(stray.status).toBe(422)
    expect(stray.body.error.details[0].field).toBe('override')
    await s.initiative({ slug: 'keyed', name: 'Keyed', owner: 'k@example.com' })
    const refused = await call('PATCH', '/api/v1/initiatives/keyed', key, { stage: 'production' })
    expect(refused.status).toBe(422)
    const ok = await call('PATCH', '/api/v1/initiatives/keyed', key, { stage: 'production', override: { reason: 'lab test' } })
    expect(ok.status).toBe(200)
    const audit = await findAudit(s.handle.db, { entity: 'initiative', entityId: 'keyed' })
    expect(audit.find((a) => a.action === 'stage_override')).toMatchObject({ actor: 'test admin' })
  })
})
