/**
 * Calendar buckets (hour, day, week, month) in any IANA time zone, pure and fast.
 *
 * Offsets come from `Intl.DateTimeFormat` and are memoised per zone and per UTC day, with the exact
 * transition instant (to the second) recorded for the rare day in which the offset changes; local
 * day starts are memoised per zone and local day. Every other calculation is integer arithmetic on
 * epoch milliseconds, so the hot functions (`bucketStart`, `nextBucketStart`, `zoneOffsetMinutes`)
 * cost a couple of map lookups once warm.
 *
 * Bucket definitions (all half-open, `[start, nextStart)`, and together a partition of the time line):
 * - `hour`: an interval of constant local hour label *and* constant offset. Normally one real hour
 *   starting at local `HH:00` (at `:30` UTC in a +5:30 zone). Where the offset changes inside a local
 *   hour the bucket is split at the change: the repeated hour of a fall-back is two buckets (one per
 *   offset), and Australia/Lord_Howe's 30-minute shifts give 30-minute buckets.
 * - `day`: a local calendar date, from its first instant (local midnight, or the end of the gap when
 *   midnight is skipped, as in America/Santiago and America/Havana) to the next date's first instant;
 *   23, 24 or 25 hours long.
 * - `week`: seven local dates starting on a Monday.
 * - `month`: a local calendar month.
 * Day, week and month boundaries are always hour boundaries, and month boundaries day boundaries.
 *
 * Not handled: zones that historically fell back across midnight into the *previous* date and then
 * returned to the same date twice (none in current rules).
 *
 * @module
 */

/** Chart and rollup bucket size. */
export type Granularity = 'hour' | 'day' | 'week' | 'month'

/** Digest schedule, as in a subscription. */
export type DigestSchedule = 'daily' | 'weekly' | 'monthly'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** Beyond any real UTC offset (the widest were about ±15:30). */
const OFFSET_PROBE = 2 * DAY
/** Bounds memory if a process sweeps centuries; cheap to rebuild. */
const MAX_CACHED_CHUNKS = 200_000
/** Offsets are cached per chunk of this length; tz rules never change twice within one. */
const CHUNK = DAY
const MAX_CACHED_DAYS = 100_000

interface Transition {
  /** First instant (ms) with the `after` offset. */
  at: number
  before: number
  after: number
}

interface ZoneInfo {
  readonly name: string
  readonly fmt: Intl.DateTimeFormat | null
  /** Chunk index (UTC days since the epoch) → offset (ms) for chunks without a transition. */
  readonly steady: Map<number, number>
  /** Chunk index → the transition inside `(chunkStart, chunkStart + CHUNK]`. */
  readonly changes: Map<number, Transition>
  /** Local day number (days since 1970-01-01 as a local date) → first instant of that date. */
  readonly dayStarts: Map<number, number>
}

const zones = new Map<string, ZoneInfo>()
let lastZoneName = ''
let lastZone: ZoneInfo | null = null

function zoneInfo(zone: string): ZoneInfo {
  if (zone === lastZoneName && lastZone !== null) return lastZone
  let info = zones.get(zone)
  if (info === undefined) {
    info = createZoneInfo(zone)
    zones.set(zone, info)
  }
  lastZoneName = zone
  lastZone = info
  return info
}

function createZoneInfo(zone: string): ZoneInfo {
  let fmt: Intl.DateTimeFormat
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
  } catch {
    throw new RangeError(`Unknown time zone "${zone}": use an IANA name such as "Europe/London" or "UTC"`)
  }
  const isUtc = fmt.resolvedOptions().timeZone === 'UTC'
  return { name: zone, fmt: isUtc ? null : fmt, steady: new Map(), changes: new Map(), dayStarts: new Map() }
}

