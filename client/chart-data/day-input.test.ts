import { describe, expect, it } from 'vitest'
import { formatDay, parseDay } from './day-input.js'

describe('day input', () => {
  it.each([
    ['6 Dec 2026', '2026-12-06'],
    ['06 december 2026', '2026-12-06'],
    ['Dec 6, 2026', '2026-12-06'],
    ['2026-12-06', '2026-12-06'],
    ['29 Feb 2028', '2028-02-29'],
    ['  1 Sept 2026 ', '2026-09-01'],
    ['', ''],
  ])('reads "%s" as %s', (text, iso) => {
    expect(parseDay(text)).toBe(iso)
  })

  it.each(['29 Feb 2027', '31 Apr 2026', '12/06/2026', '6 Decembre 2026x', 'tomorrow', '0 Jan 2026', '2026-13-01'])('refuses "%s"', (text) => {
    expect(parseDay(text)).toBeNull()
  })

  it('writes a day the way the app does, and reads it back', () => {
    expect(formatDay('2026-12-06')).toBe('6 Dec 2026')
    expect(formatDay('2026-01-31')).toBe('31 Jan 2026')
    expect(parseDay(formatDay('2026-01-31'))).toBe('2026-01-31')
    expect(formatDay('')).toBe('')
  })
})
