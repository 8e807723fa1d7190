import { describe, expect, it } from 'vitest'
import { assessReadiness, benchmarks, daysInPilot, evidence, fitView, volumeLevel, type Attestation, type MonthFacts, type ReadinessFacts } from './readiness.js'

const DAY = 86_400_000
const NOW = Date.parse('2026-11-25T12:00:00Z')
const START = Date.parse('2026-01-01T00:00:00Z')

function month(k: number, over: Partial<MonthFacts> = {}): MonthFacts {
  const m = `2026-${String(k).padStart(2, '0')}`
  return { month: m, partial: k === 11, events: 1000, timeSavedHours: 500, errorRate: 0.02, revenueInfluenced: 5000, decisionLatencyP50: 600, value: 20_000, cost: 3000, ...over }
}

function attestation(item: Attestation['item'], at: number, by = 'ana@example.com', id = 1): Attestation {
  return { id, item, note: `${item} note`, attestedBy: by, attestedAt: at, recordedAt: at, reviewer: null }
}

/** Ready in every respect: each row below changes one thing. */
function ready(): ReadinessFacts {
  return {
    slug: 'invoices',
    stage: 'pilot',
    owner: 'maria@example.com',
    currency: 'USD',
    upfrontCost: 20_000,
    monthlyCost: 3000,
    retiredAt: null,
    baselines: { errorRate: 0.06, decisionLatencySeconds: 3600 },
    targets: { timeSavedHoursPerMonth: 400, errorRate: 0.03, revenueInfluencedPerMonth: null, decisionLatencySeconds: null },
    startedAt: START,
    stageHistory: [{ to: 'pilot', at: START }],
    reports: ['time_saved', 'error_rate', 'revenue_influenced', 'decision_latency'],
    // The start month's cost includes the upfront cost, as metrics/money.ts counts it.
    months: Array.from({ length: 11 }, (_, k) => month(k + 1, k === 0 ? { cost: 23_000 } : {})),
    eventsLast30Days: 900,
    errorRateEventsLast30Days: 120,
    auditEntries: 2,
    attestations: [attestation('bias_review', Date.parse('2026-10-01T00:00:00Z'), 'li@example.com')],
    fit: { category: 'invoice_processing', repetitiveness: 4, clarity: 3, engagement: 3, note: '', recordedBy: 'maria@example.com', recordedAt: Date.parse('2026-09-01T00:00:00Z') },
  }
}

type Change = (f: ReadinessFacts) => void
const setMonths = (f: ReadinessFacts, ks: number[], over: Partial<MonthFacts>) => {
  for (const k of ks) Object.assign(f.months[k - 1], over)
}

