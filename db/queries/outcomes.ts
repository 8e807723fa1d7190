/**
 * Outcome reads: exact aggregates for any set of time ranges, from rollups (whole local months, days,
 * hours) plus raw events for the sub-hour edges plus the not-yet-rolled tail (every event above the
 * watermark, whatever its occurred_at), all read in one snapshot so that each event counts exactly once.
 */
import { sql, type ExpressionBuilder, type Kysely, type RawBuilder } from 'kysely'
import type { Db } from '../connection.js'
import type { Database } from '../schema.js'
import { keepsSketch } from '../../metrics/metric-kinds.js'
import { LatencySketch } from '../../metrics/sketch.js'
import { bucketStart, coverRange, nextBucketStart } from '../../metrics/time-buckets.js'
import { findRollupChangesSince, readRollupGeneration } from './rollup-changes.js'
import { findPruneHorizon } from './retention.js'
import { readRollupMark } from './rollups.js'

/** Sums (and the latency sketch) of the events of one cell. */
import type { Aggregate } from '../../metrics/figures.js'
export type { Aggregate }

export interface AggregateQuery {
  /** The zone of the rollups (YARDSTICK_TIMEZONE). */
  timezone: string
  /** Disjoint [start, end) ranges, ascending; each gets its own cells. */
  ranges: Array<[number, number]>
  /** Initiative ids, or null for all. */
  initiativeIds: number[] | null
  metrics: string[]
  /** Only events whose stage at occurred_at was this one, or null for every stage. */
  stage: string | null
  /** Reuses rollup reads while the rollups are unchanged (see {@link rollupReadCache}). */
  cache?: RollupReadCache
  /** False: one cell per (initiative, metric, range) with stage {@link ANY_STAGE}, summed over stages in SQL. */
  byStage?: boolean
  /** The tail as read by an earlier call in the same snapshot ({@link AggregateResult.tail}); reused when it covers this query. */
  tail?: TailRead
  /**
   * Rollup grains to read (default all). Buckets of the others in a range's cover are left out: for a
   * caller that reads them another way (see {@link sumWholeMonths}).
   */
  grains?: Grain[]
}

/** The stage of cells summed over every stage (`byStage: false`). */
export const ANY_STAGE = '*'

/**
 * Rollup reads of one database, kept across rollups. Each entry records the spans of time its buckets
 * cover; before use, the cache catches up with the rollup change log (db/queries/rollup-changes.ts)
 * and drops every entry whose spans a later change touched. So a read of last month stays cached
 * while new events are folded into today's buckets, and a cached read always equals a fresh one.
 * Raw edges and the tail are always read afresh.
 */
export class RollupReadCache {
  private readonly entries = new Map<string, { value: unknown; spans: Array<[number, number]>; size: number }>()
  private size = 0
  /** The rollup generation every entry is valid at (null: not synced yet). */
  private generation: number | null = null
  private hits = 0
  private misses = 0

  /** @param maxSize most cells (summed `size` of entries) kept; the least recently used go first. */
  constructor(private readonly maxSize = 100_000) {}

  /**
   * Catches up with the rollup changes visible in `tx`'s snapshot and returns the cache as that
   * snapshot sees it (empty if the cache has moved on to another generation meanwhile).
   * @example const view = await cache.sync(tx); view.get(key)
   */
  async sync(tx: Kysely<Database>): Promise<RollupCacheView> {
    const g = await readRollupGeneration(tx)
    const start = this.generation
    if (start === null || g < start) {
      // First use, or a database older than what was cached (restored from a backup): start afresh.
      this.clear()
      this.generation = g
    } else if (g > start) {
      const changes = await findRollupChangesSince(tx, start, g)
      if (this.generation === start) {
        if (changes === null) this.clear()
        else {
          for (const [key, e] of this.entries) {
            if (e.spans.some(([a, b]) => changes.some((c) => c.spans.some(([from, to]) => from < b && a < to)))) this.drop(key)
          }
        }
        this.generation = g
      }
    }
    const current = () => this.generation === g
    return {
      get: <T>(key: string) => {
        const v = current() ? this.get<T>(key) : undefined
        if (v === undefined) this.misses++
        else this.hits++
        return v
      },
      set: (key, value, spans, size) => {
        if (current()) this.set(key, value, spans, size)
      },
    }
  }

