import { seededRandom } from './random.js'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { LatencySketch } from './sketch.js'

/** numpy's default percentile (linear interpolation between the closest ranks), computed exactly. */
function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const rank = q * (sorted.length - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo)
}

function relativeError(estimate: number, exact: number): number {
  if (exact === 0) return estimate === 0 ? 0 : Number.POSITIVE_INFINITY
  return Math.abs(estimate - exact) / Math.abs(exact)
}

function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())
}
function sample(n: number, seed: number, draw: (r: () => number) => number): number[] {
  const r = seededRandom(seed)
  return Array.from({ length: n }, () => draw(r))
}

function sketchOf(values: readonly number[]): LatencySketch {
  const s = new LatencySketch()
  for (const v of values) s.add(v)
  return s
}

const DISTRIBUTIONS: Array<[string, number[]]> = [
  ['uniform 0–10 s', sample(10_000, 1, (r) => 10 * r())],
  ['lognormal (median 2 s, σ 1)', sample(10_000, 2, (r) => 2 * Math.exp(normal(r)))],
  ['exponential (mean 3 s)', sample(10_000, 3, (r) => -3 * Math.log(1 - r()))],
  ['bimodal 0.2 s / 30 s', sample(10_000, 4, (r) => (r() < 0.7 ? Math.abs(0.2 + 0.02 * normal(r)) : Math.abs(30 + 3 * normal(r))))],
  ['constant 4.2 s', Array.from({ length: 1_000 }, () => 4.2)],
  ['many ties (1–5 s)', sample(10_000, 5, (r) => 1 + Math.floor(5 * r()))],
  ['a few values', [0.5, 2, 7]],
  ['two far-apart values', [1, 100]],
  ['one value', [3.3]],
  ['very small (10 µs – 1 ms)', sample(5_000, 6, (r) => 1e-5 + r() * (1e-3 - 1e-5))],
  ['very large (lognormal around 10⁷ s)', sample(5_000, 7, (r) => 1e7 * Math.exp(2 * normal(r)))],
  ['half zeros', sample(4_000, 8, (r) => (r() < 0.5 ? 0 : -Math.log(1 - r())))],
  ['mostly zeros', sample(1_000, 9, (r) => (r() < 0.95 ? 0 : 1 + r()))],
]

describe('LatencySketch accuracy', () => {
  it.each(DISTRIBUTIONS)('p50 and p90 of %s are within 1 %% of the exact percentiles', (_name, values) => {
    const s = sketchOf(values)
    for (const q of [0.5, 0.9]) {
      const exact = exactQuantile(values, q)
      expect(relativeError(s.quantile(q) as number, exact)).toBeLessThanOrEqual(0.01)
    }
  })

  it.each(DISTRIBUTIONS)('every quantile of %s is within α of the exact one', (_name, values) => {
    const s = sketchOf(values)
    for (const q of [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]) {
      const exact = exactQuantile(values, q)
      expect(relativeError(s.quantile(q) as number, exact)).toBeLessThanOrEqual(0.005 * (1 + 1e-9))
    }
  })

  it.each([
    [[3.3], 0.5, 3.3],
    [[1, 100], 0.5, 50.5],
    [[1, 100], 0, 1],
    [[1, 100], 1, 100],
    [[0, 0, 0], 0.9, 0],
    [Array.from({ length: 1000 }, () => 4.2), 0.9, 4.2],
  ])('answers %j at q=%d exactly (%d) where only min and max are involved', (values, q, expected) => {
    expect(sketchOf(values).quantile(q)).toBe(expected)
  })

  it('keeps every quantile within α on random data (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const exact = exactQuantile(values, q)
          const estimate = sketchOf(values).quantile(q) as number
          // Values under the 1 µs zero threshold may read as 0: allow that much absolute error.
          expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(0.005 * exact * (1 + 1e-9) + 1e-6)
        },
      ),
      { numRuns: 500, seed: 7 },
    )
  })

  it('stays right when values arrive between queries', () => {
    const s = sketchOf([1, 2, 3])
    expect(s.quantile(0.5)).toBeCloseTo(2, 1)
    s.add(100).add(200)
    for (const q of [0.5, 0.75, 0.9]) {
      expect(relativeError(s.quantile(q) as number, exactQuantile([1, 2, 3, 100, 200], q))).toBeLessThanOrEqual(0.005 * (1 + 1e-9))
    }
    s.merge(sketchOf([50, 60]))
    for (const q of [0.5, 0.75, 0.9]) {
      expect(relativeError(s.quantile(q) as number, exactQuantile([1, 2, 3, 100, 200, 50, 60], q))).toBeLessThanOrEqual(0.005 * (1 + 1e-9))
    }
  })

  it('returns null for an empty sketch', () => {
    expect(new LatencySketch().quantile(0.5)).toBeNull()
    expect(new LatencySketch().count).toBe(0)
    expect(new LatencySketch().min).toBeNull()
  })

  it.each([-0.1, 1.1, Number.NaN])('rejects q = %d', (q) => {
    expect(() => sketchOf([1]).quantile(q)).toThrow(RangeError)
  })
})

