import { describe, expect, it } from 'vitest'
import {
  decisionLatencyChange,
  decisionsAccelerated,
  errorsAvoided,
  previousPeriod,
  targetStatus,
  timeSavedValue,
  valueTotal,
} from './outcomes.js'
import { relativeChange } from './format.js'

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

describe('relativeChange (metrics/format.ts: the one change formula)', () => {
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
    expect(relativeChange(current, previous)).toBe(expected)
  })
})
