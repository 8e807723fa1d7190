import { describe, expect, it } from 'vitest'
import {
  costToDate,
  decisionLatencyChange,
  decisionsAccelerated,
  errorsAvoided,
  monthsBegun,
  paybackMonth,
  percentChange,
  previousPeriod,
  returnPerDollar,
  targetStatus,
  timeSavedValue,
  valueTotal,
  type MonthFigures,
} from './outcomes.js'

const at = (iso: string): number => Date.parse(iso)

describe('timeSavedValue', () => {
  it.each<[number, number | null, number | null]>([
    [120, 85, 10_200],
    [0, 85, 0],
    [1.5, 40, 60],
    [10, 0, 0],
    [10, null, null],
  ])('%d hours at %d an hour → %d', (hours, hourly, expected) => {
    expect(timeSavedValue(hours, hourly)).toBe(expected)
  })
})

describe('errorsAvoided', () => {
  it.each<[number | null, number, number, number | null]>([
    [0.08, 12, 400, 20],
    [0.05, 10, 100, -5],
    [0.1, 0, 30, 3],
    [0.15, 1, 7, 0.05],
    [0, 0, 50, 0],
    [null, 1, 10, null],
    [0.1, 0, 0, null],
  ])('baseline %d with %i errors in %i → %d', (baseline, errors, total, expected) => {
    const got = errorsAvoided(baseline, errors, total)
    if (expected === null) expect(got).toBeNull()
    else expect(got).toBeCloseTo(expected, 9)
  })
})

describe('decisionLatencyChange', () => {
  it.each<[number | null, number | null, number | null]>([
    [3600, 2700, -0.25],
    [100, 150, 0.5],
    [60, 60, 0],
    [null, 5, null],
    [5, null, null],
    [0, 5, null],
  ])('baseline %d s, p50 %d s → %d', (baseline, p50, expected) => {
    expect(decisionLatencyChange(baseline, p50)).toBe(expected)
  })
})

describe('decisionsAccelerated', () => {
  it.each<[number | null, number, number, { count: number; share: number | null } | null]>([
    [14_400, 412, 530, { count: 412, share: 412 / 530 }],
    [60, 0, 10, { count: 0, share: 0 }],
    [60, 0, 0, { count: 0, share: null }],
    [null, 3, 10, null],
    [0, 3, 10, null],
  ])('baseline %d s, %i of %i faster → %j', (baselineSeconds, fasterThanBaseline, decisions, expected) => {
    expect(decisionsAccelerated({ baselineSeconds, fasterThanBaseline, decisions })).toEqual(expected)
  })
})

describe('valueTotal', () => {
  it.each<[string, Parameters<typeof valueTotal>[0], number]>([
    ['all parts', { timeSavedValue: 10_200, revenueInfluenced: 5_000, errorsAvoided: 20, costPerError: 40 }, 16_000],
    ['nothing', {}, 0],
    ['all null', { timeSavedValue: null, revenueInfluenced: null, errorsAvoided: null, costPerError: null }, 0],
    ['errors avoided without a cost per error', { timeSavedValue: 100, errorsAvoided: 20 }, 100],
    ['a cost per error without errors avoided', { revenueInfluenced: 250, costPerError: 40 }, 250],
    ['worse than baseline', { timeSavedValue: 1_000, errorsAvoided: -5, costPerError: 40 }, 800],
  ])('%s → %d', (_name, parts, expected) => {
    expect(valueTotal(parts)).toBe(expected)
  })
})

describe('monthsBegun', () => {
  it.each([
    ['2026-01-15T00:00:00Z', '2026-01-20T00:00:00Z', 'UTC', 1],
    ['2026-01-15T00:00:00Z', '2026-01-15T00:00:00Z', 'UTC', 1],
    ['2026-01-15T00:00:00Z', '2026-01-31T23:59:59Z', 'UTC', 1],
    ['2026-01-15T00:00:00Z', '2026-02-01T00:00:00Z', 'UTC', 2],
    ['2026-01-15T00:00:00Z', '2026-01-14T23:59:59Z', 'UTC', 0],
    ['2025-11-10T00:00:00Z', '2026-02-03T00:00:00Z', 'UTC', 4],
    ['2026-01-15T00:00:00Z', '2027-01-15T00:00:00Z', 'UTC', 13],
    // 23:30 UTC on 31 January is already 1 February in Berlin.
    ['2026-01-31T23:30:00Z', '2026-02-28T12:00:00Z', 'UTC', 2],
    ['2026-01-31T23:30:00Z', '2026-02-28T12:00:00Z', 'Europe/Berlin', 1],
    ['2026-01-10T00:00:00Z', '2026-02-28T23:00:00Z', 'Asia/Kolkata', 3],
  ])('from %s to %s in %s → %i', (start, asOf, zone, expected) => {
    expect(monthsBegun(at(start), at(asOf), zone)).toBe(expected)
  })
})

