import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeTransaction } from '../../db/connection.js'
import { findAudit } from '../../db/queries/audit.js'
import { recordPruneHorizon } from '../../db/queries/retention.js'
import { rebuildRollups, rollupPending } from '../rollup/rollup-job.js'
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
/** Minutes of time saved posted per event, by (initiative, occurredAt); deletions remove entries. */
const posted = new Map<string, number>()

/** /summary of one initiative over [from, to): event count and hours, as the API answers them. */
async function summaryOf(slug: string, from: string, to: string) {
  const res = await s.fetch(`/api/v1/summary?initiatives=${slug}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { token: reader })
  expect(res.status).toBe(200)
  const body = (await res.json()) as { initiatives: Array<{ eventCount: number; timeSavedHours: number }> }
  return { eventCount: body.initiatives[0].eventCount, timeSavedHours: body.initiatives[0].timeSavedHours }
}
/** The same figures computed here from what was posted and not deleted. */
function expectedOf(slug: string, from: string, to: string) {
  let eventCount = 0
  let minutes = 0
  for (const [k, v] of posted) {
    const [initiative, at] = k.split('|')
    if (initiative !== slug || Date.parse(at) < Date.parse(from) || Date.parse(at) >= Date.parse(to)) continue
    eventCount++
    minutes += v
  }
  return { eventCount, timeSavedHours: Math.round((minutes / 60) * 1e6) / 1e6 }
}
const PERIODS: Array<[string, string]> = [
  ['2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'], // the whole month: the month bucket answers
  ['2026-11-23T00:00:00Z', '2026-11-24T00:00:00Z'], // one day: the day bucket
  ['2026-11-23T10:00:00Z', '2026-11-23T11:00:00Z'], // one hour
  ['2026-11-20T06:30:00Z', '2026-11-25T12:00:00Z'], // days, hours and raw edges
]
async function expectSummariesMatchRemainingEvents() {
  for (const slug of ['a', 'b']) for (const [from, to] of PERIODS) expect(await summaryOf(slug, from, to), `${slug} ${from}..${to}`).toEqual(expectedOf(slug, from, to))
}
let reader: string

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
  // Started before every period below: an initiative not started by a range's end is not in that range (CONTRACT, Money).
  await s.initiative({ slug: 'a', name: 'A', startedAt: '2026-11-01' })
  await s.initiative({ slug: 'b', name: 'B', startedAt: '2026-11-01' })
  ingest = await s.key('ingest')
  reader = await s.key('read')
  const events = ['a', 'b'].flatMap((initiative) => AT.map((occurredAt, i) => ({ id: `${initiative}-${i}`, initiative, metric: 'time_saved', occurredAt, value: 10 * (i + 1) })))
  events.push({ id: 'dup', initiative: 'a', metric: 'time_saved', occurredAt: '2026-11-10T09:00:00Z', value: 1 }, { id: 'dup', initiative: 'b', metric: 'time_saved', occurredAt: '2026-11-10T09:00:00Z', value: 1 })
  for (const e of events) posted.set(`${e.initiative}|${new Date(e.occurredAt).toISOString()}`, e.value)
  expect((await s.fetch('/api/v1/events', { method: 'POST', token: ingest, json: { events } })).status).toBe(202)
  await rollupPending(s.handle.db, { timezone: 'UTC', clock })
  admin = await sessionCookie(s.handle.db, await makeUser(s.handle.db, 'boss@example.com', 'admin', 'boss-password-1'), T0)
})
afterAll(async () => {
  await s?.close()
})

describe('event corrections', () => {
  it('deletes a range with a reason, recomputes the rollup buckets it touched, and audits once', async () => {
    const bBefore = label(await rollupRows('b'))
    // Per initiative: 5 hour buckets, 4 day buckets, 1 month bucket.
    expect(label(await rollupRows('a'))).toEqual(bBefore)
    expect(bBefore).toHaveLength(10)
    await expectSummariesMatchRemainingEvents()
    const res = await del('/api/v1/events/delete', { initiative: 'a', from: '2026-11-23T00:00:00Z', to: '2026-11-24T00:00:00Z', reason: 'duplicate import' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ deleted: 2, from: '2026-11-23T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z' })
    posted.delete('a|2026-11-23T10:00:00.000Z')
    posted.delete('a|2026-11-23T11:30:00.000Z')
    expect(await countEvents('a')).toBe(3)
    expect(await countEvents('b')).toBe(5)
    // Hours 23T10 and 23T11 and day 23 held only deleted events; November holds the other three.
    expect(label(await rollupRows('a'))).toEqual(['day 2026-11-10T00 1', 'day 2026-11-22T00 1', 'day 2026-11-24T00 1', 'hour 2026-11-10T09 1', 'hour 2026-11-22T09 1', 'hour 2026-11-24T09 1', 'month 2026-11-01T00 3'])
    expect(label(await rollupRows('b'))).toEqual(bBefore)
    // Without a rebuild or another rollup run, every period reads the remaining events only.
    await expectSummariesMatchRemainingEvents()
    const [entry] = await findAudit(s.handle.db, { entity: 'event' })
    expect(entry).toMatchObject({ actor: 'boss@example.com', action: 'delete', entityId: 'a:2026-11-23T00:00:00.000Z..2026-11-24T00:00:00.000Z', after: { deleted: 2, reason: 'duplicate import' } })
    expect((entry.before as { ids: number[] }).ids).toHaveLength(2)
  })

  it('deletes one event by its own id, recomputes its buckets, and audits it', async () => {
    const res = await del('/api/v1/events/a-3')
    expect(res.status).toBe(200)
    expect(((await res.json()) as { deleted: number }).deleted).toBe(1)
    posted.delete('a|2026-11-24T09:00:00.000Z')
    expect(await countEvents('a')).toBe(2)
    expect(label(await rollupRows('a'))).toEqual(['day 2026-11-10T00 1', 'day 2026-11-22T00 1', 'hour 2026-11-10T09 1', 'hour 2026-11-22T09 1', 'month 2026-11-01T00 2'])
    await expectSummariesMatchRemainingEvents()
    const [entry] = await findAudit(s.handle.db, { entity: 'event' })
    expect(entry.before).toMatchObject({ initiative: 'a', count: 1, clientId: 'a-3', occurredAt: '2026-11-24T09:00:00.000Z' })
    expect((await del('/api/v1/events/a-3')).status).toBe(404)
  })

  it('leaves events not yet rolled up to the rollup job, and the rollups equal a rebuild', async () => {
    const late = [
      { id: 'late-1', initiative: 'b', metric: 'time_saved', occurredAt: '2026-11-23T10:15:00Z', value: 7 },
      { id: 'late-2', initiative: 'b', metric: 'time_saved', occurredAt: '2026-11-23T10:45:00Z', value: 9 },
    ]
    expect((await s.fetch('/api/v1/events', { method: 'POST', token: ingest, json: { events: late } })).status).toBe(202)
    for (const e of late) posted.set(`b|${new Date(e.occurredAt).toISOString()}`, e.value)
    // late-2 (in the tail) goes, together with b-1 (rolled up) in the same hour.
    const res = await del('/api/v1/events/delete', { initiative: 'b', from: '2026-11-23T10:00:00Z', to: '2026-11-23T10:30:00Z', reason: 'test data' })
    expect(((await res.json()) as { deleted: number }).deleted).toBe(2)
    posted.delete('b|2026-11-23T10:00:00.000Z')
    posted.delete('b|2026-11-23T10:15:00.000Z')
    await expectSummariesMatchRemainingEvents()
    await rollupPending(s.handle.db, { timezone: 'UTC', clock })
    await expectSummariesMatchRemainingEvents()
    const incremental = [...label(await rollupRows('a')), ...label(await rollupRows('b'))]
    await rebuildRollups(s.handle.db, { timezone: 'UTC', clock })
    expect([...label(await rollupRows('a')), ...label(await rollupRows('b'))]).toEqual(incremental)
  })

  it('asks which initiative when an id is in several', async () => {
    expect((await del('/api/v1/events/dup')).status).toBe(409)
    expect((await del('/api/v1/events/dup?initiative=b')).status).toBe(200)
    posted.delete('b|2026-11-10T09:00:00.000Z')
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

  it('refuses a correction before the prune horizon, deleting nothing', async () => {
    await writeTransaction(s.handle.db, (tx) => recordPruneHorizon(tx, { before: Date.parse('2026-11-01T00:00:00Z'), at: T0, info: { test: true } }))
    const range = await del('/api/v1/events/delete', { initiative: 'b', from: '2026-10-15T00:00:00Z', to: '2026-11-30T00:00:00Z', reason: 'too far back' })
    expect(range.status).toBe(409)
    expect(((await range.json()) as { error: { message: string } }).error.message).toMatch(/^raw events before 2026-11-01T00:00:00.000Z were pruned, .* nothing was deleted/)
    const before = await countEvents('b')
    expect((await del('/api/v1/events/delete', { initiative: 'b', from: '2026-11-01T00:00:00Z', to: '2026-11-23T00:00:00Z', reason: 'after the horizon' })).status).toBe(200)
    expect(await countEvents('b')).toBe(before - 1)
    posted.delete('b|2026-11-22T09:00:00.000Z')
    await expectSummariesMatchRemainingEvents()
  })
})
