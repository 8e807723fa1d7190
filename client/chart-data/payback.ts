/**
 * The payback chart's points from the API's curve (GET /api/v1/initiatives/:slug/payback): cumulative
 * value and cumulative cost at the end of each month, the month in progress as of now, the projected
 * months dashed, and the payback month marked. Nothing here computes money: the curve is metrics/money.ts's.
 */
import type { PaybackCurve } from '../api/types.js'
import { formatMoneyExact, formatMonth } from './format.js'
import { startOfLocalMonth } from '../../metrics/time-buckets.js'

export interface PaybackPoint {
  x: number
  value: number
  cost: number
}

export interface PaybackModel {
  actual: PaybackPoint[]
  projected: PaybackPoint[]
  /** The payback month's end, or null. */
  crossing: { x: number; month: string; projected: boolean } | null
  /** The data table: every row of the curve, as the API gave it. */
  table: { header: string[]; rows: string[][] }
  empty: string | null
}

/** The instant a `YYYY-MM` month ends in the zone. */
function monthEnd(month: string, zone: string): number {
  const [y, m] = month.split('-').map(Number)
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
  return startOfLocalMonth(next, zone)
}

/**
 * The chart model of a payback curve.
 * @example paybackModel(await api.payback('invoices'), 'UTC').crossing?.month
 */
export function paybackModel(curve: PaybackCurve, zone: string): PaybackModel {
  const cur = curve.currency
  const all = [...curve.months.filter((m) => !m.projected), ...(curve.monthToDate ? [curve.monthToDate] : []), ...curve.months.filter((m) => m.projected)]
  const table = {
    header: ['Month', `Value (${cur})`, `Cost (${cur})`, `Cumulative value (${cur})`, `Cumulative cost (${cur})`, 'Kind'],
    rows: all.map((m) => [formatMonth(m.month, zone), formatMoneyExact(m.value, cur), formatMoneyExact(m.cost, cur), formatMoneyExact(m.cumulativeValue, cur), formatMoneyExact(m.cumulativeCost, cur), m.projected ? 'projected' : m === curve.monthToDate ? 'month to date' : 'actual']),
  }
  if (all.length === 0) return { actual: [], projected: [], crossing: null, table, empty: 'The initiative has not started yet, or has no full month of figures.' }
  const first = startOfLocalMonth(all[0].month, zone)
  const actual: PaybackPoint[] = [{ x: first, value: 0, cost: 0 }]
  for (const m of curve.months) if (!m.projected) actual.push({ x: monthEnd(m.month, zone), value: m.cumulativeValue, cost: m.cumulativeCost })
  const lastFull = actual[actual.length - 1]
  if (curve.monthToDate) actual.push({ x: Date.parse(curve.asOf), value: curve.monthToDate.cumulativeValue, cost: curve.monthToDate.cumulativeCost })
  const proj = curve.months.filter((m) => m.projected)
  const projected = proj.length === 0 ? [] : [lastFull, ...proj.map((m) => ({ x: monthEnd(m.month, zone), value: m.cumulativeValue, cost: m.cumulativeCost }))]
  const p = curve.paybackMonth
  const crossing = p ? { x: p.month === curve.monthToDate?.month && !p.projected ? Date.parse(curve.asOf) : monthEnd(p.month, zone), month: p.month, projected: p.projected } : null
  const any = all.some((m) => m.value !== 0 && !m.projected)
  return { actual, projected, crossing, table, empty: any ? null : 'No value recorded yet: no time-saved, revenue or error-rate events since the start.' }
}

/** "Paid back in Feb 2027." / "Projected to pay back in …" / "Does not pay back at the current rate." */
export function paybackSentence(p: { month: string; projected: boolean } | null | undefined, zone: string): string {
  if (!p) return 'Does not pay back at the current rate.'
  return `${p.projected ? 'Projected to pay back' : 'Paid back'} in ${formatMonth(p.month, zone)}.`
}
