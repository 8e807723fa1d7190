import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { startTestServer, type TestServer } from '../testing/test-server.js'
import { spawnSync } from 'node:child_process'
import { openDatabase, writeTransaction } from '../../db/connection.js'
import { hashToken } from '../../db/queries/keys.js'
import { createInitiative, updateInitiative } from '../../db/queries/initiatives.js'
import { parseCreateInitiative } from './initiative-input.js'

let s: TestServer
let ingest: string
let scoped: string
let readKey: string

const at = '2026-11-20T09:00:00Z'
const ev = (extra: Record<string, unknown> = {}) => ({ initiative: 'invoices', metric: 'time_saved', value: 10, occurredAt: at, ...extra })

async function stored(where: { initiative?: string } = {}) {
  let q = s.handle.db.selectFrom('events').innerJoin('initiatives', 'initiatives.id', 'events.initiative_id').select(['events.client_id', 'events.metric', 'events.quantity', 'events.errors', 'events.total', 'events.occurred_at', 'events.stage', 'events.attributes', 'initiatives.slug'])
  if (where.initiative) q = q.where('initiatives.slug', '=', where.initiative)
  return q.orderBy('events.id').execute()
}

beforeAll(async () => {
  s = await startTestServer()
  await s.initiative({ slug: 'invoices', name: 'Invoice processing', currency: 'USD', hourlyValue: 40 })
  await s.initiative({ slug: 'scheduling', name: 'Appointment scheduling', currency: 'JPY' })
  ingest = await s.key('ingest')
  scoped = await s.key('ingest', ['scheduling'])
  readKey = await s.key('read')
})
afterAll(() => s.close())

async function post(body: unknown, opts: { token?: string; type?: string; raw?: string } = {}) {
  const res = await s.fetch('/api/v1/events', {
    method: 'POST',
    token: opts.token ?? ingest,
    headers: { 'content-type': opts.type ?? 'application/json' },
    body: opts.raw ?? JSON.stringify(body),
  })
  return { status: res.status, body: await res.json(), headers: res.headers }
}