describe('LatencySketch.add', () => {
  it('counts repeated adds and tracks the exact min and max', () => {
    const s = new LatencySketch().add(2.5, 3).add(0.75).add(9, 0)
    expect(s.count).toBe(4)
    expect(s.min).toBe(0.75)
    expect(s.max).toBe(2.5)
  })

  it('treats add(v, n) like n single adds', () => {
    const many = new LatencySketch()
    for (let i = 0; i < 5; i++) many.add(1.7)
    expect(new LatencySketch().add(1.7, 5).toBytes()).toEqual(many.toBytes())
  })

  it.each([
    [-1, 1],
    [Number.NaN, 1],
    [Number.POSITIVE_INFINITY, 1],
    [1, -1],
    [1, 1.5],
    [1, Number.NaN],
  ])('rejects value %d with count %d', (value, count) => {
    expect(() => new LatencySketch().add(value, count)).toThrow(RangeError)
  })

  it.each([0, 1, 1.5])('rejects relative accuracy %d', (alpha) => {
    expect(() => new LatencySketch({ relativeAccuracy: alpha })).toThrow(RangeError)
  })
})

describe('LatencySketch.merge', () => {
  const values = fc.array(
    fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom(0, 1e-7, 1, 1.5, 60)),
    { maxLength: 120 },
  )

  it('gives the same bytes as one sketch of all values, whatever the split and order (property)', () => {
    fc.assert(
      fc.property(
        values,
        fc.array(fc.nat(7), { maxLength: 120 }),
        fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
        (vs, chunkOf, orderKeys) => {
          const parts = Array.from({ length: 8 }, () => new LatencySketch())
          vs.forEach((v, i) => parts[chunkOf[i] ?? 0].add(v))
          const order = parts.map((_, i) => i).sort((a, b) => orderKeys[a] - orderKeys[b] || a - b)
          const sequential = new LatencySketch()
          for (const i of order) sequential.merge(parts[i])
          // A balanced tree of merges in the same shuffled order.
          let level = order.map((i) => parts[i].clone())
          while (level.length > 1) {
            const next: LatencySketch[] = []
            for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? level[i].merge(level[i + 1]) : level[i])
            level = next
          }
          const reversed = sketchOf([...vs].reverse())
          const expected = sketchOf(vs).toBytes()
          expect(sequential.toBytes()).toEqual(expected)
          expect(level[0].toBytes()).toEqual(expected)
          expect(reversed.toBytes()).toEqual(expected)
          for (const q of [0.5, 0.9]) expect(sequential.quantile(q)).toBe(sketchOf(vs).quantile(q))
        },
      ),
      { numRuns: 300, seed: 11 },
    )
  })

  it('is commutative and associative (property)', () => {
    fc.assert(
      fc.property(values, values, values, (a, b, c) => {
        const [sa, sb, sc] = [sketchOf(a), sketchOf(b), sketchOf(c)]
        expect(sa.clone().merge(sb).toBytes()).toEqual(sb.clone().merge(sa).toBytes())
        expect(sa.clone().merge(sb).merge(sc).toBytes()).toEqual(sa.clone().merge(sb.clone().merge(sc)).toBytes())
      }),
      { numRuns: 200, seed: 12 },
    )
  })

  it('does not change the sketch merged in, and clone is independent', () => {
    const a = sketchOf([1, 2, 3])
    const b = sketchOf([10, 20])
    const before = b.toBytes()
    const copy = a.clone()
    a.merge(b)
    expect(b.toBytes()).toEqual(before)
    expect(a.count).toBe(5)
    expect(copy.count).toBe(3)
    expect(copy.max).toBe(3)
  })

  it('stores −0 as 0 so the minimum does not depend on merge order', () => {
    const a = sketchOf([0])
    const b = sketchOf([-0])
    expect(a.clone().merge(b).toBytes()).toEqual(b.clone().merge(a).toBytes())
  })

  it('refuses to merge sketches with different accuracy', () => {
    expect(() => new LatencySketch().merge(new LatencySketch({ relativeAccuracy: 0.01 }))).toThrow(RangeError)
  })
})

