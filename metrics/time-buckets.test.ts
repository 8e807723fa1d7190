import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  bucketStart,
  bucketStarts,
  chooseGranularity,
  coverRange,
  formatInstant,
  isValidTimeZone,
  localDateString,
  localMonthString,
  nextBucketStart,
  previousDigestPeriod,
  startOfLocalDate,
  startOfLocalMonth,
  zoneOffsetMinutes,
  type Granularity,
} from './time-buckets.js'

const at = (iso: string): number => {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) throw new Error(`bad fixture ${iso}`)
  return ms
}
const MIN = 60_000
const HOUR = 60 * MIN

// Independent oracle: local wall clock and offset straight from Intl, with a different formatter
// (en-CA, longOffset) than the module uses.
const oracleFormats = new Map<string, Intl.DateTimeFormat>()
function local(ms: number, zone: string): { date: string; month: string; hour: string; offset: string } {
  let fmt = oracleFormats.get(zone)
  if (fmt === undefined) {
    fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      timeZoneName: 'longOffset',
    })
    oracleFormats.set(zone, fmt)
  }
  const p = Object.fromEntries(fmt.formatToParts(ms).map((x) => [x.type, x.value]))
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    month: `${p.year}-${p.month}`,
    hour: `${p.year}-${p.month}-${p.day}T${p.hour}`,
    offset: p.timeZoneName,
  }
}
/** The label that defines each bucket: hour buckets split at offset changes as well. */
function key(ms: number, zone: string, g: Granularity | 'week'): string {
  const l = local(ms, zone)
  switch (g) {
    case 'hour':
      return `${l.hour} ${l.offset}`
    case 'day':
      return l.date
    case 'month':
      return l.month
    case 'week': {
      // Monday of the local date, computed on the calendar (UTC arithmetic on the date only).
      const d = new Date(`${l.date}T00:00:00Z`)
      const monday = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000)
      return monday.toISOString().slice(0, 10)
    }
  }
}

const ZONES = [
  'UTC',
  'Europe/London',
  'America/New_York',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Adelaide',
  'Australia/Lord_Howe',
  'Pacific/Auckland',
  'Pacific/Tongatapu',
  'Pacific/Chatham',
  'America/Santiago',
  'America/Havana',
  'America/St_Johns',
] as const

/** 2026 offset changes of the zones above (UTC), to aim random instants at the hard cases. */
const TRANSITIONS = [
  '2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', // London
  '2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z', // New York
  '2026-04-04T16:30:00Z', '2026-10-03T16:30:00Z', // Adelaide
  '2026-04-04T15:00:00Z', '2026-10-03T15:30:00Z', // Lord Howe
  '2026-04-04T14:00:00Z', '2026-09-26T14:00:00Z', // Auckland, Chatham
  '2026-04-05T03:00:00Z', '2026-09-06T04:00:00Z', // Santiago
  '2026-03-08T05:00:00Z', '2026-11-01T05:00:00Z', // Havana
  '2026-03-08T05:30:00Z', '2026-11-01T04:30:00Z', // St John's
].map(at)
const nearTransition = fc
  .tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -26 * HOUR, max: 26 * HOUR }))
  .map(([t, d]) => t + d)

describe('isValidTimeZone', () => {
  it.each([
    ['UTC', true],
    ['Europe/London', true],
    ['Asia/Kathmandu', true],
    ['asia/kolkata', true],
    ['Mars/Olympus', false],
    ['', false],
    ['+05:30', false],
  ])('%j → %s', (zone, expected) => {
    expect(isValidTimeZone(zone)).toBe(expected)
  })

  it('makes the other functions throw a RangeError naming the zone', () => {
    expect(() => bucketStart(0, 'day', 'Mars/Olympus')).toThrow(/Mars\/Olympus/)
    expect(() => bucketStart(0, 'day', 'Mars/Olympus')).toThrow(RangeError)
  })
})

