/**
 * Retention: deletes raw events before a local month start, after rolling everything up, so that the
 * rollups keep the history (summaries and series of pruned months stay as they were) and the database
 * does not grow without bound.
 */
import { writeTransaction, type Db } from '../../db/connection.js'
import { recordAudit } from '../../db/queries/audit.js'
import { readRollupMark } from '../../db/queries/rollups.js'
import { countPrunable, pruneEventsChunk, recordPruneHorizon } from '../../db/queries/retention.js'
import { startOfLocalMonth } from '../../metrics/time-buckets.js'
import { RollupError, rollupPending } from '../rollup/rollup-job.js'

/** Thrown when a prune cannot proceed; the message says what to do. */
export class PruneError extends Error {}

/**
 * The horizon for `--before DATE`: the first instant of a local month in `timezone`. Only whole months
 * are pruned, so that no hour, day or month rollup bucket mixes pruned and kept events (a correction
 * or a re-fold of a kept bucket never touches pruned history).
 * @example pruneHorizonOf('2026-01-01', 'Europe/London') // Date.parse('2026-01-01T00:00:00Z')
 */
export function pruneHorizonOf(date: string, timezone: string): number {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(date.trim())
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new PruneError(`--before must be a month start as YYYY-MM or YYYY-MM-01 (in YARDSTICK_TIMEZONE, ${timezone}), got "${date}"`)
  if (m[3] !== undefined && m[3] !== '01') {
    throw new PruneError(`--before must be the first day of a month (raw events are pruned in whole months, so that rollup buckets never mix pruned and kept events), got "${date}"; use ${m[1]}-${m[2]}-01`)
  }
  return startOfLocalMonth(`${m[1]}-${m[2]}`, timezone)
}

export interface PruneOptions {
  /** The horizon (epoch ms), from {@link pruneHorizonOf}. */
  before: number
  timezone: string
  /** Who asked (for the audit log): `cli`, a user's email, a key's name. */
  actor: string
  clock?: () => number
  /** Only count what would go. */
  dryRun?: boolean
  /** Events per delete transaction (default 20 000). */
  chunk?: number
  onProgress?: (done: number, total: number) => void
  /** How long to wait for another process's rollup run (default 60 s). */
  waitForLeaseMs?: number
}

export interface PruneResult {
  before: number
  /** Events deleted (or, in a dry run, that would be). */
  events: number
  /** Rollup watermark: only events up to this id were considered. */
  rolledUpThrough: number
  dryRun: boolean
  ms: number
}

/**
 * Rolls up every pending event, then deletes the raw events with occurred_at before `before` that are
 * inside the rollups (id ≤ watermark), in chunks of one transaction each. The horizon and one audit
 * entry (entity `event`, action `prune`, with the count and the date) are written before the first
 * chunk, in one transaction; a run cut short is finished by running it again.
 * @example await pruneEvents(db, { before: pruneHorizonOf('2026-01-01', 'UTC'), timezone: 'UTC', actor: 'cli' })
 */
export async function pruneEvents(db: Db, opts: PruneOptions): Promise<PruneResult> {
  const clock = opts.clock ?? Date.now
  const started = performance.now()
  if (opts.before > clock()) throw new PruneError('--before is in the future; give a month that has started')

  const waitUntil = Date.now() + (opts.waitForLeaseMs ?? 60_000)
  for (;;) {
    try {
      const r = await rollupPending(db, { timezone: opts.timezone, clock })
      if (r.skipped === null) break
    } catch (e) {
      if (e instanceof RollupError) throw new PruneError(`cannot prune before the rollups are up to date: ${e.message}`)
      throw e
    }
    if (Date.now() > waitUntil) throw new PruneError('another process has been rolling up for a minute; run prune again when it has finished')
    await new Promise((r) => setTimeout(r, 500))
  }
  const { watermark } = await readRollupMark(db)
  const total = await countPrunable(db, opts.before, watermark)
  const iso = new Date(opts.before).toISOString()
  if (opts.dryRun || total === 0) return { before: opts.before, events: total, rolledUpThrough: watermark, dryRun: opts.dryRun === true, ms: performance.now() - started }

  await writeTransaction(db, async (tx) => {
    const at = clock()
    await recordPruneHorizon(tx, { before: opts.before, at, info: { events: total, before: iso, rolledUpThrough: watermark } })
    await recordAudit(tx, {
      at,
      actor: opts.actor,
      action: 'prune',
      entity: 'event',
      entityId: `before:${iso}`,
      before: { occurredBefore: iso, timezone: opts.timezone, count: total, rolledUpThroughId: watermark },
      after: { pruned: total, rollupsKept: true },
    })
  })
  const chunk = opts.chunk ?? 20_000
  let done = 0
  for (;;) {
    const n = await writeTransaction(db, (tx) => pruneEventsChunk(tx, opts.before, watermark, chunk))
    if (n === 0) break
    done += n
    opts.onProgress?.(done, total)
  }
  return { before: opts.before, events: done, rolledUpThrough: watermark, dryRun: false, ms: performance.now() - started }
}
