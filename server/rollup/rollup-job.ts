/**
 * The rollup job: folds every event above the watermark into hour/day/month rollups, one transaction
 * per step of event ids, under a lease so that several processes never run it at once.
 */
import os from 'node:os'
import { randomUUID } from 'node:crypto'
import type { Db } from '../../db/connection.js'
import { writeTransaction } from '../../db/connection.js'
import {
  acquireRollupLease,
  advanceRollupWatermark,
  aggregateEventSlots,
  countEventsBetweenIds,
  deleteAllRollups,
  findLatencyEvents,
  findRollupRowsByKey,
  findRollupState,
  maxEventId,
  releaseRollupLease,
  resetRollupWatermark,
  upsertRollupRows,
} from '../../db/queries/rollups.js'
import { findPruneHorizon } from '../../db/queries/retention.js'
import { SlotBuckets, foldSlots, mergeIntoStored } from './fold.js'

/** Thrown when rollups cannot proceed; the message says what to do. */
export class RollupError extends Error {}

export interface RollupOptions {
  /** YARDSTICK_TIMEZONE: the zone of hour/day/month buckets. */
  timezone: string
  clock?: () => number
  /** Lease owner name; default host:pid:random. */
  owner?: string
  /** Event ids per transaction (default 200 000). */
  stepIds?: number
  /** Lease length; renewed at every step (default 120 s). */
  leaseMs?: number
  /** Called after each step with events folded so far and the total to fold. */
  onProgress?: (done: number, total: number) => void
}

export interface RollupResult {
  /** Set when nothing ran because another process holds the lease. */
  skipped: string | null
  eventsFolded: number
  bucketsWritten: number
  steps: number
  watermark: number
  ms: number
}

const DEFAULT_STEP = 200_000
const DEFAULT_LEASE_MS = 120_000

function defaultOwner(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
}

/** The message for rollups built in another zone than the configured one. */
export function timezoneChangedMessage(built: string, configured: string): string {
  return `rollups were built in time zone ${built} but YARDSTICK_TIMEZONE is now ${configured}; rebuild them with: npm run cli -- rollup --rebuild`
}

async function foldSteps(db: Db, opts: Required<Pick<RollupOptions, 'timezone' | 'clock' | 'owner' | 'stepIds' | 'leaseMs'>> & Pick<RollupOptions, 'onProgress'>, fromWatermark: number): Promise<Omit<RollupResult, 'skipped' | 'ms'>> {
  const { timezone, clock, owner, stepIds, leaseMs } = opts
  const maxId = await maxEventId(db)
  const total = opts.onProgress && maxId > fromWatermark ? await countEventsBetweenIds(db, fromWatermark, maxId) : 0
  const buckets = new SlotBuckets(timezone)
  let watermark = fromWatermark
  let eventsFolded = 0
  let bucketsWritten = 0
  let steps = 0
  while (watermark < maxId) {
    const lo = watermark
    const hi = Math.min(lo + stepIds, maxId)
    const folded = await writeTransaction(db, async (tx) => {
      const slots = await aggregateEventSlots(tx, lo, hi)
      const latencies = await findLatencyEvents(tx, lo, hi)
      const states = foldSlots(slots, latencies, buckets)
      const stored = states.size > 0 ? await findRollupRowsByKey(tx, [...states.values()]) : []
      const rows = mergeIntoStored(states, stored)
      await upsertRollupRows(tx, rows)
      if (!(await advanceRollupWatermark(tx, { from: lo, to: hi, owner, now: clock(), timezone, leaseMs }))) {
        throw new RollupError('the rollup watermark moved under this run (another process rolled up, or the lease expired); nothing from this step was written, run it again')
      }
      let n = 0
      for (const s of slots) n += s.count
      return { events: n, buckets: rows.length }
    })
    watermark = hi
    eventsFolded += folded.events
    bucketsWritten += folded.buckets
    steps++
    opts.onProgress?.(eventsFolded, total)
  }
  return { eventsFolded, bucketsWritten, steps, watermark }
}

function resolve(opts: RollupOptions) {
  return {
    timezone: opts.timezone,
    clock: opts.clock ?? Date.now,
    owner: opts.owner ?? defaultOwner(),
    stepIds: opts.stepIds ?? DEFAULT_STEP,
    leaseMs: opts.leaseMs ?? DEFAULT_LEASE_MS,
    onProgress: opts.onProgress,
  }
}

/**
 * Folds every event with id above the watermark into the rollups, in steps of `stepIds` ids, each
 * step one transaction that also advances the watermark (compare-and-set). Skips (without error) when
 * another process holds the lease; throws a RollupError when the rollups were built in another zone.
 * @example const r = await rollupPending(db, { timezone: config.timezone }); r.eventsFolded
 */
export async function rollupPending(db: Db, options: RollupOptions): Promise<RollupResult> {
  const opts = resolve(options)
  const started = performance.now()
  if (!(await acquireRollupLease(db, opts.owner, opts.clock(), opts.leaseMs))) {
    return { skipped: 'another process is rolling up now', eventsFolded: 0, bucketsWritten: 0, steps: 0, watermark: (await findRollupState(db)).watermark, ms: performance.now() - started }
  }
  try {
    const state = await findRollupState(db)
    const built = state.info.timezone
    if (state.watermark > 0 && built !== opts.timezone) throw new RollupError(timezoneChangedMessage(built ?? 'an unrecorded zone', opts.timezone))
    const r = await foldSteps(db, opts, state.watermark)
    return { skipped: null, ...r, ms: performance.now() - started }
  } finally {
    await releaseRollupLease(db, opts.owner)
  }
}

/**
 * Deletes every rollup and folds all events again from watermark 0 in the configured zone (also the
 * way to adopt a changed YARDSTICK_TIMEZONE). Throws a RollupError when another process holds the lease.
 * Queries stay exact meanwhile: events above the watermark are read raw.
 * @example await rebuildRollups(db, { timezone: 'Europe/London', onProgress: (d, t) => log(`${d}/${t}`) })
 */
export async function rebuildRollups(db: Db, options: RollupOptions): Promise<RollupResult & { deleted: number }> {
  const opts = resolve(options)
  const started = performance.now()
  const pruned = await findPruneHorizon(db)
  if (pruned) {
    // The rollups are the only record of pruned months: a rebuild from raw events would lose them.
    throw new RollupError(`raw events before ${new Date(pruned.before).toISOString()} were pruned, so a rebuild cannot recompute their buckets and would lose that history; the rollups were left as they are. To rebuild (e.g. after changing YARDSTICK_TIMEZONE), restore a backup taken before the prune, rebuild there, and prune again`)
  }
  if (!(await acquireRollupLease(db, opts.owner, opts.clock(), opts.leaseMs))) {
    throw new RollupError('another process is rolling up now; wait for it to finish and run the rebuild again')
  }
  try {
    const deleted = await writeTransaction(db, async (tx) => {
      const n = await deleteAllRollups(tx)
      if (!(await resetRollupWatermark(tx, { owner: opts.owner, now: opts.clock(), timezone: opts.timezone }))) throw new RollupError('lost the rollup lease before the rebuild started; run it again')
      return n
    })
    const r = await foldSteps(db, opts, 0)
    return { skipped: null, deleted, ...r, ms: performance.now() - started }
  } finally {
    await releaseRollupLease(db, opts.owner)
  }
}
