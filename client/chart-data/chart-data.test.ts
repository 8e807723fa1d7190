import { describe, expect, it } from 'vitest'
import type { Initiative, Series } from '../api/types.js'
import { csvCell, toCsv } from './csv.js'
import { formatDuration, formatMoney, formatPercent, relativeChange, changeTone, formatChange } from './format.js'
import { monthlyValues, paybackModel } from './payback.js'
import { headline, sortRows, sumSeries } from './portfolio.js'
import { resolveRange } from './range.js'
import { metricChartModel } from './series.js'
import { parseView, viewUrl } from './url-state.js'

const NOW = Date.parse('2026-05-15T10:30:00Z')
const DAY = 86_400_000

const initiative: Initiative = {
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
  it('scales a monthly time target to each bucket and marks stage changes in range', () => {
    const s: Series = { metric: 'time_saved', granularity: 'day', points: days.map((d, i) => ({ start: d, value: i, count: i })) }
    const m = metricChartModel(s, initiative, { fromMs, toMs, timezone: 'UTC' })
    expect(m.title).toBe('Hours saved per day')
    expect(m.target?.[0].y).toBeCloseTo(304.375 / (365.25 / 12))
    expect(m.baseline).toBeNull()
    expect(m.marks).toEqual([{ x: Date.parse('2026-03-03T00:00:00Z'), label: '→ production, 3 Mar' }])
    expect(m.points[0].y).toBe(0)
    expect(m.empty).toBeNull()
  })
  it('shows error rates in percent with baseline and target, and gaps where nothing was checked', () => {
    const s: Series = { metric: 'error_rate', granularity: 'day', points: days.map((d, i) => ({ start: d, value: i === 2 ? null : 0.05, count: i === 2 ? 0 : 3, errors: 1, total: 20 })) }
    const m = metricChartModel(s, initiative, { fromMs, toMs, timezone: 'UTC' })
    expect(m.points.map((p) => p.y)).toEqual([5, 5, null, 5, 5, 5, 5])
    expect(m.baseline?.[0].y).toBeCloseTo(10)
    expect(m.target?.[0].y).toBeCloseTo(2)
    expect(m.format(4.25)).toBe('4.3%')
  })
  it('says why a chart is empty', () => {
    const s: Series = { metric: 'decision_latency', granularity: 'day', points: days.map((d) => ({ start: d, value: null, count: 0 })) }
    expect(metricChartModel(s, initiative, { fromMs, toMs, timezone: 'UTC' }).empty).toBe('No decision-latency events in this period.')
  })
  it('aligns the previous period bucket by bucket', () => {
    const s: Series = { metric: 'time_saved', granularity: 'day', points: days.map((d) => ({ start: d, value: 2, count: 1 })), previous: days.map((d) => ({ start: new Date(Date.parse(d) - 7 * DAY).toISOString(), value: 1, count: 1 })) }
    const m = metricChartModel(s, initiative, { fromMs, toMs, timezone: 'UTC' })
    expect(m.previous?.map((p) => p.x)).toEqual(m.points.map((p) => p.x))
  })
})

describe('payback', () => {
  const start = Date.parse('2026-01-01T00:00:00Z')
  const month = (m: number) => new Date(Date.UTC(2026, m, 1)).toISOString()
  it('values a month as hours × rate + revenue + errors avoided × cost per error', () => {
    const v = monthlyValues(initiative, {
      timeSaved: [{ start: month(0), value: 10, count: 1 }],
      revenue: [{ start: month(0), value: 7, count: 1 }],
      errors: [{ start: month(0), value: 0.05, count: 1, errors: 5, total: 100 }],
    })
    // 10 h × $50 + $7 + (0.1 × 100 − 5) × $10
    expect(v).toEqual([{ start: Date.parse(month(0)), value: 557 }])
  })
  it('finds the month where cumulative value reaches cumulative cost', () => {
    const months = [0, 1, 2, 3].map((m) => ({ start: Date.parse(month(m)), value: 600 }))
    const p = paybackModel({ upfrontCost: 1000, monthlyCost: 100 }, start, Date.parse('2026-04-20T00:00:00Z'), months)
    expect(p.crossing?.projected).toBe(false)
    // Cumulative value 1200 at 1 Mar vs cost ≈ 1193; 600 at 1 Feb vs ≈ 1102: crossing in February.
    expect(new Date(p.crossing!.x).getUTCMonth()).toBe(1)
    expect(p.projected).toEqual([])
  })
  it('projects at the trailing rate, and gives no payback when value trails running cost', () => {
    const slow = [0, 1, 2, 3].map((m) => ({ start: Date.parse(month(m)), value: 300 }))
    const p = paybackModel({ upfrontCost: 5000, monthlyCost: 100 }, start, Date.parse('2026-04-20T00:00:00Z'), slow)
    expect(p.crossing?.projected).toBe(true)
    expect(p.projected.length).toBeGreaterThan(1)
    const never = paybackModel({ upfrontCost: 5000, monthlyCost: 400 }, start, Date.parse('2026-04-20T00:00:00Z'), slow)
    expect(never.crossing).toBeNull()
    expect(never.projected).toEqual([])
  })
})

describe('portfolio', () => {
  const row = (slug: string, valueTotal: number, ret: number | null) => ({ slug, name: slug, stage: 'pilot' as const, team: null, owner: null, currency: 'USD', timeSavedHours: 0, timeSavedValue: 0, errorRate: null, errorsAvoided: 0, revenueInfluenced: 0, decisionLatencyP50: null, decisionLatencyP90: null, valueTotal, costToDate: 1, returnPerDollar: ret, paybackMonth: null })
  it('sorts by value by default and puts missing figures last', () => {
    const rows = [row('a', 5, null), row('b', 9, 2), row('c', 1, 3)]
    expect(sortRows(rows, undefined).map((r) => r.slug)).toEqual(['b', 'a', 'c'])
    expect(sortRows(rows, 'returnPerDollar', true).map((r) => r.slug)).toEqual(['c', 'b', 'a'])
    expect(sortRows(rows, 'returnPerDollar', false).map((r) => r.slug)).toEqual(['b', 'c', 'a'])
  })
  it('answers in one CFO sentence', () => {
    const s = { from: '', to: '', timezone: 'UTC', initiatives: [row('a', 1, 1)], portfolio: { ...row('p', 2_400_000, 1.4117), costToDate: 1_700_000, currency: 'USD' } }
    expect(headline(s, 'last 12 months')).toBe('$2.4M delivered on $1.7M spent: $1.41 per $1, last 12 months.')
  })
  it('sums series bucket by bucket', () => {
    expect(sumSeries([[{ start: '2026-01-01T00:00:00Z', value: 1, count: 1 }], [{ start: '2026-01-01T00:00:00Z', value: 2, count: 1 }, { start: '2026-01-02T00:00:00Z', value: null, count: 0 }]])).toEqual([3, 0])
  })
})
