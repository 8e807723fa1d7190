/**
 * The OTLP receiver driven by the real OpenTelemetry JS SDK and its OTLP exporters (JSON and protobuf),
 * against the real server. Expected outcomes are worked out here from what the test records.
 */
import net from 'node:net'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics'
import { OTLPMetricExporter as JsonMetricExporter, AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http'
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto'
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs'
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http'
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import protobuf from 'protobufjs'
import { startTestServer, type TestServer } from '../testing/test-server.js'

let s: TestServer
let ingest: string
let readKey: string

beforeAll(async () => {
  s = await startTestServer()
  for (const slug of ['cum-proto', 'delta-json', 'hist-cum', 'hist-delta', 'logs-proto', 'logs-json', 'retry', 'scoped', 'env-configured']) {
    await s.initiative({ slug, name: slug, currency: 'USD' })
  }
  ingest = await s.key('ingest')
  readKey = await s.key('read')
})
afterAll(() => s.close())

interface Summary {
  slug: string
  timeSavedHours: number
  errorRate: number | null
  revenueInfluenced: number
  decisionLatencyP50: number | null
  decisionLatencyP90: number | null
}

async function summaryOf(slug: string): Promise<Summary> {
  const from = new Date(Date.now() - 86_400_000).toISOString()
  const to = new Date(Date.now() + 3_600_000).toISOString()
  const res = await s.fetch(`/api/v1/summary?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { token: readKey })
  expect(res.status).toBe(200)
  const body = (await res.json()) as { initiatives: Summary[] }
  return body.initiatives.find((i) => i.slug === slug)!
}

async function storedEvents(slug: string) {
  return s.handle.db
    .selectFrom('events')
    .innerJoin('initiatives', 'initiatives.id', 'events.initiative_id')
    .select(['events.metric', 'events.quantity', 'events.errors', 'events.total', 'events.client_id'])
    .where('initiatives.slug', '=', slug)
    .execute()
}

function meters(exporter: PushMetricExporter, initiative: string) {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'otlp-test', 'yardstick.initiative': initiative }), readers: [reader] })
  return { meter: provider.getMeter('yardstick-test'), provider, flush: () => provider.forceFlush() }
}

const headers = () => ({ Authorization: `Bearer ${ingest}` })

describe('OTLP metrics from the OpenTelemetry SDK', () => {
  it.each([
    { name: 'cumulative, protobuf', slug: 'cum-proto', exporter: () => new ProtoMetricExporter({ url: `${s.url}/v1/metrics`, headers: headers(), temporalityPreference: AggregationTemporalityPreference.CUMULATIVE }) },
    { name: 'delta, JSON', slug: 'delta-json', exporter: () => new JsonMetricExporter({ url: `${s.url}/api/v1/otlp/v1/metrics`, headers: headers(), temporalityPreference: AggregationTemporalityPreference.DELTA }) },
  ])('counts counters exported $name exactly, once per increase', async ({ slug, exporter }) => {
    const { meter, provider, flush } = meters(exporter(), slug)
    const saved = meter.createCounter('yardstick.time_saved', { unit: 'min' })
    const revenue = meter.createCounter('yardstick.revenue_influenced', { unit: '{USD}' })
    const checked = meter.createCounter('yardstick.items_checked')
    const other = meter.createCounter('http.requests') // not ours: ignored
    saved.add(5)
    saved.add(7)
    revenue.add(19.99)
    checked.add(40, { 'yardstick.error': false })
    checked.add(2, { 'yardstick.error': true })
    other.add(1000)
    await flush()
    saved.add(3)
    revenue.add(5.01)
    checked.add(57, { 'yardstick.error': false })
    checked.add(1, { 'yardstick.error': true })
    await flush()
    await flush() // nothing new: a cumulative exporter repeats its totals, which must add nothing
    await provider.shutdown()

    const sum = await summaryOf(slug)
    expect(sum.timeSavedHours).toBeCloseTo((5 + 7 + 3) / 60, 9) // 15 minutes
    expect(sum.revenueInfluenced).toBe(25)
    expect(sum.errorRate).toBeCloseTo(3 / 100, 12) // 3 errors of 100 items
    const rows = await storedEvents(slug)
    expect(rows.filter((r) => r.metric === 'time_saved').reduce((n, r) => n + r.quantity!, 0)).toBe(15 * 60_000)
    expect(rows.filter((r) => r.metric === 'time_saved')).toHaveLength(2) // one per export that added something
    expect(rows.filter((r) => r.metric === 'revenue_influenced').reduce((n, r) => n + r.quantity!, 0)).toBe(2500)
  })

  it.each([
    { slug: 'hist-cum', temporality: AggregationTemporalityPreference.CUMULATIVE },
    { slug: 'hist-delta', temporality: AggregationTemporalityPreference.DELTA },
  ])('turns a decision-latency histogram ($slug) into one event per decision, each in its bucket', async ({ slug, temporality }) => {
    const { meter, provider, flush } = meters(new ProtoMetricExporter({ url: `${s.url}/v1/metrics`, headers: headers(), temporalityPreference: temporality }), slug)
    const latency = meter.createHistogram('yardstick.decision_latency', { unit: 's', advice: { explicitBucketBoundaries: [1, 2, 4, 8] } })
    for (const v of [0.5, 1.5, 1.5, 3]) latency.record(v)
    await flush()
    for (const v of [3, 3, 6, 20]) latency.record(v)
    await flush()
    await flush()
    await provider.shutdown()
    const rows = (await storedEvents(slug)).filter((r) => r.metric === 'decision_latency')
    expect(rows).toHaveLength(8)
    // Buckets (0,1] (1,2] (2,4] (4,8] (8,inf): 1, 2, 3, 1, 1 decisions.
    const inBucket = (lo: number, hi: number) => rows.filter((r) => r.quantity! > lo * 1000 && r.quantity! <= hi * 1000).length
    expect([inBucket(0, 1), inBucket(1, 2), inBucket(2, 4), inBucket(4, 8), inBucket(8, Infinity)]).toEqual([1, 2, 3, 1, 1])
  })

  it('counts an export retried after a dropped connection once', async () => {
    // A proxy that forwards the first request to the server, then drops the connection instead of
    // relaying the answer: the exporter sees ECONNRESET and retries.
    let connections = 0
    let dropped = false
    const proxy = net.createServer((client) => {
      connections++
      const upstream = net.connect(Number(new URL(s.url).port), '127.0.0.1')
      client.pipe(upstream)
      upstream.on('data', (chunk) => {
        if (!dropped) {
          dropped = true
          client.destroy()
          upstream.destroy()
          return
        }
        client.write(chunk)
      })
      upstream.on('end', () => client.end())
      client.on('error', () => upstream.destroy())
      upstream.on('error', () => client.destroy())
    })
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()))
    const port = (proxy.address() as net.AddressInfo).port
    const { meter, provider, flush } = meters(new JsonMetricExporter({ url: `http://127.0.0.1:${port}/v1/metrics`, headers: headers(), temporalityPreference: AggregationTemporalityPreference.DELTA }), 'retry')
    meter.createCounter('yardstick.time_saved', { unit: 'h' }).add(2)
    await flush()
    await provider.shutdown()
    proxy.close()
    expect(dropped).toBe(true)
    expect(connections).toBeGreaterThanOrEqual(2) // the retry came on a new connection
    const rows = (await storedEvents('retry')).filter((r) => r.metric === 'time_saved')
    expect(rows.map((r) => r.quantity)).toEqual([2 * 3_600_000])
  })

  it('works configured by the environment variables the README shows (endpoint, headers with %20)', async () => {
    const saved = { ...process.env }
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = s.url
    process.env.OTEL_EXPORTER_OTLP_HEADERS = `Authorization=Bearer%20${ingest}`
    try {
      const { meter, provider, flush } = meters(new ProtoMetricExporter({ temporalityPreference: AggregationTemporalityPreference.DELTA }), 'env-configured')
      meter.createCounter('yardstick.time_saved', { unit: 'min' }).add(12)
      await flush()
      await provider.shutdown()
    } finally {
      process.env = saved
    }
    expect((await storedEvents('env-configured')).map((r) => r.quantity)).toEqual([12 * 60_000])
  })

  it('takes the initiative from a key scoped to one when the resource names none', async () => {
    const scoped = await s.key('ingest', ['scoped'])
    const exporter = new JsonMetricExporter({ url: `${s.url}/v1/metrics`, headers: { Authorization: `Bearer ${scoped}` }, temporalityPreference: AggregationTemporalityPreference.DELTA })
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })
    const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'x' }), readers: [reader] })
    provider.getMeter('m').createCounter('yardstick.time_saved', { unit: 's' }).add(90)
    await provider.forceFlush()
    await provider.shutdown()
    expect((await storedEvents('scoped')).map((r) => r.quantity)).toEqual([90_000])
  })
})

