import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { mergeSpans } from './rollup-changes.js'

describe('mergeSpans', () => {
  it.each([
    [[], []],
    [[[5, 6]], [[5, 6]]],
    [[[10, 20], [0, 10]], [[0, 20]]],
    [[[0, 10], [5, 8]], [[0, 10]]],
    [[[0, 10], [12, 20], [40, 50]], [[0, 10], [12, 20], [40, 50]]],
  ] as Array<[Array<[number, number]>, Array<[number, number]>]>)('merges touching and overlapping spans: %j', (input, expected) => {
    expect(mergeSpans(input)).toEqual(expected)
  })

  it('merges across the smallest gaps when there are too many', () => {
    expect(mergeSpans([[0, 1], [2, 3], [10, 11], [100, 101]], 2)).toEqual([[0, 11], [100, 101]])
  })

  it('covers every input instant, sorted and disjoint, with at most max spans', () => {
    const span = fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 50 })).map(([a, n]): [number, number] => [a, a + n])
    fc.assert(
      fc.property(fc.array(span, { maxLength: 40 }), fc.integer({ min: 1, max: 10 }), (spans, max) => {
        const out = mergeSpans(spans, max)
        expect(out.length).toBeLessThanOrEqual(Math.max(max, 0))
        for (let k = 1; k < out.length; k++) expect(out[k][0]).toBeGreaterThan(out[k - 1][1])
        for (const [a, b] of spans) expect(out.some(([x, y]) => x <= a && b <= y)).toBe(true)
        // Nothing outside the inputs' hull.
        if (spans.length > 0) {
          expect(out[0][0]).toBe(Math.min(...spans.map((s) => s[0])))
          expect(out[out.length - 1][1]).toBe(Math.max(...spans.map((s) => s[1])))
        }
      }),
    )
  })
})