/** Offset in ms at `ms` straight from Intl (no cache); offsets are whole seconds. */
function intlOffset(info: ZoneInfo, ms: number): number {
  if (info.fmt === null) return 0
  const t = Math.floor(ms / SECOND) * SECOND
  let year = 0
  let month = 1
  let day = 1
  let hour = 0
  let minute = 0
  let second = 0
  let bc = false
  for (const part of info.fmt.formatToParts(t)) {
    switch (part.type) {
      case 'year': year = Number(part.value); break
      case 'month': month = Number(part.value); break
      case 'day': day = Number(part.value); break
      case 'hour': hour = Number(part.value); break
      case 'minute': minute = Number(part.value); break
      case 'second': second = Number(part.value); break
      case 'era': bc = part.value.startsWith('B'); break
      default: break
    }
  }
  if (bc) year = 1 - year
  return wallMs(year, month, day, hour, minute, second) - t
}

/** Wall-clock fields as if they were UTC, in ms (works for years 0–99 too). */
function wallMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(0)
  d.setUTCFullYear(year, month - 1, day)
  d.setUTCHours(hour, minute, second, 0)
  return d.getTime()
}

function chunkEntry(info: ZoneInfo, index: number): number | Transition {
  const steady = info.steady.get(index)
  if (steady !== undefined) return steady
  const change = info.changes.get(index)
  if (change !== undefined) return change
  const lo0 = index * CHUNK
  const before = intlOffset(info, lo0)
  const after = intlOffset(info, lo0 + CHUNK)
  if (info.steady.size > MAX_CACHED_CHUNKS) info.steady.clear()
  if (before === after) {
    info.steady.set(index, before)
    return before
  }
  // One transition per chunk at most; it falls on a whole second.
  let lo = lo0
  let hi = lo0 + CHUNK
  while (hi - lo > SECOND) {
    const mid = lo + Math.floor((hi - lo) / (2 * SECOND)) * SECOND
    if (intlOffset(info, mid) === before) lo = mid
    else hi = mid
  }
  const transition: Transition = { at: hi, before, after }
  info.changes.set(index, transition)
  return transition
}

function offsetMs(info: ZoneInfo, ms: number): number {
  if (info.fmt === null) return 0
  const entry = chunkEntry(info, Math.floor(ms / CHUNK))
  if (typeof entry === 'number') return entry
  return ms < entry.at ? entry.before : entry.after
}

/**
 * First instant in `(lo, hi]` whose offset differs from the offset at `lo`, given that the offsets at
 * `lo` and `hi` differ and at most one transition lies between them (true for spans of a few days).
 */
function transitionBetween(info: ZoneInfo, lo: number, hi: number): number {
  const before = offsetMs(info, lo)
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2)
    if (offsetMs(info, mid) === before) lo = mid
    else hi = mid
  }
  return hi
}

function assertFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number of epoch milliseconds, got ${value}`)
}

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b)
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b
}

/** Local day number (days since 1970-01-01 in local dates) of an instant. */
function localDayNumber(info: ZoneInfo, ms: number): number {
  return floorDiv(ms + offsetMs(info, ms), DAY)
}

/** First instant of the local date numbered `dayNumber`, memoised per zone. */
function startOfLocalDay(info: ZoneInfo, dayNumber: number): number {
  const cached = info.dayStarts.get(dayNumber)
  if (cached !== undefined) return cached
  const start = firstInstantAtOrAfterWall(info, dayNumber * DAY)
  if (info.dayStarts.size > MAX_CACHED_DAYS) info.dayStarts.clear()
  info.dayStarts.set(dayNumber, start)
  return start
}

/**
 * The earliest instant whose local wall time is `wall` (ms, wall fields read as UTC); when `wall`
 * falls in a spring-forward gap, the transition instant (the first instant after the gap).
 */
function firstInstantAtOrAfterWall(info: ZoneInfo, wall: number): number {
  const offBefore = offsetMs(info, wall - OFFSET_PROBE)
  const offAfter = offsetMs(info, wall + OFFSET_PROBE)
  const early = wall - offBefore
  const late = wall - offAfter
  const candidates: number[] = []
  if (offsetMs(info, early) === offBefore) candidates.push(early)
  if (offsetMs(info, late) === offAfter) candidates.push(late)
  if (candidates.length > 0) return Math.min(...candidates)
  // In a gap the offset grows (offAfter > offBefore), so late < early and the change lies between.
  return transitionBetween(info, Math.min(early, late), Math.max(early, late))
}

interface LocalFields {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  /** Day of week, 0 = Monday … 6 = Sunday. */
  weekday: number
}

function localFields(info: ZoneInfo, ms: number, offset = offsetMs(info, ms)): LocalFields {
  const d = new Date(ms + offset)
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: (d.getUTCDay() + 6) % 7,
  }
}

/** Days since 1970-01-01 of a proleptic Gregorian date; months outside 1–12 roll over the year. */
function dayNumberOf(year: number, month: number, day: number): number {
  // Howard Hinnant's days_from_civil: integer arithmetic, no Date allocation on the hot path.
  const y0 = year + floorDiv(month - 1, 12)
  const m0 = mod(month - 1, 12) + 1
  const y = m0 <= 2 ? y0 - 1 : y0
  const era = floorDiv(y, 400)
  const yoe = y - era * 400
  const mp = (m0 + 9) % 12
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** Year and month (1–12) of a day number; inverse of {@link dayNumberOf}. */
function yearMonthOf(dayNumber: number): { year: number; month: number } {
  const z = dayNumber + 719468
  const era = floorDiv(z, 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

function formatYear(year: number): string {
  if (year >= 0 && year <= 9999) return pad(year, 4)
  return (year < 0 ? '-' : '+') + pad(Math.abs(year), 6)
}

/**
 * Whether `zone` is a time zone name the runtime knows (IANA names such as `Asia/Kolkata`, and `UTC`).
 * Names are matched case-insensitively, as Intl does; raw offsets like `+05:30` are not zones.
 *
 * @example isValidTimeZone('Europe/London') // true; isValidTimeZone('Mars/Olympus') // false
 */
export function isValidTimeZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone.length === 0) return false
  try {
    zoneInfo(zone)
    return true
  } catch {
    return false
  }
}

/**
 * The zone's UTC offset at an instant, in minutes east of UTC: local time = UTC + offset.
 * Formula: (local wall-clock time read as UTC − instant) / 60 000. Whole minutes for every zone since
 * about 1900; earlier local mean times may give fractional minutes.
 * Throws RangeError for an unknown zone or a non-finite instant.
 *
 * @example zoneOffsetMinutes(Date.UTC(2026, 0, 1), 'Asia/Kolkata') // 330
 */
export function zoneOffsetMinutes(instantMs: number, zone: string): number {
  assertFinite('instantMs', instantMs)
  return offsetMs(zoneInfo(zone), instantMs) / MINUTE
}

function bucketStartIn(info: ZoneInfo, ms: number, granularity: Granularity): number {
  switch (granularity) {
    case 'hour': {
      const offset = offsetMs(info, ms)
      const candidate = ms - mod(ms + offset, HOUR)
      if (offsetMs(info, candidate) === offset) return candidate
      // The offset changed inside this local hour: the bucket starts at the change.
      return transitionBetween(info, candidate, ms)
    }
    case 'day':
      return startOfLocalDay(info, localDayNumber(info, ms))
    case 'week': {
      const dayNumber = localDayNumber(info, ms)
      // 1970-01-01 was a Thursday: day number 0 has Monday-based weekday 3.
      return startOfLocalDay(info, dayNumber - mod(dayNumber + 3, 7))
    }
    case 'month': {
      const { year, month } = yearMonthOf(localDayNumber(info, ms))
      return startOfLocalDay(info, dayNumberOf(year, month, 1))
    }
    default:
      throw new RangeError(`Unknown granularity "${String(granularity)}": use hour, day, week or month`)
  }
}

function nextBucketStartIn(info: ZoneInfo, ms: number, granularity: Granularity): number {
  switch (granularity) {
    case 'hour': {
      const offset = offsetMs(info, ms)
      const candidate = ms - mod(ms + offset, HOUR) + HOUR
      if (offsetMs(info, candidate) === offset) return candidate
      return transitionBetween(info, ms, candidate)
    }
    case 'day':
      return startOfLocalDay(info, localDayNumber(info, ms) + 1)
    case 'week': {
      const dayNumber = localDayNumber(info, ms)
      return startOfLocalDay(info, dayNumber - mod(dayNumber + 3, 7) + 7)
    }
    case 'month': {
      const { year, month } = yearMonthOf(localDayNumber(info, ms))
      return startOfLocalDay(info, dayNumberOf(year, month + 1, 1))
    }
    default:
      throw new RangeError(`Unknown granularity "${String(granularity)}": use hour, day, week or month`)
  }
}

/**
 * Epoch ms of the first instant of the local bucket (hour, day, Monday-based week or calendar month in
 * `zone`) that contains `instantMs`. See the module comment for DST behaviour: a day whose midnight is
 * skipped starts at the end of the gap; a repeated fall-back hour is two hour buckets.
 *
 * @example bucketStart(Date.parse('2026-03-29T12:00:00Z'), 'day', 'Europe/London') // Date.parse('2026-03-29T00:00:00Z')
 */
export function bucketStart(instantMs: number, granularity: Granularity, zone: string): number {
  assertFinite('instantMs', instantMs)
  return bucketStartIn(zoneInfo(zone), instantMs, granularity)
}

/**
 * Epoch ms of the first instant of the bucket after the one containing `startMs` (usually `startMs` is
 * itself a bucket start). Bucket length varies: 23/25-hour days, 28–31-day months, split DST hours.
 *
 * @example nextBucketStart(Date.parse('2026-10-25T00:00:00+01:00'), 'day', 'Europe/London') // Date.parse('2026-10-26T00:00:00Z'), 25 h later
 */
export function nextBucketStart(startMs: number, granularity: Granularity, zone: string): number {
  assertFinite('startMs', startMs)
  return nextBucketStartIn(zoneInfo(zone), startMs, granularity)
}

/**
 * Starts of every bucket that intersects `[fromMs, toMs)`, ascending; the first may lie before `fromMs`.
 * Empty when `toMs <= fromMs`.
 *
 * @example bucketStarts(Date.parse('2026-01-01T00:00Z'), Date.parse('2026-01-03T00:00Z'), 'day', 'UTC').length // 2
 */
export function bucketStarts(fromMs: number, toMs: number, granularity: Granularity, zone: string): number[] {
  assertFinite('fromMs', fromMs)
  assertFinite('toMs', toMs)
  const info = zoneInfo(zone)
  const starts: number[] = []
  if (toMs <= fromMs) return starts
  for (let s = bucketStartIn(info, fromMs, granularity); s < toMs; s = nextBucketStartIn(info, s, granularity)) {
    starts.push(s)
  }
  return starts
}

function formatOffset(offset: number): string {
  const sign = offset < 0 ? '-' : '+'
  const total = Math.abs(offset) / SECOND
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  return `${sign}${pad(h)}:${pad(m)}${s === 0 ? '' : `:${pad(s)}`}`
}

/**
 * ISO 8601 local date-time with the zone's offset, to the second (milliseconds are truncated toward the
 * past). UTC is written `+00:00`, never `Z`. Offsets with seconds (local mean time before ~1900) are
 * written `+HH:MM:SS`.
 *
 * @example formatInstant(Date.parse('2026-03-28T18:30:00Z'), 'Asia/Kolkata') // '2026-03-29T00:00:00+05:30'
 */
export function formatInstant(ms: number, zone: string): string {
  assertFinite('ms', ms)
  const info = zoneInfo(zone)
  const t = Math.floor(ms / SECOND) * SECOND
  const offset = offsetMs(info, t)
  const f = localFields(info, t, offset)
  return (
    `${formatYear(f.year)}-${pad(f.month)}-${pad(f.day)}` +
    `T${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}${formatOffset(offset)}`
  )
}

/**
 * The local calendar date of an instant, `YYYY-MM-DD`.
 *
 * @example localDateString(Date.parse('2026-01-01T03:00:00Z'), 'America/New_York') // '2025-12-31'
 */
export function localDateString(ms: number, zone: string): string {
  assertFinite('ms', ms)
  const f = localFields(zoneInfo(zone), ms)
  return `${formatYear(f.year)}-${pad(f.month)}-${pad(f.day)}`
}

/**
 * The local calendar month of an instant, `YYYY-MM`.
 *
 * @example localMonthString(Date.parse('2026-01-31T23:00:00Z'), 'Europe/Berlin') // '2026-02'
 */
export function localMonthString(ms: number, zone: string): string {
  assertFinite('ms', ms)
  const f = localFields(zoneInfo(zone), ms)
  return `${formatYear(f.year)}-${pad(f.month)}`
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const MONTH_RE = /^(\d{4})-(\d{2})$/

function parseDate(date: string): { year: number; month: number; day: number } {
  const m = DATE_RE.exec(date)
  if (m !== null) {
    const year = Number(m[1])
    const month = Number(m[2])
    const day = Number(m[3])
    const probe = new Date(wallMs(year, month, day))
    if (probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day) {
      return { year, month, day }
    }
  }
  throw new RangeError(`Invalid date "${date}": expected a real calendar date as YYYY-MM-DD`)
}

function parseMonth(month: string): { year: number; month: number } {
  const m = MONTH_RE.exec(month)
  if (m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12) return { year: Number(m[1]), month: Number(m[2]) }
  throw new RangeError(`Invalid month "${month}": expected YYYY-MM`)
}

/**
 * Epoch ms of the first instant of a local date: local midnight, or, where midnight is skipped by a DST
 * change (America/Santiago, America/Havana), the end of the gap (01:00 local). Throws RangeError for a
 * malformed or impossible date.
 *
 * @example startOfLocalDate('2026-03-29', 'Asia/Kolkata') // Date.parse('2026-03-28T18:30:00Z')
 */
export function startOfLocalDate(dateString: string, zone: string): number {
  const { year, month, day } = parseDate(dateString)
  return startOfLocalDay(zoneInfo(zone), dayNumberOf(year, month, day))
}

/**
 * Epoch ms of the first instant of a local calendar month (`YYYY-MM`); same DST rule as
 * {@link startOfLocalDate}. Throws RangeError for a malformed month.
 *
 * @example startOfLocalMonth('2026-11', 'UTC') // Date.parse('2026-11-01T00:00:00Z')
 */
export function startOfLocalMonth(monthString: string, zone: string): number {
  const { year, month } = parseMonth(monthString)
  return startOfLocalDay(zoneInfo(zone), dayNumberOf(year, month, 1))
}

/** Result of {@link coverRange}: bucket starts of each size, and raw `[from, to)` pieces. */
export interface RangeCover {
  months: number[]
  days: number[]
  hours: number[]
  raw: Array<[number, number]>
}

const COVER_LEVELS: readonly Granularity[] = ['month', 'day', 'hour']

/**
 * Decomposes `[fromMs, toMs)` into whole local months, then whole local days outside those months, then
 * whole local hours outside those days, then at most one sub-hour raw piece at each end (one in all when
 * no whole hour fits). Every instant of the range is covered exactly once, every bucket lies wholly
 * inside the range, and each array is ascending. An empty or inverted range gives empty arrays. This is
 * how a query answers any range exactly from month, day and hour rollups plus raw events.
 *
 * @example coverRange(Date.parse('2026-01-01T10:30Z'), Date.parse('2026-01-03T02:00Z'), 'UTC')
 *   // { months: [], days: [Jan 2], hours: [Jan 1 11:00 … 23:00, Jan 3 00:00, 01:00], raw: [[Jan 1 10:30, 11:00]] }
 */
export function coverRange(fromMs: number, toMs: number, zone: string): RangeCover {
  assertFinite('fromMs', fromMs)
  assertFinite('toMs', toMs)
  const cover: RangeCover = { months: [], days: [], hours: [], raw: [] }
  decompose(zoneInfo(zone), fromMs, toMs, 0, cover)
  cover.raw.sort((a, b) => a[0] - b[0])
  return cover
}

/** Whole buckets of `COVER_LEVELS[level]` inside `[lo, hi)`, then the finer levels on either side. */
function decompose(info: ZoneInfo, lo: number, hi: number, level: number, cover: RangeCover): void {
  if (lo >= hi) return
  if (level === COVER_LEVELS.length) {
    cover.raw.push([lo, hi])
    return
  }
  const granularity = COVER_LEVELS[level]
  const target = granularity === 'month' ? cover.months : granularity === 'day' ? cover.days : cover.hours
  const first = bucketStartIn(info, lo, granularity) === lo ? lo : nextBucketStartIn(info, lo, granularity)
  let end = first
  for (let next = nextBucketStartIn(info, end, granularity); first < hi && next <= hi; next = nextBucketStartIn(info, end, granularity)) {
    target.push(end)
    end = next
  }
  if (end === first) {
    decompose(info, lo, hi, level + 1, cover)
    return
  }
  decompose(info, lo, first, level + 1, cover)
  decompose(info, end, hi, level + 1, cover)
}

/**
 * The last completed digest period before `nowMs` in `zone`, as `[from, to)` epoch ms and a key:
 * daily → yesterday (`2026-11-24`); weekly → last Monday–Sunday (`2026-W47`, ISO 8601 week-year and
 * week); monthly → last calendar month (`2026-10`). At exactly a period boundary, the period just ended.
 *
 * @example previousDigestPeriod(Date.parse('2026-11-25T09:00:00Z'), 'daily', 'UTC').key // '2026-11-24'
 */
export function previousDigestPeriod(
  nowMs: number,
  schedule: DigestSchedule,
  zone: string,
): { from: number; to: number; key: string } {
  assertFinite('nowMs', nowMs)
  const info = zoneInfo(zone)
  const granularity: Granularity =
    schedule === 'daily' ? 'day' : schedule === 'weekly' ? 'week' : schedule === 'monthly' ? 'month' : invalidSchedule(schedule)
  const to = bucketStartIn(info, nowMs, granularity)
  const from = bucketStartIn(info, to - 1, granularity)
  const f = localFields(info, from)
  let key: string
  if (schedule === 'daily') key = `${formatYear(f.year)}-${pad(f.month)}-${pad(f.day)}`
  else if (schedule === 'monthly') key = `${formatYear(f.year)}-${pad(f.month)}`
  else key = isoWeekKey(f.year, f.month, f.day)
  return { from, to, key }
}

function invalidSchedule(schedule: never): never {
  throw new RangeError(`Unknown schedule "${String(schedule)}": use daily, weekly or monthly`)
}

/** ISO 8601 week key of the week containing a date: the week-year is the year of its Thursday. */
function isoWeekKey(year: number, month: number, day: number): string {
  const dayNumber = dayNumberOf(year, month, day)
  const thursday = dayNumber - mod(dayNumber + 3, 7) + 3
  const thursdayYear = new Date(thursday * DAY).getUTCFullYear()
  const week = Math.floor((thursday - dayNumberOf(thursdayYear, 1, 1)) / 7) + 1
  return `${formatYear(thursdayYear)}-W${pad(week)}`
}

/**
 * A chart granularity for a range length: ≤ 2 days → hour; ≤ 90 days → day; ≤ 366 days (a year,
 * leap years included) → week; longer → month. Inverted ranges count as empty (hour).
 *
 * @example chooseGranularity(0, 30 * 86_400_000) // 'day'
 */
export function chooseGranularity(fromMs: number, toMs: number): Granularity {
  const span = toMs - fromMs
  if (span <= 2 * DAY) return 'hour'
  if (span <= 90 * DAY) return 'day'
  if (span <= 366 * DAY) return 'week'
  return 'month'
}
