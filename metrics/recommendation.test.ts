import { describe, expect, it } from 'vitest'
import { byAction, recommend, type RecommendationInput } from './recommendation.js'

/** A plain formatter written for the test: "$0.08", "$428K", "$1.2M". */
function money(x: number, currency: string, compact?: boolean): string {
  const sym = currency === 'USD' ? '$' : `${currency} `
  if (compact && Math.abs(x) >= 1e6) return `${sym}${(x / 1e6).toFixed(1)}M`
  if (compact && Math.abs(x) >= 1e3) return `${sym}${Math.round(x / 1e3)}K`
  return `${sym}${x.toFixed(2)}`
}

const base: RecommendationInput = {
  stage: 'pilot',
  currency: 'USD',
  valueTotal: 0,
  cost: 0,
  returnPerDollar: null,
  valueToDate: 0,
  costToDate: 0,
  returnToDate: null,
  paybackMonth: null,
  eventCount: 100,
  readiness: { verdict: 'not_yet', missing: [] },
}
const gaps = { verdict: 'not_yet' as const, missing: [{ item: 'owner', message: 'no owner named' }, { item: 'baseline', message: 'no baseline error rate' }] }

describe('recommend', () => {
  it.each<[string, Partial<RecommendationInput>, string, string, string[]]>([
    ['stops a pilot returning 8 cents per dollar with no payback in sight', { valueTotal: 34_240, cost: 428_000, returnPerDollar: 0.08, readiness: gaps }, 'stop', 'returns $0.08 per $1 on $428K: stop or rethink', ['no owner named', 'no baseline error rate']],
    ['fixes rather than stops a low return whose payback is projected', { valueTotal: 40_000, cost: 100_000, returnPerDollar: 0.4, paybackMonth: { month: '2027-09', projected: true } }, 'fix', 'returns $0.40 per $1 on $100K, below break-even (pays back by Sept 2027): fix before scaling', []],
    ['fixes a return just under break-even', { valueTotal: 90_000, cost: 100_000, returnPerDollar: 0.9 }, 'fix', 'returns $0.90 per $1 on $100K, below break-even (no payback at this rate): fix before scaling', []],
    ['treats exactly the stop threshold as fix, not stop', { valueTotal: 50_000, cost: 100_000, returnPerDollar: 0.5 }, 'fix', 'returns $0.50 per $1 on $100K, below break-even (no payback at this rate): fix before scaling', []],
    ['scales a paying pilot that is ready', { valueTotal: 429_000, cost: 100_000, returnPerDollar: 4.29, readiness: { verdict: 'ready', missing: [] } }, 'scale', 'returns $4.29 per $1 on $100K and is ready: scale it', []],
    ['asks to fix a paying scaling initiative that is not ready, with its gaps', { stage: 'scaling', valueTotal: 390_000, cost: 100_000, returnPerDollar: 3.9, readiness: gaps }, 'fix', 'returns $3.90 per $1 on $100K, but not ready to scale: close the gaps below', ['no owner named', 'no baseline error rate']],
    ['keeps a paying production initiative going', { stage: 'production', valueTotal: 200_000, cost: 100_000, returnPerDollar: 2, readiness: { verdict: 'ready', missing: [] } }, 'keep_going', 'returns $2.00 per $1 on $100K: keep it running', []],
    ['fixes a paying initiative whose outcomes are at risk', { stage: 'production', valueTotal: 200_000, cost: 100_000, returnPerDollar: 2, readiness: { verdict: 'at_risk', missing: [{ item: 'target', message: 'time saved below target in 3 months' }] } }, 'fix', 'returns $2.00 per $1 on $100K, but its outcomes are at risk: fix what slips', ['time saved below target in 3 months']],
    ['says readiness is unknown rather than guessing', { valueTotal: 200_000, cost: 100_000, returnPerDollar: 2, readiness: undefined }, 'keep_going', 'returns $2.00 per $1 on $100K; readiness not known yet', []],
    ['cannot judge without a cost', { valueTotal: 5_000, cost: 0, returnPerDollar: null }, 'fix', 'no cost recorded in this period, so its return cannot be judged: add its costs', []],
    ['treats a non-finite return as missing', { valueTotal: 5_000, cost: 10, returnPerDollar: Number.NaN }, 'fix', 'no cost recorded in this period, so its return cannot be judged: add its costs', []],
    ['asks for data when nothing was reported', { valueTotal: 0, cost: 12_000, returnPerDollar: 0, eventCount: 0 }, 'fix', 'no events reported in this period while it cost $12K: connect its data', []],
    ['shows a retired initiative as retired with what it delivered, without gaps', { stage: 'retired', valueTotal: 0, cost: 0, returnPerDollar: null, valueToDate: 180_000, costToDate: 120_000, returnToDate: 1.5, readiness: gaps }, 'retired', 'delivered $180K on $120K to date ($1.50 per $1)', []],
    ['shows a retired initiative without cost without a ratio', { stage: 'retired', valueToDate: 1_000, costToDate: 0, returnToDate: null }, 'retired', 'delivered $1K on $0.00 to date', []],
  ])('%s', (_name, input, action, reason, expectedGaps) => {
    const r = recommend({ ...base, ...input }, money)
    expect(r.action).toBe(action)
    expect(r.reason).toBe(reason)
    expect(r.gaps).toEqual(expectedGaps)
  })

  it('names the currency of the initiative', () => {
    expect(recommend({ ...base, currency: 'EUR', valueTotal: 8, cost: 100, returnPerDollar: 0.08 }, money).reason).toBe('returns EUR 0.08 per EUR 1 on EUR 100.00: stop or rethink')
  })
})

describe('byAction', () => {
  it('puts what needs a decision first', () => {
    expect((['keep_going', 'retired', 'scale', 'stop', 'fix'] as const).slice().sort(byAction)).toEqual(['stop', 'fix', 'scale', 'keep_going', 'retired'])
  })
})
