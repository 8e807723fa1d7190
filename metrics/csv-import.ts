/**
 * The CSV import's columns as one table: the importer (server/import/import-csv.ts) reads its header
 * against it, the CLI names it, and the dashboard's import page lists it and builds its template from it.
 * Pure data and functions: no imports beyond metrics/.
 *
 * @module
 */
import { KINDS, METRICS, type Metric } from './metric-kinds.js'
import { csvRow } from './csv.js'

/**
 * Every column a file may have, in the template's order, with what it holds (the event field of the
 * same name, README "Import history from a spreadsheet").
 */
export const CSV_IMPORT_COLUMN_TABLE = {
  initiative: { required: true, help: "the initiative's slug, as in its address (/initiatives/<slug>)" },
  metric: { required: true, help: `one of ${METRICS.join(', ')}` },
  occurredAt: { required: true, help: 'when it happened: ISO 8601 with an offset, e.g. 2026-03-14T09:30:00Z or 2026-03-14T10:30:00+01:00' },
  value: { required: false, help: 'time saved, revenue or latency, a number with a dot for decimals and no thousands separator (not for error_rate)' },
  unit: { required: false, help: `seconds, minutes or hours, for durations (default: ${KINDS.time_saved.defaultUnit} for time_saved, ${KINDS.decision_latency.defaultUnit} for decision_latency)` },
  errors: { required: false, help: 'error_rate only: items handled wrongly (a whole number, at most total)' },
  total: { required: false, help: 'error_rate only: items handled (a whole number, at least 1)' },
  currency: { required: false, help: "revenue_influenced only, optional: must be the initiative's currency (e.g. USD)" },
  id: { required: false, help: 'optional, your own id for the row: a row with the same id is never counted twice (without it, identical rows count once)' },
} as const

/** A column's name. */
export type CsvImportColumn = keyof typeof CSV_IMPORT_COLUMN_TABLE

/**
 * The columns in template order.
 * @example CSV_IMPORT_COLUMNS.slice(0, 3) // ['initiative', 'metric', 'occurredAt']
 */
export const CSV_IMPORT_COLUMNS = Object.freeze(Object.keys(CSV_IMPORT_COLUMN_TABLE)) as readonly CsvImportColumn[]

/** The columns every file must have. */
export const CSV_REQUIRED_COLUMNS: readonly CsvImportColumn[] = Object.freeze(CSV_IMPORT_COLUMNS.filter((c) => CSV_IMPORT_COLUMN_TABLE[c].required))

/** One example row's cells per metric kind (the compiler asks for a row when a kind is added). */
const EXAMPLES: Record<Metric, Partial<Record<CsvImportColumn, string | number>>> = {
  time_saved: { value: 90, unit: 'minutes' },
  error_rate: { errors: 3, total: 120 },
  revenue_influenced: { value: 1250.5 },
  decision_latency: { value: 45, unit: 'seconds' },
}

/**
 * The import template: the header line, then one example row per metric kind for `initiative`, dated
 * 09:00 UTC on the day before `now` (so every row passes the checks as it is; replace them with your own).
 * `currency` fills the revenue row's currency cell when given.
 * @example importTemplateCsv({ initiative: 'invoices', now: Date.parse('2026-12-06T12:00:00Z') })
 * // "initiative,metric,occurredAt,value,unit,errors,total,currency,id\r\ninvoices,time_saved,2026-12-05T09:00:00Z,90,minutes,,,,\r\n…"
 */
export function importTemplateCsv(o: { initiative: string; currency?: string | null; now: number }): string {
  const day = new Date(o.now - 86_400_000).toISOString().slice(0, 10)
  const lines = [csvRow([...CSV_IMPORT_COLUMNS])]
  for (const m of METRICS) {
    const cells: Partial<Record<CsvImportColumn, string | number>> = { initiative: o.initiative, metric: m, occurredAt: `${day}T09:00:00Z`, ...EXAMPLES[m] }
    if (m === 'revenue_influenced' && o.currency) cells.currency = o.currency
    lines.push(csvRow(CSV_IMPORT_COLUMNS.map((c) => cells[c] ?? null)))
  }
  return lines.join('\r\n') + '\r\n'
}
