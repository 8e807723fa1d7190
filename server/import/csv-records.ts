/**
 * A streaming CSV reader (RFC 4180: quoted fields, doubled quotes, CRLF or LF, line breaks inside
 * quotes): chunks in, records out, with the line each record starts on. Holds one record at a time,
 * so a file of any size is read in bounded memory.
 */
export interface CsvRecord {
  /** 1-based line number where the record starts. */
  line: number
  fields: string[]
  /** A quote was left open at the end of the file. */
  unterminated?: boolean
}

/** Longest record accepted, in characters: a row longer than this is certainly not an event. */
export const MAX_RECORD_CHARS = 64 * 1024

/**
 * Reads records from text chunks (a UTF-8 decoded stream). A leading byte-order mark is dropped.
 * @example for await (const r of csvRecords(fs.createReadStream('a.csv', 'utf8'))) console.log(r.line, r.fields)
 */
export async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  let fields: string[] = []
  let field = ''
  let quoted = false // inside a quoted field
  let afterQuote = false // the quoted field closed; only a separator may follow
  let line = 1
  let recordLine = 1
  let recordChars = 0
  let first = true
  let pendingCR = false
  let any = false
  for await (let chunk of chunks) {
    if (first) {
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1)
      first = false
    }
    const out: CsvRecord[] = []
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]
      if (pendingCR) {
        pendingCR = false
        if (c === '\n') continue
      }
      if (++recordChars > MAX_RECORD_CHARS) throw new Error(`line ${recordLine}: a row is longer than ${MAX_RECORD_CHARS} characters; is a quote left open?`)
      any = true
      if (quoted) {
        if (c === '"') {
          if (chunk[i + 1] === '"') {
            field += '"'
            i++
          } else if (i + 1 === chunk.length) {
            // A quote at the end of a chunk: decide on the next chunk (it may be a doubled quote).
            quoted = false
            afterQuote = true
            field += '\u0000QUOTE?'
          } else {
            quoted = false
            afterQuote = true
          }
        } else {
          if (c === '\n') line++
          else if (c === '\r') {
            line++
            if (chunk[i + 1] === '\n') {
              field += '\r'
              i++
              field += '\n'
              continue
            }
          }
          field += c
        }
        continue
      }
      if (afterQuote && field.endsWith('\u0000QUOTE?')) {
        field = field.slice(0, -7)
        if (c === '"') {
          field += '"'
          quoted = true
          afterQuote = false
          continue
        }
      }
      if (c === ',') {
        fields.push(field)
        field = ''
        afterQuote = false
      } else if (c === '\n' || c === '\r') {
        fields.push(field)
        out.push({ line: recordLine, fields })
        fields = []
        field = ''
        afterQuote = false
        line++
        recordLine = line
        recordChars = 0
        any = false
        if (c === '\r') {
          if (chunk[i + 1] === '\n') i++
          else if (i + 1 === chunk.length) pendingCR = true
        }
      } else if (c === '"' && field === '' && !afterQuote) {
        quoted = true
      } else {
        field += c
      }
    }
    for (const r of out) yield r
  }
  if (afterQuote && field.endsWith('\u0000QUOTE?')) field = field.slice(0, -7)
  if (any || fields.length > 0) {
    fields.push(field)
    yield quoted ? { line: recordLine, fields, unterminated: true } : { line: recordLine, fields }
  }
}