describe('assessReadiness: one rule per row', () => {
  it('is ready when every rule is met, with nothing missing', () => {
    const r = assessReadiness(ready(), { now: NOW })
    expect(r.verdict).toBe('ready')
    expect(r.missing).toEqual([])
    expect(r.risks).toEqual([])
    expect(r.met.map((m) => m.item)).toEqual(['fit', 'repetitiveness', 'clarity', 'engagement', 'volume', 'integration', 'owner', 'baselines', 'accuracy_monitored', 'bias_review', 'audit_trail', 'targets.timeSaved', 'targets.errorRate', 'return_trend', 'payback'])
  })

  it.each<[string, Change, 'not_yet' | 'at_risk', string, string]>([
    ['no fit recorded', (f) => void (f.fit = null), 'not_yet', 'fit', 'no use-case fit recorded: record repetitiveness, clarity and stakeholder engagement'],
    ['low repetitiveness', (f) => void (f.fit!.repetitiveness = 2), 'not_yet', 'repetitiveness', 'low repetitiveness: 2 of 4 (some patterns, many exceptions)'],
    ['low clarity', (f) => void (f.fit!.clarity = 1), 'not_yet', 'clarity', 'low clarity of inputs and outputs: 1 of 4 (inputs and the right answer are vague)'],
    ['low engagement', (f) => void (f.fit!.engagement = 2), 'not_yet', 'engagement', 'low stakeholder engagement: 2 of 4 (a sponsor, but users are not involved)'],
    ['low volume in the last full month', (f) => setMonths(f, [10], { events: 30 }), 'not_yet', 'volume', 'low volume: 30 events in Oct 2026 (at least 50 a month are needed)'],
    ['no events in 30 days', (f) => void (f.eventsLast30Days = 0), 'not_yet', 'integration', 'no events in the last 30 days: connect it so its outcomes are measured'],
    ['no owner', (f) => void (f.owner = null), 'not_yet', 'owner', 'no owner'],
    ['a blank owner', (f) => void (f.owner = '  '), 'not_yet', 'owner', 'no owner'],
    ['no baseline error rate while reporting error rate', (f) => void (f.baselines.errorRate = null), 'not_yet', 'baselines', 'no baseline error rate, though it reports error rate'],
    ['no baseline latency while reporting latency', (f) => void (f.baselines.decisionLatencySeconds = null), 'not_yet', 'baselines', 'no baseline decision latency, though it reports decision latency'],
    ['no error-rate events in 30 days', (f) => void (f.errorRateEventsLast30Days = 0), 'not_yet', 'accuracy_monitored', 'accuracy not monitored: no error-rate events in the last 30 days'],
    ['accuracy attested 40 days ago only', (f) => void ((f.errorRateEventsLast30Days = 0), f.attestations.push(attestation('accuracy_monitored', NOW - 40 * DAY, 'qa@example.com', 2))), 'not_yet', 'accuracy_monitored', 'accuracy not monitored: no error-rate events in the last 30 days'],
    ['no bias review', (f) => void (f.attestations = []), 'not_yet', 'bias_review', 'no bias review recorded'],
    ['a bias review more than a year old', (f) => void (f.attestations = [attestation('bias_review', Date.parse('2025-10-01T00:00:00Z'))]), 'not_yet', 'bias_review', 'last bias review (1 Oct 2025) is more than a year old'],
    ['no audit entries and no attestation', (f) => void (f.auditEntries = 0), 'not_yet', 'audit_trail', 'no audit trail: no recorded changes'],
    ['no targets', (f) => void (f.targets = { timeSavedHoursPerMonth: null, errorRate: null, revenueInfluencedPerMonth: null, decisionLatencySeconds: null }), 'not_yet', 'targets', 'no targets set: set a target for at least one outcome'],
    ['error rate above target twice, in pilot', (f) => setMonths(f, [8, 10], { errorRate: 0.05 }), 'not_yet', 'targets.errorRate', 'error rate above target in 2 of the last 3 months'],
    ['error rate above target twice, in production', (f) => void ((f.stage = 'production'), setMonths(f, [8, 10], { errorRate: 0.05 })), 'at_risk', 'targets.errorRate', 'error rate above target in 2 of the last 3 months'],
    ['error rate above target twice, in scaling', (f) => void ((f.stage = 'scaling'), setMonths(f, [9, 10], { errorRate: 0.031 })), 'at_risk', 'targets.errorRate', 'error rate above target in 2 of the last 3 months'],
    ['error rate above target once, in production', (f) => void ((f.stage = 'production'), setMonths(f, [9], { errorRate: 0.05 })), 'not_yet', 'targets.errorRate', 'error rate above target in 1 of the last 3 months'],
    ['time saved below target once', (f) => setMonths(f, [10], { timeSavedHours: 399.5 }), 'not_yet', 'targets.timeSaved', 'time saved below target in 1 of the last 3 months'],
    ['no error-rate data in one month', (f) => setMonths(f, [9], { errorRate: null }), 'not_yet', 'targets.errorRate', 'no error-rate data in 1 of the last 3 months'],
    ['only two full months since the start', (f) => void (f.months = [month(9), month(10), month(11)]), 'not_yet', 'targets', 'only 2 full months of data: 3 consecutive months on target are needed'],
    ['value falling by more than 10 %, in pilot', (f) => setMonths(f, [8, 9, 10], { value: 17_000 }), 'not_yet', 'return_trend', 'return per dollar falling: $5.67 per $1 in the last 3 months vs $6.67 in the 3 before'],
    ['value falling by more than 10 %, in production', (f) => void ((f.stage = 'production'), setMonths(f, [8, 9, 10], { value: 17_000 })), 'at_risk', 'return_trend', 'return per dollar falling: $5.67 per $1 in the last 3 months vs $6.67 in the 3 before'],
    ['payback beyond four years', (f) => f.months.forEach((m, k) => void ((m.value = 3100), (m.cost = k === 0 ? 23_000 : 3000))), 'not_yet', 'payback', 'payback projected for 2042-08, 200 months after the start: later than the typical 2–4 years'],
    ['no payback, return near 1, in pilot', (f) => f.months.forEach((m) => void (m.value = 2500)), 'not_yet', 'payback', 'no payback in sight at the current rate'],
    ['no payback, return well below 1, in pilot', (f) => f.months.forEach((m) => void (m.value = 500)), 'at_risk', 'return', 'return well below 1 in pilot ($0.10 per $1 to date) with no payback in sight'],
    ['no payback, return well below 1, in pilot with only 2 months of data', (f) => void ((f.months = [month(9, { value: 500 }), month(10, { value: 500 }), month(11, { value: 500 })]), (f.fit = null)), 'not_yet', 'payback', 'no payback in sight at the current rate'],
    ['no payback, return well below 1, in pilot with no events at all', (f) => f.months.forEach((m) => void ((m.value = 0), (m.events = 0))), 'not_yet', 'payback', 'no payback in sight at the current rate'],
    ['retired', (f) => void (f.stage = 'retired'), 'not_yet', 'stage', 'retired: not a candidate for production'],
  ])('%s → %s (%s)', (_name, change, verdict, item, message) => {
    const f = ready()
    change(f)
    const r = assessReadiness(f, { now: NOW })
    expect(r.verdict).toBe(verdict)
    expect(r.missing).toContainEqual(expect.objectContaining({ item, message }))
    if (verdict === 'at_risk') expect(r.risks.map((x) => x.item)).toContain(item)
    else expect(r.risks).toEqual([])
    expect(r.met.map((m) => m.item)).not.toContain(item)
  })

  it.each<[string, Change, string, string]>([
    ['accuracy attested within 30 days', (f) => void ((f.errorRateEventsLast30Days = 0), f.attestations.push(attestation('accuracy_monitored', NOW - 10 * DAY, 'qa@example.com', 2))), 'accuracy_monitored', 'qa@example.com'],
    ['audit trail attested', (f) => void ((f.auditEntries = 0), f.attestations.push(attestation('audit_trail', NOW - 100 * DAY, 'cfo@example.com', 3))), 'audit_trail', 'cfo@example.com'],
    ['bias review attested', () => {}, 'bias_review', 'li@example.com'],
  ])('%s: ready, the item met by attestation and who attested it', (_name, change, item, by) => {
    const f = ready()
    change(f)
    const r = assessReadiness(f, { now: NOW })
    expect(r.verdict).toBe('ready')
    expect(r.met).toContainEqual(expect.objectContaining({ item, attestedBy: by }))
    expect(r.checklist.find((c) => c.item === item)).toMatchObject({ met: true, how: 'attested', attestedBy: by })
  })

  it('needs no baselines for metrics it does not report', () => {
    const f = ready()
    f.baselines = { errorRate: null, decisionLatencySeconds: null }
    f.reports = ['time_saved']
    f.targets.errorRate = null
    f.errorRateEventsLast30Days = 0
    f.attestations.push(attestation('accuracy_monitored', NOW - DAY, 'qa@example.com', 2))
    const r = assessReadiness(f, { now: NOW })
    expect(r.verdict).toBe('ready')
    expect(r.met).toContainEqual(expect.objectContaining({ item: 'baselines', message: 'no reported metric needs a baseline' }))
  })

  it('counts N consecutive months when N is configured', () => {
    const f = ready()
    setMonths(f, [6], { errorRate: 0.05 })
    expect(assessReadiness(f, { now: NOW }).verdict).toBe('ready')
    const five = assessReadiness(f, { now: NOW, consecutiveMonths: 5 })
    expect(five.verdict).toBe('not_yet')
    expect(five.missing).toContainEqual(expect.objectContaining({ item: 'targets.errorRate', message: 'error rate above target in 1 of the last 5 months' }))
    expect(five.evidence.monthsCounted).toEqual(['2026-06', '2026-07', '2026-08', '2026-09', '2026-10'])
    expect(() => assessReadiness(f, { now: NOW, consecutiveMonths: 0 })).toThrow(RangeError)
  })

  it('puts at_risk ahead of not_yet and lists every missing thing', () => {
    const f = ready()
    f.stage = 'production'
    f.owner = null
    f.attestations = []
    setMonths(f, [9, 10], { errorRate: 0.09 })
    const r = assessReadiness(f, { now: NOW })
    expect(r.verdict).toBe('at_risk')
    expect(r.missing.map((m) => m.item)).toEqual(['owner', 'bias_review', 'targets.errorRate'])
  })

  it('flags a pilot longer than six months without changing the verdict', () => {
    const r = assessReadiness(ready(), { now: NOW })
    expect(r.flags).toEqual([expect.objectContaining({ item: 'pilot_duration', message: expect.stringContaining('in pilot for 328 days: longer in pilot than six months') })])
    expect(r.evidence.longerInPilotThanSixMonths).toBe(true)
    const f = ready()
    f.stageHistory.push({ to: 'production', at: Date.parse('2026-04-01T00:00:00Z') })
    f.stage = 'production'
    const p = assessReadiness(f, { now: NOW })
    expect(p.flags).toEqual([])
    expect(p.evidence.timeInPilotDays).toBe(90)
  })
})

