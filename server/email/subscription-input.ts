/**
 * Validates subscription input from the API and the CLI: one-line names, real addresses, a known
 * schedule, a known IANA zone and registered initiatives. Problems come back as field details.
 */
import type { ErrorDetail } from '../errors.js'
import { textProblem } from '../../metrics/text.js'
import type { SubscriptionFields } from '../../db/queries/subscriptions.js'
import { isValidTimeZone } from '../../metrics/time-buckets.js'
import { scheduleProblem } from './schedule.js'

const MAX_RECIPIENTS = 100
// Pragmatic RFC 5321 shape: a dot-atom local part and a dotted domain (or localhost); no spaces, quotes,
// angle brackets, commas or control characters, so an address can never inject a header.
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
const DOMAIN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$|^localhost$/

/**
 * Why an address is unusable, or null.
 * @example addressProblem('cfo@example.com') // null
 */
export function addressProblem(address: string): string | null {
  if (/[\r\n]/.test(address)) return `"${address.replace(/[\r\n]/g, '\\n')}" contains a line break`
  if (address.length > 254) return 'is longer than 254 characters'
  const at = address.lastIndexOf('@')
  if (at < 1) return `"${address}" is not an email address (expected name@example.com)`
  const local = address.slice(0, at)
  const domain = address.slice(at + 1)
  if (local.length > 64 || !LOCAL.test(local) || !DOMAIN.test(domain)) return `"${address}" is not a valid email address (expected name@example.com)`
  return null
}

type Result = { ok: true; value: Partial<SubscriptionFields> } | { ok: false; details: ErrorDetail[] }

/**
 * Parses a subscription body. `partial` (PATCH) accepts any subset; otherwise name, recipients and
 * schedule are required, initiatives default to [] (all) and the timezone to `defaultTimezone`.
 * Recipients may be an array or a comma-separated string; duplicates (case-insensitive) are dropped.
 * @example parseSubscription({ name: 'Weekly', recipients: ['a@x.com'], schedule: 'weekly' }, { defaultTimezone: 'UTC', knownInitiatives: new Set() })
 */
export function parseSubscription(raw: unknown, opts: { partial?: boolean; defaultTimezone: string; knownInitiatives: Set<string> }): Result {
  const details: ErrorDetail[] = []
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, details: [{ field: null, message: 'the body must be a JSON object' }] }
  const body = raw as Record<string, unknown>
  const value: Partial<SubscriptionFields> = {}
  const allowed = new Set(['name', 'recipients', 'schedule', 'initiatives', 'timezone'])
  for (const k of Object.keys(body)) if (!allowed.has(k)) details.push({ field: k, message: `unknown field; use ${[...allowed].join(', ')}` })

  const need = (k: string) => !opts.partial && body[k] === undefined

  if (need('name')) details.push({ field: 'name', message: 'is required' })
  else if (body.name !== undefined) {
    if (typeof body.name !== 'string' || body.name.trim() === '') details.push({ field: 'name', message: 'must be a non-empty string' })
    else {
      const problem = textProblem(body.name, { max: 200 })
      if (problem) details.push({ field: 'name', message: problem === 'must be one line without control characters' ? `${problem} (it appears in email subjects)` : problem })
      else value.name = body.name.trim()
    }
  }

  if (need('recipients')) details.push({ field: 'recipients', message: 'is required: one or more email addresses' })
  else if (body.recipients !== undefined) {
    const list = typeof body.recipients === 'string' ? body.recipients.split(',') : body.recipients
    if (!Array.isArray(list) || list.some((r) => typeof r !== 'string')) details.push({ field: 'recipients', message: 'must be an array of email addresses' })
    else {
      const seen = new Set<string>()
      const recipients: string[] = []
      for (const r of list as string[]) {
        const address = r.replace(/^[ \t]+|[ \t]+$/g, '')
        if (address === '') continue
        const problem = addressProblem(address)
        if (problem) details.push({ field: 'recipients', message: problem })
        else if (!seen.has(address.toLowerCase())) {
          seen.add(address.toLowerCase())
          recipients.push(address)
        }
      }
      if (recipients.length === 0 && !details.some((d) => d.field === 'recipients')) details.push({ field: 'recipients', message: 'must list at least one email address' })
      if (recipients.length > MAX_RECIPIENTS) details.push({ field: 'recipients', message: `must list at most ${MAX_RECIPIENTS} addresses` })
      value.recipients = recipients
    }
  }

  if (need('schedule')) details.push({ field: 'schedule', message: 'is required: daily, weekly, monthly or a 5-field cron expression' })
  else if (body.schedule !== undefined) {
    if (typeof body.schedule !== 'string') details.push({ field: 'schedule', message: 'must be daily, weekly, monthly or a 5-field cron expression' })
    else {
      const s = body.schedule.trim()
      const problem = scheduleProblem(s)
      if (problem) details.push({ field: 'schedule', message: problem })
      else value.schedule = s.replace(/\s+/g, ' ')
    }
  }

  if (body.initiatives !== undefined) {
    const list = typeof body.initiatives === 'string' ? body.initiatives.split(',') : body.initiatives
    if (!Array.isArray(list) || list.some((r) => typeof r !== 'string')) details.push({ field: 'initiatives', message: 'must be an array of initiative slugs (empty for all)' })
    else {
      const slugs = [...new Set((list as string[]).map((s) => s.trim()).filter(Boolean))]
      for (const s of slugs) if (!opts.knownInitiatives.has(s)) details.push({ field: 'initiatives', message: `no initiative "${s.slice(0, 100)}"; see GET /api/v1/initiatives` })
      value.initiatives = slugs
    }
  } else if (!opts.partial) value.initiatives = []

  if (body.timezone !== undefined) {
    if (typeof body.timezone !== 'string' || !isValidTimeZone(body.timezone) || /^[+-]/.test(body.timezone)) details.push({ field: 'timezone', message: `must be an IANA time zone such as Europe/London or Pacific/Tongatapu, got "${String(body.timezone).slice(0, 100)}"` })
    else value.timezone = body.timezone
  } else if (!opts.partial) value.timezone = opts.defaultTimezone

  return details.length ? { ok: false, details } : { ok: true, value }
}
