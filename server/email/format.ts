/**
 * Number and date formatting for digests: exact figures for the text part, compact ones for headlines.
 */

/** Escapes a string for HTML text and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

import { formatMoneyExact } from '../../metrics/format.js'

export { relativeChange, formatPercent, formatPerDollar, NO_CHANGE, NO_EARLIER_PERIOD } from '../../metrics/format.js'

/** `$12,345.67` in the currency's own minor digits (metrics/format.ts formatMoneyExact). */
export function money(amount: number, currency: string): string {
  return formatMoneyExact(amount, currency)
}

/** `$184k`, `$1.2M`. */
export function moneyCompact(amount: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency, notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: Math.abs(amount) >= 1000 ? 1 : 0 })
    .format(amount)
    .replace(/K$/, 'k')
}

/** Hours with two decimals and thousands separators: `1,312.50 h`. */
export function hours(h: number): string {
  return `${h.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} h`
}

/** A rate as a percentage with two decimals: `2.15%`. */
export function percent(rate: number): string {
  return `${(rate * 100).toFixed(2)}%`
}

/** Seconds in the largest sensible unit: `45.0 s`, `12.5 min`, `3.2 h`. */
export function duration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} s`
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`
  return `${(seconds / 3600).toFixed(1)} h`
}

/** `16 Nov`, or `16 Nov 2026` with the year. */
export function dayLabel(ms: number, zone: string, withYear = false): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: 'numeric', month: 'short', ...(withYear ? { year: 'numeric' } : {}) }).format(ms)
}

/** `Mon 16 Nov 2026, 00:00`. */
export function instantLabel(ms: number, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms)
}

/** `October 2026`. */
export function monthLabel(ms: number, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, month: 'long', year: 'numeric' }).format(ms)
}