describe('zoneOffsetMinutes', () => {
  it.each([
    ['2026-01-15T12:00:00Z', 'UTC', 0],
    ['2026-01-15T12:00:00Z', 'Asia/Kolkata', 330],
    ['2026-07-15T12:00:00Z', 'Asia/Kolkata', 330],
    ['2026-01-15T12:00:00Z', 'Asia/Kathmandu', 345],
    ['2026-01-15T12:00:00Z', 'Australia/Adelaide', 630],
    ['2026-07-15T12:00:00Z', 'Australia/Adelaide', 570],
    ['2026-01-15T12:00:00Z', 'Australia/Lord_Howe', 660],
    ['2026-07-15T12:00:00Z', 'Australia/Lord_Howe', 630],
    ['2026-01-15T12:00:00Z', 'Pacific/Auckland', 780],
    ['2026-07-15T12:00:00Z', 'Pacific/Auckland', 720],
    ['2026-01-15T12:00:00Z', 'Pacific/Tongatapu', 780],
    ['2026-07-15T12:00:00Z', 'Pacific/Tongatapu', 780],
    ['2026-01-15T12:00:00Z', 'America/New_York', -300],
    ['2026-07-15T12:00:00Z', 'America/New_York', -240],
    ['2026-01-15T12:00:00Z', 'America/St_Johns', -210],
    ['2026-07-15T12:00:00Z', 'Europe/London', 60],
    // Exactly at and just before a transition (London springs forward at 01:00 UTC).
    ['2026-03-29T00:59:59.999Z', 'Europe/London', 0],
    ['2026-03-29T01:00:00Z', 'Europe/London', 60],
    // Lord Howe's half-hour shift at 02:00 local standard time = 15:30 UTC.
    ['2026-10-03T15:29:59Z', 'Australia/Lord_Howe', 630],
    ['2026-10-03T15:30:00Z', 'Australia/Lord_Howe', 660],
  ])('%s in %s is %i', (iso, zone, expected) => {
    expect(zoneOffsetMinutes(at(iso), zone)).toBe(expected)
  })

  it('rejects a non-finite instant', () => {
    expect(() => zoneOffsetMinutes(Number.NaN, 'UTC')).toThrow(RangeError)
  })
})

