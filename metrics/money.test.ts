import { describe, expect, it } from 'vitest'
import { costIncurred, costToDate, cumulativeCostAt, curveMonthRanges, inRange, initiativeCurveMonths, paybackCurve, paybackFromMonths, returnPerDollar, sumCurveMonths, type CostTerms } from './money.js'

const utc = (s: string) => Date.parse(`${s}Z`)
const NOW = utc('2030-01-01T00:00')

describe('costIncurred: each month spread over its length, upfront on the start day', () => {
  const terms: CostTerms = { upfrontCost: 1_000, monthlyCost: 3_000, startedAtMs: utc('2026-04-11T00:00'), retiredAtMs: null }
  it.each([
    // April has 30 days; started on the 11th: 20 days run in April.
    ['the start month, upfront included', '2026-04-01T00:00', '2026-05-01T00:00', 1_000 + 3_000 * (20 / 30)], // 3000
    ['a whole 31-day month', '2026-05-01T00:00', '2026-06-01T00:00', 3_000],
    ['half of a 30-day month (15 days)', '2026-06-01T00:00', '2026-06-16T00:00', 1_500],
    ['12 hours of a 31-day month', '2026-07-01T00:00', '2026-07-01T12:00', 3_000 * (0.5 / 31)], // 48.387… → 48.39
    ['a range before the start', '2026-01-01T00:00', '2026-04-11T00:00', 0],
    ['a range ending exactly at the start (upfront not in it)', '2026-04-01T00:00', '2026-04-11T00:00', 0],
    ['a range starting at the start (upfront in it), one day', '2026-04-11T00:00', '2026-04-12T00:00', 1_000 + 100],
    ['February 2027 (28 days), 7 days', '2027-02-01T00:00', '2027-02-08T00:00', 3_000 * (7 / 28)], // 750
    ['February 2028 (29 days), 7 days', '2028-02-01T00:00', '2028-02-08T00:00', 3_000 * (7 / 29)], // 724.137… → 724.14
    ['across a month boundary: 31 Aug + 1 Sep', '2026-08-31T00:00', '2026-09-02T00:00', 3_000 / 31 + 3_000 / 30], // 96.774 + 100
  ])('%s', (_name, from, to, expected) => {
    expect(costIncurred(terms, { fromMs: utc(from), toMs: utc(to), nowMs: NOW }, 'USD', 'UTC')).toBe(Math.round(expected * 100) / 100)
  })

  it('stops at retirement (retired mid-range) and never runs past now', () => {
    const retired = { ...terms, retiredAtMs: utc('2026-06-11T00:00') }
    // June: 10 of 30 days before retirement.
    expect(costIncurred(retired, { fromMs: utc('2026-06-01T00:00'), toMs: utc('2026-07-01T00:00'), nowMs: NOW }, 'USD', 'UTC')).toBe(1_000)
    expect(costIncurred(retired, { fromMs: utc('2026-07-01T00:00'), toMs: utc('2026-08-01T00:00'), nowMs: NOW }, 'USD', 'UTC')).toBe(0)
    // now on 6 May: of May's 31 days, 5 have passed.
    expect(costIncurred(terms, { fromMs: utc('2026-05-01T00:00'), toMs: utc('2026-06-01T00:00'), nowMs: utc('2026-05-06T00:00') }, 'USD', 'UTC')).toBe(Math.round(3_000 * (5 / 31) * 100) / 100)
  })

  it('a DST month in London is as long as it is: October 2026 has 745 hours, and all of it costs the monthly cost', () => {
    const london: CostTerms = { upfrontCost: 0, monthlyCost: 745, startedAtMs: Date.parse('2026-01-01T00:00Z'), retiredAtMs: null }
    // London: 1 Oct 00:00 BST = 30 Sep 23:00Z; 1 Nov 00:00 GMT = 1 Nov 00:00Z; 31 days + 1 hour = 745 h.
    expect(costIncurred(london, { fromMs: Date.parse('2026-09-30T23:00Z'), toMs: Date.parse('2026-11-01T00:00Z'), nowMs: NOW }, 'USD', 'Europe/London')).toBe(745)
    // The first local day of October (24 h of 745) costs 24.
    expect(costIncurred(london, { fromMs: Date.parse('2026-09-30T23:00Z'), toMs: Date.parse('2026-10-01T23:00Z'), nowMs: NOW }, 'USD', 'Europe/London')).toBe(24)
    // The last local day (25 Oct is the change; 31 Oct is 24 h).
    expect(costIncurred(london, { fromMs: Date.parse('2026-10-24T23:00Z'), toMs: Date.parse('2026-10-26T00:00Z'), nowMs: NOW }, 'USD', 'Europe/London')).toBe(25)
  })

  it('costToDate is the cumulative cost at the instant, upfront included just after the start', () => {
    expect(costToDate(terms, utc('2026-04-11T00:00'), 'USD', 'UTC')).toBe(0)
    expect(cumulativeCostAt(terms, utc('2026-04-11T00:00') + 1, 'UTC')).toBeCloseTo(1_000, 3)
    expect(costToDate(terms, utc('2026-06-01T00:00'), 'USD', 'UTC')).toBe(1_000 + 2_000 + 3_000)
  })
})

