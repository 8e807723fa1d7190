/**
 * Hostile input against the real server: fast-check fuzz of POST /api/v1/events (random JSON, hostile
 * field values, deep nesting, huge numbers, NaN/Infinity literals, prototype keys, lone surrogates,
 * invalid UTF-8, wrong content types, gigantic strings, truncated bodies) and of every query parameter
 * and path parameter of every GET route read from the router. Never a 5xx; every API 4xx in the JSON
 * error shape; no prototype pollution; the server healthy afterwards and still ingesting.
 */
import net from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listRoutes } from '../auth/test-helpers.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'

let s: TestServer
let ingest: string
let admin: string
let reader: string
let tried = 0
const failures: string[] = []

beforeAll(async () => {
  s = await startTestServer({ env: { YARDSTICK_INGEST_RATE: '1000000' } })
  await s.initiative({ slug: 'fuzz', name: 'Fuzz', currency: 'USD', hourlyValue: 50 })
  ingest = await s.key('ingest')
  admin = await s.key('admin')
  reader = await s.key('read')
})
afterAll(async () => {
  process.stderr.write(`hostile inputs tried: ${tried}\n`)
  await s?.close()
})

/** Checks one answer: no 5xx; an API error is `{error: {code, message, details}}`. */
async function check(label: string, res: { status: number; type: string; text: string }, opts: { api: boolean }): Promise<void> {
  tried++
  const problem = (why: string): void => {
    failures.push(`${label}: ${why} (status ${res.status}, ${res.text.slice(0, 200)})`)
  }
  if (res.status >= 500 || res.status < 100) return problem('server error')
  if (res.status >= 400 && opts.api) {
    if (!res.type.startsWith('application/json')) return problem(`error is not JSON but ${res.type}`)
    let body: unknown
    try {
      body = JSON.parse(res.text)
    } catch {
      return problem('error body does not parse')
    }
    const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error
    if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || !Array.isArray(e.details)) problem('error body is not {error: {code, message, details}}')
    if (/\n\s+at /.test(res.text)) problem('stack trace in the answer')
  }
}

async function send(path: string, init: { method?: string; token?: string; type?: string | null; body?: string | Buffer }) {
  const headers: Record<string, string> = {}
  if (init.token) headers.authorization = `Bearer ${init.token}`
  if (init.type) headers['content-type'] = init.type
  const res = await fetch(s.url + path, { method: init.method ?? 'GET', headers, body: typeof init.body === 'string' || init.body === undefined ? init.body : new Uint8Array(init.body) })
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() }
}

/** Raw bytes over TCP: for bodies shorter than their Content-Length and bytes fetch will not send. */
function rawHttp(bytes: Buffer, opts: { endEarly: boolean }): Promise<{ status: number; type: string; text: string } | null> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(new URL(s.url).port), '127.0.0.1')
    let data = ''
    socket.on('data', (c) => (data += c.toString('latin1')))
    socket.on('error', () => resolve(null))
    socket.on('close', () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data)
      if (!m) return resolve(null)
      const type = /\r\ncontent-type: ([^\r\n]*)/i.exec(data)?.[1] ?? ''
      resolve({ status: Number(m[1]), type, text: data.slice(data.indexOf('\r\n\r\n') + 4) })
    })
    socket.write(bytes)
    if (opts.endEarly) socket.end()
    setTimeout(() => socket.end(), 300)
  })
}

