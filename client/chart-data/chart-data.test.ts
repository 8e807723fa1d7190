import { describe, expect, it } from 'vitest'
import type { Initiative, Series, SeriesPoint, Summary, SummaryInitiative } from '../api/types.js'
import { csvCell, toCsv } from './csv.js'
import { formatDuration, formatMoney, formatPercent, relativeChange, changeTone, formatChange } from './format.js'
import { paybackModel, paybackSentence } from './payback.js'
import { fasterShareSeries, headline, sortRows, sumSeries } from './portfolio.js'
import { resolveRange } from './range.js'
import { metricChartModel } from './series.js'
import { parseView, viewUrl } from './url-state.js'

const NOW = Date.parse('2026-05-15T10:30:00Z')
const DAY = 86_400_000

/** A day's point with the fields the API always sends; tests give what they are about. */
const point = (p: Pick<SeriesPoint, 'start' | 'value' | 'count'> & Partial<SeriesPoint>): SeriesPoint => ({ end: new Date(Date.parse(p.start) + DAY).toISOString(), partial: false, target: null, ...p })
const series = (s: Pick<Series, 'metric' | 'granularity'> & { points: Array<Parameters<typeof point>[0]>; previous?: Array<Parameters<typeof point>[0]> }): Series => ({
  initiative: 'inv', from: '', to: '', timezone: 'UTC', unit: '', currency: 'USD', baseline: null, target: { value: null, per: 'month' }, stageChanges: [],
  ...s, points: s.points.map(point), previous: s.previous?.map(point),
})
const periodFigures = { eventCount: 0, timeSavedHours: 0, timeSavedValue: 0, errorRate: null, errors: 0, total: 0, errorsAvoided: 0, revenueInfluenced: 0, decisionLatencyP50: null, decisionLatencyP90: null, decisionLatencyMean: null, decisionCount: 0, decisionsAccelerated: null, valueTotal: 0 }
const noTarget = { target: null, actual: null, status: 'no_target' as const }

const initiative: Initiative = {
  id: 1, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
  slug: 'inv', name: 'Invoices', description: '', owner: null, team: null, stage: 'production', currency: 'USD',
  hourlyValue: 50, upfrontCost: 1000, monthlyCost: 100, costPerError: 10, startedAt: '2026-01-01T00:00:00.000Z',
  baselines: { errorRate: 0.1, decisionLatencySeconds: 7200 },
  targets: { timeSavedHoursPerMonth: 304.375, errorRate: 0.02, revenueInfluencedPerMonth: null, decisionLatencySeconds: 3600 },
  stageHistory: [
    { from: null, to: 'pilot', at: '2026-01-01T00:00:00.000Z', actor: 'cli', reason: null },
    { from: 'pilot', to: 'production', at: '2026-03-03T00:00:00.000Z', actor: 'cli', reason: null },
  ],
}

describe('resolveRange', () => {
  it.each([
    ['30d', '2026-04-16T00:00:00+00:00', '2026-05-16T00:00:00+00:00', 'day'],
    ['90d', '2026-02-15T00:00:00+00:00', '2026-05-16T00:00:00+00:00', 'day'],
    ['qtd', '2026-04-01T00:00:00+00:00', '2026-05-16T00:00:00+00:00', 'day'],
    ['ytd', '2026-01-01T00:00:00+00:00', '2026-05-16T00:00:00+00:00', 'week'],
    ['12m', '2025-05-16T00:00:00+00:00', '2026-05-16T00:00:00+00:00', 'week'],
  ] as const)('resolves %s to local-midnight bounds ending tomorrow', (range, from, to, g) => {
    const r = resolveRange({ range }, NOW, 'UTC')
    expect([r.from, r.to, r.granularity]).toEqual([from, to, g])
  })

  it('uses the organisation zone, not UTC, for day bounds', () => {
    const r = resolveRange({ range: '30d' }, NOW, 'America/New_York')
    expect(r.from).toBe('2026-04-16T00:00:00-04:00')
    expect(r.toMs - r.fromMs).toBe(30 * DAY)
  })

  it('anchors all time at the earliest start and makes custom ends inclusive', () => {
    expect(resolveRange({ range: 'all' }, NOW, 'UTC', Date.parse('2024-03-09T15:00:00Z')).from).toBe('2024-03-09T00:00:00+00:00')
    const c = resolveRange({ range: 'custom', from: '2026-02-01', to: '2026-02-28' }, NOW, 'UTC')
    expect([c.from, c.to]).toEqual(['2026-02-01T00:00:00+00:00', '2026-03-01T00:00:00+00:00'])
  })
})

