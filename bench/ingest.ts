/**
 * Ingest benchmarks, each beside its raw baseline measured in the same run:
 * - batch ingest (1,000 events a request, fresh ids) through the real HTTP server vs raw
 *   better-sqlite3 inserts of the same rows into the same schema and indexes;
 * - single-event ingest vs an Express hello-world JSON POST, with the same load generator.
 * The server runs in a child process (one core), the load generator here (the other core).
 */
import path from 'node:path'
import fs from 'node:fs'
import BetterSqlite3 from 'better-sqlite3'
import { openDatabase, migrateToLatest, writeTransaction } from '../db/connection.js'
import { createInitiative } from '../db/queries/initiatives.js'
import { createKey } from '../db/queries/keys.js'
import { parseCreateInitiative } from '../server/routes/initiative-input.js'
import { tempDir } from '../server/testing/test-server.js'
import { METRICS } from '../metrics/metric-kinds.js'
import { postLoad, result, startOnFreePort, stopChild, type BenchResult } from './lib.js'

export async function freshDb(file: string): Promise<string> {
  const h = openDatabase(file)
  await migrateToLatest(h.db)
  const p = parseCreateInitiative({ slug: 'bench', name: 'Bench', currency: 'USD' }, 'UTC', Date.now())
  if (!p.ok) throw new Error('bad initiative')
  await writeTransaction(h.db, (tx) => createInitiative(tx, p.value, { actor: 'bench', at: Date.now() }))
  const { token } = await writeTransaction(h.db, (tx) => createKey(tx, { name: 'bench', role: 'ingest', initiatives: null }, { actor: 'bench', at: Date.now() }))
  await h.close()
  return token
}


export function eventJson(n: number, prefix: string): string {
  const metric = METRICS[n % METRICS.length]
  const occurredAt = new Date(Date.UTC(2026, 0, 1) + (n % 300) * 86_400_000 + (n % 86_400) * 1000).toISOString()
  const figures = metric === 'error_rate' ? `"errors":${n % 3},"total":${20 + (n % 7)}` : metric === 'revenue_influenced' ? `"value":${(n % 5000) / 100}` : `"value":${(n % 90) + 1}`
  return `{"id":"${prefix}${n}","initiative":"bench","metric":"${metric}","occurredAt":"${occurredAt}",${figures}}`
}

/** Raw better-sqlite3 inserts of the same rows (as ingestion stores them), 1,000 per transaction. */
export function rawInsertRate(file: string, rows: number): number {
  const db = new BetterSqlite3(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  const initiativeId = (db.prepare('select id from initiatives where slug = ?').get('bench') as { id: number }).id
  const insert = db.prepare('insert into events (initiative_id, metric, client_id, quantity, errors, total, occurred_at, received_at, key_id, stage, attributes) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (initiative_id, client_id) do nothing')
  const tx = db.transaction((from: number) => {
    const now = Date.now()
    for (let n = from; n < from + 1000; n++) {
      const metric = METRICS[n % METRICS.length]
      const errRate = metric === 'error_rate'
      insert.run(initiativeId, metric, `raw${n}`, errRate ? null : metric === 'revenue_influenced' ? n % 5000 : ((n % 90) + 1) * 60_000, errRate ? n % 3 : null, errRate ? 20 + (n % 7) : null, Date.UTC(2026, 0, 1) + (n % 300) * 86_400_000, now, 1, 'pilot', null)
    }
  })
  const start = performance.now()
  for (let from = 0; from < rows; from += 1000) tx(from)
  const seconds = (performance.now() - start) / 1000
  db.close()
  return rows / seconds
}

export async function runIngestBench(log: (m: string) => void, opts: { seconds?: number } = {}): Promise<BenchResult[]> {
  const seconds = opts.seconds ?? 10
  const dir = tempDir('yardstick-bench-')
  const results: BenchResult[] = []
  try {
    const rawFile = path.join(dir, 'raw.db')
    await freshDb(rawFile)
    log('raw better-sqlite3 inserts (200k rows, 1,000 a transaction, synchronous=FULL)…')
    const raw = rawInsertRate(rawFile, 200_000)
    log(`  ${Math.round(raw)} rows/s`)

    const dbFile = path.join(dir, 'ingest.db')
    const token = await freshDb(dbFile)
    const { child: server, port } = await startOnFreePort('server/main.ts', ['--dev'], { YARDSTICK_DB: dbFile, HOST: '127.0.0.1', YARDSTICK_INGEST_RATE: '1000000', YARDSTICK_ROLLUP_CRON: '0 0 1 1 *' })
    const headers = { authorization: `Bearer ${token}` }
    try {
      log(`batch ingest through HTTP (1,000 events a request, 4 connections, ${seconds} s)…`)
      let batchNo = 0
      const batch = await postLoad({
        port, path: '/api/v1/events', concurrency: 4, durationMs: seconds * 1000, headers,
        body: () => {
          const b = batchNo++
          const parts = new Array<string>(1000)
          for (let k = 0; k < 1000; k++) parts[k] = eventJson(b * 1000 + k, 'b')
          return `{"events":[${parts.join(',')}]}`
        },
      })
      const batchRate = ((batch.statuses[202] ?? 0) * 1000) / batch.seconds
      log(`  ${Math.round(batchRate)} events/s (p50 ${batch.p50.toFixed(1)} ms, p99 ${batch.p99.toFixed(1)} ms, errors ${batch.errors})`)
      results.push(result('ingest.batch_events_per_s', batchRate, 'events/s', { name: 'raw better-sqlite3 inserts of the same rows', value: raw, unit: 'rows/s' }, `p99 ${batch.p99.toFixed(1)} ms, errors ${batch.errors}`, { ratioAtLeast: 0.8 }))

      log(`single-event ingest through HTTP (32 connections, ${seconds} s)…`)
      const single = await postLoad({ port, path: '/api/v1/events', concurrency: 32, durationMs: seconds * 1000, headers, body: (i) => eventJson(i, 's') })
      log(`  ${Math.round(single.perSecond)} requests/s (p50 ${single.p50.toFixed(1)} ms, p99 ${single.p99.toFixed(1)} ms, errors ${single.errors})`)
      const stored = new BetterSqlite3(dbFile, { readonly: true })
      const count = (stored.prepare("select count(*) as n from events where client_id like 's%'").get() as { n: number }).n
      stored.close()
      if (count !== (single.statuses[202] ?? 0)) throw new Error(`single-event ingest: ${single.statuses[202]} acknowledged but ${count} stored`)

      const { child: hello, port: helloPort } = await startOnFreePort('bench/hello-server.ts', [], {})
      try {
        log(`Express hello-world JSON POST (32 connections, ${seconds} s)…`)
        const base = await postLoad({ port: helloPort, path: '/api/v1/events', concurrency: 32, durationMs: seconds * 1000, body: (i) => eventJson(i, 'h') })
        log(`  ${Math.round(base.perSecond)} requests/s (p50 ${base.p50.toFixed(1)} ms, p99 ${base.p99.toFixed(1)} ms)`)
        results.push(result('ingest.single_events_per_s', single.perSecond, 'requests/s', { name: 'Express hello-world JSON POST', value: base.perSecond, unit: 'requests/s' }, `p99 ${single.p99.toFixed(1)} ms vs ${base.p99.toFixed(1)} ms, errors ${single.errors}`, { ratioAtLeast: 2.5 }))
      } finally {
        await stopChild(hello)
      }
    } finally {
      await stopChild(server)
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return results
}
