/**
 * The PostgreSQL column: the same measurements as the SQLite parts, on a throwaway PostgreSQL cluster
 * on this machine (fsync and synchronous_commit on, as in production), each beside its raw baseline
 * in the same run:
 * - batch ingest through HTTP (1,000 events a request, 4 connections) beside raw multi-row INSERTs
 *   (1,000 rows a statement and transaction, ON CONFLICT DO NOTHING) of the same rows, same table,
 *   same indexes;
 * - /summary p95 on the 50 initiatives × 3 years set, through the real server;
 * - the incremental rollup of 1M events beside a raw GROUP BY of the same events.
 * Skipped (one line) where PostgreSQL is not installed.
 */
import pg from 'pg'
import { migrateToLatest, openDatabase } from '../db/connection.js'
import { createKey } from '../db/queries/keys.js'
import { rollupPending } from '../server/rollup/rollup-job.js'
import { findPgBin, PG_INSTALL_HINT, startPgCluster } from '../server/testing/pg-cluster.js'
import { eventJson, freshDb } from './ingest.js'
import { percentile, postLoad, result, startOnFreePort, stopChild, type BenchResult } from './lib.js'
import { buildThreeYearSet, loadFoldSet, rawGroupBy } from './rollup.js'

const METRICS = ['time_saved', 'error_rate', 'revenue_influenced', 'decision_latency'] as const

/** Raw multi-row INSERTs of the rows ingestion stores (as bench/ingest.ts's raw SQLite baseline), 1,000 a statement. */
async function rawInsertRate(url: string, rows: number): Promise<number> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    const id = Number((await c.query("select id from initiatives where slug = 'bench'")).rows[0].id)
    const placeholders = Array.from({ length: 1000 }, (_, k) => `(${Array.from({ length: 11 }, (_, j) => `$${k * 11 + j + 1}`).join(',')})`).join(',')
    const text = `insert into events (initiative_id, metric, client_id, quantity, errors, total, occurred_at, received_at, key_id, stage, attributes) values ${placeholders} on conflict (initiative_id, client_id) do nothing`
    const start = performance.now()
    for (let from = 0; from < rows; from += 1000) {
      const now = Date.now()
      const params: unknown[] = []
      for (let n = from; n < from + 1000; n++) {
        const metric = METRICS[n % 4]
        const errRate = metric === 'error_rate'
        params.push(id, metric, `raw${n}`, errRate ? null : metric === 'revenue_influenced' ? n % 5000 : ((n % 90) + 1) * 60_000, errRate ? n % 3 : null, errRate ? 20 + (n % 7) : null, Date.UTC(2026, 0, 1) + (n % 300) * 86_400_000, now, 1, 'pilot', null)
      }
      await c.query({ text, values: params, name: 'raw-insert' })
    }
    return rows / ((performance.now() - start) / 1000)
  } finally {
    await c.end()
  }
}

