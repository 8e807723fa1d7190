import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findAudit } from '../../db/queries/audit.js'
import { rollupPending } from '../rollup/rollup-job.js'
import { makeUser, sessionCookie } from '../auth/test-helpers.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'

const T0 = Date.parse('2026-11-25T12:00:00Z')
const clock = () => T0
let s: TestServer
let admin: string
let ingest: string

const AT = ['2026-11-22T09:00:00Z', '2026-11-23T10:00:00Z', '2026-11-23T11:30:00Z', '2026-11-24T09:00:00Z']

async function rollupRows(slug: string) {
  return s.handle.db
    .selectFrom('rollups')
    .innerJoin('initiatives', 'initiatives.id', 'rollups.initiative_id')
    .select(['rollups.grain', 'rollups.bucket_start', 'rollups.count'])
    .where('initiatives.slug', '=', slug)
    .orderBy('rollups.grain')
    .orderBy('rollups.bucket_start')
    .execute()
}
const label = (rows: Array<{ grain: string; bucket_start: number; count: number }>) => rows.map((r) => `${r.grain} ${new Date(r.bucket_start).toISOString().slice(0, 13)} ${r.count}`)

async function countEvents(slug: string) {
  const r = await s.handle.db.selectFrom('events').innerJoin('initiatives', 'initiatives.id', 'events.initiative_id').select((eb) => eb.fn.countAll<number>().as('n')).where('initiatives.slug', '=', slug).executeTakeFirstOrThrow()
  return Number(r.n)
}

function del(path: string, body?: unknown, cookie = admin) {
  return fetch(s.url + path, { method: body === undefined ? 'DELETE' : 'POST', headers: { cookie, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
}

beforeAll(async () => {
  s = await startTestServer({ clock })
  await s.initiative({ slug: 'a', name: 'A' })
  await s.initiative({ slug: 'b', name: 'B' })
  ingest = await s.key('ingest')
  const events = ['a', 'b'].flatMap((initiative) => AT.map((occurredAt, i) => ({ id: `${initiative}-${i}`, initiative, metric: 'time_saved', occurredAt, value: 10 * (i + 1) })))
  events.push({ id: 'dup', initiative: 'a', metric: 'time_saved', occurredAt: '2026-11-10T09:00:00Z', value: 1 }, { id: 'dup', initiative: 'b', metric: 'time_saved', occurredAt: '2026-11-10T09:00:00Z', value: 1 })
  expect((await s.fetch('/api/v1/events', { method: 'POST', token: ingest, json: { events } })).status).toBe(202)
  await rollupPending(s.handle.db, { timezone: 'UTC', clock })
  admin = await sessionCookie(s.handle.db, await makeUser(s.handle.db, 'boss@example.com', 'admin', 'boss-password-1'), T0)
})
afterAll(async () => {
  await s?.close()
})

describe('event corrections', () => {
  it('deletes a range with a reason, drops the rollup buckets it touched, and audits once', async () => {
    const bBefore = label(await rollupRows('b'))
    // Per initiative: 5 hour buckets, 4 day buckets, 1 month bucket.
    expect(label(await rollupRows('a'))).toEqual(bBefore)
    expect(bBefore).toHaveLength(10)
    const res = await del('/api/v1/events/delete', { initiative: 'a', from: '2026-11-23T00:00:00Z', to: '2026-11-24T00:00:00Z', reason: 'duplicate import' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ deleted: 2, from: '2026-11-23T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z' })
    expect(await countEvents('a')).toBe(3)
    expect(await countEvents('b')).toBe(5)
    // Gone: hours 23T10 and 23T11, day 23, and the November month; the other buckets stay as they were.
    expect(label(await rollupRows('a'))).toEqual(['day 2026-11-10T00 1', 'day 2026-11-22T00 1', 'day 2026-11-24T00 1', 'hour 2026-11-10T09 1', 'hour 2026-11-22T09 1', 'hour 2026-11-24T09 1'])
    expect(label(await rollupRows('b'))).toEqual(bBefore)
    const [entry] = await findAudit(s.handle.db, { entity: 'event' })
    expect(entry).toMatchObject({ actor: 'boss@example.com', action: 'delete', entityId: 'a:2026-11-23T00:00:00.000Z..2026-11-24T00:00:00.000Z', after: { deleted: 2, reason: 'duplicate import' } })
    expect((entry.before as { ids: number[] }).ids).toHaveLength(2)
  })

  it('deletes one event by its own id and audits it', async () => {
    const res = await del('/api/v1/events/a-3')
    expect(res.status).toBe(200)
    expect(((await res.json()) as { deleted: number }).deleted).toBe(1)
    expect(await countEvents('a')).toBe(2)
    expect(label(await rollupRows('a'))).toEqual(['day 2026-11-10T00 1', 'day 2026-11-22T00 1', 'hour 2026-11-10T09 1', 'hour 2026-11-22T09 1'])
    const [entry] = await findAudit(s.handle.db, { entity: 'event' })
    expect(entry.before).toMatchObject({ initiative: 'a', count: 1, clientId: 'a-3', occurredAt: '2026-11-24T09:00:00.000Z' })
    expect((await del('/api/v1/events/a-3')).status).toBe(404)
  })

  it('asks which initiative when an id is in several', async () => {
    expect((await del('/api/v1/events/dup')).status).toBe(409)
    expect((await del('/api/v1/events/dup?initiative=b')).status).toBe(200)
    expect(await countEvents('b')).toBe(4)
  })

  it('requires a reason for a range, and is for admins only', async () => {
    const bad = await del('/api/v1/events/delete', { initiative: 'a', from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' })
    expect(bad.status).toBe(422)
    const editor = await sessionCookie(s.handle.db, await makeUser(s.handle.db, 'ed@example.com', 'editor', 'ed-password-12'), T0)
    expect((await del('/api/v1/events/delete', { initiative: 'a', from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z', reason: 'x' }, editor)).status).toBe(403)
    expect((await s.fetch('/api/v1/events/a-0', { method: 'DELETE', token: ingest })).status).toBe(403)
    expect(await countEvents('a')).toBe(2)
  })
})
