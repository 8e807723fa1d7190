/**
 * Mixed load: for 60 s at once, batch ingest (1,000 events a request), single-event ingest, and
 * dashboard reads (/summary and /series) against the real server in a child process with a year of
 * history (300k events, rolled up; the rollup job runs every minute meanwhile). Throughput and p99 of
 * each, errors (must be 0), peak server memory (VmHWM), beside raw baselines measured in the same run:
 * raw better-sqlite3 inserts of the same rows and an Express hello-world server.
 */
import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { openDatabase, writeTransaction } from '../db/connection.js'
import { createKey } from '../db/queries/keys.js'
import { rollupPending } from '../server/rollup/rollup-job.js'
import { tempDir } from '../server/testing/test-server.js'
import { eventJson, freshDb, rawInsertRate } from './ingest.js'
import { httpLoad, postLoad, result, startOnFreePort, stopChild, type BenchResult, type LoadResult } from './lib.js'

/** Peak and current resident memory of a process, in MB, from /proc (Linux). */
export function memoryOf(pid: number): { peakMb: number; rssMb: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
    return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 }
  } catch {
    return null
  }
}

/** GETs `paths` in turn with `concurrency` keep-alive connections for `durationMs`. Latencies in ms. */
export function getLoad(opts: { port: number; paths: string[]; concurrency: number; durationMs: number; headers?: Record<string, string> }): Promise<LoadResult> {
  return httpLoad({ ...opts, method: 'GET', path: (i) => opts.paths[i % opts.paths.length] })
}

export interface MixedLoad {
  seconds: number
  batch: LoadResult
  single: LoadResult
  reads: LoadResult
  /** Events acknowledged (202) by batch and single ingest, and how many of them are stored. */
  acknowledged: number
  stored: number
  peakMb: number
  historyEvents: number
  rawInsertsPerS: number
}

/**
 * Runs the mixed load for `seconds` against a fresh server and database in `dir`.
 * @example const m = await runMixedLoad({ seconds: 5 }); m.batch.errors
 */
