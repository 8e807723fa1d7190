/**
 * The validation and normalisation of one incoming event, by the rules of its metric kind
 * (metrics/metric-kinds.ts: units, storage, limits). Pure: no I/O.
 */
import { isCurrencyCode, toMinorUnits } from './currency.js'
import { DURATION_MS, isMetric, KINDS, MAX_COUNT, MAX_MONEY_MINOR, METRICS, type DurationUnit, type Metric } from './metric-kinds.js'

export { DURATION_MS, isMetric, KINDS, MAX_COUNT, MAX_DURATION_MS, MAX_MONEY_MINOR, METRICS, type DurationUnit, type Metric, type MetricKind } from './metric-kinds.js'

/** An event after shape validation, before the initiative-dependent checks. */
export interface ParsedEvent {
  clientId: string | null
  initiative: string
  metric: Metric
  occurredAt: number
  /** The value as sent, converted to base units: seconds for durations, the currency amount for money. */
  value: number | null
  errors: number | null
  total: number | null
  currency: string | null
  /** JSON text of the attributes object, or null. */
  attributes: string | null
}

export interface FieldProblem {
  field: string
  message: string
}

/** The kinds whose events may carry a `unit`. */
const UNIT_METRICS = METRICS.filter((m) => KINDS[m].eventUnits.length > 0)
const FIELDS = new Set(['id', 'initiative', 'metric', 'occurredAt', 'value', 'unit', 'errors', 'total', 'currency', 'attributes'])
export const MAX_ATTRIBUTES = 20
export const MAX_ATTRIBUTE_KEY = 64
export const MAX_ATTRIBUTE_VALUE = 1024
export const MAX_FUTURE_MS = 5 * 60_000
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/
const EXAMPLE_TIME = '2026-11-25T09:00:00Z'

/**
 * Parses an ISO 8601 instant that carries an offset (`Z` or `+05:30`) and a real calendar date.
 * Returns epoch milliseconds, or a message saying what to fix.
 * @example parseInstant('2026-11-25T09:00:00+01:00') // 1795593600000
 */
export function parseInstant(text: string, field = 'occurredAt'): number | string {
  const m = ISO_WITH_OFFSET.exec(text)
  if (!m) {
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) {
      return `${field} must include a timezone offset, e.g. ${EXAMPLE_TIME} or 2026-11-25T10:00:00+01:00`
    }
    return `${field} must be an ISO 8601 date-time with a timezone offset, e.g. ${EXAMPLE_TIME}`
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = s === undefined ? 0 : Number(s)
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return `${field} has no such calendar date: ${y}-${mo}-${d}`
  if (hour > 23 || minute > 59 || second > 59) return `${field} has an invalid time of day; hours 00-23, minutes and seconds 00-59`
  let offsetMinutes = 0
  if (zone !== 'Z') {
    const oh = Number(zone.slice(1, 3))
    const om = Number(zone.slice(zone.length - 2))
    if (oh > 23 || om > 59) return `${field} has an invalid timezone offset "${zone}"; use Z or ±hh:mm, e.g. +05:30`
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om)
  }
  const millis = frac === undefined ? 0 : Math.floor(Number(frac.padEnd(3, '0').slice(0, 3)))
  return utcMillis(year, month, day, hour, minute, second, millis) - offsetMinutes * 60_000
}

/**
 * Epoch milliseconds of a UTC calendar instant, any year 0000–9999 taken as written (Date.UTC would
 * read years 0–99 as 1900–1999).
 * @example utcMillis(50, 1, 1, 0, 0, 0, 0) // -60589296000000 (the year 50, not 1950)
 */
