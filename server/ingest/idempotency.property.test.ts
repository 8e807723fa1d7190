import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/test-server.js'

let s: TestServer
let token: string
beforeAll(async () => {
  s = await startTestServer()
  await s.initiative({ slug: 'a', name: 'A' })
  await s.initiative({ slug: 'b', name: 'B' })
  token = await s.key('ingest')
})
afterAll(() => s.close())

describe('idempotent ingestion (property)', () => {
  it('stores exactly the distinct events of any sequence of batches with random retries', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        // A pool of distinct events, then a schedule of batches drawn from it (repeats = retries).
        fc.uniqueArray(fc.record({ id: fc.string({ minLength: 1, maxLength: 6 }), initiative: fc.constantFrom('a', 'b'), minutes: fc.integer({ min: 0, max: 600 }) }), { minLength: 1, maxLength: 30, selector: (e) => e.initiative + '/' + e.id }),
        fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        async (pool, schedule, concurrent) => {
          run++
          const tag = `r${run}-`
          const batches = schedule.map((idxs) => idxs.map((i) => pool[i % pool.length]))
          const send = async (batch: typeof pool) => {
            const res = await s.fetch('/api/v1/events', {
              method: 'POST',
              token,
              json: { events: batch.map((e) => ({ id: tag + e.id, initiative: e.initiative, metric: 'time_saved', value: e.minutes, occurredAt: '2026-11-01T00:00:00Z' })) },
            })
            expect(res.status).toBe(202)
            return (await res.json()) as { accepted: number; duplicates: number }
          }
          const results = concurrent ? await Promise.all(batches.map(send)) : await (async () => { const out = []; for (const b of batches) out.push(await send(b)); return out })()
          const sent = new Map<string, number>()
          for (const b of batches) for (const e of b) sent.set(e.initiative + '/' + tag + e.id, e.minutes)
          const accepted = results.reduce((n, r) => n + r.accepted, 0)
          const total = results.reduce((n, r) => n + r.accepted + r.duplicates, 0)
          expect(accepted).toBe(sent.size)
          expect(total).toBe(batches.reduce((n, b) => n + b.length, 0))
          const rows = await s.handle.db
            .selectFrom('events')
            .innerJoin('initiatives', 'initiatives.id', 'events.initiative_id')
            .select(['initiatives.slug', 'events.client_id', 'events.quantity'])
            .where('events.client_id', 'like', `${tag}%`)
            .execute()
          expect(rows.length).toBe(sent.size)
          for (const r of rows) expect(r.quantity).toBe(sent.get(r.slug + '/' + r.client_id)! * 60_000)
        },
      ),
      { numRuns: 60 },
    )
  })
})
