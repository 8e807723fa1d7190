/**
 * The rollup job: folds every event above the watermark into hour/day/month rollups, one transaction
 * per step of event ids, under a lease so that several processes never run it at once.
 */
import os from 'node:os'
import { randomUUID } from 'node:crypto'
import type { Db } from '../../db/connection.js'
import { writeTransaction } from '../../db/connection.js'
import { InexactNumberError } from '../../db/dialect.js'
import type { Tx } from '../../db/connection.js'
import {
  acquireRollupLease,
  committedEventIdHorizon,
  addToRollupRows,
  advanceRollupWatermark,
  aggregateEventSlots,
  countEventsBetweenIds,
  deleteAllRollups,
  findLatencyEvents,
  findLatestBucketStarts,
  findRollupRowsByKey,
  findRollupState,
  releaseRollupLease,
  resetRollupWatermark,
  type EventSelection,
} from '../../db/queries/rollups.js'
import { findPruneHorizon } from '../../db/queries/retention.js'
import { EVERY_INSTANT, mergeSpans, noteRollupChange } from '../../db/queries/rollup-changes.js'
import { clearSkippedEvents, findOversizedMonths, recordSkippedEvent } from '../../db/queries/rollup-skips.js'
import { nextBucketStart } from '../../metrics/time-buckets.js'
import { SLOT_LENGTHS, SlotBuckets, foldSlots, rowsToAdd, type BucketState } from './fold.js'

/** Thrown when rollups cannot proceed; the message says what to do. */
export class RollupError extends Error {}

/** Thrown inside a step whose sums would leave the exact integer range; the step is rolled back. */
class FoldOverflow extends Error {}

/** The largest sum a rollup row may hold and still be exact as a JavaScript number. */
const SUM_BOUND = Number.MAX_SAFE_INTEGER

/** The fold's sums overflowed: ours, SQLite's or PostgreSQL's 64 bits, or past 2^53 as read back (db/dialect.ts). */
function isOverflow(e: unknown): boolean {
  return e instanceof FoldOverflow || e instanceof InexactNumberError || (e instanceof Error && /integer overflow|out of range/i.test(e.message))
}

/** Throws FoldOverflow when a folded state's sums are not exact integers within ±SUM_BOUND. */
function checkSums(states: BucketState[]): void {
  for (const s of states) {
    if (!(Math.abs(s.quantitySum) <= SUM_BOUND && s.errorsSum <= SUM_BOUND && s.totalSum <= SUM_BOUND && s.count <= SUM_BOUND)) throw new FoldOverflow(`a ${s.grain} bucket's sum would exceed ${SUM_BOUND}`)
  }
}

const SKIP_REASON = `adding this event would take a rollup sum past ${SUM_BOUND} (the largest exact sum); it is not counted in any figure`

export interface RollupOptions {
  /** YARDSTICK_TIMEZONE: the zone of hour/day/month buckets. */
  timezone: string
  clock?: () => number
  /** Lease owner name; default host:pid:random. */
  owner?: string
  /** Event ids per transaction (default 400 000). */
  stepIds?: number
  /** Lease length; renewed at every step (default 120 s). */
  leaseMs?: number
  /** Called after each step with events folded so far and the total to fold. */
  onProgress?: (done: number, total: number) => void
}

export interface RollupResult {
  /** Set when nothing ran because another process holds the lease. */
  skipped: string | null
  /**
   * Event ids this run could not fold and skipped (recorded in rollup_skipped_events; list them with
   * `npm run cli -- rollup --skipped`); every other event was folded.
   */
  skippedEvents: number[]
  eventsFolded: number
  bucketsWritten: number
  steps: number
  watermark: number
  ms: number
}

const DEFAULT_STEP = 400_000
const DEFAULT_LEASE_MS = 120_000

function defaultOwner(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
}

