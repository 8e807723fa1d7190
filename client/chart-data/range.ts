/**
 * Date ranges: the presets and custom ranges, resolved to [from, to) instants in the organisation's
 * time zone. A range ends at the start of tomorrow (local), so a link opened later the same day shows
 * the same buckets.
 */
import { chooseGranularity, formatInstant, localDateString, startOfLocalDate } from '../../metrics/time-buckets.js'
import type { Granularity } from '../api/types.js'

export const PRESETS = ['30d', '90d', 'qtd', 'ytd', '12m', 'all'] as const
export type Preset = (typeof PRESETS)[number]
export type RangeKey = Preset | 'custom'

export const PRESET_LABELS: Record<RangeKey, string> = {
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  qtd: 'Quarter to date',
  ytd: 'Year to date',
  '12m': 'Last 12 months',
  all: 'All time',
  custom: 'Custom',
}

export interface RangeSpec {
  range: RangeKey
  /** Local dates YYYY-MM-DD, for custom ranges; `to` is inclusive (the last day shown). */
  from?: string
  to?: string
}

export interface ResolvedRange {
  fromMs: number
  toMs: number
  /** ISO 8601 with the zone's offset, for the API. */
  from: string
  to: string
  granularity: Granularity
  /** Words for the period: "last 30 days", "1 Jan – 31 Mar 2026". */
  label: string
}

function addDays(date: string, n: number): string {
  const d = new Date(date + 'T12:00:00Z')
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

export function isRangeKey(x: unknown): x is RangeKey {
  return x === 'custom' || (PRESETS as readonly string[]).includes(x as string)
}

/**
 * Resolves a range to instants. `earliestMs` (the first initiative's start) anchors "all time".
 * @example resolveRange({ range: '30d' }, Date.parse('2026-03-15T10:00Z'), 'UTC').from // '2026-02-14T00:00:00+00:00'
 */
export function resolveRange(spec: RangeSpec, nowMs: number, timezone: string, earliestMs?: number): ResolvedRange {
  const today = localDateString(nowMs, timezone)
  const tomorrow = addDays(today, 1)
  let fromDate: string
  let toDate = tomorrow
  let label: string
  switch (spec.range) {
    case '30d':
      fromDate = addDays(today, -29)
      label = 'last 30 days'
      break
    case '90d':
      fromDate = addDays(today, -89)
      label = 'last 90 days'
      break
    case 'qtd': {
      const month = Number(today.slice(5, 7))
      const q = Math.floor((month - 1) / 3) * 3 + 1
      fromDate = `${today.slice(0, 4)}-${String(q).padStart(2, '0')}-01`
      label = 'quarter to date'
      break
    }
    case 'ytd':
      fromDate = `${today.slice(0, 4)}-01-01`
      label = 'year to date'
      break
    case 'all': {
      const first = earliestMs !== undefined && Number.isFinite(earliestMs) ? localDateString(Math.min(earliestMs, nowMs), timezone) : addDays(today, -364)
      fromDate = first
      label = 'all time'
      break
    }
    case 'custom': {
      const f = spec.from && DATE.test(spec.from) ? spec.from : addDays(today, -29)
      const t = spec.to && DATE.test(spec.to) ? spec.to : today
      fromDate = f <= t ? f : t
      toDate = addDays(f <= t ? t : f, 1)
      label = `${fmtDay(fromDate)} – ${fmtDay(addDays(toDate, -1))}`
      break
    }
    case '12m':
    default:
      fromDate = addDays(today, -364)
      label = 'last 12 months'
  }
  const fromMs = startOfLocalDate(fromDate, timezone)
  const toMs = startOfLocalDate(toDate, timezone)
  return { fromMs, toMs, from: formatInstant(fromMs, timezone), to: formatInstant(toMs, timezone), granularity: chooseGranularity(fromMs, toMs), label }
}

function fmtDay(date: string): string {
  const d = new Date(date + 'T12:00:00Z')
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
}

/** Words for a bucket size in chart titles: "per week". */
export function perBucket(g: Granularity): string {
  return g === 'hour' ? 'per hour' : g === 'day' ? 'per day' : g === 'week' ? 'per week' : 'per month'
}
