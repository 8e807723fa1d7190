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

/** Bytes fromBytes must refuse (each with a RangeError), named for the test titles. */
function corruptBytes(): Array<[string, Uint8Array]> {
  const valid = sketchOf([0, 1, 2, 30]).toBytes()
  return [
    ['no bytes', new Uint8Array()],
    ['an unknown version', Uint8Array.from([2, 0])],
    ['unknown flags', Uint8Array.from([1, 8])],
    ['truncated data', valid.subarray(0, valid.length - 1)],
    ['trailing data', Uint8Array.from([...valid, 0])],
    ['an empty bin', Uint8Array.from([1, 2, ...new Uint8Array(16), 0, 1, 0, 0])],
    ['a bad min/max', Uint8Array.from([1, 2, ...new Uint8Array(8), 0, 0, 0, 0, 0, 0, 0xf0, 0xbf, 0, 0])],
    ['a bad count', Uint8Array.from([1, 2, ...new Uint8Array(16), 0, 0])],
    ['a varint too long', Uint8Array.from([1, 2, ...new Uint8Array(16), ...new Array(9).fill(0x80)])],
    ['bad custom parameters', Uint8Array.from([1, 1, ...new Uint8Array(16)])],
  ]
}

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

  it('rejects a relative accuracy so small that γ rounds to 1, which would put every value in one bin', () => {
    expect(() => new LatencySketch({ relativeAccuracy: 1e-17 })).toThrow(new RangeError('relativeAccuracy 1e-17 is too small to tell values apart; use 1e-12 or more'))
    expect(new LatencySketch({ relativeAccuracy: 1e-12 }).add(1).add(2).toBytes().length).toBeGreaterThan(0)
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

  it.each(corruptBytes())('rejects %s', (_name, bytes) => {
    expect(() => LatencySketch.fromBytes(bytes)).toThrow(RangeError)
  })
})