describe('returnPerDollar and inRange', () => {
  it.each([
    [14_100, 10_000, 1.41],
    [183_200, 0, null],
    [0, 500, 0],
    [1, 3, 0.333333],
  ])('%d on %d → %s', (v, c, expected) => expect(returnPerDollar(v, c)).toBe(expected))

  const range = { fromMs: utc('2026-11-01T00:00'), toMs: utc('2026-12-01T00:00'), nowMs: utc('2026-12-06T00:00') }
  it.each([
    ['started before, running', utc('2026-01-01T00:00'), null, true],
    ['starts after the range', utc('2026-12-01T00:00'), null, false],
    ['starts in the range', utc('2026-11-30T00:00'), null, true],
    ['retired before the range', utc('2026-01-01T00:00'), utc('2026-10-31T00:00'), false],
    ['retired in the range', utc('2026-01-01T00:00'), utc('2026-11-15T00:00'), true],
  ])('%s', (_n, start, retired, expected) => expect(inRange({ startedAtMs: start, retiredAtMs: retired }, range)).toBe(expected))
})

describe('the payback curve', () => {
  const start = utc('2026-01-01T00:00')
  it('lists full months with cumulative figures; payback in a full month is actual', () => {
    const terms: CostTerms = { upfrontCost: 1_000, monthlyCost: 500, startedAtMs: start, retiredAtMs: null }
    // Jan: value 300, cost 1,500 (cum 300 / 1,500); Feb: 900, 500 (1,200 / 2,000); Mar: 1,000, 500 (2,200 / 2,500);
    // Apr: 800, 500 (3,000 / 3,000): paid back in April (value ≥ cost).
    const c = paybackCurve(terms, [300, 900, 1_000, 800, 100], utc('2026-05-11T00:00'), 'USD', 'UTC')
    expect(c.months.map((m) => [m.month, m.value, m.cost, m.cumulativeValue, m.cumulativeCost, m.projected])).toEqual([
      ['2026-01', 300, 1_500, 300, 1_500, false],
      ['2026-02', 900, 500, 1_200, 2_000, false],
      ['2026-03', 1_000, 500, 2_200, 2_500, false],
      ['2026-04', 800, 500, 3_000, 3_000, false],
    ])
    expect(c.paybackMonth).toEqual({ month: '2026-04', projected: false, monthsFromStart: 4 })
    // May to the 11th: 10 of 31 days → 161.29.
    expect(c.monthToDate).toEqual({ month: '2026-05', value: 100, cost: 161.29, cumulativeValue: 3_100, cumulativeCost: 3_161.29, projected: false })
    expect(c.valueToDate).toBe(3_100)
    expect(c.costToDate).toBe(3_161.29)
    expect(c.returnToDate).toBe(Math.round((3_100 / 3_161.29) * 1e6) / 1e6)
  })

  it('payback in the month in progress, as of now, is actual', () => {
    const terms: CostTerms = { upfrontCost: 0, monthlyCost: 1_000, startedAtMs: start, retiredAtMs: null }
    // Jan 500/1,000; Feb to the 15th (14 of 28 days): value 600 → cum 1,100 ≥ 1,500? no. Value 1,100 → cum 1,600 ≥ 1,500: yes.
    expect(paybackCurve(terms, [500, 1_100], utc('2026-02-15T00:00'), 'USD', 'UTC').paybackMonth).toEqual({ month: '2026-02', projected: false, monthsFromStart: 2 })
    // Not yet reached with 600: projected from January alone (average 500 ≤ 1,000 monthly cost) → never.
    expect(paybackCurve(terms, [500, 600], utc('2026-02-15T00:00'), 'USD', 'UTC').paybackMonth).toBeNull()
  })

  it('projects from the last full month at the trailing three full months’ average, ignoring the month in progress', () => {
    const terms: CostTerms = { upfrontCost: 10_000, monthlyCost: 1_000, startedAtMs: start, retiredAtMs: null }
    // Full months Jan–Apr: values 1,000, 2,000, 3,000, 4,000; cum value 10,000; cum cost 10,000 + 4,000 = 14,000.
    // Trailing three: (2,000 + 3,000 + 4,000) / 3 = 3,000 a month against 1,000 cost: the gap of 4,000 closes by 2,000 a month.
    // May (the month in progress: its 10 to date is not used for the projection): 13,000 / 15,000; June: 16,000 / 16,000 → projected payback June.
    const c = paybackCurve(terms, [1_000, 2_000, 3_000, 4_000, 10], utc('2026-05-02T00:00'), 'USD', 'UTC')
    expect(c.paybackMonth).toEqual({ month: '2026-06', projected: true, monthsFromStart: 6 })
    expect(c.months.filter((m) => m.projected).map((m) => [m.month, m.value, m.cost, m.cumulativeValue, m.cumulativeCost])).toEqual([
      ['2026-05', 3_000, 1_000, 13_000, 15_000],
      ['2026-06', 3_000, 1_000, 16_000, 16_000],
    ])
  })

  it('never: no full month yet, an average not above the monthly cost, more than 50 years out, or retired', () => {
    const terms: CostTerms = { upfrontCost: 10_000, monthlyCost: 1_000, startedAtMs: start, retiredAtMs: null }
    expect(paybackCurve(terms, [5_000], utc('2026-01-20T00:00'), 'USD', 'UTC').paybackMonth).toBeNull()
    expect(paybackCurve(terms, [1_000, 1_000], utc('2026-03-01T00:00'), 'USD', 'UTC').paybackMonth).toBeNull()
    // Net 0.01 a month against a gap of ~10,000: far beyond 600 months.
    expect(paybackCurve(terms, [1_000.01], utc('2026-02-01T00:00'), 'USD', 'UTC').paybackMonth).toBeNull()
    const retired = { ...terms, retiredAtMs: utc('2026-03-01T00:00') }
    expect(paybackCurve(retired, [1_000, 9_000, 0], utc('2026-03-15T00:00'), 'USD', 'UTC').paybackMonth).toBeNull()
  })

  it('needs one value per month from the start month', () => {
    expect(curveMonthRanges(start, utc('2026-03-01T00:00'), 'UTC')).toHaveLength(2)
    expect(() => paybackCurve({ upfrontCost: 0, monthlyCost: 1, startedAtMs: start, retiredAtMs: null }, [1], utc('2026-03-01T00:00'), 'USD', 'UTC')).toThrow(/2 months, got 1/)
  })

  it('the portfolio: the same rule on summed curves, months aligned by name', () => {
    const a = initiativeCurveMonths({ upfrontCost: 0, monthlyCost: 100, startedAtMs: utc('2026-01-01T00:00'), retiredAtMs: null }, [50, 50, 50], utc('2026-04-01T00:00'), 'USD', 'UTC')
    const b = initiativeCurveMonths({ upfrontCost: 0, monthlyCost: 100, startedAtMs: utc('2026-02-01T00:00'), retiredAtMs: null }, [400, 400], utc('2026-04-01T00:00'), 'USD', 'UTC')
    const sum = sumCurveMonths([a, b], 'USD')
    // Jan 50/100; Feb 450/200 (cum 500/300): paid back in February.
    expect(sum.map((m) => [m.month, m.value, m.cost])).toEqual([['2026-01', 50, 100], ['2026-02', 450, 200], ['2026-03', 450, 200]])
    expect(paybackFromMonths(sum, { monthlyCost: 200, project: true, currency: 'USD' }).paybackMonth).toEqual({ month: '2026-02', projected: false, monthsFromStart: 2 })
  })

  it('compares money to the half cent', () => {
    const actual = [{ month: '2026-01', value: 99.995, cost: 100, full: true }]
    // 99.995 rounds to 100.00 (USD minor unit): reached.
    expect(paybackFromMonths(actual, { monthlyCost: 100, project: true, currency: 'USD' }).paybackMonth?.month).toBe('2026-01')
    expect(paybackFromMonths([{ month: '2026-01', value: 99.99, cost: 100, full: true }], { monthlyCost: 100, project: false, currency: 'USD' }).paybackMonth).toBeNull()
  })
})
