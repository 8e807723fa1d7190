import { describe, expect, it } from 'vitest'
import { csvRow, neutralizeCsvCell } from './csv.js'

describe('neutralizeCsvCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', "'\rcmd"],
    ['=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'],
    ['Invoices', 'Invoices'],
    ['a=b', 'a=b'],
    [' =1', ' =1'],
    ['', ''],
  ])('%j → %j', (input, out) => {
    expect(neutralizeCsvCell(input)).toBe(out)
  })
})

describe('csvRow', () => {
  it('keeps numbers as numbers and neutralises and quotes text', () => {
    expect(csvRow(['Invoices', 1.5, -3, '=1+1', null, undefined, 'a,b', 'say "hi"', '-x,y'])).toBe('Invoices,1.5,-3,\'=1+1,,,"a,b","say ""hi""","\'-x,y"')
  })
  it('writes non-finite numbers as empty cells', () => {
    expect(csvRow([NaN, Infinity, 0])).toBe(',,0')
  })
})
