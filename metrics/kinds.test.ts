import { describe, expect, it } from 'vitest'
import { normalizeForInitiative, parseEvent, parseInstant } from './kinds.js'
import { currencyExponent, toMinorUnits } from './currency.js'

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0)
const base = { initiative: 'invoices', metric: 'time_saved', value: 3, occurredAt: '2026-11-25T09:00:00Z' }

function problems(raw: unknown) {
  const r = parseEvent(raw, NOW)
  return r.ok ? [] : r.problems
}

describe('parseInstant', () => {
  it.each([
    ['2026-11-25T09:00:00Z', Date.UTC(2026, 10, 25, 9)],
    ['2026-11-25T09:00:00+05:30', Date.UTC(2026, 10, 25, 3, 30)],
    ['2026-11-25T09:00:00.250-08:00', Date.UTC(2026, 10, 25, 17, 0, 0, 250)],
    ['2028-02-29T00:00Z', Date.UTC(2028, 1, 29)],
    // Years 0000-0099 as written, not 1900-1999: 0050-01-01 is 1920 years of 365.2425 days before 1970.
    ['0050-01-01T00:00:00Z', -(1920 * 365 + 465) * 86_400_000],
    ['0000-03-01T00:00:00Z', -62162035200000],
  ])('reads %s', (text, ms) => expect(parseInstant(text)).toBe(ms))

  it.each(['0000', '0050', '0099'])('keeps the year %s as written', (year) => {
    expect(new Date(parseInstant(`${year}-06-15T12:00:00Z`) as number).getUTCFullYear()).toBe(Number(year))
  })

  it.each([
    ['2026-11-25T09:00:00', /must include a timezone offset, e.g. 2026-11-25T09:00:00Z/],
    ['2026-02-30T00:00:00Z', /no such calendar date/],
    ['2027-02-29T00:00:00Z', /no such calendar date/],
    ['2026-11-25T24:00:00Z', /invalid time of day/],
    ['yesterday', /ISO 8601/],
  ])('rejects %s', (text, message) => expect(parseInstant(text)).toMatch(message))
})

describe('parseEvent', () => {
  it.each(['0000-01-01T00:00:00Z', '0070-06-01T00:00:00Z', '0099-12-31T23:59:59Z'])('refuses occurredAt %s clearly instead of storing a year 19xx', (occurredAt) => {
    const p = problems({ ...base, occurredAt })
    expect(p).toHaveLength(1)
    expect(p[0]).toMatchObject({ field: 'occurredAt' })
    expect(p[0].message).toMatch(/1970 or later/)
  })

  it('converts durations to seconds with the default unit of each metric', () => {
    const ts = parseEvent(base, NOW)
    expect(ts.ok && ts.event.value).toBe(180)
    const dl = parseEvent({ ...base, metric: 'decision_latency', value: 2.5 }, NOW)
    expect(dl.ok && dl.event.value).toBe(2.5)
    const h = parseEvent({ ...base, unit: 'hours', value: 1.5 }, NOW)
    expect(h.ok && h.event.value).toBe(5400)
  })

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['missing metric', { ...base, metric: undefined }, 'metric', /required/],
    ['unknown metric', { ...base, metric: 'accuracy' }, 'metric', /one of time_saved/],
    ['no offset', { ...base, occurredAt: '2026-11-25T09:00:00' }, 'occurredAt', /timezone offset/],
    ['far future', { ...base, occurredAt: '2026-11-25T12:06:00Z' }, 'occurredAt', /future/],
    ['negative time saved', { ...base, value: -1 }, 'value', /≥ 0/],
    ['NaN-like value', { ...base, value: 'NaN' }, 'value', /finite number/],
    ['errors above total', { ...base, metric: 'error_rate', value: undefined, errors: 3, total: 2 }, 'errors', /must not exceed total/],
    ['zero total', { ...base, metric: 'error_rate', value: undefined, errors: 0, total: 0 }, 'total', /≥ 1/],
    ['fractional errors', { ...base, metric: 'error_rate', value: undefined, errors: 0.5, total: 2 }, 'errors', /whole number/],
    ['value on error_rate', { ...base, metric: 'error_rate', errors: 0, total: 2 }, 'value', /not used by error_rate/],
    ['unit on revenue', { ...base, metric: 'revenue_influenced', unit: 'hours' }, 'unit', /only to time_saved/],
    ['bad unit', { ...base, unit: 'days' }, 'unit', /seconds, minutes, hours/],
    ['long id', { ...base, id: 'x'.repeat(129) }, 'id', /1-128/],
    ['lone surrogate id', { ...base, id: 'a\ud800' }, 'id', /lone surrogate/],
    ['bad slug', { ...base, initiative: 'Invoices!' }, 'initiative', /slug/],
    ['unknown field', { ...base, occured_at: 'x' }, 'occured_at', /unknown field/],
    ['too many attributes', { ...base, attributes: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }, 'attributes', /at most 20/],
    ['non-string attribute', { ...base, attributes: { team: 3 } }, 'attributes.team', /strings/],
    ['bad currency', { ...base, metric: 'revenue_influenced', currency: 'XYZ' }, 'currency', /ISO 4217/],
  ])('rejects %s', (_name, raw, field, message) => {
    const p = problems(raw)
    expect(p.map((x) => x.field)).toContain(field)
    expect(p.find((x) => x.field === field)!.message).toMatch(message)
  })

  it('lists every problem of an event, not only the first', () => {
    expect(problems({ metric: 'x', value: 'y' }).map((p) => p.field).sort()).toEqual(['initiative', 'metric', 'occurredAt'])
  })

  it('keeps prototype-like attribute names as plain data', () => {
    const raw = JSON.parse('{"initiative":"a","metric":"time_saved","value":1,"occurredAt":"2026-11-25T09:00:00Z","attributes":{"__proto__":"x","constructor":"y"}}')
    const r = parseEvent(raw, NOW)
    expect(r.ok && JSON.parse(r.event.attributes!)).toEqual(JSON.parse('{"__proto__":"x","constructor":"y"}'))
  })
})

