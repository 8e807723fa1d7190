/**
 * `npm run cli -- rollup [--rebuild]`: rolls up every event not yet rolled up (or rebuilds all buckets)
 * and prints what was done.
 */
import { parseArgs } from 'node:util'
import { CliError, registerCommand } from '../cli.js'
import { listSkippedEvents, type SkippedEvent } from '../../db/queries/rollup-skips.js'
import { rebuildRollups, RollupError, rollupPending } from './rollup-job.js'

const usage = 'rollup [--rebuild] | rollup --skipped'

/** How to correct a skipped event, for the operator. */
export function skippedAdvice(list: SkippedEvent[]): string[] {
  return [
    `${list.length} event(s) could not be rolled up and are not counted in any figure (their sums would overflow). Every other event was rolled up.`,
    ...list.map((e) => `  event ${e.eventId}${e.clientId ? ` (id "${e.clientId}")` : ''} of ${e.initiative}, ${e.metric} at ${e.occurredAt}, stored amount ${e.quantity ?? `${e.errors}/${e.total}`}`),
    'Check the sender (usually a wrong unit), then delete each one: DELETE /api/v1/events/<event>?initiative=<slug> with an admin key or session, and send the corrected event again.',
  ]
}

registerCommand('rollup', {
  usage,
  summary: 'rolls up every event not yet rolled up now (--rebuild: deletes and rebuilds all buckets)',
  async run(args, ctx) {
    let rebuild = false
    let listOnly = false
    try {
      const { values, positionals } = parseArgs({ args, options: { rebuild: { type: 'boolean' }, skipped: { type: 'boolean' } }, allowPositionals: true, strict: true })
      if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`)
      rebuild = values.rebuild === true
      listOnly = values.skipped === true
    } catch (e) {
      throw new CliError(`${(e as Error).message.replace(/\. To specify.*$/, '')}\nusage: ${usage}`)
    }
    const { db } = await ctx.open()
    const timezone = ctx.config.timezone
    const reportSkipped = async () => {
      const list = await listSkippedEvents(db)
      if (list.length > 0) for (const line of skippedAdvice(list)) ctx.err(line)
      return list
    }
    if (listOnly) {
      if ((await reportSkipped()).length === 0) ctx.out('no skipped events: every event is rolled up or waiting to be')
      return
    }
    let lastShown = 0
    const onProgress = (done: number, total: number) => {
      const now = Date.now()
      if (now - lastShown < 500 && done < total) return
      lastShown = now
      ctx.err(`  ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} events folded`)
    }
    try {
      if (rebuild) {
        const r = await rebuildRollups(db, { timezone, onProgress, stepIds: ctx.config.rollupStepEvents })
        ctx.out(`rebuilt rollups in ${timezone}: deleted ${r.deleted} old buckets, folded ${r.eventsFolded} events into ${r.bucketsWritten} bucket writes in ${r.steps} step(s), ${(r.ms / 1000).toFixed(2)} s; watermark ${r.watermark}`)
        await reportSkipped()
        return
      }
      const r = await rollupPending(db, { timezone, onProgress, stepIds: ctx.config.rollupStepEvents })
      if (r.skipped) {
        ctx.out(`nothing done: ${r.skipped}; watermark ${r.watermark}`)
        return
      }
      ctx.out(r.eventsFolded === 0 && r.steps === 0
        ? `rollups are up to date (watermark ${r.watermark}, time zone ${timezone})`
        : `folded ${r.eventsFolded} events into ${r.bucketsWritten} bucket writes in ${r.steps} step(s), ${(r.ms / 1000).toFixed(2)} s; watermark ${r.watermark}, time zone ${timezone}`)
      await reportSkipped()
    } catch (e) {
      if (e instanceof RollupError) throw new CliError(e.message)
      throw e
    }
  },
})
