/**
 * Group commit for ingestion. Requests hand their rows to the writer; the writer commits what queued up
 * while the previous commit was being fsynced in one transaction, and answers each request only after
 * that commit. Concurrent single-event requests thus share one fsync instead of paying one each, and
 * every request's rows still commit or fail together.
 *
 * Fairness: each commit takes every small request waiting (up to SMALL_REQUEST_ROWS rows each) first,
 * then large ones in arrival order up to `maxGroupRows` rows in all. A single event posted while large
 * batches stream in therefore goes into the next commit, ahead of batches queued before it, and waits
 * for at most the one commit in progress, which the cap keeps short.
 */
import type { Db } from '../../db/connection.js'
import { writeTransaction } from '../../db/connection.js'
import { insertEventRows, type EventRow } from '../../db/queries/events.js'
import { touchKeys } from '../../db/queries/keys.js'
import type { RollupOptions, RollupResult } from '../rollup/rollup-job.js'

export interface WriteResult {
  accepted: number
  duplicates: number
}

/** Where validated rows go: the inline EventWriter or the writer thread. */
export interface EventSink {
  submit(rows: EventRow[], keyId: number | null): Promise<WriteResult>
  /** Resolves once the sink can commit (the writer thread has opened the database). */
  ready(): Promise<void>
  close(): Promise<void>
  /**
   * Runs the rollup job where the commits are made (the writer thread), between commits, so that it
   * never waits for the write lock on the request thread; absent where rollups run on the caller's db.
   */
  rollup?(options: Pick<RollupOptions, 'timezone' | 'leaseMs' | 'stepIds'>): Promise<RollupResult>
  readonly stats: { commits: number; rows: number; requests: number }
}

interface Pending {
  rows: EventRow[]
  keyId: number | null
  resolve: (r: WriteResult) => void
  reject: (e: unknown) => void
}

/** Requests of at most this many rows are "small": they go into the next commit ahead of large ones. */
export const SMALL_REQUEST_ROWS = 100

/** How stale a key's last-used time may get before a commit refreshes it. */
const TOUCH_EVERY_MS = 60_000

export class EventWriter implements EventSink {
  private queue: Pending[] = []
  private queuedRows = 0
  private flushing: Promise<void> | null = null
  private scheduled = false
  private closed = false
  private readonly touched = new Map<number, number>()
  /** Commits made and rows committed, for measuring how well requests are grouped. */
  readonly stats = { commits: 0, rows: 0, requests: 0 }

  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
    /**
     * A group closes at this many rows (small requests are never left out for it); a larger request
     * still commits whole, in its own group. Small enough that a commit is short, large enough that an
     * fsync is shared by a few thousand rows.
     */
    private readonly maxGroupRows = 4_000,
  ) {}

  /**
   * Queues rows and resolves once they are durably committed.
   * @example const { accepted, duplicates } = await writer.submit(rows, key.id)
   */
  submit(rows: EventRow[], keyId: number | null): Promise<WriteResult> {
    if (this.closed) return Promise.reject(new Error('the event writer is closed'))
    return new Promise<WriteResult>((resolve, reject) => {
      this.queue.push({ rows, keyId, resolve, reject })
      this.queuedRows += rows.length
      this.schedule()
    })
  }

  ready(): Promise<void> {
    return Promise.resolve()
  }

  /** Stops taking rows and waits for everything queued to be committed. */
  async close(): Promise<void> {
    this.closed = true
    while (this.flushing || this.queue.length > 0) {
      if (this.flushing) await this.flushing
      else await this.flushNow()
    }
  }

  private schedule() {
    if (this.scheduled || this.flushing) return
    this.scheduled = true
    // setImmediate runs after the poll phase, so every request that arrived during the last commit
    // has been parsed and queued by then.
    setImmediate(() => {
      this.scheduled = false
      void this.flushNow()
    })
  }

  private flushNow(): Promise<void> {
    if (this.flushing) return this.flushing
    if (this.queue.length === 0) return Promise.resolve()
    const group = this.nextGroup()
    let rows = 0
    for (const p of group) rows += p.rows.length
    this.queuedRows -= rows
    this.flushing = this.commit(group).finally(() => {
      this.flushing = null
      if (this.queue.length > 0) this.schedule()
    })
    return this.flushing
  }

  /**
   * Takes the next commit's requests off the queue: every small request, then large ones in arrival
   * order while the group stays within `maxGroupRows` (at least one request, however large).
   */
  private nextGroup(): Pending[] {
    const group: Pending[] = []
    const rest: Pending[] = []
    let rows = 0
    for (const p of this.queue) {
      if (p.rows.length <= SMALL_REQUEST_ROWS) {
        group.push(p)
        rows += p.rows.length
      } else rest.push(p)
    }
    let taken = 0
    while (taken < rest.length && (group.length === 0 || rows + rest[taken].rows.length <= this.maxGroupRows)) {
      rows += rest[taken].rows.length
      group.push(rest[taken])
      taken++
    }
    this.queue = rest.slice(taken)
    return group
  }

  private async commit(group: Pending[]): Promise<void> {
    const now = this.clock()
    const all: EventRow[] = []
    for (const p of group) for (const r of p.rows) all.push(r)
    const touch = new Set<number>()
    for (const p of group) {
      if (p.keyId !== null && now - (this.touched.get(p.keyId) ?? 0) >= TOUCH_EVERY_MS) touch.add(p.keyId)
    }
    let stored: boolean[]
    try {
      stored = await writeTransaction(this.db, async (tx) => {
        const s = await insertEventRows(tx, all)
        await touchKeys(tx, [...touch], now)
        return s
      })
    } catch (err) {
      for (const p of group) p.reject(err)
      return
    }
    for (const id of touch) this.touched.set(id, now)
    this.stats.commits++
    this.stats.rows += all.length
    this.stats.requests += group.length
    let i = 0
    for (const p of group) {
      let accepted = 0
      for (let j = 0; j < p.rows.length; j++) if (stored[i + j]) accepted++
      i += p.rows.length
      p.resolve({ accepted, duplicates: p.rows.length - accepted })
    }
  }
}