describe('bucketStart and nextBucketStart', () => {
  // [instant, granularity, zone, expected start, expected next start]
  it.each<[string, Granularity, string, string, string]>([
    // 23- and 25-hour days.
    ['2026-03-29T12:00:00Z', 'day', 'Europe/London', '2026-03-29T00:00:00+00:00', '2026-03-30T00:00:00+01:00'],
    ['2026-10-25T12:00:00Z', 'day', 'Europe/London', '2026-10-25T00:00:00+01:00', '2026-10-26T00:00:00+00:00'],
    ['2026-03-08T12:00:00Z', 'day', 'America/New_York', '2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00'],
    ['2026-11-01T12:00:00Z', 'day', 'America/New_York', '2026-11-01T00:00:00-04:00', '2026-11-02T00:00:00-05:00'],
    // Half- and quarter-hour zones.
    ['2026-01-01T10:45:00Z', 'hour', 'Asia/Kolkata', '2026-01-01T16:00:00+05:30', '2026-01-01T17:00:00+05:30'],
    ['2026-01-01T10:45:00Z', 'hour', 'Asia/Kathmandu', '2026-01-01T16:00:00+05:45', '2026-01-01T17:00:00+05:45'],
    ['2026-01-01T20:00:00Z', 'day', 'Asia/Kolkata', '2026-01-02T00:00:00+05:30', '2026-01-03T00:00:00+05:30'],
    ['2026-01-01T18:14:59Z', 'day', 'Asia/Kathmandu', '2026-01-01T00:00:00+05:45', '2026-01-02T00:00:00+05:45'],
    ['2026-01-01T18:15:00Z', 'day', 'Asia/Kathmandu', '2026-01-02T00:00:00+05:45', '2026-01-03T00:00:00+05:45'],
    // Adelaide (+9:30 / +10:30): DST ends 2026-04-05 03:00 → 02:00, starts 2026-10-04 02:00 → 03:00.
    ['2026-04-05T03:00:00Z', 'day', 'Australia/Adelaide', '2026-04-05T00:00:00+10:30', '2026-04-06T00:00:00+09:30'],
    ['2026-10-04T03:00:00Z', 'day', 'Australia/Adelaide', '2026-10-04T00:00:00+09:30', '2026-10-05T00:00:00+10:30'],
    ['2026-04-04T16:10:00Z', 'hour', 'Australia/Adelaide', '2026-04-05T02:00:00+10:30', '2026-04-05T02:00:00+09:30'],
    ['2026-04-04T16:40:00Z', 'hour', 'Australia/Adelaide', '2026-04-05T02:00:00+09:30', '2026-04-05T03:00:00+09:30'],
    // Lord Howe's 30-minute shifts give 30-minute hour buckets at the change.
    ['2026-10-03T15:00:00Z', 'hour', 'Australia/Lord_Howe', '2026-10-04T01:00:00+10:30', '2026-10-04T02:30:00+11:00'],
    ['2026-10-03T15:45:00Z', 'hour', 'Australia/Lord_Howe', '2026-10-04T02:30:00+11:00', '2026-10-04T03:00:00+11:00'],
    ['2026-04-04T14:59:00Z', 'hour', 'Australia/Lord_Howe', '2026-04-05T01:00:00+11:00', '2026-04-05T01:30:00+10:30'],
    ['2026-04-04T15:10:00Z', 'hour', 'Australia/Lord_Howe', '2026-04-05T01:30:00+10:30', '2026-04-05T02:00:00+10:30'],
    ['2026-10-04T12:00:00Z', 'day', 'Australia/Lord_Howe', '2026-10-04T00:00:00+10:30', '2026-10-05T00:00:00+11:00'],
    ['2026-10-03T12:00:00Z', 'day', 'Australia/Lord_Howe', '2026-10-03T00:00:00+10:30', '2026-10-04T00:00:00+10:30'],
    // The repeated New York hour is two buckets, one per offset.
    ['2026-11-01T05:30:00Z', 'hour', 'America/New_York', '2026-11-01T01:00:00-04:00', '2026-11-01T01:00:00-05:00'],
    ['2026-11-01T06:30:00Z', 'hour', 'America/New_York', '2026-11-01T01:00:00-05:00', '2026-11-01T02:00:00-05:00'],
    ['2026-03-08T06:59:59Z', 'hour', 'America/New_York', '2026-03-08T01:00:00-05:00', '2026-03-08T03:00:00-04:00'],
    // Midnight skipped: the day starts at 01:00.
    ['2026-09-06T12:00:00Z', 'day', 'America/Santiago', '2026-09-06T01:00:00-03:00', '2026-09-07T00:00:00-03:00'],
    ['2026-03-08T12:00:00Z', 'day', 'America/Havana', '2026-03-08T01:00:00-04:00', '2026-03-09T00:00:00-04:00'],
    ['2026-09-05T12:00:00Z', 'day', 'America/Santiago', '2026-09-05T00:00:00-04:00', '2026-09-06T01:00:00-03:00'],
    // Santiago falls back from Sunday 00:00 to Saturday 23:00: Saturday has 25 hours.
    ['2026-04-05T03:30:00Z', 'day', 'America/Santiago', '2026-04-04T00:00:00-03:00', '2026-04-05T00:00:00-04:00'],
    // Havana falls back from 01:00 to 00:00: the date starts at the first midnight.
    ['2026-11-01T04:30:00Z', 'day', 'America/Havana', '2026-11-01T00:00:00-04:00', '2026-11-02T00:00:00-05:00'],
    ['2026-11-01T05:30:00Z', 'day', 'America/Havana', '2026-11-01T00:00:00-04:00', '2026-11-02T00:00:00-05:00'],
    // +13:00 zones.
    ['2026-01-01T10:59:59Z', 'day', 'Pacific/Tongatapu', '2026-01-01T00:00:00+13:00', '2026-01-02T00:00:00+13:00'],
    ['2026-01-01T11:00:00Z', 'day', 'Pacific/Tongatapu', '2026-01-02T00:00:00+13:00', '2026-01-03T00:00:00+13:00'],
    ['2026-09-27T12:00:00Z', 'day', 'Pacific/Auckland', '2026-09-28T00:00:00+13:00', '2026-09-29T00:00:00+13:00'],
    ['2026-09-26T12:00:00Z', 'day', 'Pacific/Auckland', '2026-09-27T00:00:00+12:00', '2026-09-28T00:00:00+13:00'],
    // Weeks start on Monday, across a year boundary.
    ['2026-01-01T12:00:00Z', 'week', 'UTC', '2025-12-29T00:00:00+00:00', '2026-01-05T00:00:00+00:00'],
    ['2026-01-04T23:59:59Z', 'week', 'UTC', '2025-12-29T00:00:00+00:00', '2026-01-05T00:00:00+00:00'],
    ['2026-01-05T00:00:00Z', 'week', 'UTC', '2026-01-05T00:00:00+00:00', '2026-01-12T00:00:00+00:00'],
    ['2025-12-31T12:00:00Z', 'week', 'Pacific/Auckland', '2025-12-29T00:00:00+13:00', '2026-01-05T00:00:00+13:00'],
    ['2026-01-04T11:00:00Z', 'week', 'Pacific/Auckland', '2026-01-05T00:00:00+13:00', '2026-01-12T00:00:00+13:00'],
    ['2026-03-25T12:00:00Z', 'week', 'Europe/London', '2026-03-23T00:00:00+00:00', '2026-03-30T00:00:00+01:00'],
    // Months, including a leap February.
    ['2028-02-29T12:00:00Z', 'month', 'UTC', '2028-02-01T00:00:00+00:00', '2028-03-01T00:00:00+00:00'],
    ['2028-02-29T12:00:00Z', 'day', 'UTC', '2028-02-29T00:00:00+00:00', '2028-03-01T00:00:00+00:00'],
    ['2028-02-29T20:00:00Z', 'day', 'Asia/Kolkata', '2028-03-01T00:00:00+05:30', '2028-03-02T00:00:00+05:30'],
    ['2026-12-31T23:30:00Z', 'month', 'Asia/Kolkata', '2027-01-01T00:00:00+05:30', '2027-02-01T00:00:00+05:30'],
    ['2026-10-15T12:00:00Z', 'month', 'Europe/London', '2026-10-01T00:00:00+01:00', '2026-11-01T00:00:00+00:00'],
    ['2026-09-15T12:00:00Z', 'month', 'America/Santiago', '2026-09-01T00:00:00-04:00', '2026-10-01T00:00:00-03:00'],
  ])('%s, %s in %s starts at %s', (instant, g, zone, start, next) => {
    const s = bucketStart(at(instant), g, zone)
    expect(s).toBe(at(start))
    expect(nextBucketStart(s, g, zone)).toBe(at(next))
    expect(nextBucketStart(at(instant), g, zone)).toBe(at(next))
  })

  it.each([
    ['Europe/London', '2026-03-29', 23],
    ['Europe/London', '2026-10-25', 25],
    ['America/New_York', '2026-03-08', 23],
    ['America/New_York', '2026-11-01', 25],
    ['Australia/Lord_Howe', '2026-10-04', 23.5],
    ['Australia/Lord_Howe', '2026-04-05', 24.5],
    ['Asia/Kolkata', '2026-03-29', 24],
  ])('the %s day %s lasts %d hours', (zone, date, hours) => {
    const s = startOfLocalDate(date, zone)
    expect((nextBucketStart(s, 'day', zone) - s) / HOUR).toBe(hours)
  })

  it('rejects an unknown granularity', () => {
    expect(() => bucketStart(0, 'year' as Granularity, 'UTC')).toThrow(RangeError)
  })

  it.each(ZONES.flatMap((zone) => (['hour', 'day', 'week', 'month'] as const).map((g) => [zone, g] as const)))(
    'in %s, every %s bucket is the maximal run of instants sharing its local label',
    (zone, g) => {
      fc.assert(
        fc.property(fc.oneof(fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2030-01-01T00:00:00Z') }), nearTransition), (t) => {
          const s = bucketStart(t, g, zone)
          const e = nextBucketStart(s, g, zone)
          expect(s).toBeLessThanOrEqual(t)
          expect(e).toBeGreaterThan(t)
          const k = key(t, zone, g)
          expect(key(s, zone, g)).toBe(k)
          expect(key(e - 1, zone, g)).toBe(k)
          expect(key(s - 1, zone, g)).not.toBe(k)
          expect(key(e, zone, g)).not.toBe(k)
        }),
        { numRuns: 100, seed: 20261125 },
      )
    },
  )
})