const EVENT_FIELDS = ['id', 'initiative', 'metric', 'occurredAt', 'value', 'unit', 'errors', 'total', 'currency', 'attributes']
const hostileScalar = fc.oneof(
  fc.constantFrom(0, -0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 63, 5e-324, 0.1 + 0.2, -1, 1.5, true, false, null, '', ' ', 'NaN', 'Infinity', '-Infinity', '1e999', '__proto__', 'constructor', 'fuzz', 'time_saved', 'error_rate', 'revenue_influenced', 'decision_latency', 'hours', 'USD', 'XXX', '2026-11-01T00:00:00Z', '2026-13-45T99:99:99Z', '+275760-09-13T00:00:00Z', '-271821-04-20T00:00:00Z', '2026-01-01T00:00:00+99:99', '1970-01-01T00:00:00Z', '\u0000', '\ud800', '\udfff', 'a\ud83dz', '<script>alert(1)</script>', "'; drop table events; --"),
  fc.double(),
  fc.integer(),
  fc.bigInt().map((b) => Number(b)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ maxLength: 20 }),
)
const hostileValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, hostileScalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.oneof(fc.constantFrom(...EVENT_FIELDS, '__proto__', 'constructor', 'prototype'), fc.string({ unit: 'binary', maxLength: 10 })), tie('value'), { maxKeys: 4 })),
})).value
/** An event-shaped object: known fields (mostly right, sometimes hostile) plus stray keys. */
const hostileEvent = fc
  .record(
    {
      id: fc.oneof(fc.string({ unit: 'binary', maxLength: 140 }), hostileValue),
      initiative: fc.oneof(fc.constant('fuzz'), hostileValue),
      metric: fc.oneof(fc.constantFrom('time_saved', 'error_rate', 'revenue_influenced', 'decision_latency'), hostileValue),
      occurredAt: fc.oneof(fc.constant('2026-11-01T00:00:00Z'), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), hostileValue),
      value: fc.oneof(fc.double(), hostileValue),
      unit: hostileValue,
      errors: fc.oneof(fc.integer(), hostileValue),
      total: fc.oneof(fc.integer(), hostileValue),
      currency: hostileValue,
      attributes: fc.oneof(fc.dictionary(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 300 }), { maxKeys: 25 }), hostileValue),
    },
    { requiredKeys: [] },
  )
  .chain((e) => fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'events', 'extra'), hostileValue, { maxKeys: 2 }).map((x) => ({ ...e, ...x })))

/** JSON text where `__proto__` is an own key (JSON.stringify of an object literal would drop it). */
function withProtoKey(json: string): string {
  return json.startsWith('{') && json.length > 2 ? `{"__proto__":{"polluted":"yes","isAdmin":true},"constructor":{"prototype":{"polluted":"yes"}},${json.slice(1)}` : json
}

