import { describe, expect, it } from 'vitest'
import { alertEventId, alertHeadline, alertStateHeadline, monthsBetween, nextAlertState, paybackSlip, readinessCondition, silence, type StoredAlertState } from './alert-state.js'

describe('nextAlertState', () => {
  it.each<[string, StoredAlertState | null, boolean, ReturnType<typeof nextAlertState>]>([
    ['first sight, condition holds: fires as episode 1', null, true, { state: 'firing', since: 100, episode: 1, change: 'fired' }],
    ['first sight, no condition: ok, nothing to send', null, false, { state: 'ok', since: null, episode: 0, change: null }],
    ['firing and still holds: no repeat', { state: 'firing', since: 50, episode: 1 }, true, { state: 'firing', since: 50, episode: 1, change: null }],
    ['firing and no longer holds: resolves, same episode', { state: 'firing', since: 50, episode: 1 }, false, { state: 'resolved', since: 100, episode: 1, change: 'resolved' }],
    ['resolved and still fine: no message', { state: 'resolved', since: 70, episode: 1 }, false, { state: 'resolved', since: 70, episode: 1, change: null }],
    ['resolved and holds again: fires as episode 2', { state: 'resolved', since: 70, episode: 1 }, true, { state: 'firing', since: 100, episode: 2, change: 'fired' }],
    ['ok and holds: fires as episode 1', { state: 'ok', since: null, episode: 0 }, true, { state: 'firing', since: 100, episode: 1, change: 'fired' }],
  ])('%s', (_name, prev, condition, expected) => {
    expect(nextAlertState(prev, condition, 100)).toEqual(expected)
  })

  it('sends exactly one message per change over a run of evaluations', () => {
    const conditions = [false, true, true, true, false, false, true, false]
    let s: StoredAlertState | null = null
    const changes: string[] = []
    conditions.forEach((c, t) => {
      const step = nextAlertState(s, c, t)
      if (step.change) changes.push(`${step.change}@${t}#${step.episode}`)
      s = step
    })
    expect(changes).toEqual(['fired@1#1', 'resolved@4#1', 'fired@6#2', 'resolved@7#2'])
  })
})

describe('alertEventId', () => {
  it.each<[number, number, number, 'fired' | 'resolved', string]>([
    [3, 7, 2, 'resolved', 'alt_3_7_2_r'],
    [1, 1, 1, 'fired', 'alt_1_1_1_f'],
  ])('rule %d initiative %d episode %d %s → %s', (r, i, e, c, id) => {
    expect(alertEventId(r, i, e, c)).toBe(id)
  })
})

describe('monthsBetween', () => {
  it.each<[string, string, number]>([
    ['2026-11', '2027-02', 3],
    ['2027-02', '2026-11', -3],
    ['2026-01', '2026-01', 0],
    ['2025-12', '2026-01', 1],
  ])('%s → %s = %d', (a, b, n) => {
    expect(monthsBetween(a, b)).toBe(n)
  })
})

describe('paybackSlip', () => {
  it.each<[string, string | null, { month: string; projected: boolean } | null, number, ReturnType<typeof paybackSlip>]>([
    ['3 months later against a 2-month rule', '2027-03', { month: '2027-06', projected: true }, 2, { slipping: true, monthsLater: 3, outOfSight: false }],
    ['exactly N later fires', '2027-03', { month: '2027-05', projected: true }, 2, { slipping: true, monthsLater: 2, outOfSight: false }],
    ['1 month later does not', '2027-03', { month: '2027-04', projected: true }, 2, { slipping: false, monthsLater: 1, outOfSight: false }],
    ['earlier does not', '2027-03', { month: '2027-01', projected: true }, 1, { slipping: false, monthsLater: -2, outOfSight: false }],
    ['out of sight fires', '2027-03', null, 6, { slipping: true, monthsLater: null, outOfSight: true }],
    ['reached (not projected) never slips', '2027-03', { month: '2027-09', projected: false }, 2, { slipping: false, monthsLater: 6, outOfSight: false }],
    ['no reference yet', null, { month: '2027-09', projected: true }, 2, { slipping: false, monthsLater: null, outOfSight: false }],
  ])('%s', (_n, ref, cur, months, expected) => {
    expect(paybackSlip(ref, cur, months)).toEqual(expected)
  })
})

describe('silence', () => {
  const h = 3_600_000
  it.each<[number | null, number, number, number, { silent: boolean; silentHours: number }]>([
    [0, 0, 6 * h, 4, { silent: true, silentHours: 6 }],
    [0, 0, 3 * h, 4, { silent: false, silentHours: 3 }],
    [0, 0, 4 * h, 4, { silent: true, silentHours: 4 }],
    // No event ever: counted from when it was first watched.
    [null, 2 * h, 3 * h, 0.5, { silent: true, silentHours: 1 }],
    // A clock behind the last event: never negative.
    [5 * h, 0, 4 * h, 1, { silent: false, silentHours: 0 }],
  ])('last %s, watched %d, now %d, %d h', (last, watched, now, hours, expected) => {
    expect(silence(last, watched, now, hours)).toEqual(expected)
  })
})

describe('readinessCondition', () => {
  it.each<['ready' | 'not_yet' | 'at_risk', Array<'ready' | 'at_risk'>, boolean]>([
    ['at_risk', ['ready', 'at_risk'], true],
    ['ready', ['at_risk'], false],
    ['not_yet', ['ready', 'at_risk'], false],
    ['ready', ['ready'], true],
  ])('%s watching %j → %s', (v, watch, expected) => {
    expect(readinessCondition(v, watch)).toBe(expected)
  })
})

describe('alertHeadline', () => {
  it.each<[Parameters<typeof alertHeadline>, ReturnType<typeof alertHeadline>]>([
    [['readiness', 'fired', 'ready'], { tone: 'good', word: 'Ready to scale', symbol: '✓' }],
    [['readiness', 'fired', 'at_risk'], { tone: 'warn', word: 'At risk', symbol: '!' }],
    [['readiness', 'resolved', 'ready'], { tone: 'neutral', word: 'No longer ready to scale', symbol: '·' }],
    [['readiness', 'resolved', 'at_risk'], { tone: 'good', word: 'Resolved', symbol: '✓' }],
    [['trajectory', 'fired', null], { tone: 'warn', word: 'Firing', symbol: '!' }],
    [['silence', 'resolved', undefined], { tone: 'good', word: 'Resolved', symbol: '✓' }],
    [['payback', 'fired', 'ready'], { tone: 'warn', word: 'Firing', symbol: '!' }],
  ])('%j → %j', (args, expected) => {
    expect(alertHeadline(...args)).toEqual(expected)
  })
})

describe('alertStateHeadline', () => {
  it('reads a firing ready-to-scale pair as good news, a never-fired pair as neutral', () => {
    expect(alertStateHeadline('readiness', 'firing', 'ready').tone).toBe('good')
    expect(alertStateHeadline('silence', 'firing', undefined)).toEqual({ tone: 'warn', word: 'Firing', symbol: '!' })
    expect(alertStateHeadline('trajectory', 'ok', undefined)).toEqual({ tone: 'neutral', word: 'Not fired', symbol: '·' })
  })
})
