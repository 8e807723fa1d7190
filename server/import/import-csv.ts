/**
 * CSV import of history (docs in README "Importing history from a spreadsheet"): one event per row,
 * through the same rules as POST /api/v1/events (server/ingest/prepare-events.ts) and the same event writer.
 *
 * Two passes over the file, each streamed (bounded memory for any size):
 * 1. check every row; any bad row means nothing is stored, and every bad row is reported (line, column,
 *    what to fix). A dry run stops here.
 * 2. store the rows in chunks of CHUNK_ROWS, each chunk one transaction. Row ids are idempotent (the `id`
 *    column, or one derived from the row's content), so an import stopped half-way is completed by
 *    importing the same file again, and a file imported twice counts nothing twice.
 */
import { digest } from '../otlp/values.js'
import type { EventRow } from '../../db/queries/events.js'
import type { EventSink } from '../ingest/event-writer.js'
import type { EventPreparer, IngestContext } from '../ingest/prepare-events.js'
import { CSV_IMPORT_COLUMNS, CSV_REQUIRED_COLUMNS } from '../../metrics/csv-import.js'
import { csvRecords } from './csv-records.js'

/** The columns a file may have (metrics/csv-import.ts); `initiative`, `metric` and `occurredAt` are required. */
export const CSV_COLUMNS = CSV_IMPORT_COLUMNS
const REQUIRED: readonly string[] = CSV_REQUIRED_COLUMNS
const NUMERIC = new Set(['value', 'errors', 'total'])
/** Rows per stored chunk (one transaction each). */
export const CHUNK_ROWS = 5_000

export interface ImportProblem {
  line: number
  column: string | null
  message: string
}

export interface ImportProgress {
  bytesRead: number
  bytesTotal: number
  rowsRead: number
  accepted: number
  duplicates: number
  badRows: number
  phase: 'checking' | 'storing' | 'done'
}

export interface ImportResult extends ImportProgress {
  stored: boolean
}

export interface ImportOptions {
  /** Opens the file anew for each pass: a stream of UTF-8 text chunks and a byte counter. */
  open: () => { chunks: AsyncIterable<string>; bytesRead: () => number }
  bytesTotal: number
  preparer: EventPreparer
  writer: EventSink
  dryRun: boolean
  clock: () => number
  /** May the importer write to this initiative (key scope)? */
  allowed?: (slug: string) => boolean
  onProblem: (p: ImportProblem) => void
  onProgress?: (p: ImportProgress) => void
}

function header(fields: string[]): { columns: Array<string | null>; problems: ImportProblem[] } {
  const problems: ImportProblem[] = []
  const columns = fields.map((f) => f.trim())
  const known = new Set<string>(CSV_COLUMNS)
  const lower = new Map(CSV_COLUMNS.map((c) => [c.toLowerCase().replace(/_/g, ''), c]))
  const out: Array<string | null> = []
  for (const c of columns) {
    if (known.has(c)) out.push(c)
    else {
      const hint = lower.get(c.toLowerCase().replace(/[_\s-]/g, ''))
      problems.push({ line: 1, column: c, message: hint ? `unknown column "${c}"; did you mean "${hint}"?` : `unknown column "${c}"; the columns are ${CSV_COLUMNS.join(', ')}` })
      out.push(null)
    }
  }
  for (const r of REQUIRED) if (!out.includes(r)) problems.push({ line: 1, column: r, message: `the header has no "${r}" column; the first line must name the columns, e.g. ${CSV_COLUMNS.slice(0, 5).join(',')}` })
  const seen = new Set<string>()
  for (const c of out) {
    if (c === null) continue
    if (seen.has(c)) problems.push({ line: 1, column: c, message: `column "${c}" appears twice` })
    seen.add(c)
  }
  return { columns: out, problems }
}

/**
 * One data row as the raw event the API would receive, and the problems of its cells (a cell that is
 * not a number where one is needed). Bad cells stay in as text, so the later checks can skip their column.
 */
function rowToRaw(columns: Array<string | null>, fields: string[], line: number): { raw: Record<string, unknown> | null; problems: ImportProblem[] } {
  const problems: ImportProblem[] = []
  if (fields.length !== columns.length) {
    return { raw: null, problems: [{ line, column: null, message: `the row has ${fields.length} cells but the header has ${columns.length}; check for a missing or extra comma, or quote cells that contain commas` }] }
  }
  const raw: Record<string, unknown> = {}
  for (let i = 0; i < columns.length; i++) {
    const col = columns[i]
    if (col === null) continue
    const text = fields[i].trim()
    if (text === '') continue
    if (NUMERIC.has(col)) {
      const n = Number(text)
      if (!Number.isFinite(n) || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
        problems.push({ line, column: col, message: `${col} must be a number written with a dot for decimals and no thousands separator (e.g. 1234.5), got "${text.slice(0, 40)}"` })
        raw[col] = text
        continue
      }
      raw[col] = n
    } else raw[col] = text
  }
  if (raw.id === undefined) {
    // Derived from the row's content: the same row imported again is the same event.
    raw.id = 'csv-' + digest(raw.initiative ?? null, raw.metric ?? null, raw.occurredAt ?? null, raw.value ?? null, raw.unit ?? null, raw.errors ?? null, raw.total ?? null, raw.currency ?? null)
  }
  return { raw, problems }
}