/** Runs `f`, giving its result or the message of what it threw. */
function outcome<T>(f: () => T): { value: T } | { error: string } {
  try {
    return { value: f() }
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` }
  }
}

const PROBE_QS = [0, 0.01, 0.25, 0.5, 0.9, 0.99, 1]
const PROBE_XS = [0, 5e-7, 1e-6, 1e-3, 0.1, 1, 30, 60, 3600, 1e9, 1e300, Number.POSITIVE_INFINITY]

/** Everything observable of a sketch, for comparing the dense implementation with the reference. */
function observe(s: LatencySketch | MapSketch): unknown {
  return {
    count: s.count,
    min: s.min,
    max: s.max,
    bytes: [...s.toBytes()],
    quantiles: PROBE_QS.map((q) => s.quantile(q)),
    below: PROBE_XS.map((x) => s.countBelow(x)),
  }
}

describe('LatencySketch against the reference Map-based implementation it replaced', () => {
  const value = fc.oneof(
    fc.double({ min: 0, max: 1e4, noNaN: true }),
    fc.double({ min: 0, max: 1e300, noNaN: true }),
    fc.constantFrom(0, -0, 1e-7, 1e-6, 1, 1.5, 30, 60, 3600),
  )
  type Op =
    | { op: 'add'; to: number; value: number; count: number }
    | { op: 'merge' | 'mergeBytes' | 'clone' | 'roundTrip'; to: number; from: number }
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('add' as const), to: fc.nat(3), value, count: fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 1e6 })) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('merge' as const, 'mergeBytes' as const, 'clone' as const, 'roundTrip' as const), to: fc.nat(3), from: fc.nat(3) }) },
  )
  const params = fc.constantFrom<Array<{ relativeAccuracy?: number; zeroThreshold?: number }>>(
    {},
    { relativeAccuracy: 0.02, zeroThreshold: 1e-3 },
    // Spans wider than any window (indexes up to ~10^14), and indexes past 2^53.
    { relativeAccuracy: 1e-12 },
    { relativeAccuracy: 1e-15 },
  )

  it('gives the same counts, quantiles, countBelow, bytes and errors after any sequence of operations (property)', () => {
    fc.assert(
      fc.property(params, fc.array(op, { maxLength: 80 }), (options, ops) => {
        const dense = Array.from({ length: 4 }, () => new LatencySketch(options))
        const ref = Array.from({ length: 4 }, () => new MapSketch(options))
        for (const o of ops) {
          let got: unknown
          let want: unknown
          if (o.op === 'add') {
            got = outcome(() => dense[o.to].add(o.value, o.count).count)
            want = outcome(() => ref[o.to].add(o.value, o.count).count)
          } else if (o.op === 'merge') {
            got = outcome(() => dense[o.to].merge(dense[o.from]).count)
            want = outcome(() => ref[o.to].merge(ref[o.from]).count)
          } else if (o.op === 'mergeBytes') {
            got = outcome(() => dense[o.to].mergeBytes(dense[o.from].toBytes()).count)
            want = outcome(() => ref[o.to].merge(MapSketch.fromBytes(ref[o.from].toBytes())).count)
          } else if (o.op === 'clone') {
            dense[o.to] = dense[o.from].clone()
            ref[o.to] = ref[o.from].clone()
          } else {
            got = outcome(() => (dense[o.to] = LatencySketch.fromBytes(dense[o.from].toBytes())).count)
            want = outcome(() => (ref[o.to] = MapSketch.fromBytes(ref[o.from].toBytes())).count)
          }
          expect(got).toEqual(want)
        }
        for (let i = 0; i < 4; i++) expect(observe(dense[i])).toEqual(observe(ref[i]))
      }),
      { numRuns: 400, seed: 21 },
    )
  })

  it('decodes bytes the reference wrote to the same state, and writes them back unchanged (property)', () => {
    fc.assert(
      fc.property(params, fc.array(fc.tuple(value, fc.integer({ min: 1, max: 1e6 })), { maxLength: 200 }), (options, entries) => {
        const ref = new MapSketch(options)
        for (const [v, n] of entries) ref.add(v, n)
        const stored = outcome(() => ref.toBytes())
        if ('error' in stored) return
        const decoded = outcome(() => observe(LatencySketch.fromBytes(stored.value)))
        expect(decoded).toEqual(outcome(() => observe(MapSketch.fromBytes(stored.value))))
        const merged = outcome(() => observe(new LatencySketch(options).add(2.5).mergeBytes(stored.value)))
        expect(merged).toEqual(outcome(() => observe(new MapSketch(options).add(2.5).merge(MapSketch.fromBytes(stored.value)))))
      }),
      { numRuns: 300, seed: 22 },
    )
  })

  it.each<[string, number[]]>([
    ['grows its window to the right', Array.from({ length: 400 }, (_, i) => 0.01 * 1.03 ** i)],
    ['grows its window to the left', Array.from({ length: 400 }, (_, i) => 1e4 / 1.03 ** i)],
    ['grows on both sides', Array.from({ length: 400 }, (_, i) => 30 * 1.05 ** (i % 2 === 0 ? i / 2 : -(i + 1) / 2))],
    ['holds only the zero bin', [0, 0, 5e-7, -0, 0]],
    ['holds the zero bin and one far bin', [0, 0, 1e6, 0]],
    ['spans more bins than a window holds (1 µs … 10^300 s)', [1e-6, 1, 1e100, 1e300, 30, 31, 32]],
  ])('%s and answers like the reference', (_name, values) => {
    const dense = new LatencySketch()
    const ref = new MapSketch()
    for (const v of values) {
      dense.add(v)
      ref.add(v)
      expect(dense.quantile(0.5)).toBe(ref.quantile(0.5))
    }
    expect(observe(dense)).toEqual(observe(ref))
    expect(observe(LatencySketch.fromBytes(dense.toBytes()))).toEqual(observe(ref))
    expect(observe(dense.clone())).toEqual(observe(ref))
  })

  it('merges sketches whose windows are far apart, in either order, like the reference', () => {
    const low = sample(300, 23, (r) => 0.001 * (1 + 9 * r()))
    const high = sample(300, 24, (r) => 1000 * (1 + 9 * r()))
    const [dLow, dHigh, rLow, rHigh] = [sketchOf(low), sketchOf(high), MapSketch.of(low), MapSketch.of(high)]
    const want = observe(rLow.clone().merge(rHigh))
    expect(observe(dLow.clone().merge(dHigh))).toEqual(want)
    expect(observe(dHigh.clone().merge(dLow))).toEqual(want)
    expect(observe(dLow.clone().mergeBytes(dHigh.toBytes()))).toEqual(want)
    expect(observe(dHigh.clone().mergeBytes(dLow.toBytes()))).toEqual(want)
    // The quantiles are the exact ones within α: the middle falls between the two groups.
    const all = [...low, ...high]
    for (const q of [0.25, 0.75, 0.9]) {
      expect(relativeError(dLow.clone().merge(dHigh).quantile(q) as number, exactQuantile(all, q))).toBeLessThanOrEqual(0.005 * (1 + 1e-9))
    }
  })

  it('merges a sketch into itself like the reference (every count doubles)', () => {
    for (const values of [sample(500, 25, (r) => 30 * Math.exp(normal(r))), [1, 2, 3]]) {
      const dense = sketchOf(values)
      expect(observe(dense.merge(dense))).toEqual(observe(MapSketch.of(values).merge(MapSketch.of(values))))
      expect(dense.count).toBe(2 * values.length)
    }
  })
})

describe('LatencySketch.mergeBytes', () => {
  it('gives the same bytes and quantiles as merge(fromBytes(bytes)) on realistic stored sketches (property)', () => {
    const latency = fc.double({ min: -3, max: 3, noNaN: true }).map((z) => 30 * Math.exp(z))
    fc.assert(
      fc.property(fc.array(fc.array(latency, { maxLength: 130 }), { maxLength: 30 }), (parts) => {
        const viaBytes = new LatencySketch()
        const viaMerge = new LatencySketch()
        for (const values of parts) {
          const bytes = sketchOf(values).toBytes()
          viaBytes.mergeBytes(bytes)
          viaMerge.merge(LatencySketch.fromBytes(bytes))
        }
        expect(viaBytes.toBytes()).toEqual(viaMerge.toBytes())
        expect(viaBytes.toBytes()).toEqual(sketchOf(parts.flat()).toBytes())
        for (const q of [0.5, 0.9]) expect(viaBytes.quantile(q)).toBe(viaMerge.quantile(q))
        expect(viaBytes.countBelow(30)).toBe(viaMerge.countBelow(30))
      }),
      { numRuns: 200, seed: 26 },
    )
  })

  it.each([
    ...corruptBytes(),
    ['another accuracy', new LatencySketch({ relativeAccuracy: 0.01 }).add(1).toBytes()],
  ])('rejects %s with the error fromBytes and merge give, and changes nothing', (_name, bytes) => {
    const s = sketchOf([0.5, 7, 7, 90])
    const before = s.toBytes()
    const expected = outcome(() => new LatencySketch().merge(LatencySketch.fromBytes(bytes)))
    expect(expected).toHaveProperty('error')
    expect(outcome(() => s.mergeBytes(bytes))).toEqual(expected)
    expect(s.toBytes()).toEqual(before)
  })

  it('refuses to overflow the count, like merge', () => {
    const big = new LatencySketch().add(1, Number.MAX_SAFE_INTEGER - 1)
    expect(() => big.mergeBytes(sketchOf([2, 3]).toBytes())).toThrow(new RangeError('LatencySketch count overflow'))
    expect(big.count).toBe(Number.MAX_SAFE_INTEGER - 1)
    expect(big.mergeBytes(new LatencySketch().toBytes()).count).toBe(Number.MAX_SAFE_INTEGER - 1)
  })
})

// The Map-based implementation this file's sketch replaced, kept verbatim (docs removed) as the
// reference that the dense one must match in bytes, quantiles, countBelow and errors.


class MapSketch {
  static of(values: readonly number[]): MapSketch {
    const s = new MapSketch()
    for (const v of values) s.add(v)
    return s
  }

  readonly relativeAccuracy: number
  readonly zeroThreshold: number
  private readonly gamma: number
  private readonly logGamma: number
  private readonly bins = new Map<number, number>()
  private zeroCount = 0
  private total = 0
  private minValue = Number.POSITIVE_INFINITY
  private maxValue = Number.NEGATIVE_INFINITY
  private sorted: number[] | null = null

  constructor(options: { relativeAccuracy?: number; zeroThreshold?: number } = {}) {
    const alpha = options.relativeAccuracy ?? 0.005
    const threshold = options.zeroThreshold ?? 1e-6
    if (!(alpha > 0 && alpha < 1)) throw new RangeError(`relativeAccuracy must be in (0, 1), got ${alpha}`)
    if (!(threshold > 0 && Number.isFinite(threshold))) {
      throw new RangeError(`zeroThreshold must be a positive finite number, got ${threshold}`)
    }
    this.relativeAccuracy = alpha
    this.zeroThreshold = threshold
    this.gamma = (1 + alpha) / (1 - alpha)
    this.logGamma = Math.log(this.gamma)
  }

  get count(): number {
    return this.total
  }

  get min(): number | null {
    return this.total === 0 ? null : this.minValue
  }

  get max(): number | null {
    return this.total === 0 ? null : this.maxValue
  }

  add(value: number, count = 1): this {
    if (!(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`LatencySketch takes finite non-negative values, got ${value}`)
    }
    if (!(Number.isSafeInteger(count) && count >= 0)) {
      throw new RangeError(`count must be a non-negative integer, got ${count}`)
    }
    if (count === 0) return this
    // −0 would make min depend on merge order (−0 < 0 is false), so store +0.
    if (value === 0) value = 0
    if (!Number.isSafeInteger(this.total + count)) throw new RangeError('LatencySketch count overflow')
    if (value < this.zeroThreshold) {
      this.zeroCount += count
    } else {
      const index = this.indexOf(value)
      const previous = this.bins.get(index)
      if (previous === undefined) this.sorted = null
      this.bins.set(index, (previous ?? 0) + count)
    }
    this.total += count
    if (value < this.minValue) this.minValue = value
    if (value > this.maxValue) this.maxValue = value
    return this
  }

  merge(other: MapSketch): this {
    if (other.relativeAccuracy !== this.relativeAccuracy || other.zeroThreshold !== this.zeroThreshold) {
      throw new RangeError(
        `Cannot merge sketches with different parameters (α ${this.relativeAccuracy} vs ${other.relativeAccuracy}, ` +
          `zero threshold ${this.zeroThreshold} vs ${other.zeroThreshold})`,
      )
    }
    if (other.total === 0) return this
    if (!Number.isSafeInteger(this.total + other.total)) throw new RangeError('LatencySketch count overflow')
    for (const [index, n] of other.bins) {
      const previous = this.bins.get(index)
      if (previous === undefined) this.sorted = null
      this.bins.set(index, (previous ?? 0) + n)
    }
    this.zeroCount += other.zeroCount
    this.total += other.total
    if (other.minValue < this.minValue) this.minValue = other.minValue
    if (other.maxValue > this.maxValue) this.maxValue = other.maxValue
    return this
  }

  quantile(q: number): number | null {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be in [0, 1], got ${q}`)
    if (this.total === 0) return null
    const rank = q * (this.total - 1)
    const lo = Math.floor(rank)
    const hi = Math.ceil(rank)
    const [vLo, vHi] = this.valuesAtRanks(lo, hi)
    return lo === hi ? vLo : vLo + (vHi - vLo) * (rank - lo)
  }

  countBelow(x: number): number {
    if (Number.isNaN(x)) throw new RangeError('countBelow needs a number, got NaN')
    if (this.total === 0 || x <= this.minValue) return 0
    if (x > this.maxValue) return this.total
    let below = x >= this.zeroThreshold ? this.zeroCount : 0
    // Indexing is monotonic, so a bin index below x's own index holds only values < x.
    const xIndex = this.indexOf(x)
    for (const [index, n] of this.bins) {
      if (index < xIndex) below += n
    }
    return below
  }

  clone(): MapSketch {
    const copy = new MapSketch({ relativeAccuracy: this.relativeAccuracy, zeroThreshold: this.zeroThreshold })
    copy.merge(this)
    return copy
  }

  toBytes(): Uint8Array {
    const w = new RefByteWriter()
    w.byte(1)
    const custom =
      this.relativeAccuracy !== 0.005 || this.zeroThreshold !== 1e-6
    w.byte((custom ? 1 : 0) | (this.total > 0 ? 2 : 0))
    if (custom) {
      w.float64(this.relativeAccuracy)
      w.float64(this.zeroThreshold)
    }
    if (this.total > 0) {
      w.float64(this.minValue)
      w.float64(this.maxValue)
      w.varint(this.zeroCount)
      const indexes = this.sortedIndexes()
      w.varint(indexes.length)
      let previous = 0
      indexes.forEach((index, i) => {
        w.varint(i === 0 ? refZigzag(index) : index - previous - 1)
        w.varint(this.bins.get(index) as number)
        previous = index
      })
    }
    return w.finish()
  }

  static fromBytes(bytes: Uint8Array): MapSketch {
    const r = new RefByteReader(bytes)
    const version = r.byte()
    if (version !== 1) throw new RangeError(`Unknown LatencySketch format version ${version}`)
    const flags = r.byte()
    if ((flags & ~(1 | 2)) !== 0) throw new RangeError(`Unknown LatencySketch flags ${flags}`)
    const options: { relativeAccuracy?: number; zeroThreshold?: number } = {}
    if ((flags & 1) !== 0) {
      options.relativeAccuracy = r.float64()
      options.zeroThreshold = r.float64()
    }
    const sketch = new MapSketch(options)
    if ((flags & 2) !== 0) {
      const min = r.float64()
      const max = r.float64()
      if (!(Number.isFinite(min) && Number.isFinite(max) && min >= 0 && min <= max)) {
        throw new RangeError('Corrupt LatencySketch bytes: bad min/max')
      }
      let total = r.varint()
      sketch.zeroCount = total
      const binCount = r.varint()
      let index = 0
      for (let i = 0; i < binCount; i++) {
        index = i === 0 ? refUnzigzag(r.varint()) : index + r.varint() + 1
        const n = r.varint()
        if (n === 0) throw new RangeError('Corrupt LatencySketch bytes: empty bin')
        sketch.bins.set(index, n)
        sketch.sorted = null
        total += n
      }
      if (total === 0 || !Number.isSafeInteger(total)) throw new RangeError('Corrupt LatencySketch bytes: bad count')
      sketch.total = total
      sketch.minValue = min
      sketch.maxValue = max
    }
    if (!r.done()) throw new RangeError('Corrupt LatencySketch bytes: trailing data')
    return sketch
  }

  private indexOf(value: number): number {
    return Math.ceil(Math.log(value) / this.logGamma)
  }

  private valueOf(index: number): number {
    return (2 * Math.exp(index * this.logGamma)) / (this.gamma + 1)
  }

  private sortedIndexes(): number[] {
    if (this.sorted === null) this.sorted = [...this.bins.keys()].sort((a, b) => a - b)
    return this.sorted
  }

  private valuesAtRanks(lo: number, hi: number): [number, number] {
    const estimate = (rank: number, binValue: number): number => {
      if (rank === 0) return this.minValue
      if (rank === this.total - 1) return this.maxValue
      return Math.min(Math.max(binValue, this.minValue), this.maxValue)
    }
    let vLo = Number.NaN
    let seen = this.zeroCount
    if (lo < seen) vLo = estimate(lo, 0)
    if (hi < seen) return [vLo, estimate(hi, 0)]
    for (const index of this.sortedIndexes()) {
      seen += this.bins.get(index) as number
      if (Number.isNaN(vLo) && lo < seen) vLo = estimate(lo, this.valueOf(index))
      if (hi < seen) return [vLo, estimate(hi, this.valueOf(index))]
    }
    // Unreachable while counts are consistent: hi ≤ total − 1.
    return [vLo, this.maxValue]
  }
}

