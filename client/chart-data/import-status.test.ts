import { describe, expect, it } from 'vitest'
import { importHeadline, importOutcome, importStep } from './import-status.js'

const base = { dryRun: false, status: 'done' as const, progress: 1, rowsRead: 8, accepted: 0, duplicates: 0, badRows: 0, message: null }

describe('import status in words', () => {
  it.each([
    [{ ...base, dryRun: true }, 'valid', 'All 8 rows are valid. Nothing is stored until you import them.'],
    [{ ...base, dryRun: true, rowsRead: 0 }, 'valid', 'The file has a header but no rows: nothing to import.'],
    [{ ...base, badRows: 6 }, 'invalid', '6 of 8 rows need fixing. Nothing was stored.'],
    // A bad header counts as one bad row with no rows read.
    [{ ...base, rowsRead: 0, badRows: 1 }, 'invalid', 'The file cannot be read as it is. Nothing was stored.'],
    [{ ...base, accepted: 6, duplicates: 2 }, 'imported', 'Imported: 6 events stored, 2 already there and not counted again.'],
    [{ ...base, accepted: 1 }, 'imported', 'Imported: 1 event stored.'],
    [{ ...base, status: 'failed' as const, message: 'line 3: a row is too long' }, 'failed', 'The import stopped: line 3: a row is too long.'],
  ])('%o is %s: %s', (i, outcome, headline) => {
    expect(importOutcome(i)).toBe(outcome)
    expect(importHeadline(i)).toBe(headline)
  })

  it.each([
    [{ ...base, status: 'running' as const, dryRun: true, progress: 0.42, rowsRead: 1200 }, 42, 'Checking every row: 1,200 rows read'],
    [{ ...base, status: 'running' as const, progress: 0.25, rowsRead: 1 }, 25, 'Step 1 of 2, checking every row: 1 row read'],
    [{ ...base, status: 'running' as const, progress: 0.75, accepted: 3, duplicates: 1 }, 75, 'Step 2 of 2, storing: 4 of 8 rows'],
  ])('a running import %o is at %i%: %s', (i, percent, words) => {
    expect(importStep(i)).toEqual({ percent, words })
  })
})