describe('LatencySketch.countBelow', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1)
  it.each<[string, number[], number, number]>([
    ['1…100', oneToHundred, 50.9, 50],
    ['1…100', oneToHundred, 0.5, 0],
    ['1…100', oneToHundred, 1, 0],
    ['1…100', oneToHundred, 100, 99],
    ['1…100', oneToHundred, 100.0001, 100],
    ['1…100', oneToHundred, 1000, 100],
    ['0, 0, 0.5, 2', [0, 0, 0.5, 2], 0.25, 2],
    ['0, 0, 0.5, 2', [0, 0, 0.5, 2], 0, 0],
    ['no values', [], 5, 0],
    ['3, 3, 3, 7, 7', [3, 3, 3, 7, 7], 5, 3],
    ['3, 3, 3, 7, 7', [3, 3, 3, 7, 7], 7, 3],
  ])('in %s, %d has %i values below it', (_name, values, x, expected) => {
    expect(sketchOf(values).countBelow(x)).toBe(expected)
  })

  it('never overstates, and misses only values within 2α under x (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: 0, max: 1e5, noNaN: true }), fc.constantFrom(0, 1, 10, 100)), { maxLength: 200 }),
        fc.oneof(fc.double({ min: 1e-3, max: 1e5, noNaN: true }), fc.constantFrom(1, 10, 100)),
        (values, x) => {
          const got = sketchOf(values).countBelow(x)
          expect(got).toBeGreaterThanOrEqual(values.filter((v) => v < (x * 0.995) / 1.005).length)
          expect(got).toBeLessThanOrEqual(values.filter((v) => v < x).length)
        },
      ),
      { numRuns: 500, seed: 13 },
    )
  })
})

describe('LatencySketch bytes', () => {
  it('round-trips exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1e12, noNaN: true }), fc.integer({ min: 1, max: 1e9 })), { maxLength: 100 }),
        fc.constantFrom(undefined, 0.01, 0.02),
        (entries, alpha) => {
          const s = new LatencySketch(alpha === undefined ? {} : { relativeAccuracy: alpha, zeroThreshold: 1e-3 })
          for (const [v, n] of entries) s.add(v, n)
          const bytes = s.toBytes()
          const back = LatencySketch.fromBytes(bytes)
          expect(back.toBytes()).toEqual(bytes)
          expect(back.count).toBe(entries.reduce((sum, [, n]) => sum + n, 0))
          expect(back.relativeAccuracy).toBe(alpha ?? 0.005)
          for (const q of [0, 0.5, 0.9, 1]) expect(back.quantile(q)).toBe(s.quantile(q))
        },
      ),
      { numRuns: 300, seed: 14 },
    )
  })

  it.each<[string, number, Array<[number, number]>]>([
    ['an empty sketch', 2, []],
    ['a constant latency seen a million times', 24, [[1.5, 1_000_000]]],
  ])('encodes %s in %i bytes', (_name, size, entries) => {
    const s = new LatencySketch()
    for (const [v, n] of entries) s.add(v, n)
    expect(s.toBytes().length).toBe(size)
  })

  it('is far smaller than the raw values', () => {
    const values = DISTRIBUTIONS[1][1]
    // 10 000 float64 values would take 80 000 bytes.
    expect(sketchOf(values).toBytes().length).toBeLessThan(3_000)
  })

  it('reads bytes from a view into a larger buffer', () => {
    const bytes = sketchOf([1, 2, 3]).toBytes()
    const padded = new Uint8Array(bytes.length + 10)
    padded.set(bytes, 5)
    expect(LatencySketch.fromBytes(padded.subarray(5, 5 + bytes.length)).toBytes()).toEqual(bytes)
  })

  const valid = sketchOf([0, 1, 2, 30]).toBytes()
  it.each([
    ['no bytes', new Uint8Array()],
    ['an unknown version', Uint8Array.from([2, 0])],
    ['unknown flags', Uint8Array.from([1, 8])],
    ['truncated data', valid.subarray(0, valid.length - 1)],
    ['trailing data', Uint8Array.from([...valid, 0])],
    ['an empty bin', Uint8Array.from([1, 2, ...new Uint8Array(16), 0, 1, 0, 0])],
  ])('rejects %s', (_name, bytes) => {
    expect(() => LatencySketch.fromBytes(bytes)).toThrow(RangeError)
  })
})
