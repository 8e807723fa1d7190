/**
 * The one formatting module for people (dashboard, email digests, CSV notes): money in the
 * initiative's currency, "$X per $1", one-decimal percentages, relative change, durations in the
 * largest sensible unit, dates in the organisation's zone. Never returns NaN, Infinity or "undefined":
 * a missing figure is an em dash, and callers show why it is missing.
 *
 * @module
 */
const cache = new Map<string, Intl.NumberFormat>()
function nf(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let f = cache.get(key)
  if (!f) cache.set(key, (f = make()))
  return f
}

export const MISSING = '—'

export function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x)
}

/**
 * Money in its currency; `compact` gives $1.2M / $12.3k for headlines and axes.
 * @example formatMoney(2400000, 'USD', true) // '$2.4M'
 */
export function formatMoney(x: number | null | undefined, currency: string | null | undefined, compact = false): string {
  if (!isFiniteNumber(x)) return MISSING
  const cur = currency || 'USD'
  try {
    if (compact && Math.abs(x) >= 1000) {
      return nf(`mc:${cur}`, () => new Intl.NumberFormat('en-US', { style: 'currency', currency: cur, notation: 'compact', maximumFractionDigits: 1 })).format(x)
    }
    const small = Math.abs(x) < 100 && !Number.isInteger(x)
    return nf(`m:${cur}:${small}`, () => new Intl.NumberFormat('en-US', { style: 'currency', currency: cur, maximumFractionDigits: small ? 2 : 0, minimumFractionDigits: small ? 2 : 0 })).format(x)
  } catch {
    return `${formatNumber(x)} ${cur}`
  }
}

/** A plain number; compact above 10,000 (12.3k). */
export function formatNumber(x: number | null | undefined, compact = false, digits = 1): string {
  if (!isFiniteNumber(x)) return MISSING
  if (compact && Math.abs(x) >= 10_000) return nf(`nc:${digits}`, () => new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: digits })).format(x)
  return nf(`n:${digits}`, () => new Intl.NumberFormat('en-US', { maximumFractionDigits: Math.abs(x) >= 100 ? 0 : digits })).format(x)
}

/** A rate (0.034) as a percentage with one decimal: "3.4%". */
export function formatPercent(x: number | null | undefined): string {
  if (!isFiniteNumber(x)) return MISSING
  return nf('pct', () => new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 })).format(x)
}

/** Hours with their unit: "1,234 h", "3.2 h". */
export function formatHours(x: number | null | undefined, compact = false): string {
  if (!isFiniteNumber(x)) return MISSING
  return `${formatNumber(x, compact)} h`
}

/**
 * Seconds in the largest sensible unit: "45 s", "12.5 min", "3.2 h", "2.1 days".
 * @example formatDuration(11520) // '3.2 h'
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (!isFiniteNumber(seconds)) return MISSING
  const unit = durationUnit(seconds)
  return `${formatNumber(seconds / unit.seconds, false, 1)} ${unit.label}`
}

export interface DurationUnit {
  seconds: number
  label: string
}

/** The unit durations of this size are shown in (used for chart axes too). */
export function durationUnit(seconds: number): DurationUnit {
  const a = Math.abs(seconds)
  if (a >= 2 * 86_400) return { seconds: 86_400, label: 'days' }
  if (a >= 2 * 3600) return { seconds: 3600, label: 'h' }
  if (a >= 120) return { seconds: 60, label: 'min' }
  return { seconds: 1, label: 's' }
}

/**
 * A return per $1 as money with cents: "$1.41" (the dash when there is none).
 * @example formatReturn(1.4149, 'USD') // '$1.41'
 */
export function formatReturn(x: number | null | undefined, currency: string | null | undefined): string {
  if (!isFiniteNumber(x)) return MISSING
  const cur = currency || 'USD'
  try {
    return nf(`r:${cur}`, () => new Intl.NumberFormat('en-US', { style: 'currency', currency: cur, minimumFractionDigits: 2, maximumFractionDigits: 2 })).format(x)
  } catch {
    return `${x.toFixed(2)} ${cur}`
  }
}

/** "$1" in the currency, for "per $1". */
export function oneUnit(currency: string | null | undefined): string {
  return formatMoney(1, currency).replace(/[.,]00$/, '')
}

/**
 * A return with what it is per: "$0.17 per $1"; `what` names the span ("this period", "to date").
 * @example formatPerDollar(0.1749, 'USD', 'to date') // '$0.17 per $1 to date'
 */
export function formatPerDollar(x: number | null | undefined, currency: string | null | undefined, what?: string): string {
  if (!isFiniteNumber(x)) return MISSING
  return `${formatReturn(x, currency)} per ${oneUnit(currency)}${what ? ` ${what}` : ''}`
}