  private get<T>(key: string): T | undefined {
    const e = this.entries.get(key)
    if (e === undefined) return undefined
    this.entries.delete(key)
    this.entries.set(key, e)
    return e.value as T
  }

  private set(key: string, value: unknown, spans: Array<[number, number]>, size: number): void {
    if (size > this.maxSize) return
    this.drop(key)
    this.entries.set(key, { value, spans, size })
    this.size += size
    while (this.size > this.maxSize) this.drop(this.entries.keys().next().value!)
  }

  private drop(key: string): void {
    const e = this.entries.get(key)
    if (e === undefined) return
    this.entries.delete(key)
    this.size -= e.size
  }

  /**
   * How full the cache is and how often reads found what they asked for.
   * @example rollupReadCache(db).stats() // { entries: 120, size: 9400, hits: 4816, misses: 144 }
   */
  stats(): { entries: number; size: number; hits: number; misses: number } {
    return { entries: this.entries.size, size: this.size, hits: this.hits, misses: this.misses }
  }

  /** Forgets every entry (benchmarks measure cold reads with it). */
  clear(): void {
    this.entries.clear()
    this.size = 0
  }
}

/** The {@link RollupReadCache} as one snapshot sees it. */
export interface RollupCacheView {
  /** The value stored under `key` by the same reader (each reader's keys say what they hold). */
  get<T>(key: string): T | undefined
  /** Stores `value`, read from the rollup buckets inside `spans`; `size` counts toward the cache's limit. */
  set(key: string, value: unknown, spans: Array<[number, number]>, size: number): void
}

const caches = new WeakMap<object, RollupReadCache>()

/**
 * The rollup read cache of a database handle (one per `db`).
 * @example aggregateRanges(tx, { ...query, cache: rollupReadCache(db) })
 */
export function rollupReadCache(db: object): RollupReadCache {
  let c = caches.get(db)
  if (c === undefined) {
    c = new RollupReadCache()
    caches.set(db, c)
  }
  return c
}

/** Most runs of one grain a query may cache; longer reads are used from the cache but not added. */
const CACHE_MAX_RUNS = 400

export interface AggregateResult {
  /** Key `${initiativeId}|${metric}|${stage}|${rangeIndex}`. Read-only: cells may be shared with the read cache. */
  cells: Map<string, Aggregate>
  /** Highest event id inside rollups. */
  watermark: number
  /** Whether rollups were usable (built in the configured zone). */
  rollupsUsed: boolean
  /** Whether cells are per stage (else stage {@link ANY_STAGE}). */
  byStage: boolean
  /** The events above the watermark that were read (rollups used only), for a later call to reuse. */
  tail?: TailRead
}

/** Events above the watermark, read once per snapshot: which metrics and stage filter they were read with. */
export interface TailRead {
  watermark: number
  metrics: string[]
  stage: string | null
  rows: Array<{ id: number; initiative_id: number; metric: string; stage: string; occurred_at: number; quantity: number | null; errors: number | null; total: number | null }>
}

/** The key of a cell in {@link AggregateResult.cells}. */
export function cellKey(initiativeId: number, metric: string, stage: string, rangeIndex: number): string {
  return `${initiativeId}|${metric}|${stage}|${rangeIndex}`
}

function emptyAggregate(metric: string): Aggregate {
  return { count: 0, quantitySum: 0, errorsSum: 0, totalSum: 0, sketch: keepsSketch(metric) ? new LatencySketch() : null }
}