export function utcMillis(year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number): number {
  const d = new Date(0)
  d.setUTCFullYear(year, month - 1, day)
  d.setUTCHours(hour, minute, second, millis)
  return d.getTime()
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
function daysIn(year: number, month: number): number {
  if (month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29
  return DAYS_IN_MONTH[month - 1]
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

function describe(x: unknown): string {
  if (x === null) return 'null'
  if (Array.isArray(x)) return 'an array'
  return typeof x === 'string' ? 'a string' : typeof x === 'object' ? 'an object' : `a ${typeof x}`
}

/**
 * Validates the shape of one event as posted and converts its value to base units (seconds for
 * durations). Initiative-dependent rules (exists, key scope, currency, money precision) come later,
 * in {@link normalizeForInitiative}.
 * @example parseEvent({ initiative: 'invoices', metric: 'time_saved', value: 3, occurredAt: '2026-11-25T09:00:00Z' }, Date.now())
 */
export function parseEvent(raw: unknown, nowMs: number): { ok: true; event: ParsedEvent } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = []
  const bad = (field: string, message: string) => void problems.push({ field, message })
  if (!isPlainObject(raw)) return { ok: false, problems: [{ field: '(event)', message: `each event must be a JSON object, got ${describe(raw)}` }] }

  for (const key of Object.keys(raw)) {
    if (!FIELDS.has(key)) bad(key, `unknown field "${key.slice(0, 64)}"; allowed fields: ${[...FIELDS].join(', ')}`)
  }

  let clientId: string | null = null
  if (raw.id !== undefined && raw.id !== null) {
    if (typeof raw.id !== 'string') bad('id', `id must be a string of 1-128 characters, got ${describe(raw.id)}`)
    else if (raw.id.length < 1 || raw.id.length > 128) bad('id', `id must be 1-128 characters long, got ${raw.id.length}`)
    else if (!raw.id.isWellFormed()) bad('id', 'id must be valid Unicode text (it contains a lone surrogate)')
    else clientId = raw.id
  }

  let initiative = ''
  if (raw.initiative === undefined) bad('initiative', 'initiative is required: the slug of a registered initiative, e.g. "invoice-processing"')
  else if (typeof raw.initiative !== 'string' || !SLUG_PATTERN.test(raw.initiative)) bad('initiative', 'initiative must be an initiative slug: lowercase letters, digits and hyphens, e.g. "invoice-processing"')
  else initiative = raw.initiative

  let metric: Metric | null = null
  if (raw.metric === undefined) bad('metric', `metric is required: one of ${METRICS.join(', ')}`)
  else if (!isMetric(raw.metric)) bad('metric', `metric must be one of ${METRICS.join(', ')}`)
  else metric = raw.metric

  let occurredAt = 0
  if (raw.occurredAt === undefined) bad('occurredAt', `occurredAt is required: when the outcome happened, e.g. ${EXAMPLE_TIME}`)
  else if (typeof raw.occurredAt !== 'string' || raw.occurredAt.length > 40) bad('occurredAt', `occurredAt must be an ISO 8601 date-time string with a timezone offset, e.g. ${EXAMPLE_TIME}`)
  else {
    const t = parseInstant(raw.occurredAt)
    if (typeof t === 'string') bad('occurredAt', t)
    else if (t > nowMs + MAX_FUTURE_MS) bad('occurredAt', 'occurredAt is more than 5 minutes in the future; check the sending clock and the timezone offset')
    else if (t < 0) bad('occurredAt', `occurredAt must be in 1970 or later (got the year ${raw.occurredAt.slice(0, 4)}); check the date`)
    else occurredAt = t
  }

  let value: number | null = null
  let errors: number | null = null
  let total: number | null = null
  if (metric === 'error_rate') {
    if (raw.value !== undefined) bad('value', 'value is not used by error_rate; send errors and total instead')
    if (raw.unit !== undefined) bad('unit', 'unit is not used by error_rate')
    const count = (field: 'errors' | 'total', min: number) => {
      const x = raw[field]
      if (x === undefined) { bad(field, `${field} is required for error_rate: a whole number`); return null }
      if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < min) { bad(field, `${field} must be a whole number ≥ ${min}`); return null }
      if (x > MAX_COUNT) { bad(field, `${field} must be at most ${KINDS.error_rate.maxStoredLabel} per event; split larger counts over several events`); return null }
      return x
    }
    errors = count('errors', 0)
    total = count('total', 1)
    if (errors !== null && total !== null && errors > total) bad('errors', `errors (${errors}) must not exceed total (${total})`)
  } else if (metric !== null) {
    const kind = KINDS[metric]
    if (raw.errors !== undefined) bad('errors', 'errors is only used by error_rate')
    if (raw.total !== undefined) bad('total', 'total is only used by error_rate')
    const v = raw.value
    if (v === undefined) bad('value', `value is required for ${metric}`)
    else if (typeof v !== 'number' || !Number.isFinite(v)) bad('value', `value must be a finite number, got ${describe(v)}`)
    else if (v < 0 && !kind.allowNegative) bad('value', `value must be ≥ 0 for ${metric}`)
    else if (Math.abs(v) > 1e12) bad('value', 'value is implausibly large (more than 1e12); check the unit')
    else value = v
    const units: readonly string[] = kind.eventUnits
    if (units.length > 0) {
      let unit = kind.defaultUnit as DurationUnit
      if (raw.unit !== undefined) {
        if (typeof raw.unit === 'string' && units.includes(raw.unit)) unit = raw.unit as DurationUnit
        else bad('unit', `unit must be one of ${units.join(', ')}`)
      }
      if (value !== null) value = (value * DURATION_MS[unit]) / 1000
    } else if (raw.unit !== undefined) {
      bad('unit', `unit applies only to ${UNIT_METRICS.join(' and ')}; ${metric} is in the initiative's currency`)
    }
  }

  let currency: string | null = null
  if (raw.currency !== undefined) {
    if (typeof raw.currency !== 'string' || !isCurrencyCode(raw.currency)) bad('currency', 'currency must be an ISO 4217 code such as USD, EUR or JPY')
    else if (metric !== null && metric !== 'revenue_influenced') bad('currency', 'currency applies only to revenue_influenced')
    else currency = raw.currency
  }

  let attributes: string | null = null
  if (raw.attributes !== undefined && raw.attributes !== null) {
    const a = raw.attributes
    if (!isPlainObject(a)) bad('attributes', `attributes must be an object of string keys to string values, got ${describe(a)}`)
    else {
      const keys = Object.keys(a)
      if (keys.length > MAX_ATTRIBUTES) bad('attributes', `attributes may have at most ${MAX_ATTRIBUTES} keys, got ${keys.length}`)
      else {
        const entries: Array<[string, string]> = []
        for (const k of keys) {
          const v = a[k]
          if (k.length < 1 || k.length > MAX_ATTRIBUTE_KEY || !k.isWellFormed()) bad(`attributes.${k.slice(0, 64)}`, `attribute names must be 1-${MAX_ATTRIBUTE_KEY} characters of valid Unicode`)
          else if (typeof v !== 'string') bad(`attributes.${k}`, `attribute values must be strings, got ${describe(v)}`)
          else if (v.length > MAX_ATTRIBUTE_VALUE || !v.isWellFormed()) bad(`attributes.${k}`, `attribute values must be at most ${MAX_ATTRIBUTE_VALUE} characters of valid Unicode`)
          else entries.push([k, v])
        }
        // Serialised from entries so that keys such as "__proto__" stay plain data.
        if (entries.length > 0) attributes = '{' + entries.map(([k, v]) => JSON.stringify(k) + ':' + JSON.stringify(v)).join(',') + '}'
      }
    }
  }

  if (problems.length > 0 || metric === null) return { ok: false, problems }
  return { ok: true, event: { clientId, initiative, metric, occurredAt, value, errors, total, currency, attributes } }
}

/** The stored form of an event's figures. */
export interface StoredFigures {
  /** Milliseconds for durations, minor units for money, null for error_rate. */
  quantity: number | null
  errors: number | null
  total: number | null
}

/**
 * Applies the initiative-dependent rules: the currency must be the initiative's, money must fit its
 * minor unit, durations become integer milliseconds (sub-millisecond precision is dropped), and the
 * stored amount must be within the kind's {@link MetricKind.maxStored} (checked after the unit is
 * applied, so 10^12 hours is refused although 10^12 is a plausible number of seconds).
 * @example normalizeForInitiative(event, 'USD') // { ok: true, figures: { quantity: 1234, ... } }
 */
export function normalizeForInitiative(e: ParsedEvent, initiativeCurrency: string): { ok: true; figures: StoredFigures } | { ok: false; problem: FieldProblem } {
  if (e.metric === 'error_rate') return { ok: true, figures: { quantity: null, errors: e.errors, total: e.total } }
  if (e.metric === 'revenue_influenced') {
    if (e.currency !== null && e.currency !== initiativeCurrency) {
      return { ok: false, problem: { field: 'currency', message: `currency ${e.currency} does not match the initiative's currency ${initiativeCurrency}; convert the amount or omit currency` } }
    }
    const minor = toMinorUnits(e.value!, initiativeCurrency)
    if (minor === null) return { ok: false, problem: { field: 'value', message: `value ${e.value} has more decimal places than ${initiativeCurrency} allows; round it to the currency's minor unit` } }
    if (Math.abs(minor) > MAX_MONEY_MINOR) return { ok: false, problem: tooLarge('revenue_influenced') }
    return { ok: true, figures: { quantity: minor, errors: null, total: null } }
  }
  const ms = Math.round(e.value! * 1000)
  if (ms > KINDS[e.metric].maxStored) return { ok: false, problem: tooLarge(e.metric) }
  return { ok: true, figures: { quantity: ms, errors: null, total: null } }
}

function tooLarge(metric: Metric): FieldProblem {
  return { field: 'value', message: `value is too large: one ${metric} event may carry at most ${KINDS[metric].maxStoredLabel}; check the unit, or split the amount over several events` }
}