describe('URL state', () => {
  it('round-trips a view through its link', () => {
    const v = { page: 'initiative' as const, slug: 'a-b', range: 'custom' as const, from: '2026-01-01', to: '2026-01-31', compare: true }
    const url = viewUrl(v)
    expect(url).toBe('/initiatives/a-b?range=custom&from=2026-01-01&to=2026-01-31&compare=1')
    const u = new URL(url, 'http://x')
    expect(parseView(u.pathname, u.search)).toEqual(v)
  })

  it('ignores malformed values', () => {
    expect(parseView('/', '?range=5y&stage=<x>&sort=a;b&from=yesterday')).toEqual({ page: 'portfolio', range: '12m' })
  })
})

describe('csv', () => {
  it.each([
    ['=1+2', `"'=1+2"`],
    ['+SUM(A1)', `"'+SUM(A1)"`],
    ['-2+3', `"'-2+3"`],
    ['@cmd', `"'@cmd"`],
    ['a,"b"', '"a,""b"""'],
    ['plain', 'plain'],
  ])('writes %s as %s', (input, out) => expect(csvCell(input)).toBe(out))

  it('keeps negative numbers numeric and leaves missing cells empty', () => {
    expect(toCsv(['a', 'b', 'c'], [[-1.5, null, Number.NaN]])).toBe('a,b,c\r\n-1.5,,\r\n')
  })
})

describe('format', () => {
  it('never shows NaN or undefined', () => {
    for (const f of [formatMoney(Number.NaN, 'USD'), formatPercent(undefined), formatDuration(Infinity)]) expect(f).toBe('—')
  })
  it.each([
    [45, '45 s'],
    [750, '12.5 min'],
    [11_520, '3.2 h'],
    [181_440, '2.1 days'],
  ])('writes %d s as %s', (s, out) => expect(formatDuration(s)).toBe(out))
  it('colours a fall in latency as good', () => {
    const c = relativeChange(80, 100)
    expect(c).toBeCloseTo(-0.2)
    expect(changeTone(c, 'lower')).toBe('good')
    expect(changeTone(c, 'higher')).toBe('bad')
    expect(formatChange(c)).toBe('▼ 20.0%')
    expect(formatChange(relativeChange(1_500, 100))).toBe('▲ over 10×')
    expect(formatChange(relativeChange(950, 100))).toBe('▲ 850.0%')
    expect(relativeChange(5, 0)).toBeNull()
  })
})

