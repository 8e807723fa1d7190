/**
 * Outcome reads (/summary, /series, the portfolio /series) run on a reader thread with its own
 * database connection and rollup read cache, so that a long read never holds up the main thread,
 * which parses, validates and acknowledges events. An in-memory database (one connection only) reads
 * on the main thread instead, through the same interface.
 *
 * Answers cross the thread as JSON text (serialised where they are computed); the two errors a caller
 * can fix (unknown initiatives, too many points) come back as the same classes.
 */
import { Worker } from 'node:worker_threads'
import type { Db } from '../../db/connection.js'
import { rollupReadCache } from '../../db/queries/outcomes.js'
import { findPortfolioSeries, findSeries, TooManyPointsError, type PortfolioSeriesParams, type SeriesParams } from './series.js'
import { findPayback, findSummary, UnknownInitiativesError, type SummaryParams } from './summary.js'
import { paybackResponse, portfolioSeriesResponse, seriesResponse, summaryResponse } from '../../metrics/api/schemas.js'
import { answerText } from '../routes/answer.js'
import { warmReadCache } from './warm.js'

/** Slugs the caller may see (a scoped key), or null for all. Functions cannot cross threads. */
type Scoped<T> = Omit<T, 'allowed'> & { allowedSlugs: string[] | null }

export type ReadRequest =
  | { op: 'summary'; params: Scoped<SummaryParams> }
  | { op: 'series'; slug: string; params: SeriesParams }
  | { op: 'portfolioSeries'; params: Scoped<PortfolioSeriesParams> }
  | { op: 'payback'; slug: string; to: number | null; now: number }
  | { op: 'warm'; now: number }
  | { op: 'cacheStats'; clear: boolean }

export interface CacheStats {
  entries: number
  size: number
  hits: number
  misses: number
}

export interface OutcomeReader {
  /** GET /summary's answer as JSON text. Throws UnknownInitiativesError. */
  summary(params: Scoped<SummaryParams>): Promise<string>
  /** One initiative's series as JSON text, or null when there is no such initiative. */
  series(slug: string, params: SeriesParams): Promise<string | null>
  /** GET /series's answer as JSON text. Throws UnknownInitiativesError or TooManyPointsError. */
  portfolioSeries(params: Scoped<PortfolioSeriesParams>): Promise<string>
  /** One initiative's payback curve as JSON text, or null when there is no such initiative. */
  payback(slug: string, q: { to: number | null; now: number }): Promise<string | null>
  /** Warms the read cache with the dashboard's first reads; ms taken, or null if that failed. */
  warm(now: number): Promise<number | null>
  /** The read cache's counters; `clear` empties it first (benchmarks measure cold reads so). */
  cacheStats(clear?: boolean): Promise<CacheStats>
  /** Resolves once reads can be answered (the thread has booted and opened its connection). */
  ready(): Promise<void>
  close(): Promise<void>
}

function allowedOf(slugs: string[] | null): ((slug: string) => boolean) | undefined {
  if (slugs === null) return undefined
  const set = new Set(slugs)
  return (s) => set.has(s)
}

/**
 * Runs one read against `db` (on whichever thread owns it).
 * @example await runRead(db, config, { op: 'summary', params: { from, to, allowedSlugs: null } }, log)
 */
export async function runRead(db: Db, config: { timezone: string }, req: ReadRequest, log: (m: string) => void): Promise<unknown> {
  switch (req.op) {
    case 'summary': {
      const { allowedSlugs, ...p } = req.params
      return answerText(summaryResponse, await findSummary(db, config, { ...p, allowed: allowedOf(allowedSlugs) }))
    }
    case 'series': {
      const s = await findSeries(db, config, req.slug, req.params)
      return s === undefined ? null : answerText(seriesResponse, s)
    }
    case 'portfolioSeries': {
      const { allowedSlugs, ...p } = req.params
      return answerText(portfolioSeriesResponse, await findPortfolioSeries(db, config, { ...p, allowed: allowedOf(allowedSlugs) }))
    }
    case 'payback': {
      const p = await findPayback(db, config, { slug: req.slug, to: req.to ?? undefined, now: req.now })
      return p === undefined ? null : answerText(paybackResponse, p)
    }
    case 'warm':
      return warmReadCache(db, config, log, req.now)
    case 'cacheStats': {
      const cache = rollupReadCache(db)
      if (req.clear) cache.clear()
      return cache.stats()
    }
  }
}

/** An error as it crosses the thread. */
export type WireError = { name: 'UnknownInitiativesError'; slugs: string[] } | { name: 'TooManyPointsError'; initiatives: number; buckets: number; max: number } | { name: 'Error'; message: string }