describe('bucketStarts', () => {
  it.each<[string, string, Granularity, string, string[]]>([
    [
      '2026-03-28T12:00:00Z',
      '2026-03-30T00:00:00Z',
      'day',
      'Europe/London',
      ['2026-03-28T00:00:00Z', '2026-03-29T00:00:00Z', '2026-03-29T23:00:00Z'],
    ],
    ['2026-01-01T10:00:00Z', '2026-01-01T12:00:00Z', 'hour', 'Asia/Kolkata', ['2026-01-01T09:30:00Z', '2026-01-01T10:30:00Z', '2026-01-01T11:30:00Z']],
    ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'day', 'UTC', []],
    ['2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z', 'day', 'UTC', []],
    ['2026-01-01T00:00:00Z', '2026-04-01T00:00:00Z', 'month', 'UTC', ['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z']],
    ['2025-12-31T00:00:00Z', '2026-01-06T00:00:00Z', 'week', 'UTC', ['2025-12-29T00:00:00Z', '2026-01-05T00:00:00Z']],
  ])('[%s, %s) by %s in %s', (from, to, g, zone, expected) => {
    expect(bucketStarts(at(from), at(to), g, zone)).toEqual(expected.map(at))
  })
})

describe('formatting and parsing local dates', () => {
  it.each([
    ['2026-03-28T18:30:00Z', 'Asia/Kolkata', '2026-03-29T00:00:00+05:30', '2026-03-29', '2026-03'],
    ['2026-03-28T18:30:00.999Z', 'Asia/Kolkata', '2026-03-29T00:00:00+05:30', '2026-03-29', '2026-03'],
    ['2026-01-01T03:00:00Z', 'America/New_York', '2025-12-31T22:00:00-05:00', '2025-12-31', '2025-12'],
    ['2026-11-25T09:05:07Z', 'UTC', '2026-11-25T09:05:07+00:00', '2026-11-25', '2026-11'],
    ['2026-01-31T23:00:00Z', 'Europe/Berlin', '2026-02-01T00:00:00+01:00', '2026-02-01', '2026-02'],
    ['2026-01-01T00:00:00Z', 'Asia/Kathmandu', '2026-01-01T05:45:00+05:45', '2026-01-01', '2026-01'],
    ['2026-01-01T00:00:00Z', 'America/St_Johns', '2025-12-31T20:30:00-03:30', '2025-12-31', '2025-12'],
    ['2028-02-29T12:00:00Z', 'Pacific/Tongatapu', '2028-03-01T01:00:00+13:00', '2028-03-01', '2028-03'],
    ['1969-12-31T23:59:59Z', 'UTC', '1969-12-31T23:59:59+00:00', '1969-12-31', '1969-12'],
  ])('%s in %s is %s', (iso, zone, formatted, date, month) => {
    expect(formatInstant(at(iso), zone)).toBe(formatted)
    expect(localDateString(at(iso), zone)).toBe(date)
    expect(localMonthString(at(iso), zone)).toBe(month)
  })

  it.each([
    ['2026-03-29', 'Asia/Kolkata', '2026-03-28T18:30:00Z'],
    ['2028-02-29', 'UTC', '2028-02-29T00:00:00Z'],
    ['2028-02-29', 'Asia/Kolkata', '2028-02-28T18:30:00Z'],
    ['2026-09-06', 'America/Santiago', '2026-09-06T04:00:00Z'],
    ['2026-03-08', 'America/Havana', '2026-03-08T05:00:00Z'],
    ['2026-04-05', 'America/Santiago', '2026-04-05T04:00:00Z'],
    ['2026-01-01', 'Pacific/Tongatapu', '2025-12-31T11:00:00Z'],
  ])('startOfLocalDate(%s, %s) is %s', (date, zone, expected) => {
    expect(startOfLocalDate(date, zone)).toBe(at(expected))
  })

  it.each([
    ['2026-11', 'UTC', '2026-11-01T00:00:00Z'],
    ['2026-04', 'Australia/Adelaide', '2026-03-31T13:30:00Z'],
    ['2026-09', 'America/Santiago', '2026-09-01T04:00:00Z'],
    ['2028-03', 'Pacific/Auckland', '2028-02-29T11:00:00Z'],
  ])('startOfLocalMonth(%s, %s) is %s', (month, zone, expected) => {
    expect(startOfLocalMonth(month, zone)).toBe(at(expected))
  })

  it.each(['2026-02-29', '2026-13-01', '2026-1-01', '2026-01-32', 'yesterday', ''])('rejects the date %j', (date) => {
    expect(() => startOfLocalDate(date, 'UTC')).toThrow(RangeError)
  })

  it.each(['2026-00', '2026-13', '2026-1', '2026-01-01'])('rejects the month %j', (month) => {
    expect(() => startOfLocalMonth(month, 'UTC')).toThrow(RangeError)
  })
})

