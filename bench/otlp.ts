/**
 * OTLP ingest beside JSON batch ingest, in the same run against the same server (a child process):
 * - JSON batch: POST /api/v1/events, 1,000 events a request (the baseline);
 * - OTLP/protobuf log records: POST /v1/logs, 1,000 records a request, one event each;
 * - OTLP/protobuf metrics: POST /v1/metrics, one delta Sum with 1,000 data points (1,000 series), one
 *   event each.
 * Events/s counts acknowledged events only; every OTLP answer is checked to reject nothing.
 */
import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { encodeRequest } from '../server/otlp/proto.js'
import { tempDir } from '../server/testing/test-server.js'
import { eventJson, freshDb } from './ingest.js'
import { postLoad, result, startOnFreePort, stopChild, type BenchResult } from './lib.js'

const PER_REQUEST = 1000
const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }, { key: 'yardstick.initiative', value: { stringValue: 'bench' } }] }

function logsBody(b: number): Buffer {
  const base = BigInt(Date.now() - 3_600_000) * 1_000_000n
  const logRecords = new Array(PER_REQUEST)
  for (let k = 0; k < PER_REQUEST; k++) {
    logRecords[k] = {
      timeUnixNano: String(base + BigInt(b * PER_REQUEST + k)),
      body: { stringValue: 'decision' },
      attributes: [
        { key: 'yardstick.metric', value: { stringValue: 'decision_latency' } },
        { key: 'yardstick.value', value: { doubleValue: ((b * PER_REQUEST + k) % 900) / 10 + 0.1 } },
      ],
    }
  }
  return Buffer.from(encodeRequest('logs', { resourceLogs: [{ resource, scopeLogs: [{ scope: { name: 'bench' }, logRecords }] }] }))
}

function metricsBody(b: number): Buffer {
  const end = BigInt(Date.now() - 60_000) * 1_000_000n + BigInt(b)
  const dataPoints = new Array(PER_REQUEST)
  for (let k = 0; k < PER_REQUEST; k++) {
    dataPoints[k] = { attributes: [{ key: 'worker', value: { intValue: k } }], startTimeUnixNano: String(end - 10_000_000_000n), timeUnixNano: String(end), asDouble: (k % 30) + 1 }
  }
  const metric = { name: 'yardstick.time_saved', unit: 'min', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints } }
  return Buffer.from(encodeRequest('metrics', { resourceMetrics: [{ resource, scopeMetrics: [{ scope: { name: 'bench' }, metrics: [metric] }] }] }))
}

export async function runOtlpBench(log: (m: string) => void, opts: { seconds?: number } = {}): Promise<BenchResult[]> {
  const seconds = opts.seconds ?? 10
  const dir = tempDir('yardstick-bench-otlp-')
  const results: BenchResult[] = []
  try {
    const dbFile = path.join(dir, 'otlp.db')
    const token = await freshDb(dbFile)
    const { child: server, port } = await startOnFreePort('server/main.ts', ['--dev'], { YARDSTICK_DB: dbFile, HOST: '127.0.0.1', YARDSTICK_INGEST_RATE: '1000000', YARDSTICK_ROLLUP_CRON: '0 0 1 1 *' })
    const auth = { authorization: `Bearer ${token}` }
    try {
      log(`JSON batch ingest (POST /api/v1/events, ${PER_REQUEST} events a request, 4 connections, ${seconds} s)…`)
      let n = 0
      const json = await postLoad({
        port, path: '/api/v1/events', concurrency: 4, durationMs: seconds * 1000, headers: auth,
        body: () => {
          const b = n++
          const parts = new Array<string>(PER_REQUEST)
          for (let k = 0; k < PER_REQUEST; k++) parts[k] = eventJson(b * PER_REQUEST + k, 'otlpbench')
          return `{"events":[${parts.join(',')}]}`
        },
      })
      const jsonRate = ((json.statuses[202] ?? 0) * PER_REQUEST) / json.seconds
      log(`  ${Math.round(jsonRate)} events/s (p50 ${json.p50.toFixed(1)} ms, p99 ${json.p99.toFixed(1)} ms, errors ${json.errors})`)
      const baseline = { name: 'JSON batch ingest (POST /api/v1/events), same run', value: jsonRate, unit: 'events/s' }

      const protobufHeaders = { ...auth, 'content-type': 'application/x-protobuf' }
      for (const [signal, body, label] of [['logs', logsBody, 'log records'], ['metrics', metricsBody, 'delta Sum data points']] as const) {
        log(`OTLP/protobuf ${label} (POST /v1/${signal}, ${PER_REQUEST} a request, 4 connections, ${seconds} s)…`)
        let b = 0
        const r = await postLoad({ port, path: `/v1/${signal}`, concurrency: 4, durationMs: seconds * 1000, headers: protobufHeaders, body: () => body(b++) })
        const rate = ((r.statuses[200] ?? 0) * PER_REQUEST) / r.seconds
        log(`  ${Math.round(rate)} events/s (p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, errors ${r.errors})`)
        results.push(result(`otlp.${signal}_protobuf_events_per_s`, rate, 'events/s', baseline, `p99 ${r.p99.toFixed(1)} ms, errors ${r.errors}`))
      }
      const db = new BetterSqlite3(dbFile, { readonly: true })
      const stored = (db.prepare("select count(*) as n from events where client_id like 'otlp-%'").get() as { n: number }).n
      db.close()
      log(`  ${stored} OTLP events stored`)
    } finally {
      await stopChild(server)
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return results
}
