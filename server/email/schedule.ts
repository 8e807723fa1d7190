/**
 * Digest periods. Presets follow the contract (daily: yesterday; weekly: last Monday–Sunday; monthly:
 * last calendar month, in the subscription's zone). A cron schedule's period is the span between its
 * two most recent fire times at or before now, `[previous fire, latest fire)`, in the subscription's
 * zone: `0 8 * * 1` (Mondays 08:00) covers Monday 08:00 to Monday 08:00; `0 18 * * 1-5` covers from the
 * previous weekday's 18:00 to today's.
 */
import cron from 'node-cron'
import { bucketStart, bucketStarts, formatInstant, localDateString, nextBucketStart, previousDigestPeriod, type DigestSchedule } from '../../metrics/time-buckets.js'

export const PRESET_SCHEDULES = ['daily', 'weekly', 'monthly'] as const

export interface DigestPeriod {
  from: number
  to: number
  /** Unique per subscription and period: `2026-11-24`, `2026-W47`, `2026-10`, `cron:<from>`. */
  key: string
}

const MINUTE = 60_000
/** How far back a cron schedule is searched for its fire times. */
const MAX_CRON_DAYS = 366 * 8

export function isPreset(schedule: string): schedule is DigestSchedule {
  return (PRESET_SCHEDULES as readonly string[]).includes(schedule)
}

/**
 * Why a schedule is invalid, or null when it is fine: a preset, or a 5-field cron expression that
 * node-cron accepts (minute hour day-of-month month day-of-week; no seconds field).
 * @example scheduleProblem('0 8 * * 1') // null
 */
export function scheduleProblem(schedule: string): string | null {
  if (isPreset(schedule)) return null
  if (/[\r\n]/.test(schedule)) return 'must be one line'
  const fields = schedule.trim().split(/\s+/)
  if (fields.length !== 5) return `must be daily, weekly, monthly, or a 5-field cron expression such as "0 8 * * 1" (minute hour day month weekday), got "${schedule}"`
  const detail = cron.validateDetailed(schedule.trim())
  if (!detail.valid) return `is not a valid cron expression: ${detail.errors.map((e) => e.message).join('; ')}`
  try {
    cronSpec(schedule)
  } catch (e) {
    return (e as Error).message
  }
  return null
}

interface CronSpec {
  minutes: number[]
  hours: Set<number>
  months: Set<number>
  dom: Array<number | string>
  dow: Array<number | string>
}

function cronSpec(expr: string): CronSpec {
  const p = cron.parse(expr.trim())
  const norm = (v: number | string) => (typeof v === 'number' && v === 7 ? 0 : v)
  for (const v of p.dayOfMonth) if (typeof v === 'string' && v.toUpperCase() !== 'L') throw new Error(`uses "${v}" in the day-of-month field, which digests do not support`)
  for (const v of p.dayOfWeek) if (typeof v === 'string' && !/^[0-7](L|#[1-5])$/i.test(v)) throw new Error(`uses "${v}" in the day-of-week field, which digests do not support`)
  return {
    minutes: [...new Set(p.minute)].sort((a, b) => b - a),
    hours: new Set(p.hour),
    months: new Set(p.month),
    dom: p.dayOfMonth,
    dow: p.dayOfWeek.map(norm),
  }
}

/** node-cron's day rule: month, day of month AND day of week must all match. */
function dayMatches(spec: CronSpec, y: number, m: number, d: number): boolean {
  if (!spec.months.has(m)) return false
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate()
  const okDom = spec.dom.some((v) => (typeof v === 'number' ? v === d : d === daysInMonth))
  if (!okDom) return false
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay()
  return spec.dow.some((v) => {
    if (typeof v === 'number') return v === weekday
    const wd = Number(v[0]) % 7
    if (wd !== weekday) return false
    if (/L$/i.test(v)) return d + 7 > daysInMonth
    return Math.floor((d - 1) / 7) + 1 === Number(v.slice(2))
  })
}

/**
 * The most recent `count` fire times of a 5-field cron expression at or before `nowMs` in `zone`,
 * newest first. Walks local days backwards, then the hours and minutes of each matching day.
 * @example previousCronFires(Date.parse('2026-11-25T09:00Z'), '0 8 * * *', 'UTC', 2) // [25 Nov 08:00, 24 Nov 08:00]
 */
export function previousCronFires(nowMs: number, expr: string, zone: string, count: number): number[] {
  const spec = cronSpec(expr)
  const fires: number[] = []
  let day = bucketStart(nowMs, 'day', zone)
  for (let i = 0; i < MAX_CRON_DAYS && fires.length < count; i++) {
    const [y, m, d] = localDateString(day, zone).split('-').map(Number)
    if (dayMatches(spec, y, m, d)) {
      const end = nextBucketStart(day, 'day', zone)
      const hours = bucketStarts(day, end, 'hour', zone).reverse()
      for (let h = 0; h < hours.length && fires.length < count; h++) {
        const start = hours[h]
        const stop = h === 0 ? end : hours[h - 1]
        const local = formatInstant(start, zone)
        const hour = Number(local.slice(11, 13))
        if (!spec.hours.has(hour)) continue
        const startMinute = Number(local.slice(14, 16))
        for (const minute of spec.minutes) {
          if (minute < startMinute) continue
          const at = start + (minute - startMinute) * MINUTE
          if (at >= stop || at > nowMs) continue
          fires.push(at)
          if (fires.length === count) break
        }
      }
    }
    day = bucketStart(day - 1, 'day', zone)
  }
  return fires
}

/**
 * The last completed period of a schedule at `nowMs`: what a scheduled digest covers. Due once its end
 * has passed, which is always true of the value returned.
 * @example lastCompletedPeriod(Date.parse('2026-11-25T09:00Z'), 'weekly', 'UTC').key // '2026-W47'
 */
export function lastCompletedPeriod(nowMs: number, schedule: string, zone: string): DigestPeriod {
  if (isPreset(schedule)) return previousDigestPeriod(nowMs, schedule, zone)
  const [to, from] = previousCronFires(nowMs, schedule, zone, 2)
  if (from === undefined) throw new Error(`the schedule "${schedule}" did not fire twice in the last ${MAX_CRON_DAYS} days`)
  return { from, to, key: `cron:${formatInstant(from, zone)}` }
}

/**
 * The period in progress at `nowMs`, `[start, nowMs)`: today, this week, this month, or since the
 * latest cron fire. `digest run --now` sends it as an extra message.
 * @example currentPeriod(Date.parse('2026-11-25T09:00Z'), 'daily', 'UTC').from // Date.parse('2026-11-25T00:00Z')
 */
export function currentPeriod(nowMs: number, schedule: string, zone: string): DigestPeriod {
  let from: number
  if (isPreset(schedule)) from = bucketStart(nowMs, schedule === 'daily' ? 'day' : schedule === 'weekly' ? 'week' : 'month', zone)
  else {
    const [last] = previousCronFires(nowMs, schedule, zone, 1)
    if (last === undefined) throw new Error(`the schedule "${schedule}" did not fire in the last ${MAX_CRON_DAYS} days`)
    from = last
  }
  return { from, to: nowMs, key: `now:${new Date(nowMs).toISOString()}` }
}