describe('coverRange', () => {
  it('splits a UTC range into months, days, hours and raw ends', () => {
    const cover = coverRange(at('2026-01-31T22:30:00Z'), at('2026-03-02T01:15:00Z'), 'UTC')
    expect(cover).toEqual({
      months: [at('2026-02-01T00:00:00Z')],
      days: [at('2026-03-01T00:00:00Z')],
      hours: [at('2026-01-31T23:00:00Z'), at('2026-03-02T00:00:00Z')],
      raw: [
        [at('2026-01-31T22:30:00Z'), at('2026-01-31T23:00:00Z')],
        [at('2026-03-02T01:00:00Z'), at('2026-03-02T01:15:00Z')],
      ],
    })
  })

  it.each([
    ['inside one hour', '2026-01-01T10:10:00Z', '2026-01-01T10:50:00Z', [['2026-01-01T10:10:00Z', '2026-01-01T10:50:00Z']]],
    ['across an hour boundary without a whole hour', '2026-01-01T10:30:00Z', '2026-01-01T11:20:00Z', [['2026-01-01T10:30:00Z', '2026-01-01T11:20:00Z']]],
  ])('keeps one raw piece %s', (_name, from, to, raw) => {
    expect(coverRange(at(from), at(to), 'UTC')).toEqual({ months: [], days: [], hours: [], raw: raw.map(([a, b]) => [at(a), at(b)]) })
  })

  it('gives empty arrays for an empty range', () => {
    expect(coverRange(5, 5, 'UTC')).toEqual({ months: [], days: [], hours: [], raw: [] })
  })

  it('uses whole local hours in a +5:30 zone', () => {
    const cover = coverRange(at('2026-01-01T10:00:00Z'), at('2026-01-01T12:00:00Z'), 'Asia/Kolkata')
    expect(cover.hours).toEqual([at('2026-01-01T10:30:00Z')])
    expect(cover.raw).toEqual([
      [at('2026-01-01T10:00:00Z'), at('2026-01-01T10:30:00Z')],
      [at('2026-01-01T11:30:00Z'), at('2026-01-01T12:00:00Z')],
    ])
  })

  const instant = fc.oneof(
    fc.integer({ min: at('2024-01-01T00:00:00Z'), max: at('2029-01-01T00:00:00Z') }),
    // Aligned to whole UTC quarter hours, so ranges often start or end on bucket boundaries.
    fc.integer({ min: at('2024-01-01T00:00:00Z') / (15 * MIN), max: at('2029-01-01T00:00:00Z') / (15 * MIN) }).map((q) => q * 15 * MIN),
    nearTransition,
  )
  const span = fc.oneof(
    fc.integer({ min: 0, max: 3 * HOUR }),
    fc.integer({ min: 0, max: 4 * 24 * HOUR }),
    fc.integer({ min: 0, max: 200 * 24 * HOUR }),
  )

  it('covers every instant once, with whole buckets inside the range, coarsest first (property)', () => {
    fc.assert(
      fc.property(instant, span, fc.constantFrom(...ZONES), (from, length, zone) => {
        const to = from + length
        const cover = coverRange(from, to, zone)
        const pieces: Array<{ start: number; end: number }> = []
        const check = (starts: number[], g: Granularity, parent: Granularity | null) => {
          expect([...starts].sort((a, b) => a - b)).toEqual(starts)
          for (const s of starts) {
            const e = nextBucketStart(s, g, zone)
            const k = key(s, zone, g)
            // [s, e) is exactly one local bucket, per the Intl oracle.
            expect(key(s - 1, zone, g)).not.toBe(k)
            expect(key(e - 1, zone, g)).toBe(k)
            expect(key(e, zone, g)).not.toBe(k)
            expect(s).toBeGreaterThanOrEqual(from)
            expect(e).toBeLessThanOrEqual(to)
            // Coarsest first: the enclosing coarser bucket must stick out of the range.
            if (parent !== null) {
              const pk = key(s, zone, parent)
              expect(key(from - 1, zone, parent) === pk || key(to, zone, parent) === pk).toBe(true)
            }
            pieces.push({ start: s, end: e })
          }
        }
        check(cover.months, 'month', null)
        check(cover.days, 'day', 'month')
        check(cover.hours, 'hour', 'day')
        expect(cover.raw.length).toBeLessThanOrEqual(2)
        for (const [a, b] of cover.raw) {
          expect(b).toBeGreaterThan(a)
          // One sub-hour end, or both ends merged when no whole hour fits between them.
          expect(b - a).toBeLessThan(2 * HOUR)
          // No whole hour bucket inside a raw piece: at most one hour boundary in [a, b].
          let boundaries = 0
          if (key(a - 1, zone, 'hour') !== key(a, zone, 'hour')) boundaries += 1
          if (key(b - 1, zone, 'hour') !== key(b, zone, 'hour')) boundaries += 1
          for (let m = Math.floor(a / MIN) * MIN + MIN; m < b; m += MIN) {
            if (key(m - 1, zone, 'hour') !== key(m, zone, 'hour')) boundaries += 1
          }
          expect(boundaries).toBeLessThanOrEqual(1)
          pieces.push({ start: a, end: b })
        }
        pieces.sort((x, y) => x.start - y.start)
        if (to <= from) {
          expect(pieces).toEqual([])
          return
        }
        // Disjoint and gap-free, from `from` to `to`.
        expect(pieces[0].start).toBe(from)
        expect(pieces[pieces.length - 1].end).toBe(to)
        for (let i = 1; i < pieces.length; i++) expect(pieces[i].start).toBe(pieces[i - 1].end)
      }),
      { numRuns: 500, seed: 42 },
    )
  })
})