describe('POST /api/v1/events', () => {
  it('accepts one event and stores it in base units after the commit', async () => {
    const r = await post(ev({ id: 'one', value: 1.5, unit: 'hours', attributes: { team: 'ap' } }))
    expect(r).toMatchObject({ status: 202, body: { accepted: 1, duplicates: 0 } })
    const row = (await stored()).find((e) => e.client_id === 'one')!
    expect(row).toMatchObject({ metric: 'time_saved', quantity: 5_400_000, occurred_at: Date.parse(at), stage: 'pilot', attributes: '{"team":"ap"}' })
  })

  it('accepts a {events} batch and NDJSON', async () => {
    const batch = await post({ events: [ev({ id: 'b1' }), ev({ id: 'b2', metric: 'error_rate', value: undefined, errors: 2, total: 50 })] })
    expect(batch).toMatchObject({ status: 202, body: { accepted: 2, duplicates: 0 } })
    const nd = [ev({ id: 'n1', metric: 'decision_latency', value: 2.25 }), ev({ id: 'n2', metric: 'revenue_influenced', value: 19.99 })].map((e) => JSON.stringify(e)).join('\n') + '\n'
    const r = await post(null, { type: 'application/x-ndjson', raw: nd })
    expect(r).toMatchObject({ status: 202, body: { accepted: 2, duplicates: 0 } })
    const rows = await stored()
    expect(rows.find((e) => e.client_id === 'n1')!.quantity).toBe(2250)
    expect(rows.find((e) => e.client_id === 'n2')!.quantity).toBe(1999)
    expect(rows.find((e) => e.client_id === 'b2')).toMatchObject({ errors: 2, total: 50, quantity: null })
  })

  it('counts a repeated event id once: within a batch, across batches, across concurrent requests', async () => {
    const within = await post({ events: [ev({ id: 'd1' }), ev({ id: 'd1' }), ev({ id: 'd2' })] })
    expect(within.body).toEqual({ accepted: 2, duplicates: 1 })
    const across = await post({ events: [ev({ id: 'd1' }), ev({ id: 'd3' })] })
    expect(across.body).toEqual({ accepted: 1, duplicates: 1 })
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => post(ev({ id: 'race' }))))
    expect(concurrent.every((r) => r.status === 202)).toBe(true)
    expect(concurrent.reduce((n, r) => n + r.body.accepted, 0)).toBe(1)
    expect(concurrent.reduce((n, r) => n + r.body.duplicates, 0)).toBe(19)
    const rows = await stored()
    for (const id of ['d1', 'd2', 'd3', 'race']) expect(rows.filter((e) => e.client_id === id)).toHaveLength(1)
  })

  it('scopes idempotency to the initiative', async () => {
    const r = await post({ events: [ev({ id: 'shared' }), ev({ id: 'shared', initiative: 'scheduling' })] })
    expect(r.body).toEqual({ accepted: 2, duplicates: 0 })
  })

  it('rejects the whole batch when one event is invalid, listing every bad event, and stores nothing', async () => {
    const before = (await stored()).length
    const r = await post({ events: [ev({ id: 'ok1' }), ev({ id: 'bad1', occurredAt: '2026-11-20T09:00:00' }), ev({ id: 'ok2' }), ev({ id: 'bad2', metric: 'error_rate', value: undefined, errors: 5, total: 2 }), ev({ id: 'bad3', initiative: 'nope' })] })
    expect(r.status).toBe(422)
    expect(r.body.error.code).toBe('validation_failed')
    expect(r.body.error.details.map((d: { index: number; field: string }) => [d.index, d.field])).toEqual([[1, 'occurredAt'], [3, 'errors'], [4, 'initiative']])
    expect(r.body.error.details[0].message).toContain('2026-11-25T09:00:00Z')
    expect((await stored()).length).toBe(before)
  })

  it.each<[string, Record<string, unknown>, string]>([
    ['a currency other than the initiative\'s', { metric: 'revenue_influenced', value: 5, currency: 'EUR' }, 'currency'],
    ['more decimals than the currency has', { metric: 'revenue_influenced', value: 5.001 }, 'value'],
    ['an event too far in the future', { occurredAt: new Date(Date.now() + 10 * 60_000).toISOString() }, 'occurredAt'],
    ['a negative duration', { value: -3 }, 'value'],
    ['an unknown metric', { metric: 'accuracy' }, 'metric'],
  ])('answers 422 for %s', async (_n, extra, field) => {
    const r = await post(ev(extra))
    expect(r.status).toBe(422)
    expect(r.body.error.details[0]).toMatchObject({ index: 0, field })
  })

  it.each<[string, () => Promise<{ status: number; body: any; headers?: Headers }>, number, string]>([
    ['unreadable JSON', () => post(null, { raw: '{"initiative": ' }), 400, 'bad_request'],
    ['a bad NDJSON line', () => post(null, { type: 'application/x-ndjson', raw: JSON.stringify(ev()) + '\n{oops\n' }), 400, 'bad_request'],
    ['an empty batch', () => post({ events: [] }), 400, 'bad_request'],
    ['a wrong content type', () => post(null, { type: 'text/plain', raw: 'hello' }), 415, 'unsupported_media_type'],
    ['no key', async () => { const res = await fetch(s.url + '/api/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ev()) }); return { status: res.status, body: await res.json() } }, 401, 'unauthorized'],
    ['an unknown key', () => post(ev(), { token: 'ys_live_nope' }), 401, 'unauthorized'],
    ['a key scoped to other initiatives', () => post(ev(), { token: scoped }), 403, 'forbidden'],
    ['a read key', () => post(ev(), { token: readKey }), 403, 'forbidden'],
  ])('answers %s with the JSON error shape', async (_n, call, status, code) => {
    const r = await call()
    expect(r.status).toBe(status)
    expect(r.body.error).toMatchObject({ code })
    expect(typeof r.body.error.message).toBe('string')
    expect(Array.isArray(r.body.error.details)).toBe(true)
  })

  it('takes at least 5,000 events in one request and refuses more than the limit with 413', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => ev({ id: `bulk-${i}`, attributes: { note: 'x'.repeat(600) } }))
    const body = JSON.stringify({ events: many })
    expect(body.length).toBeGreaterThan(3_000_000)
    const ok = await post(null, { raw: body })
    expect(ok).toMatchObject({ status: 202, body: { accepted: 5000, duplicates: 0 } })
    const tooMany = await post({ events: Array.from({ length: s.config.maxEventsPerRequest + 1 }, () => ev()) })
    expect(tooMany.status).toBe(413)
    const tooBig = await post(null, { raw: JSON.stringify({ events: [ev({ attributes: { a: 'x'.repeat(1000) } })] }).padEnd(s.config.maxBodyBytes + 10, ' ') })
    expect(tooBig.status).toBe(413)
    expect(tooBig.body.error.code).toBe('payload_too_large')
  })

  it('records the stage at the time of the event', async () => {
    const patch = await s.fetch('/api/v1/initiatives/scheduling', { method: 'PATCH', token: await s.key('admin'), json: { stage: 'scaling' } })
    expect(patch.status).toBe(200)
    const r = await post({ events: [ev({ id: 'st-old', initiative: 'scheduling', occurredAt: '2020-01-01T00:00:00Z' }), ev({ id: 'st-new', initiative: 'scheduling', occurredAt: new Date().toISOString() })] })
    expect(r.status).toBe(202)
    const rows = await stored({ initiative: 'scheduling' })
    expect(rows.find((e) => e.client_id === 'st-old')!.stage).toBe('pilot')
    expect(rows.find((e) => e.client_id === 'st-new')!.stage).toBe('scaling')
  })

  it('keeps the last-used time of a key', async () => {
    const rows = await sql<{ n: number }>`select count(*) as n from api_keys where last_used_at is not null`.execute(s.handle.db)
    expect(rows.rows[0].n).toBeGreaterThanOrEqual(1)
  })

  it('answers 429 with Retry-After past the per-key rate', async () => {
    const t = await startTestServer({ env: { YARDSTICK_INGEST_RATE: '5' } })
    try {
      await t.initiative({ slug: 'invoices', name: 'Invoices' })
      const token = await t.key('ingest')
      const results = await Promise.all(Array.from({ length: 15 }, () => t.fetch('/api/v1/events', { method: 'POST', token, json: ev() })))
      const limited = results.filter((r) => r.status === 429)
      expect(limited.length).toBeGreaterThan(0)
      expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      expect((await limited[0].json()).error.code).toBe('rate_limited')
    } finally {
      await t.close()
    }
  })
})