export async function runPostgresBench(log: (m: string) => void, opts: { seconds?: number } = {}): Promise<BenchResult[]> {
  if (findPgBin() === null) {
    log(`PostgreSQL column skipped: PostgreSQL is not installed; install it with: ${PG_INSTALL_HINT}`)
    return []
  }
  const seconds = opts.seconds ?? 10
  const cluster = await startPgCluster({ fsync: true })
  const results: BenchResult[] = []
  const serverEnv = (url: string, extra: Record<string, string> = {}) => ({ DATABASE_URL: url, HOST: '127.0.0.1', YARDSTICK_INGEST_RATE: '1000000', YARDSTICK_ROLLUP_CRON: '0 0 1 1 *', ...extra })
  try {
    // Ingest.
    const rawUrl = await cluster.createDatabase('raw')
    await freshDb(rawUrl)
    log('PostgreSQL: raw multi-row INSERTs (200k rows, 1,000 a statement and transaction, fsync on)…')
    const raw = await rawInsertRate(rawUrl, 200_000)
    log(`  ${Math.round(raw)} rows/s`)
    const url = await cluster.createDatabase('ingest')
    const token = await freshDb(url)
    const { child: server, port } = await startOnFreePort('server/main.ts', ['--dev'], serverEnv(url))
    try {
      log(`PostgreSQL: batch ingest through HTTP (1,000 events a request, 4 connections, ${seconds} s)…`)
      let batchNo = 0
      const batch = await postLoad({
        port, path: '/api/v1/events', concurrency: 4, durationMs: seconds * 1000, headers: { authorization: `Bearer ${token}` },
        body: () => {
          const b = batchNo++
          const parts = new Array<string>(1000)
          for (let k = 0; k < 1000; k++) parts[k] = eventJson(b * 1000 + k, 'b')
          return `{"events":[${parts.join(',')}]}`
        },
      })
      const rate = ((batch.statuses[202] ?? 0) * 1000) / batch.seconds
      log(`  ${Math.round(rate)} events/s (p50 ${batch.p50.toFixed(1)} ms, p99 ${batch.p99.toFixed(1)} ms, errors ${batch.errors})`)
      results.push(result('postgres: ingest.batch_events_per_s', rate, 'events/s', { name: 'raw multi-row INSERTs of the same rows into PostgreSQL', value: raw, unit: 'rows/s' }, `p99 ${batch.p99.toFixed(1)} ms, errors ${batch.errors}`))
    } finally {
      await stopChild(server)
    }

    // /summary on the 3-year set, through the real server.
    const setUrl = await cluster.createDatabase('threeyear')
    const { zone, now } = await buildThreeYearSet(setUrl, (m) => log(`PostgreSQL:${m}`))
    {
      const h = openDatabase(setUrl)
      const readToken = await createKey(h.db, { name: 'bench read', role: 'read', initiatives: null }, { actor: 'bench', at: now })
      await h.close()
      const { child, port: qport } = await startOnFreePort('server/main.ts', ['--dev'], serverEnv(setUrl, { YARDSTICK_TIMEZONE: zone }))
      try {
        const iso = (t: number) => new Date(t).toISOString()
        const DAY = 86_400_000
        const queries = [
          `/api/v1/summary?from=${iso(now - 30 * DAY)}&to=${iso(now)}`,
          `/api/v1/summary?from=2026-10-01T00:00:00%2B01:00&to=2026-11-01T00:00:00Z`,
          `/api/v1/summary?from=${iso(now - 90 * DAY)}&to=${iso(now)}&split=stage`,
          `/api/v1/summary?from=2025-11-25T00:00:00Z&to=${iso(now)}`,
        ]
        const times: number[] = []
        for (let k = 0; k < 53; k++) {
          for (const p of queries) {
            const t0 = performance.now()
            const res = await fetch(`http://127.0.0.1:${qport}${p}`, { headers: { authorization: `Bearer ${readToken.token}` } })
            await res.arrayBuffer()
            if (res.status !== 200) throw new Error(`${p}: ${res.status}`)
            if (k >= 3) times.push(performance.now() - t0)
          }
        }
        times.sort((a, b) => a - b)
        const h2 = openDatabase(setUrl)
        const rawTimes: number[] = []
        for (let k = 0; k < 20; k++) {
          const t0 = performance.now()
          await h2.db.selectFrom('events').select((eb) => ['initiative_id', 'metric', eb.fn.countAll().as('n'), eb.fn.sum('quantity').as('q'), eb.fn.sum('errors').as('e'), eb.fn.sum('total').as('t')]).where('occurred_at', '>=', now - 30 * DAY).where('occurred_at', '<', now).groupBy(['initiative_id', 'metric']).execute()
          rawTimes.push(performance.now() - t0)
        }
        await h2.close()
        rawTimes.sort((a, b) => a - b)
        log(`  /summary p50 ${percentile(times, 0.5).toFixed(1)} ms p95 ${percentile(times, 0.95).toFixed(1)} ms; raw 30-day GROUP BY p50 ${percentile(rawTimes, 0.5).toFixed(1)} ms`)
        results.push(result('postgres: /summary p95 (50 initiatives × 3 years)', percentile(times, 0.95), 'ms', { name: 'raw GROUP BY initiative, metric over events of the last 30 days', value: percentile(rawTimes, 0.5), unit: 'ms' }, 'wall clock as the server ignores a test clock; the ranges end at the set\'s "now"'))
      } finally {
        await stopChild(child)
      }
    }

    // Incremental rollup of 1M events beside a raw GROUP BY.
    const foldUrl = await cluster.createDatabase('fold')
    const h = openDatabase(foldUrl)
    try {
      await migrateToLatest(h.db)
      const { events, loadMs } = await loadFoldSet(h.db)
      log(`PostgreSQL: loaded ${events} events in ${(loadMs / 1000).toFixed(1)} s`)
      await rawGroupBy(h.db)
      const t0 = performance.now()
      await rawGroupBy(h.db)
      const rawMs = performance.now() - t0
      const t1 = performance.now()
      const r = await rollupPending(h.db, { timezone: 'Europe/London' })
      const incMs = performance.now() - t1
      const t2 = performance.now()
      await rawGroupBy(h.db)
      const raw2Ms = performance.now() - t2
      if (r.eventsFolded !== events) throw new Error(`folded ${r.eventsFolded} of ${events} events`)
      log(`  raw GROUP BY ${rawMs.toFixed(0)} / ${raw2Ms.toFixed(0)} ms; incremental rollup ${incMs.toFixed(0)} ms (${r.bucketsWritten} bucket writes) = ${(incMs / ((rawMs + raw2Ms) / 2)).toFixed(2)}×`)
      results.push(result('postgres: rollup: incremental fold of 1M events', incMs, 'ms', { name: 'raw GROUP BY initiative, metric, hour over the same 1M events (mean of the runs before and after)', value: (rawMs + raw2Ms) / 2, unit: 'ms' }))
    } finally {
      await h.close()
    }
  } finally {
    cluster.stop()
  }
  return results
}