describe('costToDate', () => {
  it.each<[string, Parameters<typeof costToDate>[0], number]>([
    ['upfront plus three months begun', { upfrontCost: 20_000, monthlyCost: 1_500, startedAtMs: at('2026-01-15T00:00:00Z'), asOfMs: at('2026-03-02T00:00:00Z'), zone: 'UTC' }, 24_500],
    ['before the start: upfront only', { upfrontCost: 20_000, monthlyCost: 1_500, startedAtMs: at('2026-01-15T00:00:00Z'), asOfMs: at('2026-01-01T00:00:00Z'), zone: 'UTC' }, 20_000],
    ['no start date', { upfrontCost: 5_000, monthlyCost: 1_500, startedAtMs: null, asOfMs: at('2026-03-02T00:00:00Z'), zone: 'UTC' }, 5_000],
    ['no costs', { startedAtMs: at('2026-01-15T00:00:00Z'), asOfMs: at('2026-03-02T00:00:00Z'), zone: 'UTC' }, 0],
    ['monthly only, first day', { upfrontCost: null, monthlyCost: 900, startedAtMs: at('2026-01-15T00:00:00Z'), asOfMs: at('2026-01-15T00:00:00Z'), zone: 'UTC' }, 900],
    ['month boundary in the zone', { upfrontCost: 0, monthlyCost: 100, startedAtMs: at('2026-01-15T00:00:00Z'), asOfMs: at('2026-02-28T23:30:00Z'), zone: 'Europe/Berlin' }, 300],
  ])('%s → %d', (_name, input, expected) => {
    expect(costToDate(input)).toBe(expected)
  })
})

describe('returnPerDollar', () => {
  it.each<[number, number, number | null]>([
    [14_100, 10_000, 1.41],
    [0, 10_000, 0],
    [-500, 1_000, -0.5],
    [5_000, 0, null],
    [5_000, -10, null],
  ])('value %d on cost %d → %d', (value, cost, expected) => {
    expect(returnPerDollar(value, cost)).toBe(expected)
  })
})

describe('paybackMonth', () => {
  const m = (month: string, value: number, cost: number): MonthFigures => ({ month, value, cost })
  it.each<[string, Parameters<typeof paybackMonth>[0], ReturnType<typeof paybackMonth>]>([
    ['no months', { months: [] }, null],
    ['paid back in the second month', { months: [m('2026-01', 100, 300), m('2026-02', 400, 100)] }, { month: '2026-02', projected: false, monthsFromStart: 2 }],
    ['paid back in the first month', { months: [m('2026-01', 500, 100)] }, { month: '2026-01', projected: false, monthsFromStart: 1 }],
    [
      'paid back with an upfront cost',
      { upfrontCost: 1_000, months: [m('2026-01', 300, 100), m('2026-02', 500, 100), m('2026-03', 600, 100)] },
      { month: '2026-03', projected: false, monthsFromStart: 3 },
    ],
    ['exactly even despite float noise (0.1 + 0.7 vs 0.8)', { months: [m('2026-01', 0.1, 0.8), m('2026-02', 0.7, 0)] }, { month: '2026-02', projected: false, monthsFromStart: 2 }],
    ['leading months with neither value nor cost', { months: [m('2026-01', 0, 0), m('2026-02', 50, 0)] }, { month: '2026-02', projected: false, monthsFromStart: 2 }],
    [
      'projected from the trailing three months',
      { upfrontCost: 1_200, months: [m('2026-01', 200, 100), m('2026-02', 300, 100), m('2026-03', 400, 100)] },
      // gap 1500 − 900 = 600; average net (100 + 200 + 300) / 3 = 200 → 3 more months.
      { month: '2026-06', projected: true, monthsFromStart: 6 },
    ],
    [
      'projected from only the last three of five months',
      { months: [m('2026-01', 0, 1_000), m('2026-02', 0, 100), m('2026-03', 100, 100), m('2026-04', 300, 100), m('2026-05', 500, 100)] },
      // gap 1400 − 900 = 500; average net (0 + 200 + 400) / 3 = 200 → 2.5, so 3 more months.
      { month: '2026-08', projected: true, monthsFromStart: 8 },
    ],
    [
      'projected across a year boundary',
      { upfrontCost: 1_000, months: [m('2026-11', 100, 0), m('2026-12', 100, 0)] },
      // gap 800; average net 100 → 8 more months.
      { month: '2027-08', projected: true, monthsFromStart: 10 },
    ],
    ['projected from fewer than three months', { upfrontCost: 1_000, months: [m('2026-01', 100, 0)] }, { month: '2026-10', projected: true, monthsFromStart: 10 }],
    ['never: average net below zero', { months: [m('2026-01', 100, 500), m('2026-02', 100, 500)] }, null],
    ['never: average net exactly zero', { upfrontCost: 100, months: [m('2026-01', 100, 100), m('2026-02', 100, 100)] }, null],
    ['never: nothing at all', { months: [m('2026-01', 0, 0), m('2026-02', 0, 0)] }, null],
    ['beyond the projection horizon', { upfrontCost: 1_000_000, months: [m('2026-01', 101, 100)] }, null],
    ['within a custom horizon and trailing window', { upfrontCost: 100, trailingMonths: 1, maxProjectedMonths: 2, months: [m('2026-01', 0, 0), m('2026-02', 60, 0)] }, { month: '2026-03', projected: true, monthsFromStart: 3 }],
  ])('%s', (_name, input, expected) => {
    expect(paybackMonth(input)).toEqual(expected)
  })

  it.each<[string, MonthFigures[]]>([
    ['a gap between months', [m('2026-01', 1, 1), m('2026-03', 1, 1)]],
    ['months out of order', [m('2026-02', 1, 1), m('2026-01', 1, 1)]],
    ['a malformed month', [m('2026-13', 1, 1)]],
  ])('rejects %s', (_name, months) => {
    expect(() => paybackMonth({ months })).toThrow(RangeError)
  })
})

