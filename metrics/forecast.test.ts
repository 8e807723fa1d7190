import { describe, expect, it } from 'vitest'
import { missingSince, projectMonth, targetOutlook, weekdayPattern, type DayTotal } from './forecast.js'

/** n days of history, Monday first, repeating the week `week` (Mon..Sun values). */
function weeks(n: number, week: number[]): DayTotal[] {
  return Array.from({ length: n }, (_, k) => ({ weekday: k % 7, value: week[k % 7] }))
}

describe('weekdayPattern', () => {
  it.each<[string, DayTotal[], number[] | null]>([
    ['empty history', [], null],
    // Mondays (10 + 20) / 2 = 15; Saturday 3; the other weekdays take the mean (10 + 20 + 3) / 3 = 11.
    ['weekdays not seen take the plain mean', [{ weekday: 0, value: 10 }, { weekday: 0, value: 20 }, { weekday: 5, value: 3 }], [15, 11, 11, 11, 11, 3, 11]],
    // Two identical weeks: each weekday's mean is its value.
    ['two full weeks', weeks(14, [8, 8, 8, 8, 8, 1, 0]), [8, 8, 8, 8, 8, 1, 0]],
    // Monday 6 then 0 (a holiday) → 3.
    ['zero days count', [...weeks(7, [6, 6, 6, 6, 6, 0, 0]), ...weeks(7, [0, 6, 6, 6, 6, 0, 0])], [3, 6, 6, 6, 6, 0, 0]],
  ])('%s', (_name, history, expected) => {
    expect(weekdayPattern(history)).toEqual(expected)
  })

  it('refuses a weekday outside 0-6', () => {
    expect(() => weekdayPattern([{ weekday: 7, value: 1 }])).toThrow(/weekday/)
  })
})

describe('projectMonth', () => {
  const all = (weekday: number, n: number) => Array.from({ length: n }, (_, k) => ({ weekday: (weekday + k) % 7, share: 1 }))
  it.each<[string, Parameters<typeof projectMonth>[0], number, string]>([
    // 100 so far + Monday 12 + Tuesday 8 = 120.
    ['the header example', { monthToDate: 100, elapsedDays: 10, rest: [{ weekday: 0, share: 1 }, { weekday: 1, share: 1 }], history: [{ weekday: 0, value: 12 }, { weekday: 1, value: 8 }] }, 120, 'weekday_pattern'],
    // Weekdays 10, weekends 0; 14 days left starting Monday = two weeks = 10 weekdays × 10 = 100; 250 + 100 = 350.
    ['weekends stay quiet', { monthToDate: 250, elapsedDays: 16, rest: all(0, 14), history: weeks(84, [10, 10, 10, 10, 10, 0, 0]) }, 350, 'weekday_pattern'],
    // Today is a Wednesday (10) with a quarter left: 2.5; then Thu 10, Fri 10, Sat 0: 40 + 2.5 + 20 = 62.5.
    ['the day in progress counts by its remaining share', { monthToDate: 40, elapsedDays: 27.75, rest: [{ weekday: 2, share: 0.25 }, { weekday: 3, share: 1 }, { weekday: 4, share: 1 }, { weekday: 5, share: 1 }], history: weeks(84, [10, 10, 10, 10, 10, 0, 0]) }, 62.5, 'weekday_pattern'],
    // No history: 30 over 3 days = 10 a day; 27 days left → 270; total 300.
    ['without history the month to date rate carries on', { monthToDate: 30, elapsedDays: 3, rest: all(3, 27), history: [] }, 300, 'month_to_date'],
    // Nothing at all: the month to date stands.
    ['nothing to go on', { monthToDate: 0, elapsedDays: 0, rest: all(0, 30), history: [] }, 0, 'none'],
    // Month over: nothing left to add.
    ['no day left', { monthToDate: 420, elapsedDays: 31, rest: [], history: weeks(84, [10, 10, 10, 10, 10, 0, 0]) }, 420, 'weekday_pattern'],
  ])('%s', (_name, input, projected, basis) => {
    const p = projectMonth(input)
    expect(p.projected).toBeCloseTo(projected, 9)
    expect(p.basis).toBe(basis)
    expect(p.monthToDate + p.expectedRest).toBeCloseTo(p.projected, 9)
  })

  it('refuses a share outside 0-1', () => {
    expect(() => projectMonth({ monthToDate: 0, elapsedDays: 1, rest: [{ weekday: 0, share: 1.5 }], history: [] })).toThrow(/share/)
  })
})

describe('targetOutlook', () => {
  it.each<[number, number, { miss: boolean; shortfall: number; shortfallShare: number | null }]>([
    [352, 400, { miss: true, shortfall: 48, shortfallShare: 0.12 }],
    [400, 400, { miss: false, shortfall: 0, shortfallShare: 0 }],
    [500, 400, { miss: false, shortfall: -100, shortfallShare: -0.25 }],
    [0, 0, { miss: false, shortfall: 0, shortfallShare: null }],
  ])('projected %d against %d', (projected, target, expected) => {
    expect(targetOutlook(projected, target)).toEqual(expected)
  })
})

describe('missingSince', () => {
  it.each<[Array<{ day: string; miss: boolean }>, string | null]>([
    [[], null],
    [[{ day: '2026-12-01', miss: false }, { day: '2026-12-02', miss: true }, { day: '2026-12-03', miss: true }], '2026-12-02'],
    [[{ day: '2026-12-01', miss: true }, { day: '2026-12-02', miss: false }, { day: '2026-12-03', miss: true }], '2026-12-03'],
    [[{ day: '2026-12-01', miss: true }, { day: '2026-12-02', miss: false }], null],
    [[{ day: '2026-12-01', miss: true }], '2026-12-01'],
  ])('%j → %s', (days, expected) => {
    expect(missingSince(days)).toBe(expected)
  })
})