function refZigzag(n: number): number {
  return n >= 0 ? 2 * n : -2 * n - 1
}

function refUnzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2
}

class RefByteWriter {
  private bytes: number[] = []
  private readonly scratch = new DataView(new ArrayBuffer(8))

  byte(b: number): void {
    this.bytes.push(b)
  }

  varint(n: number): void {
    let v = n
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80)
      v = Math.floor(v / 0x80)
    }
    this.bytes.push(v)
  }

  float64(x: number): void {
    this.scratch.setFloat64(0, x, true)
    for (let i = 0; i < 8; i++) this.bytes.push(this.scratch.getUint8(i))
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes)
  }
}

class RefByteReader {
  private offset = 0
  private readonly view: DataView

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  byte(): number {
    if (this.offset >= this.bytes.length) throw new RangeError('Corrupt LatencySketch bytes: truncated')
    return this.bytes[this.offset++]
  }

  varint(): number {
    let result = 0
    let scale = 1
    for (let i = 0; i < 8; i++) {
      const b = this.byte()
      result += (b & 0x7f) * scale
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(result)) break
        return result
      }
      scale *= 0x80
    }
    throw new RangeError('Corrupt LatencySketch bytes: varint too long')
  }

  float64(): number {
    if (this.offset + 8 > this.bytes.length) throw new RangeError('Corrupt LatencySketch bytes: truncated')
    const x = this.view.getFloat64(this.offset, true)
    this.offset += 8
    return x
  }

  done(): boolean {
    return this.offset === this.bytes.length
  }
}