type Grain = 'month' | 'day' | 'hour'

/** Consecutive buckets of one grain that belong to the same range: [first start, last start, range index]. */
type Run = [number, number, number]

/** The cells of one run, keyed `${initiativeId}|${metric}|${stage}` (read-only once cached). */
type RunCells = Map<string, Aggregate>

/** How many metrics there are: asking for all needs no metric filter. */
const METRIC_COUNT = 4

/** Runs per grain (more are summed per bucket) summed per run in SQL. */
const FEW_RUNS = 8

/** Shortest length of a bucket of each grain (ms), to tell how densely wanted buckets fill a span. */
const APPROX_LENGTH: Record<Grain, number> = { hour: 1_800_000, day: 82_800_000, month: 2_419_200_000 }

/**
 * Wanted buckets (start → range index) as runs, and the run of each bucket start. Months stay one
 * bucket per run: any range that spans a month then reuses its cached cells, whatever its edges. The
 * newest bucket of the latest range is a run of its own too: when that range ends today it is the
 * bucket new events go into, and the rest stays cached while it changes.
 */
function runsOf(wanted: Map<number, number>, grain: Grain, zone: string): { runs: Run[]; runOf: Map<number, number> } {
  const sorted = [...wanted.keys()].sort((a, b) => a - b)
  // The newest bucket of the latest range.
  let newest = -1
  for (const s of sorted) if (newest < 0 || wanted.get(s)! >= wanted.get(newest)!) newest = s
  const runs: Run[] = []
  const runOf = new Map<number, number>()
  for (const s of sorted) {
    const index = wanted.get(s)!
    const last = runs[runs.length - 1]
    if (grain !== 'month' && s !== newest && last && last[2] === index && nextBucketStart(last[1], grain, zone) === s) last[1] = s
    else runs.push([s, s, index])
    runOf.set(s, runs.length - 1)
  }
  return { runs, runOf }
}

function copyAggregate(a: Aggregate): Aggregate {
  return { count: a.count, quantitySum: a.quantitySum, errorsSum: a.errorsSum, totalSum: a.totalSum, sketch: a.sketch ? a.sketch.clone() : null }
}

function addAggregate(into: Aggregate, a: Aggregate): void {
  into.count += a.count
  into.quantitySum += a.quantitySum
  into.errorsSum += a.errorsSum
  into.totalSum += a.totalSum
  if (a.sketch) {
    if (into.sketch) into.sketch.merge(a.sketch)
    else into.sketch = a.sketch.clone()
  }
}

/**
 * Reads the rollup rows of `runs` (ascending, one grain) and sums them per run: one map of cells per
 * run, in the order given. `runOf` maps every wanted bucket start to its run's index among all runs
 * of the grain, of which `runs` may be a subset.
 */