/** The message for rollups built in another zone than the configured one. */
export function timezoneChangedMessage(built: string, configured: string): string {
  return `rollups were built in time zone ${built} but YARDSTICK_TIMEZONE is now ${configured}; rebuild them with: npm run cli -- rollup --rebuild`
}

/** Per zone, the index in SLOT_LENGTHS of the longest slot that last worked. */
const slotChoice = new Map<string, number>()
/** Per zone and slot length, the memoised bucket starts of slots (kept across runs of this process). */
const slotMemos = new Map<string, SlotBuckets>()

function slotBuckets(timezone: string, slotMs: number): SlotBuckets {
  const key = `${timezone}|${slotMs}`
  let b = slotMemos.get(key)
  if (b === undefined) {
    if (slotMemos.size >= 16) slotMemos.clear()
    b = new SlotBuckets(timezone, slotMs)
    slotMemos.set(key, b)
  }
  return b
}

/**
 * Reads the selected events and folds them into bucket states of every grain: sums per UTC slot in
 * SQL (hour slots where the zone allows, else half or quarter hours), decision_latency events one by
 * one for their sketches.
 * @example const states = await foldEvents(tx, { lo: 0, hi: 1000 }, 'Europe/London')
 */
export async function foldEvents(tx: Tx, sel: EventSelection, timezone: string): Promise<BucketState[]> {
  const latencies = await findLatencyEvents(tx, sel)
  for (let k = slotChoice.get(timezone) ?? 0; k < SLOT_LENGTHS.length; k++) {
    const slotMs = SLOT_LENGTHS[k]
    const states = foldSlots(await aggregateEventSlots(tx, sel, slotMs), latencies, slotBuckets(timezone, slotMs))
    if (states !== null) {
      slotChoice.set(timezone, k)
      return states
    }
  }
  throw new RollupError(`the UTC offsets of ${timezone} are not whole quarter hours; rollups cannot be built in this zone`)
}

/**
 * Adds folded states to the rollups: counts and sums are added in SQL; the sketches of buckets that
 * may already be stored (not after the latest stored bucket of their grain) are merged with them.
 * Returns how many rows were written.
 */
export async function addStates(tx: Tx, states: BucketState[]): Promise<number> {
  const latest = await findLatestBucketStarts(tx)
  const mayExist: BucketState[] = []
  for (const s of states) {
    const l = latest[s.grain]
    if (s.sketch && l !== null && s.bucketStart <= l) mayExist.push(s)
  }
  const rows = rowsToAdd(states, mayExist.length > 0 ? await findRollupRowsByKey(tx, mayExist) : [])
  await addToRollupRows(tx, rows)
  return rows.length
}

/** The spans of the hour buckets among `states` (every event folded lies in one), merged. */
function hourSpans(states: BucketState[], timezone: string): Array<[number, number]> {
  const starts = new Set<number>()
  for (const s of states) if (s.grain === 'hour') starts.add(s.bucketStart)
  return mergeSpans([...starts].map((h) => [h, nextBucketStart(h, 'hour', timezone)]))
}

type StepOptions = Required<Pick<RollupOptions, 'timezone' | 'clock' | 'owner' | 'stepIds' | 'leaseMs'>> & Pick<RollupOptions, 'onProgress'>

const movedMessage = 'the rollup watermark moved under this run (another process rolled up, or the lease expired); nothing from this step was written, run it again'

