import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrateToLatest, openDatabase, type DbHandle } from '../../db/connection.js'
import type { EventRow } from '../../db/queries/events.js'
import { createBareInitiatives, tempDir } from '../testing/test-server.js'
import { EventWriter, SMALL_REQUEST_ROWS } from './event-writer.js'

/** Fairness of the writer queue, on a real SQLite file: which commit each request's rows went into. */
let dir: string
let h: DbHandle

const rows = (prefix: string, n: number): EventRow[] =>
  Array.from({ length: n }, (_, i) => ({ initiative_id: 1, metric: 'time_saved', client_id: `${prefix}-${i}`, quantity: 60_000, errors: null, total: null, occurred_at: Date.UTC(2026, 10, 1), received_at: 0, key_id: null, stage: 'pilot', attributes: null }))

/** The smallest and largest row id stored for each id prefix: rows of one commit are contiguous. */
async function span(prefix: string): Promise<[number, number]> {
  const r = await h.db.selectFrom('events').select((eb) => [eb.fn.min('id').as('lo'), eb.fn.max('id').as('hi')]).where('client_id', 'like', `${prefix}-%`).executeTakeFirstOrThrow()
  return [Number(r.lo), Number(r.hi)]
}

beforeEach(async () => {
  dir = tempDir()
  h = openDatabase(path.join(dir, 'w.db'))
  await migrateToLatest(h.db)
  await createBareInitiatives(h.db, ['a'])
})
afterEach(async () => {
  await h.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('the writer queue', () => {
  it('commits a single event posted behind large batches before the batches queued ahead of it', async () => {
    const writer = new EventWriter(h.db, Date.now, 2_000)
    const big = ['L1', 'L2', 'L3', 'L4'].map((p) => writer.submit(rows(p, 1_500), null))
    const single = writer.submit(rows('S', 1), null)
    const answers = await Promise.all([...big, single])
    expect(answers.every((a) => a.accepted + a.duplicates > 0)).toBe(true)
    const [s] = await span('S')
    // The first commit takes the single event and one batch (the cap leaves the others for later).
    expect(s).toBeLessThan((await span('L2'))[0])
    expect(s).toBeLessThan((await span('L3'))[0])
    expect(writer.stats.commits).toBe(4)
  })

  it('keeps a later small request ahead of batches still waiting while a commit is in progress', async () => {
    const writer = new EventWriter(h.db, Date.now, 2_000)
    const first = writer.submit(rows('F', 1_500), null)
    // Wait until the first batch's commit has started, then queue more batches and one event.
    await new Promise((r) => setImmediate(r))
    const later = ['M1', 'M2', 'M3'].map((p) => writer.submit(rows(p, 1_500), null))
    const single = writer.submit(rows('T', 1), null)
    await Promise.all([first, ...later, single])
    const [t] = await span('T')
    expect(t).toBeGreaterThan((await span('F'))[1])
    expect(t).toBeLessThan((await span('M2'))[0])
    expect(t).toBeLessThan((await span('M3'))[0])
  })

  it('puts every waiting small request into one commit, and a request over the cap into one of its own, whole', async () => {
    const writer = new EventWriter(h.db, Date.now, 2_000)
    const smalls = Array.from({ length: 30 }, (_, i) => writer.submit(rows(`s${i}`, SMALL_REQUEST_ROWS), null))
    const huge = writer.submit(rows('H', 5_000), null)
    const answers = await Promise.all([...smalls, huge])
    expect(answers.at(-1)).toEqual({ accepted: 5_000, duplicates: 0 })
    // 3,000 small rows go over the cap together (small requests are never left out), then the huge one.
    expect(writer.stats.commits).toBe(2)
    const [lo, hi] = await span('H')
    expect(hi - lo + 1).toBe(5_000)
  })

  it('counts a repeated id once across commits', async () => {
    const writer = new EventWriter(h.db, Date.now, 2_000)
    const a = writer.submit(rows('R', 1_500), null)
    const b = writer.submit(rows('R', 1_500), null)
    const [ra, rb] = await Promise.all([a, b])
    expect(ra.accepted + rb.accepted).toBe(1_500)
    expect(ra.duplicates + rb.duplicates).toBe(1_500)
  })
})