describe('OTLP log records from the OpenTelemetry SDK', () => {
  it.each([
    { slug: 'logs-proto', exporter: () => new ProtoLogExporter({ url: `${s.url}/v1/logs`, headers: headers() }) },
    { slug: 'logs-json', exporter: () => new JsonLogExporter({ url: `${s.url}/api/v1/otlp/v1/logs`, headers: headers() }) },
  ])('gives exact percentiles from per-decision records ($slug)', async ({ slug, exporter }) => {
    const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'yardstick.initiative': slug }), processors: [new BatchLogRecordProcessor({ exporter: exporter(), maxExportBatchSize: 512, maxQueueSize: 2048 })] })
    const logger = provider.getLogger('decisions')
    // 400 decisions of 0.1 s … 40 s (a spread of values), plus records Yardstick must ignore.
    const values: number[] = []
    for (let i = 1; i <= 400; i++) values.push(Number(((i * 7919) % 400 + 1) / 10))
    const base = Date.now() - 60_000
    values.forEach((v, i) => logger.emit({ timestamp: base + i, body: 'decision made', attributes: { 'yardstick.metric': 'decision_latency', 'yardstick.value': v, 'yardstick.unit': 'seconds' } }))
    logger.emit({ timestamp: base, body: 'an ordinary log line' })
    logger.emit({ timestamp: base, attributes: { 'yardstick.metric': 'time_saved', 'yardstick.value': 30, 'yardstick.id': 'saved-1' } })
    await provider.forceFlush()
    await provider.shutdown()
    const sorted = [...values].sort((a, b) => a - b)
    // Nearest rank: the smallest value with at least p of the decisions at or below it.
    const rank = (p: number) => sorted[Math.ceil(p * sorted.length) - 1]
    const sum = await summaryOf(slug)
    expect(Math.abs(sum.decisionLatencyP50! - rank(0.5)) / rank(0.5)).toBeLessThan(0.01)
    expect(Math.abs(sum.decisionLatencyP90! - rank(0.9)) / rank(0.9)).toBeLessThan(0.01)
    expect(sum.timeSavedHours).toBeCloseTo(0.5, 9)
    expect((await storedEvents(slug)).filter((r) => r.metric === 'decision_latency')).toHaveLength(400)
  })
})

