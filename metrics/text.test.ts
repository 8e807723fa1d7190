import { describe, expect, it } from 'vitest'
import { textProblem } from './text.js'

describe('textProblem', () => {
  it.each<[string, { max: number; multiline?: boolean }, string | null]>([
    ['Invoice processing', { max: 200 }, null],
    ['Facturación 請求書 🧾', { max: 200 }, null],
    ['half \uD83D emoji', { max: 200 }, 'must be valid Unicode text (it contains a lone surrogate)'],
    ['\uDC00 trailing half', { max: 200, multiline: true }, 'must be valid Unicode text (it contains a lone surrogate)'],
    ['two\nlines', { max: 200 }, 'must be one line without control characters'],
    ['two\nlines\tand a tab', { max: 200, multiline: true }, null],
    ['bell \u0007', { max: 200, multiline: true }, 'must not contain control characters (line breaks and tabs are fine)'],
    ['x'.repeat(201), { max: 200 }, 'must be at most 200 characters'],
  ])('%j under %j: %s', (text, rule, problem) => {
    expect(textProblem(text, rule)).toBe(problem)
  })
})