describe('metricChartModel', () => {
  const fromMs = Date.parse('2026-03-01T00:00:00Z')
  const toMs = Date.parse('2026-03-08T00:00:00Z')
  const days = Array.from({ length: 7 }, (_, i) => new Date(fromMs + i * DAY).toISOString())
  it("draws the server's per-bucket target (a monthly target scaled by the server) and marks stage changes in range", () => {
    // The server scales a monthly target by the share of the calendar month each bucket covers: a March day is 1/31.
    const perDay = 304.375 / 31
    const s = series({ metric: 'time_saved', granularity: 'day', points: days.map((d, i) => ({ start: d, value: i, count: i, target: perDay })) })
    const m = metricChartModel(s, initiative, { fromMs, toMs, timezone: 'UTC' })
    expect(m.title).toBe('Hours saved per day')
    expect(m.target?.[0].y).toBeCloseTo(9.818548, 5)
    expect(m.target?.every((p) => Math.abs((p.y ?? NaN) - perDay) < 1e-9)).toBe(true)
    expect(m.baseline).toBeNull()
    expect(m.marks).toEqual([{ x: Date.parse('2026-03-03T00:00:00Z'), label: '→ production, 3 Mar' }])
    expect(m.points[0].y).toBe(0)
    expect(m.empty).toBeNull()
  })
  it('shows error rates in percent with baseline and target, and gaps where nothing was checked', () => {
    const s = series({ metric: 'error_rate', granularity: 'day', points: days.map((d, i) => ({ start: d, value: i === 2 ? null : 0.05, count: i === 2 ? 0 : 3, errors: 1, total: 20 })) })
    const m = metricChartModel(s, initiative, { fromMs, toMs, timezone: 'UTC' })
    expect(m.points.map((p) => p.y)).toEqual([5, 5, null, 5, 5, 5, 5])
    expect(m.baseline?.[0].y).toBeCloseTo(10)
    expect(m.target?.[0].y).toBeCloseTo(2)
    expect(m.format(4.25)).toBe('4.3%')
  })
  it('says why a chart is empty', () => {
    const s = series({ metric: 'decision_latency', granularity: 'day', points: days.map((d) => ({ start: d, value: null, count: 0 })) })
    expect(metricChartModel(s, initiative, { fromMs, toMs, timezone: 'UTC' }).empty).toBe('No decision-latency events in this period.')
  })
  it('aligns the previous period bucket by bucket', () => {
    const s = series({ metric: 'time_saved', granularity: 'day', points: days.map((d) => ({ start: d, value: 2, count: 1 })), previous: days.map((d) => ({ start: new Date(Date.parse(d) - 7 * DAY).toISOString(), value: 1, count: 1 })) })
    const m = metricChartModel(s, initiative, { fromMs, toMs, timezone: 'UTC' })
    expect(m.previous?.map((p) => p.x)).toEqual(m.points.map((p) => p.x))
  })
})

describe('payback', () => {
  const row = (month: string, value: number, cost: number, cumulativeValue: number, cumulativeCost: number, projected = false) => ({ month, value, cost, cumulativeValue, cumulativeCost, projected })
  const curve = {
    slug: 'x', currency: 'USD', timezone: 'UTC', asOf: '2026-03-11T00:00:00Z',
    months: [row('2026-01', 300, 1500, 300, 1500), row('2026-02', 900, 500, 1200, 2000), row('2026-04', 1000, 500, 2400, 2677.42, true)],
    monthToDate: row('2026-03', 200, 177.42, 1400, 2177.42),
    paybackMonth: { month: '2026-04', projected: true, monthsFromStart: 4 },
    valueToDate: 1400, costToDate: 2177.42, returnToDate: 0.643,
  }
  it('draws the API curve at month ends, the month to date at now, the projection dashed, and marks the payback month', () => {
    const p = paybackModel(curve, 'UTC')
    expect(p.actual.map((a) => [new Date(a.x).toISOString().slice(0, 10), a.value, a.cost])).toEqual([['2026-01-01', 0, 0], ['2026-02-01', 300, 1500], ['2026-03-01', 1200, 2000], ['2026-03-11', 1400, 2177.42]])
    expect(p.projected.map((a) => [new Date(a.x).toISOString().slice(0, 10), a.value, a.cost])).toEqual([['2026-03-01', 1200, 2000], ['2026-05-01', 2400, 2677.42]])
    expect(p.crossing).toEqual({ x: Date.parse('2026-05-01T00:00:00Z'), month: '2026-04', projected: true })
    expect(paybackSentence(curve.paybackMonth, 'UTC')).toBe('Projected to pay back in Apr 2026.')
  })
  it('lists month, value, cost, cumulative value and cumulative cost in the data table', () => {
    const t = paybackModel(curve, 'UTC').table
    expect(t.header).toEqual(['Month', 'Value (USD)', 'Cost (USD)', 'Cumulative value (USD)', 'Cumulative cost (USD)', 'Kind'])
    expect(t.rows[2]).toEqual(['Mar 2026', '$200.00', '$177.42', '$1,400.00', '$2,177.42', 'month to date'])
    expect(t.rows.map((r) => r[5])).toEqual(['actual', 'actual', 'month to date', 'projected'])
  })
  it('says so when there is nothing to draw', () => {
    expect(paybackModel({ ...curve, months: [], monthToDate: null, paybackMonth: null }, 'UTC').empty).toMatch(/not started/)
    expect(paybackSentence(null, 'UTC')).toBe('Does not pay back at the current rate.')
  })
})

