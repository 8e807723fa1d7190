/**
 * CSV for spreadsheets (RFC 4180): quoted where needed, CRLF line ends, and cells that a spreadsheet
 * would run as a formula (starting with = + - @, or a tab/carriage return) neutralised with a leading
 * apostrophe. Numbers are written as numbers, so negative figures stay numeric.
 */
export type Cell = string | number | boolean | null | undefined

/**
 * One cell as CSV text.
 * @example csvCell('=HYPERLINK("x")') // '"\'=HYPERLINK(""x"")"'
 */
export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : ''
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  let s = v
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s
  return /[",\r\n]/.test(s) || s !== v ? `"${s.replace(/"/g, '""')}"` : s
}

/** A whole table: a header row then the rows. */
export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
}