async function readRuns(tx: Kysely<Database>, grain: Grain, runs: Run[], runOf: Map<number, number>, q: AggregateQuery, byStage: boolean): Promise<RunCells[]> {
  const out: RunCells[] = runs.map(() => new Map())
  // Position in `runs` by the run's first bucket, for rows keyed by bucket.
  const position = new Map<number, number>()
  runs.forEach((run, k) => position.set(runOf.get(run[0])!, k))
  const posOfBucket = (bucket: number): number | undefined => {
    const r = runOf.get(bucket)
    return r === undefined ? undefined : position.get(r)
  }
  const cellOf = (k: number, initiativeId: number, metric: string, stage: string): Aggregate => {
    const sub = `${initiativeId}|${metric}|${stage}`
    let a = out[k].get(sub)
    if (a === undefined) {
      a = emptyAggregate(metric)
      out[k].set(sub, a)
    }
    return a
  }
  const first = runs[0][0]
  const last = runs[runs.length - 1][1]
  let bucketCount = 0
  for (const r of runOf.values()) if (position.has(r)) bucketCount++
  // Runs that fill most of their span are read by one range of the (grain, bucket_start, …) index.
  // Scattered runs get a range each: an OR of ranges with a CASE would make SQLite read every
  // bucket of the grain.
  const dense = bucketCount * 2 >= (last - first) / APPROX_LENGTH[grain] + 1
  const span = (eb: ExpressionBuilder<Database, 'rollups'>) => eb.and([eb('grain', '=', grain), eb('bucket_start', '>=', first), eb('bucket_start', '<=', last)])
  const inRuns = (eb: ExpressionBuilder<Database, 'rollups'>) =>
    dense ? span(eb) : eb.or(runs.map(([a, b]) => eb.and([eb('grain', '=', grain), eb('bucket_start', '>=', a), eb('bucket_start', '<=', b)])))
  const caseOfRun = sql<number>`case ${sql.join(runs.map(([a, b], k) => sql`when bucket_start >= ${a} and bucket_start <= ${b} then ${sql.lit(k)}`), sql` `)} else -1 end`
  // [where, group key, whether the key is a bucket start]: few runs are summed per run in SQL (by a
  // CASE over their span, or one statement per run); many, per bucket (rows in index order, no sort).
  const reads: Array<[(eb: ExpressionBuilder<Database, 'rollups'>) => ReturnType<typeof span>, RawBuilder<number>, boolean]> =
    runs.length <= FEW_RUNS
      ? dense
        ? [[span, caseOfRun, false]]
        : runs.map(([a, b], k) => [(eb) => eb.and([eb('grain', '=', grain), eb('bucket_start', '>=', a), eb('bucket_start', '<=', b)]), sql<number>`${sql.lit(k)}`, false])
      : [[inRuns, sql<number>`bucket_start`, true]]
  for (const [where, groupKey, perBucket] of reads) {
    let sums = tx
      .selectFrom('rollups')
      .select((eb) => ['initiative_id', 'metric', groupKey.as('g'), eb.fn.sum<number>('count').as('n'), eb.fn.sum<number>('quantity_sum').as('q'), eb.fn.sum<number>('errors_sum').as('e'), eb.fn.sum<number>('total_sum').as('t')])
      .where(where)
      // Per bucket, in the order of the (grain, bucket_start, initiative_id, metric, stage, …) index:
      // SQLite then sums while it reads, with no sort.
      .groupBy([sql`g`, 'initiative_id', 'metric'])
    if (byStage) sums = sums.select('stage').groupBy('stage')
    if (new Set(q.metrics).size < METRIC_COUNT) sums = sums.where('metric', 'in', q.metrics)
    if (q.initiativeIds !== null) sums = sums.where('initiative_id', 'in', q.initiativeIds)
    if (q.stage !== null) sums = sums.where('stage', '=', q.stage)
    for (const r of (await sums.execute()) as Array<{ initiative_id: number; metric: string; stage?: string; g: number; n: number; q: number; e: number; t: number }>) {
      const k = perBucket ? posOfBucket(Number(r.g)) : Number(r.g)
      if (k === undefined || k < 0) continue
      const a = cellOf(k, r.initiative_id, r.metric, r.stage ?? ANY_STAGE)
      a.count += Number(r.n)
      a.quantitySum += Number(r.q)
      a.errorsSum += Number(r.e)
      a.totalSum += Number(r.t)
    }
  }
  if (q.metrics.includes('decision_latency')) {
    let sketches = tx.selectFrom('rollups').select(['initiative_id', 'stage', 'bucket_start', 'sketch']).where(inRuns).where('metric', '=', 'decision_latency')
    if (q.initiativeIds !== null) sketches = sketches.where('initiative_id', 'in', q.initiativeIds)
    if (q.stage !== null) sketches = sketches.where('stage', '=', q.stage)
    for (const r of await sketches.execute()) {
      const k = posOfBucket(Number(r.bucket_start))
      if (k === undefined || !r.sketch) continue
      cellOf(k, r.initiative_id, 'decision_latency', byStage ? r.stage : ANY_STAGE).sketch!.mergeBytes(r.sketch)
    }
  }
  return out
}