/**
 * Money exactly, in the currency's own minor digits: "$12,345.67" (email text parts, CSV notes).
 * @example formatMoneyExact(12345.6, 'USD') // '$12,345.60'
 */
export function formatMoneyExact(x: number | null | undefined, currency: string | null | undefined): string {
  if (!isFiniteNumber(x)) return MISSING
  const cur = currency || 'USD'
  try {
    return nf(`me:${cur}`, () => new Intl.NumberFormat('en-US', { style: 'currency', currency: cur })).format(x)
  } catch {
    return `${x.toFixed(2)} ${cur}`
  }
}

/**
 * Relative change from `previous` to `current` as a fraction ((current − previous) ÷ |previous|; 0.1 is
 * +10 %), or null when it cannot be said (a figure missing, or a previous of zero). The sign follows
 * the figure, not its goodness.
 * @example relativeChange(110, 100) // 0.1
 */
export function relativeChange(current: number | null | undefined, previous: number | null | undefined): number | null {
  if (!isFiniteNumber(current) || !isFiniteNumber(previous) || previous === 0) return null
  return (current - previous) / Math.abs(previous)
}

/** Changes smaller than this fraction (0.5 %) read as "no change", on every surface. */
export const NO_CHANGE = 0.005

/** What every surface says when there is no earlier figure to compare with. */
export const NO_EARLIER_PERIOD = 'no earlier figure'

/**
 * Whether a change is good, bad or flat for a metric whose better direction is `direction`.
 * @example changeTone(-0.2, 'lower') // 'good'
 */
export function changeTone(change: number | null, direction: 'higher' | 'lower'): 'good' | 'bad' | 'flat' {
  if (change === null || Math.abs(change) < NO_CHANGE) return 'flat'
  return (change > 0) === (direction === 'higher') ? 'good' : 'bad'
}

/**
 * "▲ 12.0%" / "▼ 3.4%" / "no change" / "no earlier figure", with the arrow for the sign (colour comes
 * from {@link changeTone}); past ten-fold, "▲ over 10×".
 * @example formatChange(0.12) // '▲ 12.0%'
 */
export function formatChange(change: number | null): string {
  if (change === null) return NO_EARLIER_PERIOD
  if (Math.abs(change) < NO_CHANGE) return 'no change'
  // Past ten-fold a percentage stops meaning much to a reader (the earlier period was nearly empty).
  if (change > 9) return '▲ over 10×'
  if (change < -9) return '▼ over 900%'
  return `${change > 0 ? '▲' : '▼'} ${formatPercent(Math.abs(change))}`
}

/** A local date "3 Mar 2026" in the organisation's zone. */
export function formatDate(iso: string | number, timezone: string, withYear = true): string {
  const ms = typeof iso === 'number' ? iso : Date.parse(iso)
  if (!Number.isFinite(ms)) return MISSING
  const key = `d:${timezone}:${withYear}`
  let f = dateCache.get(key)
  if (!f) dateCache.set(key, (f = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, day: 'numeric', month: 'short', year: withYear ? 'numeric' : undefined })))
  return f.format(ms)
}

/** "Mar 2026" in the organisation's zone, or from a "2026-03" month string. */
export function formatMonth(x: string | number, timezone: string): string {
  const ms = typeof x === 'number' ? x : /^\d{4}-\d{2}$/.test(x) ? Date.parse(x + '-15T12:00:00Z') : Date.parse(x)
  if (!Number.isFinite(ms)) return MISSING
  const key = `m:${timezone}`
  let f = dateCache.get(key)
  if (!f) dateCache.set(key, (f = new Intl.DateTimeFormat('en-GB', { timeZone: /^\d{4}-\d{2}$/.test(String(x)) ? 'UTC' : timezone, month: 'short', year: 'numeric' })))
  return f.format(ms)
}
const dateCache = new Map<string, Intl.DateTimeFormat>()

/**
 * A local date and time "6 Dec 2026 09:00" in the organisation's zone (24-hour clock), on every surface
 * that names an instant: the dashboard's lists, the audit log, alert texts.
 * @example formatDateTime('2026-12-06T09:00:00Z', 'UTC') // '6 Dec 2026 09:00'
 */
export function formatDateTime(x: string | number | null | undefined, timezone: string): string {
  const ms = typeof x === 'number' ? x : typeof x === 'string' ? Date.parse(x) : NaN
  if (!Number.isFinite(ms)) return MISSING
  const key = `dt:${timezone}`
  let f = dateCache.get(key)
  if (!f) dateCache.set(key, (f = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })))
  // en-GB puts a comma before the time; one format everywhere drops it.
  return f.format(ms).replace(', ', ' ')
}