describe('previousDigestPeriod', () => {
  it.each<[string, 'daily' | 'weekly' | 'monthly', string, string, string, string]>([
    ['2026-11-25T09:00:00Z', 'daily', 'UTC', '2026-11-24T00:00:00Z', '2026-11-25T00:00:00Z', '2026-11-24'],
    ['2026-11-25T09:00:00Z', 'weekly', 'UTC', '2026-11-16T00:00:00Z', '2026-11-23T00:00:00Z', '2026-W47'],
    ['2026-11-25T09:00:00Z', 'monthly', 'UTC', '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z', '2026-10'],
    // 22:00 on the 25th in Auckland: yesterday there is the 24th, in NZDT.
    ['2026-11-25T09:00:00Z', 'daily', 'Pacific/Auckland', '2026-11-23T11:00:00Z', '2026-11-24T11:00:00Z', '2026-11-24'],
    // 01:00 on the 25th in Tonga is still the 24th in UTC.
    ['2026-11-24T12:00:00Z', 'daily', 'Pacific/Tongatapu', '2026-11-23T11:00:00Z', '2026-11-24T11:00:00Z', '2026-11-24'],
    // Exactly at local midnight the day just ended is reported.
    ['2026-11-25T00:00:00Z', 'daily', 'UTC', '2026-11-24T00:00:00Z', '2026-11-25T00:00:00Z', '2026-11-24'],
    // ISO week-years: 2026 has 53 weeks; 2025-12-29 begins 2026-W01.
    ['2027-01-06T12:00:00Z', 'weekly', 'UTC', '2026-12-28T00:00:00Z', '2027-01-04T00:00:00Z', '2026-W53'],
    ['2026-01-07T12:00:00Z', 'weekly', 'UTC', '2025-12-29T00:00:00Z', '2026-01-05T00:00:00Z', '2026-W01'],
    ['2026-01-07T12:00:00Z', 'monthly', 'UTC', '2025-12-01T00:00:00Z', '2026-01-01T00:00:00Z', '2025-12'],
    // A week containing the London spring-forward is 167 hours.
    ['2026-04-01T12:00:00Z', 'weekly', 'Europe/London', '2026-03-23T00:00:00Z', '2026-03-29T23:00:00Z', '2026-W13'],
    ['2028-03-01T12:00:00Z', 'monthly', 'Asia/Kolkata', '2028-01-31T18:30:00Z', '2028-02-29T18:30:00Z', '2028-02'],
  ])('at %s, %s in %s → [%s, %s) %s', (now, schedule, zone, from, to, key_) => {
    expect(previousDigestPeriod(at(now), schedule, zone)).toEqual({ from: at(from), to: at(to), key: key_ })
  })
})

describe('chooseGranularity', () => {
  const day = 24 * HOUR
  it.each<[number, Granularity]>([
    [0, 'hour'],
    [2 * day, 'hour'],
    [2 * day + 1, 'day'],
    [90 * day, 'day'],
    [90 * day + 1, 'week'],
    [366 * day, 'week'],
    [366 * day + 1, 'month'],
    [5 * 365 * day, 'month'],
  ])('a span of %i ms → %s', (span, expected) => {
    expect(chooseGranularity(1_000, 1_000 + span)).toBe(expected)
  })
})