describe('normalizeForInitiative', () => {
  const parsed = (raw: Record<string, unknown>) => {
    const r = parseEvent({ ...base, ...raw }, NOW)
    if (!r.ok) throw new Error(JSON.stringify(r.problems))
    return r.event
  }
  it('stores money in minor units and durations in milliseconds', () => {
    expect(normalizeForInitiative(parsed({ metric: 'revenue_influenced', value: 12.34 }), 'USD')).toEqual({ ok: true, figures: { quantity: 1234, errors: null, total: null } })
    expect(normalizeForInitiative(parsed({ metric: 'revenue_influenced', value: 1200 }), 'JPY')).toEqual({ ok: true, figures: { quantity: 1200, errors: null, total: null } })
    expect(normalizeForInitiative(parsed({ value: 2.5 }), 'USD')).toEqual({ ok: true, figures: { quantity: 150_000, errors: null, total: null } })
  })
  it('refuses a currency other than the initiative\'s and sub-cent amounts', () => {
    expect(normalizeForInitiative(parsed({ metric: 'revenue_influenced', value: 1, currency: 'EUR' }), 'USD')).toMatchObject({ ok: false, problem: { field: 'currency' } })
    expect(normalizeForInitiative(parsed({ metric: 'revenue_influenced', value: 1.005 }), 'USD')).toMatchObject({ ok: false, problem: { field: 'value' } })
    expect(normalizeForInitiative(parsed({ metric: 'revenue_influenced', value: 1.5 }), 'JPY')).toMatchObject({ ok: false, problem: { field: 'value' } })
  })
})

describe('currency', () => {
  it.each([['USD', 2], ['JPY', 0], ['BHD', 3], ['EUR', 2]])('%s has %i decimals', (c, e) => expect(currencyExponent(c)).toBe(e))
  it('tolerates float noise', () => expect(toMinorUnits(0.1 + 0.2, 'USD')).toBe(30))
})

describe('parseInstant agrees with Date.parse', () => {
  it('on random valid instants and offsets', async () => {
    const fc = (await import('fast-check')).default
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4102444800000 }), fc.integer({ min: -12 * 60, max: 14 * 60 }), fc.boolean(), (t, off, withMillis) => {
        const local = new Date(t + off * 60_000).toISOString().slice(0, withMillis ? 23 : 19)
        const sign = off < 0 ? '-' : '+'
        const a = Math.abs(off)
        const text = `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`
        expect(parseInstant(text)).toBe(Date.parse(text))
      }),
      { numRuns: 2000 },
    )
  })
})
