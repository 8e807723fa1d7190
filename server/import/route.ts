/**
 * POST /api/v1/imports: upload a CSV file (the request body, `Content-Type: text/csv`) to import it, or
 * with `?dryRun=1` to check it; answers 202 with the import at once and runs it in the background.
 * GET /api/v1/imports/:id: its progress (any instance can answer: progress is in the database);
 * GET /api/v1/imports: the latest imports. Editors and admins (permission `initiatives:write`).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Transform } from 'node:stream'
import { Router } from 'express'
import type { Db } from '../../db/connection.js'
import { writeTransaction } from '../../db/connection.js'
import { recordAudit } from '../../db/queries/audit.js'
import { createImport, findImport, listImports, updateImport, type ImportProblem } from '../../db/queries/imports.js'
import { actorName, canUseInitiative, requirePermission, scopeOf, type Actor } from '../auth/actor.js'
import { importList, importRecord } from '../../metrics/api/schemas.js'
import { send } from '../routes/answer.js'
import { badRequest, HttpError, notFound } from '../errors.js'
import type { EventSink } from '../ingest/event-writer.js'
import { EventPreparer } from '../ingest/prepare-events.js'
import { fileSource } from './file-source.js'
import { importCsv } from './import-csv.js'

/** Largest upload accepted (a million rows is about 60 MB). */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024
/** Bad rows kept with an import for the page; the count of all of them is kept too. */
export const MAX_STORED_PROBLEMS = 1_000
const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel']

export function importsRouter(deps: { db: Db; writer: EventSink; clock: () => number; log?: (m: string) => void }): Router {
  const { db, writer, clock } = deps
  const log = deps.log ?? ((m: string) => console.error(m))
  const router = Router()
  const preparer = new EventPreparer(db)

  router.post('/', requirePermission('initiatives:write', 'filtered'), async (req, res) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    if (!CSV_TYPES.includes(type)) throw new HttpError(415, 'unsupported_media_type', `send the CSV file itself as the request body with Content-Type: text/csv (got "${type}")`)
    const dryRunParam = String(req.query.dryRun ?? 'false')
    if (!['1', '0', 'true', 'false'].includes(dryRunParam)) throw badRequest('dryRun must be true or false')
    const dryRun = dryRunParam === '1' || dryRunParam === 'true'
    const fileName = String(req.query.name ?? 'upload.csv').slice(0, 200)
    const actor = req.actor!

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yardstick-import-'))
    const file = path.join(dir, 'upload.csv')
    let bytes = 0
    try {
      await pipeline(
        req,
        new Transform({
          transform(chunk: Buffer, _enc, done) {
            bytes += chunk.length
            if (bytes > MAX_UPLOAD_BYTES) done(new HttpError(413, 'payload_too_large', `the file is larger than ${MAX_UPLOAD_BYTES / 2 ** 20} MB; split it into several files`))
            else done(null, chunk)
          },
        }),
        fs.createWriteStream(file),
      )
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true })
      throw e instanceof HttpError ? e : badRequest('the upload was interrupted; send the file again')
    }
    if (bytes === 0) {
      fs.rmSync(dir, { recursive: true, force: true })
      throw badRequest('the file is empty; the first line must name the columns, e.g. initiative,metric,value,unit,occurredAt')
    }
    const at = clock()
    const id = await writeTransaction(db, async (tx) => {
      const id = await createImport(tx, { fileName, actor: actorName(actor), dryRun, bytesTotal: bytes, at })
      if (!dryRun) await recordAudit(tx, { at, actor: actorName(actor), action: 'import', entity: 'event', entityId: `import-${id}`, after: { fileName, bytes } })
      return id
    })
    res.setHeader('Location', `/api/v1/imports/${id}`)
    send(res, importRecord, (await findImport(db, id))!, 202)

    // The import runs on after the answer; its progress is written to the import's row.
    const problems: ImportProblem[] = []
    let last = { bytesRead: 0, rowsRead: 0, accepted: 0, duplicates: 0, badRows: 0 }
    let writing: Promise<void> = Promise.resolve()
    void importCsv({
      ...fileSource(file),
      preparer,
      writer,
      dryRun,
      clock,
      allowed: (slug) => canUseInitiative(actor, slug),
      onProblem: (p) => {
        if (problems.length < MAX_STORED_PROBLEMS) problems.push(p)
      },
      onProgress: (p) => {
        last = { bytesRead: p.phase === 'storing' ? Math.round(p.bytesTotal / 2 + p.bytesRead / 2) : Math.round(p.bytesRead / 2), rowsRead: p.rowsRead, accepted: p.accepted, duplicates: p.duplicates, badRows: p.badRows }
        if (dryRun || p.badRows > 0) last.bytesRead = p.bytesRead
        const snapshot = { ...last, problems: [...problems] }
        writing = writing.then(() => updateImport(db, id, snapshot)).catch(() => {})
      },
    })
      .then(async (r) => {
        await writing
        const message = r.badRows > 0 ? `${r.badRows} of ${r.rowsRead} row(s) are bad; nothing was stored` : dryRun ? `all ${r.rowsRead} row(s) are valid; nothing was stored (dry run)` : `${r.accepted} stored, ${r.duplicates} already there and not counted again`
        await updateImport(db, id, { bytesRead: bytes, rowsRead: r.rowsRead, accepted: r.accepted, duplicates: r.duplicates, badRows: r.badRows, problems, status: 'done', message, at: clock() })
      })
      .catch(async (err: unknown) => {
        log(`import ${id}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)
        await writing
        const message = err instanceof Error && /line \d+/.test(err.message) ? err.message : 'the import stopped on an internal error; rows stored so far are kept and a new import of the same file completes it without counting any twice'
        await updateImport(db, id, { ...last, problems, status: 'failed', message, at: clock() }).catch(() => {})
      })
      .finally(() => fs.rmSync(dir, { recursive: true, force: true }))
  })

  // A scoped caller sees only the imports it started (an import may reach any initiative).
  const visibleTo = (actor: Actor, i: { actor: string }) => scopeOf(actor) === null || i.actor === actorName(actor)

  router.get('/', requirePermission('initiatives:write', 'filtered'), async (req, res) => {
    const list = (await listImports(db)).filter((i) => visibleTo(req.actor!, i))
    send(res, importList, { imports: list.map(({ problems: _p, ...rest }) => rest) })
  })

  router.get('/:id', requirePermission('initiatives:write', 'filtered'), async (req, res) => {
    const id = Number(req.params.id)
    const found = Number.isSafeInteger(id) ? await findImport(db, id) : undefined
    if (!found || !visibleTo(req.actor!, found)) throw notFound(`no import ${String(req.params.id).slice(0, 40)} (see GET /api/v1/imports)`)
    send(res, importRecord, found)
  })
  return router
}