/**
 * Runs the import. Returns what was read and stored; `stored` is false for a dry run or when any row was
 * bad (then nothing was stored).
 * @example await importCsv({ open, bytesTotal, preparer, writer, dryRun: true, clock: Date.now, onProblem: console.log })
 */
export async function importCsv(o: ImportOptions): Promise<ImportResult> {
  const progress: ImportProgress = { bytesRead: 0, bytesTotal: o.bytesTotal, rowsRead: 0, accepted: 0, duplicates: 0, badRows: 0, phase: 'checking' }
  let lastReport = 0
  const report = (force = false) => {
    const now = Date.now()
    if (!o.onProgress || (!force && now - lastReport < 250)) return
    lastReport = now
    o.onProgress({ ...progress })
  }

  // One pass: rows → prepared rows, in chunks; `store` receives each chunk's good rows.
  const pass = async (store: ((rows: EventRow[]) => Promise<void>) | null) => {
    const file = o.open()
    let columns: Array<string | null> | null = null
    let batch: Array<{ line: number; raw: Record<string, unknown> | null; problems: ImportProblem[] }> = []
    const flush = async () => {
      if (batch.length === 0) return
      const slugs = new Set<string>()
      for (const b of batch) if (typeof b.raw?.initiative === 'string') slugs.add(b.raw.initiative)
      const ctx: IngestContext = await o.preparer.lookup(slugs)
      const now = o.clock()
      const rows: EventRow[] = []
      for (const { line, raw, problems } of batch) {
        const bad = (list: ImportProblem[]) => {
          if (store) return
          progress.badRows++
          for (const p of list) o.onProblem(p)
        }
        if (raw === null) {
          bad(problems)
          continue
        }
        if (typeof raw.initiative === 'string' && o.allowed && !o.allowed(raw.initiative)) {
          bad([...problems, { line, column: 'initiative', message: `you may not import events for initiative "${raw.initiative}"` }])
          continue
        }
        const r = o.preparer.toRow(raw, ctx, now, null)
        if (r.ok && problems.length === 0) rows.push(r.row)
        else {
          const reported = new Set(problems.map((p) => p.column))
          const more = r.ok ? [] : r.problems.filter((p) => !reported.has(p.field)).map((p) => ({ line, column: p.field === '(event)' ? null : p.field, message: p.message }))
          bad([...problems, ...more])
        }
      }
      batch = []
      if (store) {
        await store(rows)
      }
      progress.bytesRead = file.bytesRead()
      report()
    }
    for await (const rec of csvRecords(file.chunks)) {
      if (columns === null) {
        const h = header(rec.fields)
        for (const p of h.problems) o.onProblem(p)
        if (h.problems.length > 0) {
          progress.badRows++
          return
        }
        columns = h.columns
        continue
      }
      if (rec.fields.length === 1 && rec.fields[0].trim() === '') continue // blank line
      if (!store) progress.rowsRead++
      if (rec.unterminated) {
        batch.push({ line: rec.line, raw: null, problems: [{ line: rec.line, column: null, message: 'a quoted cell is not closed: the file ends inside quotes; add the closing "' }] })
        continue
      }
      batch.push({ line: rec.line, ...rowToRaw(columns, rec.fields, rec.line) })
      if (batch.length >= CHUNK_ROWS) await flush()
    }
    await flush()
    if (columns === null && !store) {
      progress.badRows++
      o.onProblem({ line: 1, column: null, message: `the file is empty; the first line must name the columns, e.g. ${CSV_COLUMNS.slice(0, 5).join(',')}` })
    }
  }

  await pass(null)
  progress.bytesRead = o.bytesTotal
  if (o.dryRun || progress.badRows > 0) {
    progress.phase = 'done'
    report(true)
    return { ...progress, stored: false }
  }
  progress.phase = 'storing'
  progress.bytesRead = 0
  report(true)
  await pass(async (rows) => {
    if (rows.length === 0) return
    const r = await o.writer.submit(rows, null)
    progress.accepted += r.accepted
    progress.duplicates += r.duplicates
  })
  progress.bytesRead = o.bytesTotal
  progress.phase = 'done'
  report(true)
  return { ...progress, stored: true }
}
