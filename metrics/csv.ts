/**
 * CSV export helpers that keep spreadsheet formulas out of exported data.
 */

/**
 * Neutralises a text cell against formula injection (CSV injection): a cell that starts with `=`, `+`,
 * `-`, `@`, a tab or a carriage return gets a leading apostrophe, so spreadsheets show it as text.
 * Numbers should be written as numbers (see {@link csvRow}), not passed through here.
 * @example neutralizeCsvCell('=HYPERLINK("http://x")') // "'=HYPERLINK(\"http://x\")"
 */
export function neutralizeCsvCell(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s
}

/**
 * One CSV line (RFC 4180, no line ending): text cells neutralised and quoted when they hold a comma,
 * quote or line break; finite numbers written as they are; null/undefined as an empty cell.
 * @example csvRow(['Invoices', 1.5, '=1+1', null]) // "Invoices,1.5,'=1+1,"
 */
export function csvRow(cells: ReadonlyArray<string | number | null | undefined>): string {
  return cells
    .map((c) => {
      if (c === null || c === undefined) return ''
      if (typeof c === 'number') return Number.isFinite(c) ? String(c) : ''
      const safe = neutralizeCsvCell(c)
      return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
    })
    .join(',')
}