describe('key and initiative lookups', () => {
  it('honours a revocation made by another process (the CLI) at once', async () => {
    const token = await s.key('ingest')
    expect((await post(ev({ id: 'before-revoke' }), { token })).status).toBe(202)
    const keyId = (await s.handle.db.selectFrom('api_keys').select('id').where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow()).id
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'keys', 'revoke', String(keyId)], { env: { ...process.env, ...s.dbEnv }, encoding: 'utf8' })
    expect(cli.stdout).toContain(`revoked key ${keyId}`)
    expect((await post(ev({ id: 'after-revoke' }), { token })).status).toBe(401)
  }, 60_000)

  it('sees an initiative registered by another process at once, and its new currency', async () => {
    const other = openDatabase(s.config.database)
    const parsed = parseCreateInitiative({ slug: 'late-comer', name: 'Late comer', currency: 'EUR' }, 'UTC', Date.now())
    if (!parsed.ok) throw new Error('bad')
    await writeTransaction(other.db, (tx) => createInitiative(tx, parsed.value, { actor: 'cli', at: Date.now() }))
    expect((await post(ev({ initiative: 'late-comer', metric: 'revenue_influenced', value: 5, currency: 'EUR' }))).status).toBe(202)
    await writeTransaction(other.db, (tx) => updateInitiative(tx, 'late-comer', { currency: 'GBP' }, { actor: 'cli', at: Date.now() }))
    await other.close()
    const r = await post(ev({ initiative: 'late-comer', metric: 'revenue_influenced', value: 5, currency: 'EUR' }))
    expect(r.status).toBe(422)
    expect(r.body.error.details[0].message).toContain('GBP')
  })
})

describe('GET /healthz', () => {
  it('answers ok while the database answers', async () => {
    const res = await fetch(s.url + '/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
    expect(res.headers.get('x-powered-by')).toBeNull()
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })
})