/** How many events a probe of {@link noRolledUpEventIn} looks at before it gives up and says no. */
const PROBE_ROWS = 64

/**
 * Whether no event inside the rollups (id ≤ watermark) occurred in any of `spans` ([from, to) pairs).
 * Reads at most {@link PROBE_ROWS} events per span by the occurred_at index (the id is tested here:
 * in SQL it could steer the planner to the primary key); answers false when that is not enough to tell.
 */
async function noRolledUpEventIn(tx: Kysely<Database>, spans: Array<[number, number]>, watermark: number): Promise<boolean> {
  for (const [from, to] of spans) {
    if (!(from < to)) continue
    const rows = await tx.selectFrom('events').select('id').where('occurred_at', '>=', from).where('occurred_at', '<', to).orderBy('occurred_at').limit(PROBE_ROWS).execute()
    if (rows.length === PROBE_ROWS || rows.some((r) => Number(r.id) <= watermark)) return false
  }
  return true
}

/**
 * Runs `fn` in one read transaction (one snapshot: the watermark and the rollups it covers agree).
 * @example const r = await readSnapshot(db, (tx) => aggregateRanges(tx, q))
 */
export async function readSnapshot<T>(db: Db, fn: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn)
}

/**
 * Exact aggregates per (initiative, metric, stage, range): sums exact, sketches merged. Call inside
 * {@link readSnapshot}. The work is proportional to the rollup rows of the covering buckets plus the
 * raw events in the sub-hour edges and the tail.
 * @example const { cells } = await aggregateRanges(tx, { timezone: 'UTC', ranges: [[from, to]], initiativeIds: null, metrics: ['time_saved'], stage: null })
 */