describe('the figures behind the verdict', () => {
  it.each([
    [0, 1],
    [49, 1],
    [50, 2],
    [499, 2],
    [500, 3],
    [4999, 3],
    [5000, 4],
  ])('%i events a month is volume level %i', (n, level) => {
    expect(volumeLevel(n)).toBe(level)
  })

  it('measures volume from the last full month, or the last 30 days before one exists', () => {
    expect(fitView(ready()).volume).toMatchObject({ eventsPerMonth: 1000, basis: 'last_full_month', month: '2026-10', level: 3 })
    const f = ready()
    f.months = [month(10), month(11)]
    f.eventsLast30Days = 42
    expect(fitView(f).volume).toMatchObject({ eventsPerMonth: 42, basis: 'last_30_days', month: null, level: 1 })
  })

  it('sums pilot stints from the stage history', () => {
    const h = [
      { to: 'pilot' as const, at: 0 },
      { to: 'scaling' as const, at: 10 * DAY },
      { to: 'pilot' as const, at: 15 * DAY },
      { to: 'production' as const, at: 20 * DAY },
    ]
    expect(daysInPilot(h, 100 * DAY)).toBe(15)
    expect(daysInPilot([{ to: 'pilot', at: 0 }], 7.5 * DAY)).toBe(7)
  })

  it('computes return to date, trend and payback from the months', () => {
    const f = ready()
    setMonths(f, [8, 9, 10], { value: 26_000 })
    const ev = evidence(f, NOW)
    // value: 8 months × 20,000 + 3 × 26,000; cost: 20,000 upfront + 11 × 3,000.
    expect(ev.valueToDate).toBe(238_000)
    expect(ev.costToDate).toBe(53_000)
    expect(ev.returnToDate).toBe(Math.round((238_000 / 53_000) * 1e6) / 1e6)
    expect(ev.returnTrend).toEqual({ recent: Math.round((78_000 / 9000) * 1e6) / 1e6, previous: Math.round((60_000 / 9000) * 1e6) / 1e6, recentValue: 78_000, previousValue: 60_000, change: 0.3, direction: 'rising' })
    expect(ev.payback).toEqual({ month: '2026-02', projected: false, monthsFromStart: 2 })
  })

  it('labels each seed benchmark with its source and says whether it applies', () => {
    const f = ready()
    const b = benchmarks(f, evidence(f, NOW))
    expect(b.map((x) => [x.id, x.source, x.value, x.applies])).toEqual([
      ['return_per_dollar', 'Seed: early adopters return $1.41 per $1', 1.41, true],
      ['payback_years', 'Seed: typical payback 2–4 years', { min: 24, max: 48 }, true],
      ['pilot_six_months', 'Seed: 82% of CFOs who began with a small pilot scaled within six months', 6, true],
    ])
    expect(b[1].comparison).toBe('paid back in Feb 2026, 2 months after the start: faster than the typical 2–4 years')
    f.stage = 'production'
    f.upfrontCost = 0
    f.months.forEach((m) => (m.cost = 0))
    const none = benchmarks(f, evidence(f, NOW))
    expect(none.map((x) => x.applies)).toEqual([false, true, false])
    expect(none[0].comparison).toBe('no cost recorded yet')
  })
})
