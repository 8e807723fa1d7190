/**
 * The one rule for text a person gives a name or a note (initiative names, descriptions, teams, key,
 * subscription and share names, notes and reasons), the same as events' ids and attributes: valid
 * Unicode (no lone surrogate, which would be stored and read back as U+FFFD), no control characters
 * (line breaks and tabs only where the field is multi-line), and a length limit. Pure.
 */

export interface TextRule {
  /** Longest accepted, in UTF-16 units as the API has always counted. */
  max: number
  /** Whether line breaks and tabs are allowed (descriptions, notes, reasons). */
  multiline?: boolean
}

const ONE_LINE_CONTROLS = /[\u0000-\u001f\u007f]/
const MULTI_LINE_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

/**
 * Why `text` cannot be stored under `rule`, or null. Says what to fix.
 * @example textProblem('Invoice \uD800 bot', { max: 200 }) // 'must be valid Unicode text (it contains a lone surrogate)'
 */
export function textProblem(text: string, rule: TextRule): string | null {
  if (!text.isWellFormed()) return 'must be valid Unicode text (it contains a lone surrogate)'
  if ((rule.multiline ? MULTI_LINE_CONTROLS : ONE_LINE_CONTROLS).test(text)) return rule.multiline ? 'must not contain control characters (line breaks and tabs are fine)' : 'must be one line without control characters'
  if (text.length > rule.max) return `must be at most ${rule.max} characters`
  return null
}
