/**
 * One ingest key could stop rollups for everyone (issue "Close the scope holes", finding 3): values are
 * now limited after units are applied, and a row the rollup cannot fold is skipped and reported while
 * every other event (and initiative) keeps rolling up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateToLatest, openDatabase, writeTransaction, type DbHandle } from '../../db/connection.js'
import { insertEventRows, type EventRow } from '../../db/queries/events.js'
import { listSkippedEvents } from '../../db/queries/rollup-skips.js'
import { listRollupRows } from '../../db/queries/rollups.js'
import { createBareInitiatives, startTestServer, tempDir, testDatabase, type TestDatabase, type TestServer } from '../testing/test-server.js'
import { rebuildRollups, rollupPending } from './rollup-job.js'
import { recomputeBuckets } from './refold.js'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 10, 2, 9, 0) // 2026-11-02T09:00Z

describe('ingest refuses amounts too large once the unit is applied', () => {
  let s: TestServer
  let key = ''
  beforeAll(async () => {
    s = await startTestServer()
    await s.initiative({ slug: 'alpha', name: 'Alpha', currency: 'USD' })
    key = await s.key('ingest')
  })
  afterAll(async () => {
    await s?.close()
  })
  const at = () => new Date(Date.now() - HOUR).toISOString()
  const post = (events: unknown[]) => s.fetch('/api/v1/events', { method: 'POST', token: key, json: { events } })

  it.each([
    ['time_saved 1e12 hours', { metric: 'time_saved', value: 1e12, unit: 'hours' }],
    ['time_saved just over 1,000,000 hours', { metric: 'time_saved', value: 1_000_001, unit: 'hours' }],
    ['decision_latency 4e9 seconds', { metric: 'decision_latency', value: 4e9 }],
    ['revenue over 10^13 cents', { metric: 'revenue_influenced', value: 100_000_000_001 }],
    ['revenue under -10^13 cents', { metric: 'revenue_influenced', value: -100_000_000_001 }],
    ['error_rate total over 10^9', { metric: 'error_rate', errors: 1, total: 1_000_000_001 }],
  ])('422 for %s, nothing stored', async (_name, e) => {
    const res = await post([{ initiative: 'alpha', occurredAt: at(), value: 1, metric: 'time_saved' }, { initiative: 'alpha', occurredAt: at(), ...e }])
    expect(res.status).toBe(422)
    const body = (await res.json()) as { error: { details: Array<{ index: number; field: string; message: string }> } }
    expect(body.error.details).toHaveLength(1)
    expect(body.error.details[0]).toMatchObject({ index: 1 })
    expect(body.error.details[0].message).toMatch(/at most/)
  })

  it('accepts the largest amounts allowed', async () => {
    const res = await post([
      { initiative: 'alpha', occurredAt: at(), metric: 'time_saved', value: 1_000_000, unit: 'hours' },
      { initiative: 'alpha', occurredAt: at(), metric: 'revenue_influenced', value: -100_000_000_000 },
      { initiative: 'alpha', occurredAt: at(), metric: 'error_rate', errors: 1_000_000_000, total: 1_000_000_000 },
    ])
    expect(res.status).toBe(202)
  })
})

describe('a rollup that skips and reports a row it cannot fold', () => {
  let handle: DbHandle
  let tdb: TestDatabase
  beforeAll(async () => {
    tdb = await testDatabase(tempDir('yardstick-overflow-'))
    handle = openDatabase(tdb.target, { sync: 'normal' })
    await migrateToLatest(handle.db)
    await createBareInitiatives(handle.db, ['a', 'b'])
  })
  afterAll(async () => {
    await handle?.close()
    await tdb?.drop()
  })

  const row = (initiative: number, quantity: number, at = T0, metric = 'time_saved'): EventRow => ({ initiative_id: initiative, metric, client_id: null, quantity, errors: null, total: null, occurred_at: at, received_at: at, key_id: null, stage: 'pilot', attributes: null })
  const monthSum = async (initiative: number, metric = 'time_saved') => (await listRollupRows(handle.db)).filter((r) => r.initiativeId === initiative && r.metric === metric && r.grain === 'month').reduce((n, r) => n + r.quantitySum, 0)

  it('keeps rolling up every other event when three rows would overflow (stored before the limit)', async () => {
    // Ids 1-7: good rows of a and b around three rows of 1e12 hours in ms (3.6e18 each: their sum overflows 64 bits).
    await writeTransaction(handle.db, (tx) => insertEventRows(tx, [row(1, 60_000), row(2, 120_000), row(1, 3.6e18), row(1, 3.6e18, T0 + HOUR), row(2, 180_000, T0 + HOUR), row(1, 3.6e18), row(1, 240_000)]))
    const r = await rollupPending(handle.db, { timezone: 'UTC' })
    expect(r.skippedEvents).toEqual([3, 4, 6])
    expect(r.watermark).toBe(7)
    expect(await monthSum(1)).toBe(60_000 + 240_000)
    expect(await monthSum(2)).toBe(120_000 + 180_000)
    const listed = await listSkippedEvents(handle.db)
    expect(listed.map((e) => [e.eventId, e.initiative, e.quantity])).toEqual([[3, 'a', 3.6e18], [4, 'a', 3.6e18], [6, 'a', 3.6e18]])
    // The next run has nothing left to do and does not fail.
    const again = await rollupPending(handle.db, { timezone: 'UTC' })
    expect(again.skippedEvents).toEqual([])
  })

  it('skips only the event whose addition would pass the exact range, later events fold', async () => {
    // 4e15 + 4e15 = 8e15 fits below 2^53 ≈ 9.007e15; a third 4e15 would not.
    await writeTransaction(handle.db, (tx) => insertEventRows(tx, [row(2, 4e15, T0, 'revenue_influenced'), row(2, 4e15, T0, 'revenue_influenced'), row(2, 4e15, T0, 'revenue_influenced'), row(2, 5, T0, 'revenue_influenced')]))
    const r = await rollupPending(handle.db, { timezone: 'UTC', stepIds: 100 })
    expect(r.skippedEvents).toEqual([10])
    expect(await monthSum(2, 'revenue_influenced')).toBe(8e15 + 5)
  })

  it('a correction refolds without the skipped events, and a rebuild skips them again', async () => {
    await writeTransaction(handle.db, (tx) => recomputeBuckets(tx, { initiativeId: 1, from: T0, to: T0 + 2 * HOUR, timezone: 'UTC' }))
    expect(await monthSum(1)).toBe(300_000)
    const rebuilt = await rebuildRollups(handle.db, { timezone: 'UTC' })
    expect(rebuilt.skippedEvents).toEqual([3, 4, 6, 10])
    expect(await monthSum(1)).toBe(300_000)
    expect(await monthSum(2)).toBe(300_000)
  })
})
