/**
 * Online backup of the live SQLite database with SQLite's backup API: a consistent copy (one
 * snapshot) while the server keeps ingesting, written beside the target and renamed into place only
 * when complete and checked.
 */
import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'

/** Thrown when a backup cannot be made; the message says what to do. */
export class BackupError extends Error {}

export interface BackupResult {
  file: string
  bytes: number
  pages: number
  events: number
  ms: number
}

/**
 * Copies the database behind `source` into `file`. The copy is one snapshot: a read transaction is
 * held on `source` for the whole copy, so that the backup's steps never restart when other connections
 * (the server's writer) commit meanwhile, and WAL writers are never blocked. Refuses to replace an
 * existing file unless `force`. The copy is integrity-checked before it takes the name `file`.
 * @example await backupDatabase(handle.sqlite, 'backups/2026-11-25.db', { onProgress: (d, t) => log(`${d}/${t}`) })
 */
export async function backupDatabase(
  source: BetterSqlite3.Database,
  file: string,
  opts: { force?: boolean; onProgress?: (donePages: number, totalPages: number) => void } = {},
): Promise<BackupResult> {
  const target = path.resolve(file)
  const started = performance.now()
  if (path.resolve(source.name) === target) throw new BackupError('the backup file is the live database itself; give another path')
  if (!fs.existsSync(path.dirname(target))) throw new BackupError(`the folder ${path.dirname(target)} does not exist; create it first`)
  if (fs.existsSync(target) && !opts.force) throw new BackupError(`${file} already exists; choose a new file name or add --force to replace it`)
  const partial = `${target}.partial-${process.pid}`
  for (const f of [partial, `${partial}-journal`]) fs.rmSync(f, { force: true })

  let pages = 0
  source.exec('begin')
  try {
    // The first read starts the snapshot every step of the backup then reads from.
    source.prepare('select count(*) from sqlite_master').get()
    await source.backup(partial, {
      progress({ totalPages, remainingPages }) {
        pages = totalPages
        opts.onProgress?.(totalPages - remainingPages, totalPages)
        // About fifty steps, so progress means something; each step yields to the event loop.
        return Math.max(256, Math.ceil(totalPages / 50))
      },
    })
    opts.onProgress?.(pages, pages)
  } catch (e) {
    fs.rmSync(partial, { force: true })
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'SQLITE_FULL' || code === 'ENOSPC') throw new BackupError(`the disk holding ${path.dirname(target)} is full; nothing was written`)
    throw new BackupError(`the backup failed: ${(e as Error).message}; nothing was written`)
  } finally {
    source.exec('commit')
  }

  let events: number
  try {
    const copy = new BetterSqlite3(partial)
    try {
      const check = copy.prepare('pragma integrity_check').pluck().all() as string[]
      if (check.length !== 1 || check[0] !== 'ok') throw new BackupError(`the copy failed its integrity check (${check.slice(0, 3).join('; ')}); nothing was written`)
      events = copy.prepare('select count(*) from events').pluck().get() as number
      pages = copy.prepare('pragma page_count').pluck().get() as number
    } finally {
      copy.close()
    }
    const fd = fs.openSync(partial, 'r')
    fs.fsyncSync(fd)
    fs.closeSync(fd)
    if (opts.force) fs.renameSync(partial, target)
    else {
      // link() fails if the name was taken meanwhile: never replaces a file without --force.
      try {
        fs.linkSync(partial, target)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupError(`${file} already exists; choose a new file name or add --force to replace it`)
        throw e
      }
      fs.rmSync(partial)
    }
  } catch (e) {
    fs.rmSync(partial, { force: true })
    throw e
  }
  for (const stale of [`${target}-wal`, `${target}-shm`]) fs.rmSync(stale, { force: true })
  return { file: target, bytes: fs.statSync(target).size, pages, events, ms: performance.now() - started }
}
