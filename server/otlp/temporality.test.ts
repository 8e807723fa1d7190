import { describe, expect, it } from 'vitest'
import { bucketIncrease, sumIncrease } from './temporality.js'

const p = (startNs: bigint, timeNs: bigint, value: number) => ({ startNs, timeNs, value })

describe('cumulative Sum → increase', () => {
  it.each([
    { name: 'first point counts its whole value (since its start)', prev: null, cur: p(1n, 10n, 5), monotonic: true, want: 5 },
    { name: 'a later point counts the difference: 8 − 5', prev: p(1n, 10n, 5), cur: p(1n, 20n, 8), monotonic: true, want: 3 },
    { name: 'a later start time is a restart: the whole new value', prev: p(1n, 10n, 50), cur: p(15n, 20n, 4), monotonic: true, want: 4 },
    { name: 'a monotonic Sum that went down was reset', prev: p(1n, 10n, 50), cur: p(1n, 20n, 4), monotonic: true, want: 4 },
    { name: 'a non-monotonic Sum may go down: 4 − 50', prev: p(1n, 10n, 50), cur: p(1n, 20n, 4), monotonic: false, want: -46 },
  ])('$name', ({ prev, cur, monotonic, want }) => {
    const step = sumIncrease(prev, cur, monotonic)
    expect(step).toMatchObject({ kind: 'increase', increase: want })
  })

  it.each([
    { name: 'the same point again (a retried export)', prev: p(1n, 10n, 5), cur: p(1n, 10n, 5) },
    { name: 'an older point of the same run', prev: p(1n, 10n, 5), cur: p(1n, 9n, 4) },
    { name: 'a point of an earlier run', prev: p(15n, 20n, 4), cur: p(1n, 30n, 60) },
  ])('counts nothing for $name', ({ prev, cur }) => {
    expect(sumIncrease(prev, cur, true).kind).toBe('stale')
  })
})

describe('cumulative Histogram → increase per bucket', () => {
  it('differences each bucket, and treats a bucket that went down as a reset', () => {
    const a = { startNs: 1n, timeNs: 10n, counts: { '0|1': 2, '1|2': 1 } }
    const b = { startNs: 1n, timeNs: 20n, counts: { '0|1': 5, '1|2': 1, '2|4': 1 } }
    expect(bucketIncrease(a, b)).toMatchObject({ kind: 'increase', increase: { '0|1': 3, '2|4': 1 } })
    const reset = { startNs: 1n, timeNs: 30n, counts: { '0|1': 1 } }
    expect(bucketIncrease(b, reset)).toMatchObject({ kind: 'increase', increase: { '0|1': 1 } })
    expect(bucketIncrease(b, b).kind).toBe('stale')
  })
})
