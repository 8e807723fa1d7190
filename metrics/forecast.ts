/**
 * Where a monthly figure is heading: the month's projected total from the month to date and the
 * trailing weeks' weekday pattern. Pure; used by the trajectory alerts (server/alerts/).
 *
 * The method, in one paragraph (docs/ALERTS.md repeats it): the projected total of a month is what
 * the month has delivered so far plus, for each day still to come (and the rest of today), the average
 * of the same weekday over the trailing {@link FORECAST_WINDOW_DAYS} full days (twelve weeks, about
 * three months; zero days count, days before the initiative started do not). A weekday the window
 * has not seen yet takes the window's plain daily average; with no full day of history at all, the
 * month to date's own daily rate is carried forward. So a Monday-heavy initiative is not flattered by
 * a quiet weekend, and one month's slow start is judged against how the same days usually go.
 */

/** The trailing full days whose weekday averages project the rest of the month: 12 weeks. */
export const FORECAST_WINDOW_DAYS = 84

/** One local day of a figure (hours saved, revenue …): its weekday (0 = Monday … 6 = Sunday) and total. */
export interface DayTotal {
  weekday: number
  value: number
}

/** A projection of a month's total, with what it rests on. */
export interface MonthProjection {
  /** Month to date + the expected rest of the month; same unit as the inputs. */
  projected: number
  /** Actual so far. */
  monthToDate: number
  /** Expected for the rest of the month. */
  expectedRest: number
  /** Expected value of a full day per weekday (Monday first), as used. */
  weekdayPattern: number[]
  /** `weekday_pattern`: trailing full days; `month_to_date`: no history, the month's own daily rate; `none`: nothing to go on (the month to date stands). */
  basis: 'weekday_pattern' | 'month_to_date' | 'none'
  /** Full days of history behind the pattern. */
  historyDays: number
}

function check(x: number, what: string): void {
  if (!Number.isFinite(x)) throw new RangeError(`${what} must be a finite number, got ${x}`)
}

/**
 * The expected total of a full day per weekday from trailing days: the mean of each weekday's days;
 * a weekday absent from `history` takes the mean of all of `history`; empty history gives null.
 *
 * Formula: pattern[w] = Σ value(d : weekday(d) = w) ÷ #{d : weekday(d) = w}.
 * Units: those of the values. Edge cases: empty history → null; negative values are kept as given.
 * @example weekdayPattern([{ weekday: 0, value: 10 }, { weekday: 0, value: 20 }, { weekday: 5, value: 3 }]) // [15, 11, 11, 11, 11, 3, 11]
 */
export function weekdayPattern(history: readonly DayTotal[]): number[] | null {
  if (history.length === 0) return null
  const sum = [0, 0, 0, 0, 0, 0, 0]
  const n = [0, 0, 0, 0, 0, 0, 0]
  let all = 0
  for (const d of history) {
    if (!(Number.isInteger(d.weekday) && d.weekday >= 0 && d.weekday <= 6)) throw new RangeError(`weekday must be 0 (Monday) to 6 (Sunday), got ${d.weekday}`)
    check(d.value, 'a day value')
    sum[d.weekday] += d.value
    n[d.weekday]++
    all += d.value
  }
  const mean = all / history.length
  return sum.map((s, w) => (n[w] > 0 ? s / n[w] : mean))
}

/**
 * Projects a month's total (the method in this file's header).
 *
 * Formula: projected = monthToDate + Σ_{d in rest} share(d) × pattern[weekday(d)], where `rest` is
 * the day in progress (share = the part of it still to come, 0–1) and each later day of the month
 * (share 1); pattern from {@link weekdayPattern} of `history` (the trailing full days). Without
 * history: pattern = monthToDate ÷ `elapsedDays` for every weekday (basis `month_to_date`); without
 * elapsed time either, projected = monthToDate (basis `none`).
 * Units: those of the values (hours, money). Edge cases: a month with no day left returns the month
 * to date; shares outside 0–1 are refused.
 * @example projectMonth({ monthToDate: 100, elapsedDays: 10, rest: [{ weekday: 0, share: 1 }, { weekday: 1, share: 1 }], history: [{ weekday: 0, value: 12 }, { weekday: 1, value: 8 }] }).projected // 120
 */
export function projectMonth(input: {
  monthToDate: number
  /** Days of the month behind us, the day in progress counted by its elapsed part (for the month-to-date rate). */
  elapsedDays: number
  /** The day in progress (its remaining share) and each later day of the month. */
  rest: ReadonlyArray<{ weekday: number; share: number }>
  /** The trailing full days before the day in progress (at most {@link FORECAST_WINDOW_DAYS}), zero days included. */
  history: readonly DayTotal[]
}): MonthProjection {
  const { monthToDate, elapsedDays, rest, history } = input
  check(monthToDate, 'monthToDate')
  check(elapsedDays, 'elapsedDays')
  for (const r of rest) {
    if (!(r.share >= 0 && r.share <= 1)) throw new RangeError(`a remaining day's share must be from 0 to 1, got ${r.share}`)
    if (!(Number.isInteger(r.weekday) && r.weekday >= 0 && r.weekday <= 6)) throw new RangeError(`weekday must be 0 (Monday) to 6 (Sunday), got ${r.weekday}`)
  }
  let pattern = weekdayPattern(history)
  let basis: MonthProjection['basis'] = 'weekday_pattern'
  if (pattern === null) {
    if (elapsedDays > 0) {
      const rate = monthToDate / elapsedDays
      pattern = [rate, rate, rate, rate, rate, rate, rate]
      basis = 'month_to_date'
    } else {
      pattern = [0, 0, 0, 0, 0, 0, 0]
      basis = 'none'
    }
  }
  let expectedRest = 0
  for (const r of rest) expectedRest += r.share * pattern[r.weekday]
  return { projected: monthToDate + expectedRest, monthToDate, expectedRest, weekdayPattern: pattern, basis, historyDays: history.length }
}

/** How a projection compares with a monthly target ("at least this much"). */
export interface TargetOutlook {
  /** projected < target. */
  miss: boolean
  /** target − projected (positive when short). */
  shortfall: number
  /** shortfall ÷ target (null when the target is 0). */
  shortfallShare: number | null
}

/**
 * Whether a projected month total misses a monthly target that the figure should reach or exceed
 * (hours saved, revenue influenced).
 *
 * Formula: miss = projected < target; shortfall = target − projected; shortfallShare = shortfall ÷ target.
 * Units: those of the target. Edge cases: target 0 → shortfallShare null; a projection above the
 * target gives a negative shortfall.
 * @example targetOutlook(352, 400) // { miss: true, shortfall: 48, shortfallShare: 0.12 }
 */
export function targetOutlook(projected: number, target: number): TargetOutlook {
  check(projected, 'projected')
  check(target, 'target')
  const shortfall = target - projected
  return { miss: projected < target, shortfall, shortfallShare: target === 0 ? null : shortfall / target }
}

/**
 * The first day of the latest unbroken run of days whose end-of-day projection missed the target,
 * ending with the last entry: "projected to miss since …". Null when the last entry does not miss.
 *
 * Formula: the smallest i such that every entry from i to the end has miss = true.
 * @example missingSince([{ day: '2026-12-01', miss: false }, { day: '2026-12-02', miss: true }, { day: '2026-12-03', miss: true }]) // '2026-12-02'
 */
export function missingSince(days: ReadonlyArray<{ day: string; miss: boolean }>): string | null {
  let since: string | null = null
  for (let i = days.length - 1; i >= 0 && days[i].miss; i--) since = days[i].day
  return since
}