export async function aggregateRanges(tx: Kysely<Database>, q: AggregateQuery): Promise<AggregateResult> {
  const cells = new Map<string, Aggregate>()
  // Cells that are still an aggregate shared with the read cache, copied on first write.
  const shared = new Set<string>()
  const add = (initiativeId: number, metric: string, stage: string, index: number): Aggregate => {
    const k = cellKey(initiativeId, metric, stage, index)
    let a = cells.get(k)
    if (a === undefined) {
      a = emptyAggregate(metric)
      cells.set(k, a)
    } else if (shared.has(k)) {
      a = copyAggregate(a)
      cells.set(k, a)
      shared.delete(k)
    }
    return a
  }
  const mark = await readRollupMark(tx)
  // Rollups built in another zone cannot answer local buckets: read everything raw until rebuilt.
  const rollupsUsed = mark.watermark > 0 && mark.timezone === q.timezone
  const watermark = rollupsUsed ? mark.watermark : 0
  if (q.ranges.length === 0 || q.metrics.length === 0 || (q.initiativeIds !== null && q.initiativeIds.length === 0)) return { cells, watermark, rollupsUsed, byStage: q.byStage !== false }

  const wanted: Record<Grain, Map<number, number>> = { month: new Map(), day: new Map(), hour: new Map() }
  let raw: Array<[number, number, number]> = []
  if (rollupsUsed) {
    q.ranges.forEach(([s, e], index) => {
      const cover = coverRange(s, e, q.timezone)
      for (const m of cover.months) wanted.month.set(m, index)
      for (const d of cover.days) wanted.day.set(d, index)
      for (const h of cover.hours) wanted.hour.set(h, index)
      for (const [a, b] of cover.raw) raw.push([a, b, index])
    })
  }

  const byStage = q.byStage !== false
  const view = q.cache && rollupsUsed ? await q.cache.sync(tx) : null
  // What a run's cells depend on besides its buckets.
  const filter = JSON.stringify([q.timezone, [...new Set(q.metrics)].sort(), q.initiativeIds, q.stage, byStage])
  // A sub-hour edge whose hour holds no other rolled-up event is answered by that hour's rollup
  // instead of its raw events. That is the usual end of a range ending now (nothing has occurred after
  // now), whose raw piece would hold every event of the current hour so far.
  const edgeHours = new Map<number, number>()
  if (rollupsUsed && raw.length > 0 && (!q.grains || q.grains.includes('hour'))) {
    // Before a prune horizon no raw event is left to tell an empty hour from a pruned one.
    const pruned = (await findPruneHorizon(tx))?.before ?? Number.NEGATIVE_INFINITY
    const kept: typeof raw = []
    for (const piece of raw) {
      const [a, b, index] = piece
      const hour = bucketStart(a, 'hour', q.timezone)
      const end = nextBucketStart(hour, 'hour', q.timezone)
      if (b <= end && hour >= pruned && !edgeHours.has(hour) && !wanted.hour.has(hour) && (await noRolledUpEventIn(tx, [[hour, a], [b, end]], watermark))) edgeHours.set(hour, index)
      else kept.push(piece)
    }
    raw = kept
  }

  const passes = (['month', 'day', 'hour'] as const).filter((g) => !q.grains || q.grains.includes(g)).map((grain) => ({ grain, buckets: wanted[grain] }))
  // Edge hours apart from the others: today's whole hours stay one cached run while the current hour changes.
  if (edgeHours.size > 0) passes.push({ grain: 'hour', buckets: edgeHours })
  for (const { grain, buckets } of passes) {
    if (buckets.size === 0) continue
    const { runs, runOf } = runsOf(buckets, grain, q.timezone)
    const keyOf = (run: Run) => `${grain}|${run[0]}|${run[1]}|${filter}`
    const runCells: Array<RunCells | undefined> = runs.map((run) => view?.get<RunCells>(keyOf(run)))
    const missing = runs.filter((_, k) => runCells[k] === undefined)
    if (missing.length > 0) {
      const fresh = await readRuns(tx, grain, missing, runOf, q, byStage)
      let m = 0
      runs.forEach((run, k) => {
        if (runCells[k] !== undefined) return
        const value = fresh[m++]
        runCells[k] = value
        if (runs.length <= CACHE_MAX_RUNS) view?.set(keyOf(run), value, [[run[0], nextBucketStart(run[1], grain, q.timezone)]], value.size + 1)
      })
    }
    // Sum the runs into their ranges' cells; a cell made of one run shares its (read-only) aggregate.
    runs.forEach((run, k) => {
      for (const [sub, a] of runCells[k]!) {
        const key = `${sub}|${run[2]}`
        const have = cells.get(key)
        if (have === undefined) {
          cells.set(key, a)
          shared.add(key)
          continue
        }
        const into = shared.has(key) ? copyAggregate(have) : have
        if (into !== have) {
          cells.set(key, into)
          shared.delete(key)
        }
        addAggregate(into, a)
      }
    })
  }

  const addEvent = (r: { initiative_id: number; metric: string; stage: string; quantity: number | null; errors: number | null; total: number | null }, index: number) => {
    const a = add(r.initiative_id, r.metric, byStage ? r.stage : ANY_STAGE, index)
    a.count += 1
    a.quantitySum += Number(r.quantity ?? 0)
    a.errorsSum += Number(r.errors ?? 0)
    a.totalSum += Number(r.total ?? 0)
    if (a.sketch) a.sketch.add(Number(r.quantity ?? 0) / 1000)
  }

  // Initiatives are tested here, not in SQL: an `initiative_id IN` would let the planner read all of
  // an initiative's events by the idempotency index instead of the few rows by id or occurred_at.
  const wantedIds = q.initiativeIds === null ? null : new Set(q.initiativeIds)
  const eventColumns = ['id', 'initiative_id', 'metric', 'stage', 'occurred_at', 'quantity', 'errors', 'total'] as const
  let tail: TailRead | undefined

  // Sub-hour edges, rolled-up part only (id ≤ watermark); the id test is done here, not in SQL, so
  // that the planner reads these few rows by the occurred_at index.
  if (raw.length > 0) {
    let query = tx
      .selectFrom('events')
      .select(eventColumns)
      .where((eb) => eb.or(raw.map(([a, b]) => eb.and([eb('occurred_at', '>=', a), eb('occurred_at', '<', b)]))))
      .where('metric', 'in', q.metrics)
    if (q.stage !== null) query = query.where('stage', '=', q.stage)
    for (const r of await query.execute()) {
      if (Number(r.id) > watermark || (wantedIds !== null && !wantedIds.has(r.initiative_id))) continue
      const t = Number(r.occurred_at)
      const piece = raw.find(([a, b]) => t >= a && t < b)
      if (piece) addEvent(r, piece[2])
    }
  }

  // The tail: every event above the watermark, by id (the primary key); occurred_at is tested here.
  // With rollups unusable this is every event in the ranges, read by the occurred_at index.
  {
    const lo = q.ranges[0][0]
    const hi = q.ranges[q.ranges.length - 1][1]
    const reuse = rollupsUsed && q.tail !== undefined && q.tail.watermark === watermark && (q.tail.stage === null || q.tail.stage === q.stage) && q.metrics.every((m) => q.tail!.metrics.includes(m))
    let rows: TailRead['rows']
    if (reuse) rows = q.tail!.rows
    else {
      let query = tx.selectFrom('events').select(eventColumns).where('metric', 'in', q.metrics)
      query = rollupsUsed ? query.where('id', '>', watermark) : query.where('occurred_at', '>=', lo).where('occurred_at', '<', hi)
      if (q.stage !== null) query = query.where('stage', '=', q.stage)
      rows = await query.execute()
      if (rollupsUsed) tail = { watermark, metrics: q.metrics, stage: q.stage, rows }
    }
    const metrics = new Set(q.metrics)
    const starts = q.ranges.map((r) => r[0])
    for (const r of rows) {
      const t = Number(r.occurred_at)
      if (t < lo || t >= hi || (wantedIds !== null && !wantedIds.has(r.initiative_id))) continue
      if (reuse && (!metrics.has(r.metric) || (q.stage !== null && r.stage !== q.stage))) continue
      // Last range starting at or before t.
      let l = 0
      let h = starts.length - 1
      while (l < h) {
        const m = (l + h + 1) >> 1
        if (starts[m] <= t) l = m
        else h = m - 1
      }
      if (t < q.ranges[l][1]) addEvent(r, l)
    }
  }
  return { cells, watermark, rollupsUsed, byStage: q.byStage !== false, tail }
}