describe('portfolio', () => {
  const row = (slug: string, valueTotal: number, ret: number | null): SummaryInitiative => ({ ...periodFigures, slug, name: slug, stage: 'pilot' as const, team: null, owner: null, currency: 'USD', retiredAt: null, valueTotal, cost: 1, costToDate: 1, valueToDate: valueTotal, returnPerDollar: ret, returnToDate: ret, paybackMonth: null, targets: { timeSaved: noTarget, errorRate: noTarget, revenueInfluenced: noTarget, decisionLatency: noTarget }, previous: { ...periodFigures, cost: 0, returnPerDollar: null } })
  it('sorts by value by default and puts missing figures last', () => {
    const rows = [row('a', 5, null), row('b', 9, 2), row('c', 1, 3)]
    expect(sortRows(rows, undefined).map((r) => r.slug)).toEqual(['b', 'a', 'c'])
    expect(sortRows(rows, 'returnPerDollar', true).map((r) => r.slug)).toEqual(['c', 'b', 'a'])
    expect(sortRows(rows, 'returnPerDollar', false).map((r) => r.slug)).toEqual(['b', 'c', 'a'])
  })
  it('answers in one CFO sentence', () => {
    const portfolio = { ...periodFigures, valueTotal: 2_400_000, cost: 1_700_000, returnPerDollar: 1.4117, valueToDate: 2_400_000, costToDate: 2_000_000, returnToDate: 1.2, paybackMonth: null, currency: 'USD', mixedCurrencies: false, currencyNote: null, initiativeCount: 1 }
    const s: Summary = { from: '', to: '', timezone: 'UTC', generatedAt: '', freshness: { rolledUpTo: 0, rolledUpAt: null, tailEvents: 0 }, previous: { from: '', to: '' }, initiatives: [row('a', 1, 1)], notInRange: [], portfolio: { ...portfolio, previous: { ...periodFigures, cost: 0, returnPerDollar: null } } }
    expect(headline(s, 'last 12 months')).toBe('$2.4M delivered on $1.7M spent, last 12 months: $1.41 per $1 this period; $1.20 per $1 to date.')
  })
  it('sums series bucket by bucket', () => {
    expect(sumSeries([[point({ start: '2026-01-01T00:00:00Z', value: 1, count: 1 })], [point({ start: '2026-01-01T00:00:00Z', value: 2, count: 1 }), point({ start: '2026-01-02T00:00:00Z', value: null, count: 0 })]])).toEqual([3, 0])
  })
  it('sums the server\'s errors avoided per bucket, not the error rate', () => {
    const a = [point({ start: '2026-01-01T00:00:00Z', value: 0.02, count: 3, errorsAvoided: 4.5 }), point({ start: '2026-01-02T00:00:00Z', value: 0.05, count: 1, errorsAvoided: -1 })]
    const b = [point({ start: '2026-01-01T00:00:00Z', value: 0.01, count: 2, errorsAvoided: null }), point({ start: '2026-01-02T00:00:00Z', value: 0.01, count: 2, errorsAvoided: 2 })]
    expect(sumSeries([a, b], 'errorsAvoided')).toEqual([4.5, 1])
  })
  it('draws the latency tile\'s figure per bucket: decisions faster than their own baseline, over initiatives with one', () => {
    // Day 1: 3 of 4 and 1 of 1 faster → 4 of 5 = 0.8; the initiative without a baseline (null) is left out.
    // Day 2: only the one without a baseline decided → no figure.
    const withBaseline = [point({ start: '2026-01-01T00:00:00Z', value: 60, count: 4, decisionsAccelerated: 3 }), point({ start: '2026-01-02T00:00:00Z', value: null, count: 0, decisionsAccelerated: 0 })]
    const another = [point({ start: '2026-01-01T00:00:00Z', value: 30, count: 1, decisionsAccelerated: 1 })]
    const noBaseline = [point({ start: '2026-01-01T00:00:00Z', value: 9, count: 10, decisionsAccelerated: null }), point({ start: '2026-01-02T00:00:00Z', value: 9, count: 7, decisionsAccelerated: null })]
    expect(fasterShareSeries([withBaseline, another, noBaseline])).toEqual([0.8, null])
  })
})
