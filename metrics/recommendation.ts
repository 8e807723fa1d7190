/**
 * What to do with an initiative: scale it, keep it going, fix it, or stop it; led by the money reason when
 * money is the reason, with the readiness gaps under it. Pure: the money figures come from the summary
 * (`/api/v1/summary`, CONTRACT.md "Money") and the verdict from metrics/readiness.ts; nothing here
 * computes money.
 */
import type { Stage } from './stages.js'
import { formatMonth } from './format.js'

/** The four recommendations, plus `retired` for initiatives that are over (left out of the gate). */
export type Action = 'scale' | 'keep_going' | 'fix' | 'stop' | 'retired'

/** In the order the portfolio sorts them: what needs a decision first. */
export const ACTIONS: readonly Action[] = ['stop', 'fix', 'scale', 'keep_going', 'retired']

/** The words shown for each action, its status tone and icon (colour is never alone). */
export const ACTION_WORDS: Record<Action, { word: string; tone: 'good' | 'warn' | 'bad' | 'none'; icon: string }> = {
  scale: { word: 'Scale', tone: 'good', icon: '▲' },
  keep_going: { word: 'Keep going', tone: 'good', icon: '✓' },
  fix: { word: 'Fix', tone: 'warn', icon: '!' },
  stop: { word: 'Stop or rethink', tone: 'bad', icon: '✕' },
  retired: { word: 'Retired', tone: 'none', icon: '–' },
}

/**
 * Return per $1 below which, with no payback in sight (not even projected), an initiative is a candidate
 * to stop: it returns less than half of what it costs and the trend does not catch up.
 */
export const STOP_BELOW = 0.5

/** What the recommendation reads, by the summary's and the readiness answer's names. */
export interface RecommendationInput {
  stage: Stage
  currency: string
  /** Value delivered in the period (valueTotal). */
  valueTotal: number
  /** Cost incurred in the period. */
  cost: number
  /** valueTotal ÷ cost for the period; null when cost is 0. */
  returnPerDollar: number | null
  valueToDate: number
  costToDate: number
  /** valueToDate ÷ costToDate; null when costToDate is 0. */
  returnToDate: number | null
  /** The month cumulative value reaches cumulative cost, actual or projected; null when not at this rate. */
  paybackMonth: { month: string; projected: boolean } | null
  /** Events in the period; 0 means nothing was reported (undefined: not known). */
  eventCount?: number
  /** The readiness verdict and what keeps it short of ready (metrics/readiness.ts); absent while unknown. */
  readiness?: { verdict: 'ready' | 'not_yet' | 'at_risk'; missing: Array<{ item: string; message: string }> }
}

export interface Recommendation {
  action: Action
  /** One sentence that leads: the money reason when money is the reason. */
  reason: string
  /** The readiness gaps, in plain words, shown under the reason (empty when none or retired). */
  gaps: string[]
}

/** Formats an amount of money; the caller passes the dashboard's or the email's formatter. */
export type MoneyFormat = (amount: number, currency: string, compact?: boolean) => string

/**
 * The recommendation for one initiative, from its summary figures and readiness.
 *
 * Rules, first match wins (return = `returnPerDollar`, the period's value ÷ the period's cost):
 * 1. retired → `retired`: "delivered V on C to date (R per $1)"; never part of the gate, no gaps.
 * 2. no cost in the period (return null) → `fix`: without a cost its return cannot be judged.
 * 3. no events in the period (eventCount 0) → `fix`: nothing reported, so nothing to judge.
 * 4. return < {@link STOP_BELOW} and no payback month (not even projected) → `stop`:
 *    "returns $0.08 per $1 on $428K: stop or rethink".
 * 5. return < 1 → `fix`: below break-even; the payback month when one is projected.
 * 6. return ≥ 1 and readiness `at_risk` → `fix`: it pays but its outcomes slip (gaps say which).
 * 7. return ≥ 1, pilot or scaling, readiness `ready` → `scale`.
 * 8. return ≥ 1 in production → `keep_going`.
 * 9. return ≥ 1, pilot or scaling, readiness not known (not fetched) → `keep_going`, saying so.
 * 10. return ≥ 1, pilot or scaling, readiness `not_yet` → `fix`: pays, but not ready to scale.
 * Units: money in the initiative's currency (major units); return is a ratio. Non-finite figures count as
 * missing (rule 2).
 *
 * @example recommend({ stage: 'pilot', currency: 'USD', valueTotal: 34_240, cost: 428_000, returnPerDollar: 0.08, valueToDate: 34_240, costToDate: 428_000, returnToDate: 0.08, paybackMonth: null }, fmt)
 * // { action: 'stop', reason: 'returns $0.08 per $1 on $428K: stop or rethink', gaps: [] }
 */
export function recommend(r: RecommendationInput, money: MoneyFormat): Recommendation {
  const perDollar = (x: number) => `${money(x, r.currency)} per ${money(1, r.currency).replace(/\.00$/, '')}`
  const gaps = r.stage === 'retired' ? [] : (r.readiness?.missing ?? []).map((m) => m.message)
  if (r.stage === 'retired') {
    const ratio = finite(r.returnToDate) ? ` (${perDollar(r.returnToDate)})` : ''
    return { action: 'retired', reason: `delivered ${money(r.valueToDate, r.currency, true)} on ${money(r.costToDate, r.currency, true)} to date${ratio}`, gaps }
  }
  if (!finite(r.returnPerDollar) || !(r.cost > 0)) {
    return { action: 'fix', reason: 'no cost recorded in this period, so its return cannot be judged: add its costs', gaps }
  }
  if (r.eventCount === 0) {
    return { action: 'fix', reason: `no events reported in this period while it cost ${money(r.cost, r.currency, true)}: connect its data`, gaps }
  }
  const returns = `returns ${perDollar(r.returnPerDollar)} on ${money(r.cost, r.currency, true)}`
  const payback = r.paybackMonth ? `${r.paybackMonth.projected ? 'pays back by' : 'paid back in'} ${formatMonth(r.paybackMonth.month, 'UTC')}` : 'no payback at this rate'
  if (r.returnPerDollar < STOP_BELOW && !r.paybackMonth) return { action: 'stop', reason: `${returns}: stop or rethink`, gaps }
  if (r.returnPerDollar < 1) return { action: 'fix', reason: `${returns}, below break-even (${payback}): fix before scaling`, gaps }
  if (r.readiness?.verdict === 'at_risk') return { action: 'fix', reason: `${returns}, but its outcomes are at risk: fix what slips`, gaps }
  if (r.stage === 'production') return { action: 'keep_going', reason: `${returns}: keep it running`, gaps }
  if (r.readiness?.verdict === 'ready') return { action: 'scale', reason: `${returns} and is ready: scale it`, gaps }
  if (!r.readiness) return { action: 'keep_going', reason: `${returns}; readiness not known yet`, gaps }
  return { action: 'fix', reason: `${returns}, but not ready to scale: close the gaps below`, gaps }
}

/**
 * Orders actions for sorting: what needs a decision first (stop, fix, scale, keep going, retired).
 * @example ['scale', 'stop'].sort(byAction) // ['stop', 'scale']
 */
export function byAction(a: Action, b: Action): number {
  return ACTIONS.indexOf(a) - ACTIONS.indexOf(b)
}

function finite(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x)
}