/** The sums a month's value depends on (see server/outcomes/figures.ts periodValue). */
export interface MonthValueParts {
  /** Σ time_saved, ms. */
  timeSavedMs: number
  /** Σ revenue_influenced, minor units. */
  revenueMinor: number
  /** Σ errors and Σ total of error_rate. */
  errors: number
  total: number
}

/**
 * The parts of value of whole local months from the month rollups, summed over stages, for every
 * initiative (or these) at once: initiative id → month start → parts. Months with bucket_start in
 * [fromMonth, lastMonth]. Only events inside the rollups (id ≤ watermark) count: add the tail, e.g.
 * from {@link aggregateRanges} with `grains: ['day', 'hour']` over the same months. Call inside
 * {@link readSnapshot}.
 * @example const parts = await sumWholeMonths(tx, { fromMonth, lastMonth, initiativeIds: null })
 */
export async function sumWholeMonths(tx: Kysely<Database>, q: { fromMonth: number; lastMonth: number; initiativeIds: number[] | null; cache?: RollupReadCache }): Promise<Map<number, Map<number, MonthValueParts>>> {
  const mark = await readRollupMark(tx)
  const view = q.cache ? await q.cache.sync(tx) : null
  const cacheKey = JSON.stringify(['months', mark.timezone, q.fromMonth, q.lastMonth, q.initiativeIds])
  const cached = view?.get<Map<number, Map<number, MonthValueParts>>>(cacheKey)
  if (cached) return cached
  const of = (metric: string, column: 'quantity_sum' | 'errors_sum' | 'total_sum') => sql<number>`sum(case when metric = ${metric} then ${sql.ref(column)} else 0 end)`
  let query = tx
    .selectFrom('rollups')
    .select(['initiative_id', 'bucket_start', of('time_saved', 'quantity_sum').as('ts'), of('revenue_influenced', 'quantity_sum').as('rev'), of('error_rate', 'errors_sum').as('e'), of('error_rate', 'total_sum').as('t')])
    .where('grain', '=', 'month')
    .where('bucket_start', '>=', q.fromMonth)
    .where('bucket_start', '<=', q.lastMonth)
    .where('metric', 'in', ['time_saved', 'revenue_influenced', 'error_rate'])
    // In the order of the (grain, bucket_start, initiative_id, …) index: summed while read, no sort.
    .groupBy(['bucket_start', 'initiative_id'])
  if (q.initiativeIds !== null) query = query.where('initiative_id', 'in', q.initiativeIds)
  const out = new Map<number, Map<number, MonthValueParts>>()
  for (const r of await query.execute()) {
    let months = out.get(r.initiative_id)
    if (months === undefined) {
      months = new Map()
      out.set(r.initiative_id, months)
    }
    months.set(Number(r.bucket_start), { timeSavedMs: Number(r.ts), revenueMinor: Number(r.rev), errors: Number(r.e), total: Number(r.t) })
  }
  if (view && mark.timezone !== null) {
    let size = 1
    for (const months of out.values()) size += months.size
    view.set(cacheKey, out, [[q.fromMonth, nextBucketStart(q.lastMonth, 'month', mark.timezone)]], size)
  }
  return out
}

