/**
 * Dates typed by people, shown the way the rest of the app writes them ("6 Dec 2026"), instead of the
 * browser's date picker, whose format follows the browser's locale (mm/dd/yyyy in many) and so differs
 * from every other date on screen.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** The hint beside a day field. */
export const DAY_HINT = 'e.g. 6 Dec 2026'

/**
 * A calendar date (YYYY-MM-DD) as the app writes it; '' for '' and the input unchanged when malformed.
 * @example formatDay('2026-12-06') // '6 Dec 2026'
 */
export function formatDay(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  if (!m) return iso
  return `${Number(m[3])} ${SHORT[Number(m[2]) - 1]} ${m[1]}`
}

/**
 * Reads a typed day: "6 Dec 2026", "6 december 2026", "Dec 6, 2026" or "2026-12-06"; the calendar date
 * (YYYY-MM-DD), '' for an empty field, or null when it is not a real date.
 * @example parseDay('6 Dec 2026') // '2026-12-06'
 */
export function parseDay(text: string): string | null {
  const t = text.trim().toLowerCase().replace(/,/g, ' ').replace(/\s+/g, ' ')
  if (t === '') return ''
  let y: number, mo: number, d: number
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t)
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  else if ((m = /^(\d{1,2}) ([a-z]+)\.? (\d{4})$/.exec(t))) [d, mo, y] = [Number(m[1]), monthOf(m[2]), Number(m[3])]
  else if ((m = /^([a-z]+)\.? (\d{1,2}) (\d{4})$/.exec(t))) [mo, d, y] = [monthOf(m[1]), Number(m[2]), Number(m[3])]
  else return null
  if (!(mo >= 1 && mo <= 12) || d < 1 || y < 1900 || y > 2999) return null
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate()
  if (d > days) return null
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

function monthOf(word: string): number {
  if (word.length < 3) return 0
  return MONTHS.findIndex((m) => word.startsWith(m) && (word.length === 3 || m === word.slice(0, 3))) + 1
}