const CONTENT_TYPES = ['application/json', 'application/x-ndjson', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'text/plain', 'text/html', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/octet-stream', 'application/vnd.api+json', 'application/ndjson', 'image/png', '*/*', 'application/json; charset=bogus', ';;;', null]

describe('hostile input never gets a 5xx and always the JSON error shape', () => {
  it('POST /api/v1/events: random JSON, hostile events and batches, prototype keys', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          hostileEvent.map((e) => withProtoKey(JSON.stringify(e))),
          fc.array(hostileEvent, { maxLength: 20 }).map((events) => withProtoKey(JSON.stringify({ events }))),
          fc.array(hostileEvent, { maxLength: 10 }).map((events) => JSON.stringify(events)),
        ),
        fc.constantFrom('application/json', 'application/json', 'application/x-ndjson'),
        async (body, type) => {
          const ndjson = type === 'application/x-ndjson' && body.startsWith('{"events"') ? (JSON.parse(body) as { events: unknown[] }).events.map((e) => JSON.stringify(e)).join('\n') : body
          await check(`events ${type} ${ndjson.slice(0, 120)}`, await send('/api/v1/events', { method: 'POST', token: ingest, type, body: ndjson }), { api: true })
        },
      ),
      { numRuns: 3000 },
    )
    expect(failures).toEqual([])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
  }, 300_000)

  it('POST /api/v1/events: nesting, huge numbers, NaN and Infinity literals, surrogates, invalid UTF-8, content types, gigantic and truncated bodies', async () => {
    const ev = '{"initiative":"fuzz","metric":"time_saved","occurredAt":"2026-11-01T00:00:00Z","value":'
    const bodies: Array<[string, string | Buffer]> = [
      ['deep arrays', '['.repeat(10_000) + ']'.repeat(10_000)],
      ['deep objects', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)],
      ['deep attributes', ev + '1,"attributes":' + '{"a":'.repeat(10_000) + '"x"' + '}'.repeat(10_000) + '}'],
      ['deep events', '{"events":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}'],
      ['deep unclosed', '['.repeat(100_000)],
      ...['NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '123456789012345678901234567890', '0x10', '1_000', '+1', '.5', '01', '1e-400', '-0'].map((v): [string, string] => [`value ${v}`, `${ev}${v}}`]),
      ['lone surrogate escape in id', `${ev}1,"id":"\\ud800"}`],
      ['lone surrogate escape in initiative', '{"initiative":"\\udfff","metric":"time_saved","occurredAt":"2026-11-01T00:00:00Z","value":1}'],
      ['lone surrogate in attribute key', `${ev}1,"attributes":{"\\ud800":"x"}}`],
      ['invalid UTF-8 bytes', Buffer.concat([Buffer.from(`${ev}1,"id":"`), Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80]), Buffer.from('"}')])],
      ['UTF-16 BOM body', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${ev}1}`, 'utf16le')])],
      ['UTF-8 BOM body', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${ev}1}`)])],
      ['NUL bytes', `${ev}1,"id":"a\u0000b"}`],
      ['gigantic id', `${ev}1,"id":"${'x'.repeat(5_000_000)}"}`],
      ['gigantic attribute', `${ev}1,"attributes":{"a":"${'y'.repeat(9_000_000)}"}}`],
      ['over the body limit', `${ev}1,"attributes":{"a":"${'z'.repeat(11 * 1024 * 1024)}"}}`],
      ['many attributes', `${ev}1,"attributes":{${Array.from({ length: 50_000 }, (_, k) => `"k${k}":"v"`).join(',')}}}`],
      ['many events', JSON.stringify({ events: Array.from({ length: 20_000 }, () => ({})) })],
      ['many keys', `{${Array.from({ length: 200_000 }, (_, k) => `"k${k}":1`).join(',')}}`],
      ['duplicate keys', `${ev}1,"value":"x","value":2}`],
      ['truncated', `{"events":[${ev}1},${ev}`],
      ['empty', ''],
      ['whitespace', '   \n  '],
      ['null', 'null'],
      ['number', '42'],
      ['string', '"event"'],
      ['events null', '{"events":null}'],
      ['events object', '{"events":{"0":{}}}'],
      ['events with proto', '{"events":[],"__proto__":[]}'],
      ['proto events', '{"__proto__":{"events":[1]}}'],
      ['ndjson garbage', '{"a":1}\n\u0000\n{{{'],
    ]
    for (const [label, body] of bodies) {
      for (const type of CONTENT_TYPES) {
        await check(`events ${label} as ${type}`, await send('/api/v1/events', { method: 'POST', token: ingest, type, body }), { api: true })
      }
    }
    // Bodies cut short: the client closes while the server still waits for Content-Length bytes.
    for (const [label, body] of bodies.slice(0, 8)) {
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body)
      const head = `POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ingest}\r\nContent-Type: application/json\r\nContent-Length: ${bytes.length + 100}\r\n\r\n`
      const r = await rawHttp(Buffer.concat([Buffer.from(head), bytes.subarray(0, Math.floor(bytes.length / 2))]), { endEarly: true })
      tried++
      if (r && r.status >= 500) failures.push(`truncated ${label}: ${r.status}`)
    }
    // Chunked encoding with garbage chunk sizes, and a body that says gzip but is not.
    for (const raw of [
      `POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ingest}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n{"a":\r\nzz\r\n1}\r\n0\r\n\r\n`,
      `POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ingest}\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\nConnection: close\r\n\r\nnot gzip!!`,
      `POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ingest}\r\nContent-Type: application/json\r\nContent-Encoding: br\r\nContent-Length: 10\r\nConnection: close\r\n\r\nnot brotli`,
    ]) {
      const r = await rawHttp(Buffer.from(raw, 'latin1'), { endEarly: false })
      if (r) await check(`raw ${raw.slice(0, 60)}`, r, { api: true })
      else tried++
    }
    expect(failures).toEqual([])
  }, 300_000)

  it('every query and path parameter of every GET route', async () => {
    const routes = listRoutes(s.app.app).filter((r) => r.method === 'GET')
    expect(routes.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/v1/summary', '/api/v1/initiatives/:slug/series', '/api/v1/audit', '/healthz']))
    const PARAMS = ['metric', 'from', 'to', 'granularity', 'stage', 'split', 'compare', 'team', 'initiatives', 'entity', 'entityId', 'limit', 'token', 'reason', 'initiative', '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'from[]', 'to[0]', 'a[b]']
    const byte = fc.integer({ min: 0, max: 255 }).map((b) => '%' + b.toString(16).padStart(2, '0').toUpperCase())
    /** Percent-encoded text; lone surrogates become their (invalid) UTF-8 bytes %ED%A0%80… */
    const encode = (v: string) =>
      [...v].map((ch) => {
        const c = ch.codePointAt(0)!
        if (c >= 0xd800 && c <= 0xdfff) return ['%' + (0xe0 | (c >> 12)).toString(16), '%' + (0x80 | ((c >> 6) & 0x3f)).toString(16), '%' + (0x80 | (c & 0x3f)).toString(16)].join('').toUpperCase()
        return encodeURIComponent(ch)
      }).join('')
    const value = fc.oneof(
      fc.constantFrom('', '2026-01-01T00:00:00Z', '2026-11-01T00:00:00%2B05:30', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00Z', '-271821-04-20T00:00:00Z', '2026-02-30T00:00:00Z', '2026-01-01', '2026-01-01T00:00:00', 'NaN', 'Infinity', '-1', '0', '1e309', '99999999999999999999', 'hour', 'day', 'week', 'month', 'year', 'time_saved', 'error_rate', 'pilot', 'production', 'stage', 'previous', 'fuzz', 'fuzz,fuzz,,x', ',,,', 'initiative', 'event', '%', '%%', '%ZZ', '%FF%FE', '%C0%80', '%ED%A0%80', '%00', '..%2F..%2Fetc%2Fpasswd', "'%20or%201=1--"),
      fc.string({ unit: 'binary', maxLength: 60 }).map(encode),
      fc.array(byte, { maxLength: 12 }).map((b) => b.join('')),
      fc.integer({ min: 1000, max: 6000 }).map((n) => 'x'.repeat(n)),
      fc.double().map(String),
    )
    const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PARAMS), fc.string({ maxLength: 8 }).map(encode)), value), { maxLength: 6 })
    const pathParam = fc.oneof(fc.constantFrom('fuzz', '1', '0', '-1', '999999999999999999999', '__proto__', 'constructor', '%2E%2E', '%00', '%FF', '%ED%A0%80', 'a'.repeat(3000)), fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map(encode))
    const tokens = [admin, reader, ingest, undefined]
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(query, pathParam, fc.integer({ min: 0, max: 3 }), async (pairs, param, who) => {
          const p = route.path.replace(/:[A-Za-z_]+/g, param)
          const qs = pairs.map(([k, v]) => `${k}=${v}`).join('&')
          const url = qs ? `${p}?${qs}` : p
          await check(`GET ${url.slice(0, 200)}`, await send(url, { token: tokens[who] }), { api: route.path.startsWith('/api/') })
        }),
        { numRuns: route.path.startsWith('/api/') ? 400 : 100 },
      )
    }
    expect(failures).toEqual([])
  }, 300_000)

  it('stays healthy and keeps ingesting afterwards', async () => {
    expect((await s.fetch('/healthz')).status).toBe(200)
    const res = await s.fetch('/api/v1/events', { method: 'POST', token: ingest, json: { id: 'after-the-storm', initiative: 'fuzz', metric: 'time_saved', value: 3, occurredAt: '2026-11-01T00:00:00Z' } })
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0 })
    const n = await s.handle.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('client_id', '=', 'after-the-storm').executeTakeFirstOrThrow()
    expect(Number(n.n)).toBe(1)
    expect(tried).toBeGreaterThan(5000)
  })
})
