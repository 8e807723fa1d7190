/**
 * Cumulative value vs cumulative cost by month since an initiative started, the payback point (the
 * first instant cumulative value reaches cumulative cost) and, when it has not paid back yet, a
 * projection at the trailing three full months' average rate, drawn dashed.
 */
import type { Initiative, SeriesPoint } from '../api/types.js'
import { isFiniteNumber } from './format.js'

const MONTH_MS = (365.25 / 12) * 86_400_000

export interface PaybackPoint {
  x: number
  value: number
  cost: number
}

export interface PaybackModel {
  actual: PaybackPoint[]
  projected: PaybackPoint[]
  /** Where value first reaches cost (interpolated), or null. */
  crossing: { x: number; projected: boolean } | null
  /** Value delivered per month, in the initiative's currency (for the data table). */
  monthly: Array<{ start: number; value: number }>
  empty: string | null
}

/**
 * Value per month: hours saved × hourly value + revenue influenced + errors avoided × cost per error,
 * where errors avoided = baseline rate × items checked − errors (the summary's formula).
 * @example monthlyValues(initiative, { timeSaved, revenue, errors })
 */
export function monthlyValues(
  i: Pick<Initiative, 'hourlyValue' | 'costPerError' | 'baselines'>,
  s: { timeSaved?: SeriesPoint[]; revenue?: SeriesPoint[]; errors?: SeriesPoint[] },
): Array<{ start: number; value: number }> {
  const byStart = new Map<number, number>()
  const add = (start: string, v: number) => {
    const k = Date.parse(start)
    byStart.set(k, (byStart.get(k) ?? 0) + v)
  }
  for (const p of s.timeSaved ?? []) add(p.start, isFiniteNumber(p.value) && isFiniteNumber(i.hourlyValue) ? p.value * i.hourlyValue : 0)
  for (const p of s.revenue ?? []) add(p.start, isFiniteNumber(p.value) ? p.value : 0)
  const base = i.baselines.errorRate
  for (const p of s.errors ?? []) {
    const avoided = isFiniteNumber(base) && isFiniteNumber(p.total) && isFiniteNumber(p.errors) ? base * p.total - p.errors : 0
    add(p.start, isFiniteNumber(i.costPerError) ? avoided * i.costPerError : 0)
  }
  return [...byStart.entries()].sort((a, b) => a[0] - b[0]).map(([start, value]) => ({ start, value }))
}

/**
 * The payback model from monthly values. Cost accrues as upfront + monthly cost × months elapsed.
 * @example paybackModel({ upfrontCost: 1000, monthlyCost: 100 }, startMs, nowMs, months)
 */
export function paybackModel(
  costs: Pick<Initiative, 'upfrontCost' | 'monthlyCost'>,
  startMs: number,
  nowMs: number,
  months: Array<{ start: number; value: number }>,
): PaybackModel {
  const costAt = (x: number) => costs.upfrontCost + (costs.monthlyCost * Math.max(0, x - startMs)) / MONTH_MS
  if (nowMs <= startMs) return { actual: [], projected: [], crossing: null, monthly: months, empty: 'The initiative has not started yet.' }
  const actual: PaybackPoint[] = [{ x: startMs, value: 0, cost: costAt(startMs) }]
  let cum = 0
  const sorted = months.filter((m) => m.start >= startMs - 31 * 86_400_000 && m.start < nowMs)
  for (let k = 0; k < sorted.length; k++) {
    cum += sorted[k].value
    const end = Math.min(nowMs, k + 1 < sorted.length ? sorted[k + 1].start : nowMs)
    const x = Math.max(end, startMs)
    actual.push({ x, value: cum, cost: costAt(x) })
  }
  if (actual[actual.length - 1].x < nowMs) actual.push({ x: nowMs, value: cum, cost: costAt(nowMs) })
  let crossing: PaybackModel['crossing'] = null
  for (let k = 1; k < actual.length && !crossing; k++) {
    const a = actual[k - 1]
    const b = actual[k]
    if (b.value >= b.cost) {
      const da = a.value - a.cost
      const db = b.value - b.cost
      const t = da >= 0 ? 0 : db === da ? 1 : -da / (db - da)
      crossing = { x: a.x + t * (b.x - a.x), projected: false }
    }
  }
  const projected: PaybackPoint[] = []
  if (!crossing) {
    // Trailing three full months (the month in progress is partial).
    const full = sorted.slice(0, -1).slice(-3)
    const rate = full.length > 0 ? full.reduce((s, m) => s + m.value, 0) / full.length : 0
    if (rate > costs.monthlyCost) {
      const last = actual[actual.length - 1]
      projected.push(last)
      for (let k = 1; k <= 60; k++) {
        const x = last.x + k * MONTH_MS
        const p = { x, value: last.value + rate * k, cost: costAt(x) }
        projected.push(p)
        if (p.value >= p.cost) {
          const prev = projected[projected.length - 2]
          const da = prev.value - prev.cost
          const db = p.value - p.cost
          crossing = { x: prev.x + (-da / (db - da)) * (p.x - prev.x), projected: true }
          break
        }
      }
      if (!crossing) projected.length = 0
    }
  }
  const any = months.some((m) => m.value !== 0)
  return { actual, projected, crossing, monthly: months, empty: any ? null : 'No value recorded yet: no time-saved, revenue or error-rate events since the start.' }
}