/** google.rpc.Status read field by field (1: code, 2: message), independent of the server's codec. */
function readStatus(bytes: Uint8Array): { code: number; message: string } {
  const r = protobuf.Reader.create(bytes)
  const out = { code: 0, message: '' }
  while (r.pos < r.len) {
    const tag = r.uint32()
    if (tag >>> 3 === 1) out.code = r.int32()
    else if (tag >>> 3 === 2) out.message = r.string()
    else r.skipType(tag & 7)
  }
  return out
}

const metricsBody = (initiative: string) => ({
  resourceMetrics: [{
    resource: { attributes: [{ key: 'yardstick.initiative', value: { stringValue: initiative } }] },
    scopeMetrics: [{ scope: { name: 't' }, metrics: [{ name: 'yardstick.time_saved', unit: 'min', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ startTimeUnixNano: String(BigInt(Date.now() - 1000) * 1_000_000n), timeUnixNano: String(BigInt(Date.now()) * 1_000_000n), asInt: '4' }] } }] }],
  }],
})

describe('OTLP error answers', () => {
  it('refuses a bad key with 401 and a google.rpc.Status the SDK reports as a permanent failure', async () => {
    const exporter = new ProtoMetricExporter({ url: `${s.url}/v1/metrics`, headers: { Authorization: 'Bearer ys_live_nope' } })
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })
    const provider = new MeterProvider({ resource: resourceFromAttributes({ 'yardstick.initiative': 'cum-proto' }), readers: [reader] })
    provider.getMeter('m').createCounter('yardstick.time_saved', { unit: 'min' }).add(1)
    const { resourceMetrics } = await reader.collect()
    const result = await new Promise<{ code: number; error?: Error & { code?: number } }>((r) => exporter.export(resourceMetrics, r))
    expect(result.code).toBe(1) // ExportResultCode.FAILED
    expect(result.error?.code).toBe(401)
    await provider.shutdown()

    const raw = await fetch(`${s.url}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', authorization: 'Bearer ys_live_nope' }, body: new Uint8Array() })
    expect(raw.status).toBe(401)
    expect(raw.headers.get('content-type')).toMatch(/^application\/x-protobuf/)
    const status = readStatus(new Uint8Array(await raw.arrayBuffer()))
    expect(status.code).toBe(16) // UNAUTHENTICATED
    expect(status.message).toMatch(/API key/)
  })

  it('answers an unknown initiative with 200 and a partial success naming it, storing the rest', async () => {
    const body = metricsBody('no-such-initiative')
    body.resourceMetrics.push(metricsBody('cum-proto').resourceMetrics[0])
    const res = await s.fetch('/v1/metrics', { method: 'POST', token: ingest, json: body })
    expect(res.status).toBe(200)
    const answer = (await res.json()) as { partialSuccess: { rejectedDataPoints: number | string; errorMessage: string } }
    expect(Number(answer.partialSuccess.rejectedDataPoints)).toBe(1)
    expect(answer.partialSuccess.errorMessage).toMatch(/no-such-initiative.*not registered/)
    // A cumulative point that adds nothing still names its initiative.
    const zero = metricsBody('no-such-initiative')
    Object.assign(zero.resourceMetrics[0].scopeMetrics[0].metrics[0].sum, { aggregationTemporality: 2 })
    zero.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].asInt = '0'
    const res0 = await s.fetch('/v1/metrics', { method: 'POST', token: ingest, json: zero })
    expect(res0.status).toBe(200)
    expect(((await res0.json()) as { partialSuccess: { errorMessage: string } }).partialSuccess.errorMessage).toMatch(/not registered/)
  })

  it('answers a malformed body with 400 (protobuf and JSON, gzip too) and a key for another initiative with 403', async () => {
    const bad = await fetch(`${s.url}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${ingest}` }, body: new Uint8Array([0x0a, 0xff, 0xff, 0x01]) })
    expect(bad.status).toBe(400)
    expect(readStatus(new Uint8Array(await bad.arrayBuffer())).code).toBe(3) // INVALID_ARGUMENT
    const badJson = await fetch(`${s.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${ingest}` }, body: zlib.gzipSync('{"resourceLogs": 5}') })
    expect(badJson.status).toBe(400)
    expect(((await badJson.json()) as { code: number }).code).toBe(3)
    const gz = await fetch(`${s.url}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${ingest}` }, body: zlib.gzipSync(JSON.stringify(metricsBody('cum-proto'))) })
    expect(gz.status).toBe(200)
    expect(await gz.json()).toEqual({})
    const other = await s.key('ingest', ['scoped'])
    const denied = await s.fetch('/v1/metrics', { method: 'POST', token: other, json: metricsBody('cum-proto') })
    expect(denied.status).toBe(403)
    expect(((await denied.json()) as { code: number }).code).toBe(7) // PERMISSION_DENIED
  })
})
