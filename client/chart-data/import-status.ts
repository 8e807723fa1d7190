/**
 * A CSV import's state in words: where a running import is (step, percent) and what a finished one
 * came to, as a symbol, a word and a sentence, never colour alone. Pure; tested in node.
 */
import type { ImportListItem } from '../api/types.js'

type ImportLike = Pick<ImportListItem, 'dryRun' | 'status' | 'progress' | 'rowsRead' | 'accepted' | 'duplicates' | 'badRows' | 'message'>

const n = (x: number) => x.toLocaleString('en-US')
const rows = (x: number) => `${n(x)} row${x === 1 ? '' : 's'}`

/** What a finished (or running) import came to. */
export type ImportOutcome = 'running' | 'valid' | 'invalid' | 'imported' | 'failed'

/**
 * @example importOutcome({ dryRun: true, status: 'done', badRows: 0, ... }) // 'valid'
 */
export function importOutcome(i: ImportLike): ImportOutcome {
  if (i.status === 'running') return 'running'
  if (i.status === 'failed') return 'failed'
  if (i.badRows > 0) return 'invalid'
  return i.dryRun ? 'valid' : 'imported'
}

/**
 * A running import's step and percent of the whole (a dry run is one step; an import checks every row,
 * then stores: the API's `progress` 0–0.5 and 0.5–1).
 * @example importStep({ dryRun: false, status: 'running', progress: 0.75, rowsRead: 8, accepted: 4, duplicates: 0, ... })
 * // { percent: 75, words: 'Step 2 of 2, storing: 4 of 8 rows' }
 */
export function importStep(i: ImportLike): { percent: number; words: string } {
  const percent = Math.max(0, Math.min(100, Math.floor(i.progress * 100)))
  if (i.dryRun) return { percent, words: `Checking every row: ${rows(i.rowsRead)} read` }
  if (i.progress < 0.5) return { percent, words: `Step 1 of 2, checking every row: ${rows(i.rowsRead)} read` }
  return { percent, words: `Step 2 of 2, storing: ${n(i.accepted + i.duplicates)} of ${rows(i.rowsRead)}` }
}

/** The look of an outcome: symbol and word, and its tone. */
export const OUTCOME_LOOK: Record<ImportOutcome, { symbol: string; word: string; tone: 'good' | 'bad' | 'none' }> = {
  running: { symbol: '…', word: 'running', tone: 'none' },
  valid: { symbol: '✓', word: 'all rows valid', tone: 'good' },
  invalid: { symbol: '✕', word: 'rows to fix, nothing stored', tone: 'bad' },
  imported: { symbol: '✓', word: 'imported', tone: 'good' },
  failed: { symbol: '✕', word: 'stopped', tone: 'bad' },
}

/**
 * The finished import in one sentence, for the result's heading.
 * @example importHeadline({ dryRun: false, status: 'done', rowsRead: 8, accepted: 6, duplicates: 2, badRows: 0, ... })
 * // 'Imported: 6 events stored, 2 already there and not counted again.'
 */
export function importHeadline(i: ImportLike): string {
  switch (importOutcome(i)) {
    case 'running':
      return importStep(i).words
    case 'valid':
      return i.rowsRead === 0 ? 'The file has a header but no rows: nothing to import.' : `All ${rows(i.rowsRead)} are valid. Nothing is stored until you import them.`
    case 'invalid':
      return i.rowsRead === 0 || i.badRows > i.rowsRead
        ? 'The file cannot be read as it is. Nothing was stored.'
        : `${n(i.badRows)} of ${rows(i.rowsRead)} need fixing. Nothing was stored.`
    case 'imported':
      return `Imported: ${n(i.accepted)} event${i.accepted === 1 ? '' : 's'} stored${i.duplicates > 0 ? `, ${n(i.duplicates)} already there and not counted again` : ''}.`
    case 'failed':
      return `The import stopped: ${i.message ?? 'an internal error'}.`.replace(/\.\.$/, '.')
  }
}