export function toWire(e: unknown): WireError {
  if (e instanceof UnknownInitiativesError) return { name: 'UnknownInitiativesError', slugs: e.slugs }
  if (e instanceof TooManyPointsError) return { name: 'TooManyPointsError', initiatives: e.initiatives, buckets: e.buckets, max: e.max }
  return { name: 'Error', message: e instanceof Error ? e.message : String(e) }
}

function fromWire(w: WireError): Error {
  if (w.name === 'UnknownInitiativesError') return new UnknownInitiativesError(w.slugs)
  if (w.name === 'TooManyPointsError') return new TooManyPointsError(w.initiatives, w.buckets, w.max)
  return new Error(w.message)
}

/** The reads, each one request to `run` (on this thread or the reader thread). */
abstract class Reader implements OutcomeReader {
  protected abstract run<T>(req: ReadRequest): Promise<T>
  abstract ready(): Promise<void>
  abstract close(): Promise<void>
  summary(params: Scoped<SummaryParams>) {
    return this.run<string>({ op: 'summary', params })
  }
  series(slug: string, params: SeriesParams) {
    return this.run<string | null>({ op: 'series', slug, params })
  }
  portfolioSeries(params: Scoped<PortfolioSeriesParams>) {
    return this.run<string>({ op: 'portfolioSeries', params })
  }
  payback(slug: string, q: { to: number | null; now: number }) {
    return this.run<string | null>({ op: 'payback', slug, ...q })
  }
  warm(now: number) {
    return this.run<number | null>({ op: 'warm', now })
  }
  cacheStats(clear = false) {
    return this.run<CacheStats>({ op: 'cacheStats', clear })
  }
}

/** Reads on the calling thread (an in-memory database, or where a thread is not wanted). */
export class InlineOutcomeReader extends Reader {
  constructor(private readonly db: Db, private readonly config: { timezone: string }, private readonly log: (m: string) => void) {
    super()
  }
  protected run<T>(req: ReadRequest): Promise<T> {
    return runRead(this.db, this.config, req, this.log) as Promise<T>
  }
  async ready() {}
  async close() {}
}

interface Pending {
  resolve: (v: unknown) => void
  reject: (e: unknown) => void
}

/** Reads on a reader thread with its own connection; a thread that died is replaced on the next read. */
export class ThreadedOutcomeReader extends Reader {
  private worker: Worker | null = null
  private readonly pending = new Map<number, Pending>()
  private readonly inflight = new Set<Promise<unknown>>()
  private booted: Promise<void> = Promise.resolve()
  private nextId = 1
  private closed = false

  constructor(private readonly opts: { file: string; sync: 'full' | 'normal'; timezone: string; log: (m: string) => void }) {
    super()
  }

  private start(): Worker {
    const worker = new Worker(new URL('../ingest/worker-boot.mjs', import.meta.url), {
      workerData: { entry: new URL('./reader-worker.ts', import.meta.url).href, file: this.opts.file, sync: this.opts.sync, timezone: this.opts.timezone },
    })
    this.booted = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: { type?: string }) => m.type === 'ready' && resolve())
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`the reader thread stopped before it was ready (exit ${code})`)))
    })
    this.booted.catch(() => {})
    worker.on('message', (msg: { type: 'ready' } | { type: 'log'; message: string } | { type: 'reply'; id: number; ok: true; value: unknown } | { type: 'reply'; id: number; ok: false; error: WireError }) => {
      if (msg.type === 'ready') return
      if (msg.type === 'log') {
        this.opts.log(msg.message)
        return
      }
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      if (msg.ok) p.resolve(msg.value)
      else p.reject(fromWire(msg.error))
    })
    const failAll = (err: unknown) => {
      for (const p of this.pending.values()) p.reject(err)
      this.pending.clear()
      if (this.worker === worker) this.worker = null
    }
    worker.on('error', failAll)
    worker.on('exit', (code) => failAll(new Error(`the reader thread stopped (exit ${code}); the next read starts a new one`)))
    // The thread never keeps the process alive by itself (the HTTP server or the caller does).
    worker.unref()
    this.worker = worker
    return worker
  }

  protected run<T>(req: ReadRequest): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the outcome reader is closed'))
    const worker = this.worker ?? this.start()
    const id = this.nextId++
    const answer = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      worker.postMessage({ id, req })
    })
    this.inflight.add(answer)
    const forget = () => this.inflight.delete(answer)
    answer.then(forget, forget)
    return answer
  }

  /** Starts the thread if it is not running, and waits until it has opened its connection. */
  ready(): Promise<void> {
    if (!this.closed && this.worker === null) this.start()
    return this.booted
  }

  async close(): Promise<void> {
    this.closed = true
    const worker = this.worker
    if (!worker) return
    // Let reads in flight finish, then stop the thread (its connection closes with it).
    await Promise.allSettled([...this.inflight])
    this.worker = null
    await worker.terminate()
  }
}
