/**
 * CSV imports started over HTTP: their progress rows (db/migrations/2026_12_06_1201_imports.ts).
 */
import type { Selectable } from 'kysely'
import type { Tx } from '../connection.js'
import type { ImportsTable } from '../schema.js'

export interface ImportProblem {
  line: number
  column: string | null
  message: string
}

export interface ImportView {
  id: number
  fileName: string
  /** Who started it (email or key name, as the audit log names them). */
  actor: string
  dryRun: boolean
  status: 'running' | 'done' | 'failed'
  bytesTotal: number
  bytesRead: number
  /** 0…1: checking every row is the first half, storing the second (a dry run or a file with bad rows ends after checking). */
  progress: number
  rowsRead: number
  accepted: number
  duplicates: number
  badRows: number
  problems: ImportProblem[]
  message: string | null
  startedAt: string
  finishedAt: string | null
}

function toView(r: Selectable<ImportsTable>): ImportView {
  return {
    id: r.id,
    fileName: r.file_name,
    actor: r.actor,
    dryRun: r.dry_run === 1,
    status: r.status as ImportView['status'],
    bytesTotal: Number(r.bytes_total),
    bytesRead: Number(r.bytes_read),
    progress: r.status !== 'running' ? 1 : Number(r.bytes_total) > 0 ? Math.min(1, Number(r.bytes_read) / Number(r.bytes_total)) : 0,
    rowsRead: Number(r.rows_read),
    accepted: Number(r.accepted),
    duplicates: Number(r.duplicates),
    badRows: Number(r.bad_rows),
    problems: JSON.parse(r.problems) as ImportProblem[],
    message: r.message,
    startedAt: new Date(Number(r.started_at)).toISOString(),
    finishedAt: r.finished_at === null ? null : new Date(Number(r.finished_at)).toISOString(),
  }
}

/**
 * Records a new running import and returns its id.
 * @example const id = await createImport(db, { fileName: 'history.csv', actor: 'ann@example.com', dryRun: false, bytesTotal: 1024, at: Date.now() })
 */
export async function createImport(tx: Tx, i: { fileName: string; actor: string; dryRun: boolean; bytesTotal: number; at: number }): Promise<number> {
  const r = await tx
    .insertInto('imports')
    .values({ file_name: i.fileName, actor: i.actor, dry_run: i.dryRun ? 1 : 0, status: 'running', bytes_total: i.bytesTotal, bytes_read: 0, rows_read: 0, accepted: 0, duplicates: 0, bad_rows: 0, problems: '[]', message: null, started_at: i.at, finished_at: null })
    .returning('id')
    .executeTakeFirstOrThrow()
  return r.id
}

/** Writes an import's progress (and, when `status` is given, its end). */
export async function updateImport(
  tx: Tx,
  id: number,
  p: { bytesRead: number; rowsRead: number; accepted: number; duplicates: number; badRows: number; problems?: ImportProblem[]; status?: 'done' | 'failed'; message?: string | null; at?: number },
): Promise<void> {
  await tx
    .updateTable('imports')
    .set({
      bytes_read: p.bytesRead,
      rows_read: p.rowsRead,
      accepted: p.accepted,
      duplicates: p.duplicates,
      bad_rows: p.badRows,
      ...(p.problems ? { problems: JSON.stringify(p.problems) } : {}),
      ...(p.status ? { status: p.status, finished_at: p.at ?? null } : {}),
      ...(p.message !== undefined ? { message: p.message } : {}),
    })
    .where('id', '=', id)
    .execute()
}

/** One import, or undefined. */
export async function findImport(tx: Tx, id: number): Promise<ImportView | undefined> {
  const r = await tx.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst()
  return r ? toView(r) : undefined
}

/** The latest imports, newest first. */
export async function listImports(tx: Tx, limit = 20): Promise<ImportView[]> {
  const rows = await tx.selectFrom('imports').selectAll().orderBy('id', 'desc').limit(limit).execute()
  return rows.map(toView)
}
