/**
 * CLI: `import FILE.csv [--dry-run]`: imports history from a CSV file (server/import/import-csv.ts).
 * Progress on stderr, every bad row on stdout as "line N, column C: what to fix", a summary last.
 */
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { CliError, registerCommand } from '../cli.js'
import { EventWriter } from '../ingest/event-writer.js'
import { EventPreparer } from '../ingest/prepare-events.js'
import { fileSource } from './file-source.js'
import { importCsv, CSV_COLUMNS, type ImportProgress } from './import-csv.js'

const usage = 'import FILE.csv [--dry-run]'

function describeProgress(p: ImportProgress): string {
  const pct = p.bytesTotal > 0 ? Math.min(100, Math.floor((p.bytesRead / p.bytesTotal) * 100)) : 100
  if (p.phase === 'checking') return `checking: ${pct}% (${p.rowsRead.toLocaleString('en-US')} rows, ${p.badRows.toLocaleString('en-US')} bad)`
  if (p.phase === 'storing') return `storing: ${pct}% (${(p.accepted + p.duplicates).toLocaleString('en-US')} of ${p.rowsRead.toLocaleString('en-US')} rows)`
  return 'done'
}

registerCommand('import', {
  usage,
  summary: `imports events from a CSV file with the columns ${CSV_COLUMNS.join(', ')}; --dry-run checks every row and stores nothing`,
  async run(args, ctx) {
    let parsed
    try {
      parsed = parseArgs({ args, options: { 'dry-run': { type: 'boolean' } }, allowPositionals: true, strict: true })
    } catch (e) {
      throw new CliError(`${(e as Error).message.replace(/\. To specify.*$/, '')}\nusage: ${usage}`)
    }
    const [file, ...extra] = parsed.positionals
    if (!file || extra.length > 0) throw new CliError(`give one CSV file\nusage: ${usage}`)
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new CliError(`no such file: ${file}`)
    const dryRun = parsed.values['dry-run'] === true
    const { db } = await ctx.open()
    const writer = new EventWriter(db)
    let lastLine = 0
    const result = await importCsv({
      ...fileSource(file),
      preparer: new EventPreparer(db),
      writer,
      dryRun,
      clock: Date.now,
      onProblem: (p) => ctx.out(`line ${p.line}${p.column ? `, column ${p.column}` : ''}: ${p.message}`),
      onProgress: (p) => {
        const now = Date.now()
        if (p.phase === 'done' || now - lastLine < 1000) return
        lastLine = now
        ctx.err(describeProgress(p))
      },
    })
    await writer.close()
    const rows = result.rowsRead.toLocaleString('en-US')
    if (result.badRows > 0) {
      ctx.err(`${result.badRows.toLocaleString('en-US')} of ${rows} row(s) are bad (listed above); nothing was stored. Fix them and import the file again.`)
      return 1
    }
    if (dryRun) {
      ctx.err(`dry run: all ${rows} row(s) are valid; nothing was stored. Run again without --dry-run to import them.`)
      return 0
    }
    ctx.err(`imported ${rows} row(s): ${result.accepted.toLocaleString('en-US')} stored, ${result.duplicates.toLocaleString('en-US')} already there (same id) and not counted again.`)
    ctx.out(JSON.stringify({ rows: result.rowsRead, accepted: result.accepted, duplicates: result.duplicates }))
  },
})