/**
 * How far rollups reach: the watermark, when the job last advanced it, and how many events wait above it.
 * @example const f = await findFreshness(db)
 */
export async function findFreshness(tx: Kysely<Database>): Promise<{ watermark: number; rolledUpAt: number | null; timezone: string | null; tailEvents: number }> {
  const row = await tx.selectFrom('job_state').select(['watermark', 'updated_at', 'info']).where('name', '=', 'rollup').executeTakeFirst()
  const mark = await readRollupMark(tx)
  const n = await tx.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('id', '>', mark.watermark).executeTakeFirstOrThrow()
  return { watermark: mark.watermark, rolledUpAt: row && Number(row.updated_at) > 0 ? Number(row.updated_at) : null, timezone: mark.timezone, tailEvents: Number(n.n) }
}

/** One stage change, for charts. */
export interface StageChangeRow {
  initiativeId: number
  from: string | null
  to: string
  at: number
}

/**
 * Stage changes of these initiatives with `at` in [from, to), in time order (creation entries, whose
 * `from` is null, are left out).
 */
export async function findStageChangesBetween(tx: Kysely<Database>, initiativeIds: number[], from: number, to: number): Promise<StageChangeRow[]> {
  if (initiativeIds.length === 0) return []
  const rows = await tx
    .selectFrom('stage_changes')
    .select(['initiative_id', 'from_stage', 'to_stage', 'at'])
    .where('initiative_id', 'in', initiativeIds)
    .where('at', '>=', from)
    .where('at', '<', to)
    .where('from_stage', 'is not', null)
    .orderBy('at')
    .orderBy('id')
    .execute()
  return rows.map((r) => ({ initiativeId: r.initiative_id, from: r.from_stage, to: r.to_stage, at: Number(r.at) }))
}