/** Folds events (lo, hi] and advances the watermark to hi, in one transaction; FoldOverflow rolls it back. */
async function foldStep(db: Db, opts: StepOptions, lo: number, hi: number): Promise<{ events: number; buckets: number }> {
  const { timezone, clock, owner, leaseMs } = opts
  return writeTransaction(db, async (tx) => {
    const states = await foldEvents(tx, { lo, hi }, timezone)
    checkSums(states)
    const written = await addStates(tx, states)
    const touched = [...new Set(states.map((s) => s.initiativeId))]
    if ((await findOversizedMonths(tx, touched, SUM_BOUND)).length > 0) throw new FoldOverflow('a stored month sum would leave the exact range')
    const spans = hourSpans(states, timezone)
    if (spans.length > 0) await noteRollupChange(tx, spans, clock())
    if (!(await advanceRollupWatermark(tx, { from: lo, to: hi, owner, now: clock(), timezone, leaseMs }))) throw new RollupError(movedMessage)
    let n = 0
    for (const s of states) if (s.grain === 'month') n += s.count
    return { events: n, buckets: written }
  })
}

/**
 * Folds (lo, hi]; when the step would overflow, halves it and folds each half, down to single events:
 * an event that cannot be folded even alone (onto what is stored) is skipped and recorded, and the
 * watermark passes it. So one bad row costs a few extra folds, never the rollup of everyone else.
 */
async function foldRange(db: Db, opts: StepOptions, lo: number, hi: number, skipped: number[]): Promise<{ events: number; buckets: number }> {
  try {
    return await foldStep(db, opts, lo, hi)
  } catch (e) {
    if (!isOverflow(e)) throw e
    if (hi - lo <= 1) {
      await writeTransaction(db, async (tx) => {
        await recordSkippedEvent(tx, { eventId: hi, reason: SKIP_REASON, at: opts.clock() })
        if (!(await advanceRollupWatermark(tx, { from: lo, to: hi, owner: opts.owner, now: opts.clock(), timezone: opts.timezone, leaseMs: opts.leaseMs }))) throw new RollupError(movedMessage)
      })
      skipped.push(hi)
      return { events: 0, buckets: 0 }
    }
    const mid = lo + Math.floor((hi - lo) / 2)
    const a = await foldRange(db, opts, lo, mid, skipped)
    const b = await foldRange(db, opts, mid, hi, skipped)
    return { events: a.events + b.events, buckets: a.buckets + b.buckets }
  }
}

async function foldSteps(db: Db, opts: StepOptions, fromWatermark: number): Promise<Omit<RollupResult, 'skipped' | 'ms'>> {
  // Not max(id): on PostgreSQL an insert in flight may still commit a lower id (db/dialect.ts).
  const maxId = await committedEventIdHorizon(db)
  const total = opts.onProgress && maxId > fromWatermark ? await countEventsBetweenIds(db, fromWatermark, maxId) : 0
  let watermark = fromWatermark
  let eventsFolded = 0
  let bucketsWritten = 0
  let steps = 0
  const skippedEvents: number[] = []
  while (watermark < maxId) {
    const lo = watermark
    const hi = Math.min(lo + opts.stepIds, maxId)
    const folded = await foldRange(db, opts, lo, hi, skippedEvents)
    watermark = hi
    eventsFolded += folded.events
    bucketsWritten += folded.buckets
    steps++
    opts.onProgress?.(eventsFolded, total)
    // Between steps, let the thread's other work run: on the writer thread, the commits waiting.
    if (watermark < maxId) await new Promise((r) => setImmediate(r))
  }
  return { eventsFolded, bucketsWritten, steps, watermark, skippedEvents }
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
    return { skipped: 'another process is rolling up now', skippedEvents: [], eventsFolded: 0, bucketsWritten: 0, steps: 0, watermark: (await findRollupState(db)).watermark, ms: performance.now() - started }
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
      await clearSkippedEvents(tx)
      await noteRollupChange(tx, [EVERY_INSTANT], opts.clock())
      if (!(await resetRollupWatermark(tx, { owner: opts.owner, now: opts.clock(), timezone: opts.timezone }))) throw new RollupError('lost the rollup lease before the rebuild started; run it again')
      return n
    })
    const r = await foldSteps(db, opts, 0)
    return { skipped: null, deleted, ...r, ms: performance.now() - started }
  } finally {
    await releaseRollupLease(db, opts.owner)
  }
}