describe('targetStatus', () => {
  it.each<[number | null, number | null, 'higher' | 'lower', number | undefined, string]>([
    [100, 100, 'higher', undefined, 'on_track'],
    [120, 100, 'higher', undefined, 'on_track'],
    [95, 100, 'higher', undefined, 'at_risk'],
    [90, 100, 'higher', undefined, 'at_risk'],
    [89, 100, 'higher', undefined, 'off_track'],
    [85, 100, 'higher', 0.2, 'at_risk'],
    [79, 100, 'higher', 0.2, 'off_track'],
    // Lower is better: error rate and decision latency.
    [0.05, 0.05, 'lower', undefined, 'on_track'],
    [0.03, 0.05, 'lower', undefined, 'on_track'],
    [0.054, 0.05, 'lower', undefined, 'at_risk'],
    [0.06, 0.05, 'lower', undefined, 'off_track'],
    [3_000, 3_600, 'lower', undefined, 'on_track'],
    [3_000, 3_600, 'higher', undefined, 'off_track'],
    [3_900, 3_600, 'lower', undefined, 'at_risk'],
    [4_000, 3_600, 'lower', undefined, 'off_track'],
    [0, 0, 'lower', undefined, 'on_track'],
    [0.01, 0, 'lower', undefined, 'off_track'],
    [5, null, 'higher', undefined, 'no_target'],
    [null, null, 'lower', undefined, 'no_target'],
    [null, 100, 'higher', undefined, 'no_data'],
  ])('actual %d vs target %d (%s is better, tolerance %d) → %s', (actual, target, direction, tolerance, expected) => {
    expect(targetStatus({ actual, target, direction, tolerance })).toBe(expected)
  })
})

describe('previousPeriod', () => {
  it.each([
    ['2026-11-08T00:00:00Z', '2026-11-15T00:00:00Z', '2026-11-01T00:00:00Z', '2026-11-08T00:00:00Z'],
    ['2026-11-24T12:00:00Z', '2026-11-24T13:30:00Z', '2026-11-24T10:30:00Z', '2026-11-24T12:00:00Z'],
    ['2026-11-24T12:00:00Z', '2026-11-24T12:00:00Z', '2026-11-24T12:00:00Z', '2026-11-24T12:00:00Z'],
  ])('before [%s, %s) is [%s, %s)', (from, to, prevFrom, prevTo) => {
    expect(previousPeriod(at(from), at(to))).toEqual({ from: at(prevFrom), to: at(prevTo) })
  })
})

describe('percentChange', () => {
  it.each<[number | null, number | null, number | null]>([
    [125, 100, 0.25],
    [75, 100, -0.25],
    [0, 100, -1],
    [100, 100, 0],
    [-50, -100, 0.5],
    [5, 0, null],
    [null, 5, null],
    [5, null, null],
  ])('from %d to %d → %d', (current, previous, expected) => {
    expect(percentChange(current, previous)).toBe(expected)
  })
})