export async function runMixedLoad(opts: { seconds: number; historyEvents?: number; log?: (m: string) => void }): Promise<MixedLoad> {
  const log = opts.log ?? (() => {})
  const dir = tempDir('yardstick-load-')
  try {
    const dbFile = path.join(dir, 'load.db')
    const ingestToken = await freshDb(dbFile)
    const historyEvents = opts.historyEvents ?? 300_000
    log(`history: ${historyEvents} raw better-sqlite3 inserts (1,000 a transaction, synchronous=FULL), then a rollup…`)
    const rawInsertsPerS = rawInsertRate(dbFile, historyEvents)
    const h = openDatabase(dbFile)
    const { token: readToken } = await writeTransaction(h.db, (tx) => createKey(tx, { name: 'dashboard', role: 'read', initiatives: null }, { actor: 'bench', at: Date.now() }))
    await rollupPending(h.db, { timezone: 'UTC' })
    await h.close()
    log(`  ${Math.round(rawInsertsPerS)} rows/s`)

    const { child: server, port } = await startOnFreePort('server/main.ts', ['--dev'], { YARDSTICK_DB: dbFile, HOST: '127.0.0.1', YARDSTICK_INGEST_RATE: '1000000', YARDSTICK_ROLLUP_CRON: '* * * * *' })
    let peakMb = 0
    const poll = setInterval(() => {
      const m = memoryOf(server.pid!)
      if (m) peakMb = Math.max(peakMb, m.peakMb)
    }, 500)
    try {
      log(`mixed load for ${opts.seconds} s: batch ingest (2 connections × 1,000 events), single events (16 connections), dashboard reads (4 connections)…`)
      const durationMs = opts.seconds * 1000
      let batchNo = 0
      const ingestHeaders = { authorization: `Bearer ${ingestToken}` }
      const [batch, single, reads] = await Promise.all([
        postLoad({
          port, path: '/api/v1/events', concurrency: 2, durationMs, headers: ingestHeaders,
          body: () => {
            const b = batchNo++
            const parts = new Array<string>(1000)
            for (let k = 0; k < 1000; k++) parts[k] = eventJson(b * 1000 + k, 'mb')
            return `{"events":[${parts.join(',')}]}`
          },
        }),
        postLoad({ port, path: '/api/v1/events', concurrency: 16, durationMs, headers: ingestHeaders, body: (i) => eventJson(i, 'ms') }),
        getLoad({
          port, concurrency: 4, durationMs, headers: { authorization: `Bearer ${readToken}` },
          paths: [
            '/api/v1/summary?from=2026-01-01T00:00:00Z&to=2026-11-01T00:00:00Z',
            '/api/v1/initiatives/bench/series?metric=time_saved&from=2026-01-01T00:00:00Z&to=2026-11-01T00:00:00Z&granularity=day',
            '/api/v1/summary?from=2026-10-01T00:00:00Z&to=2026-10-31T12:30:00Z',
            '/api/v1/initiatives/bench/series?metric=decision_latency&from=2026-08-01T00:00:00Z&to=2026-11-01T00:00:00Z&granularity=week',
          ],
        }),
      ])
      const m = memoryOf(server.pid!)
      if (m) peakMb = Math.max(peakMb, m.peakMb)
      const acknowledged = (batch.statuses[202] ?? 0) * 1000 + (single.statuses[202] ?? 0)
      const db = new BetterSqlite3(dbFile, { readonly: true })
      const stored = db.prepare("select count(*) from events where client_id like 'mb%' or client_id like 'ms%'").pluck().get() as number
      db.close()
      return { seconds: opts.seconds, batch, single, reads, acknowledged, stored, peakMb, historyEvents, rawInsertsPerS }
    } finally {
      clearInterval(poll)
      await stopChild(server)
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const line = (name: string, r: LoadResult, unit: string, perSecond: number) => `  ${name}: ${Math.round(perSecond)} ${unit} (p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, errors ${r.errors})`

export async function runLoadBench(log: (m: string) => void, opts: { seconds?: number } = {}): Promise<BenchResult[]> {
  const seconds = opts.seconds ?? 60
  const m = await runMixedLoad({ seconds, log })
  const batchRate = ((m.batch.statuses[202] ?? 0) * 1000) / m.batch.seconds
  log(line('batch ingest', m.batch, 'events/s', batchRate))
  log(line('single-event ingest', m.single, 'requests/s', m.single.perSecond))
  log(line('dashboard reads', m.reads, 'requests/s', m.reads.perSecond))
  const errors = m.batch.errors + m.single.errors + m.reads.errors
  log(`  errors ${errors}; ${m.acknowledged} events acknowledged, ${m.stored} stored; peak server memory ${m.peakMb.toFixed(0)} MB`)
  if (m.stored !== m.acknowledged) log(`  WARNING: ${m.acknowledged} acknowledged but ${m.stored} stored`)

  // Baselines: an Express hello-world server under the same single-request and read load.
  const { child: hello, port: helloPort } = await startOnFreePort('bench/hello-server.ts', [], {})
  let helloPost: LoadResult
  let helloGet: LoadResult
  let helloPeak: number
  try {
    log('baseline: Express hello-world JSON POST (16 connections) and GET (4 connections), 10 s…')
    ;[helloPost, helloGet] = await Promise.all([
      postLoad({ port: helloPort, path: '/api/v1/events', concurrency: 16, durationMs: 10_000, body: (i) => eventJson(i, 'h') }),
      getLoad({ port: helloPort, paths: ['/healthz'], concurrency: 4, durationMs: 10_000 }),
    ])
    helloPeak = memoryOf(hello.pid!)?.peakMb ?? NaN
    log(line('hello-world POST', helloPost, 'requests/s', helloPost.perSecond))
    log(line('hello-world GET', helloGet, 'requests/s', helloGet.perSecond))
    log(`  hello-world peak memory ${helloPeak.toFixed(0)} MB`)
  } finally {
    await stopChild(hello)
  }

  const during = `during ${seconds} s of mixed load (batch + single + reads at once, ${m.historyEvents} events of history, rollup job every minute)`
  return [
    result('load.batch_events_per_s', batchRate, 'events/s', { name: 'raw better-sqlite3 inserts of the same rows', value: m.rawInsertsPerS, unit: 'rows/s' }, `${during}; p99 ${m.batch.p99.toFixed(1)} ms, errors ${m.batch.errors}`, { valueAtLeast: 50_000 }),
    result('load.single_requests_per_s', m.single.perSecond, 'requests/s', { name: 'Express hello-world JSON POST', value: helloPost.perSecond, unit: 'requests/s' }, `${during}; p99 ${m.single.p99.toFixed(1)} ms vs ${helloPost.p99.toFixed(1)} ms, errors ${m.single.errors}`, { valueAtLeast: 2_000 }),
    result('load.single_p99_ms', m.single.p99, 'ms', { name: 'Express hello-world JSON POST p99', value: helloPost.p99, unit: 'ms' }, during, { valueAtMost: 50 }),
    result('load.read_requests_per_s', m.reads.perSecond, 'requests/s', { name: 'Express hello-world GET', value: helloGet.perSecond, unit: 'requests/s' }, `${during}; /summary and /series alternating; p99 ${m.reads.p99.toFixed(1)} ms vs ${helloGet.p99.toFixed(1)} ms, errors ${m.reads.errors}`),
    result('load.read_p99_ms', m.reads.p99, 'ms', { name: 'Express hello-world GET p99', value: helloGet.p99, unit: 'ms' }, during, { valueAtMost: 100 }),
    result('load.batch_p99_ms', m.batch.p99, 'ms', { name: 'batch ingest p50', value: m.batch.p50, unit: 'ms' }, during),
    result('load.errors', errors, 'responses', { name: 'requests sent', value: m.batch.requests + m.single.requests + m.reads.requests, unit: 'requests' }, `non-2xx or failed; ${m.acknowledged} events acknowledged, ${m.stored} stored`),
    result('load.peak_memory_mb', m.peakMb, 'MB', { name: 'Express hello-world peak memory', value: helloPeak, unit: 'MB' }, 'VmHWM of the server process (writer thread included)'),
  ]
}
