/**
 * CLI: `backup FILE [--force]` and `prune --before DATE [--yes]`.
 */
import { parseArgs } from 'node:util'
import { CliError, registerCommand } from '../cli.js'
import { BackupError, backupDatabase } from './backup.js'
import { PruneError, pruneEvents, pruneHorizonOf } from './prune.js'

function opts<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (e) {
    throw new CliError(`${(e as Error).message.replace(/\. To specify.*$/, '')}\nusage: ${usage}`)
  }
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`

/** Prints progress on stderr at most twice a second, and always the last step. */
function throttled(err: (l: string) => void, line: (done: number, total: number) => string) {
  let last = 0
  return (done: number, total: number) => {
    const now = Date.now()
    if (now - last < 500 && done < total) return
    last = now
    err(line(done, total))
  }
}

const backupUsage = 'backup FILE [--force]'
registerCommand('backup', {
  usage: backupUsage,
  summary: 'writes a consistent copy of the live database to FILE while the server keeps running (--force: replace an existing FILE)',
  async run(args, ctx) {
    const { values, positionals } = opts(args, { force: { type: 'boolean' } }, backupUsage)
    if (positionals.length !== 1 || positionals[0].trim() === '') throw new CliError(`give one file to write\nusage: ${backupUsage}`)
    const { sqlite, file } = await ctx.open()
    if (sqlite === null) {
      // PostgreSQL: its own tools make consistent online copies; a second implementation here would be worse.
      throw new CliError(`the data lives in PostgreSQL (${file}); back it up with PostgreSQL's own tool, which copies one consistent snapshot while the server keeps running: pg_dump --format=custom --file=${JSON.stringify(positionals[0])} "$DATABASE_URL" (restore with pg_restore --clean --dbname "$DATABASE_URL" FILE), or your platform's managed backups`)
    }
    try {
      const r = await backupDatabase(sqlite, positionals[0], {
        force: values.force === true,
        onProgress: throttled(ctx.err, (d, t) => `  ${d.toLocaleString('en-US')} / ${t.toLocaleString('en-US')} pages copied (${t > 0 ? Math.floor((100 * d) / t) : 100}%)`),
      })
      ctx.out(`backed up to ${r.file}: ${mb(r.bytes)}, ${r.events.toLocaleString('en-US')} events, integrity ok, ${(r.ms / 1000).toFixed(2)} s`)
    } catch (e) {
      if (e instanceof BackupError) throw new CliError(e.message)
      throw e
    }
  },
})

const pruneUsage = 'prune --before YYYY-MM-01 [--yes]'
registerCommand('prune', {
  usage: pruneUsage,
  summary: 'rolls up, then deletes raw events before a month start in YARDSTICK_TIMEZONE; rollups keep their history (without --yes: only counts)',
  async run(args, ctx) {
    const { values, positionals } = opts(args, { before: { type: 'string' }, yes: { type: 'boolean' } }, pruneUsage)
    if (positionals.length > 0) throw new CliError(`unexpected argument "${positionals[0]}"\nusage: ${pruneUsage}`)
    if (!values.before) throw new CliError(`--before is required\nusage: ${pruneUsage}`)
    const timezone = ctx.config.timezone
    try {
      const before = pruneHorizonOf(values.before, timezone)
      const { db } = await ctx.open()
      const r = await pruneEvents(db, {
        before,
        timezone,
        actor: 'cli',
        dryRun: values.yes !== true,
        onProgress: throttled(ctx.err, (d, t) => `  ${d.toLocaleString('en-US')} / ${t.toLocaleString('en-US')} events pruned`),
      })
      const when = `before ${new Date(before).toISOString()} (${values.before} in ${timezone})`
      if (r.dryRun) ctx.out(`${r.events.toLocaleString('en-US')} raw events ${when} would be pruned; rollups keep their history. Run again with --yes to prune them.`)
      else ctx.out(`pruned ${r.events.toLocaleString('en-US')} raw events ${when} in ${(r.ms / 1000).toFixed(2)} s; rollups keep their history (audited)`)
    } catch (e) {
      if (e instanceof PruneError) throw new CliError(e.message)
      throw e
    }
  },
})
