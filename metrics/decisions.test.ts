import { describe, expect, it } from 'vitest'
import { decisionsFaster } from './decisions.js'

describe('decisionsFaster', () => {
  it.each([
    ['sums counts, never medians', [{ decisionsAccelerated: 30, decisionCount: 40 }, { decisionsAccelerated: 10, decisionCount: 60 }], { faster: 40, decisions: 100, share: 0.4, initiatives: 2 }],
    ['leaves out initiatives without a baseline', [{ decisionsAccelerated: 30, decisionCount: 40 }, { decisionsAccelerated: null, decisionCount: 9 }], { faster: 30, decisions: 40, share: 0.75, initiatives: 1 }],
    ['leaves out initiatives without decisions', [{ decisionsAccelerated: 0, decisionCount: 0 }, { decisionsAccelerated: 5, decisionCount: 5 }], { faster: 5, decisions: 5, share: 1, initiatives: 1 }],
    ['is null when nothing counts', [{ decisionsAccelerated: null, decisionCount: 3 }, {}], null],
  ])('%s', (_n, rows, expected) => {
    expect(decisionsFaster(rows)).toEqual(expected)
  })
})
