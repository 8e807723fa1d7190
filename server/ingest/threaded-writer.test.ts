import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findRollupState } from '../../db/queries/rollups.js'
import { RollupError } from '../rollup/rollup-job.js'
import { startTestServer, TEST_DIALECT, type TestServer } from '../testing/test-server.js'

/** The writer thread also runs the scheduled rollups (SQLite), between its commits. */
let s: TestServer
let token: string

beforeAll(async () => {
  s = await startTestServer()
  await s.initiative({ slug: 'invoices', name: 'Invoices' })
  token = await s.key('ingest')
})
afterAll(() => s.close())

describe.runIf(TEST_DIALECT === 'sqlite')('the writer thread', () => {
  it('rolls up the events it committed, and says so to the caller', async () => {
    expect(typeof s.app.writer.rollup).toBe('function')
    const events = Array.from({ length: 25 }, (_, i) => ({ id: `r${i}`, initiative: 'invoices', metric: 'time_saved', value: 3, occurredAt: '2026-11-02T10:00:00Z' }))
    expect((await s.fetch('/api/v1/events', { method: 'POST', token, json: { events } })).status).toBe(202)
    // Commits and a rollup requested together: the rollup sees every event committed before it ran.
    const [single, r] = await Promise.all([
      s.fetch('/api/v1/events', { method: 'POST', token, json: { id: 'late', initiative: 'invoices', metric: 'time_saved', value: 3, occurredAt: '2026-11-02T10:00:00Z' } }),
      s.app.writer.rollup!({ timezone: 'UTC' }),
    ])
    expect(single.status).toBe(202)
    expect(r.skipped).toBeNull()
    expect(r.eventsFolded).toBeGreaterThanOrEqual(25)
    const again = await s.app.writer.rollup!({ timezone: 'UTC' })
    expect(r.eventsFolded + again.eventsFolded).toBe(26)
    expect((await findRollupState(s.handle.db)).watermark).toBe(again.watermark)
  })

  it('passes a rollup refusal back as a RollupError with its message', async () => {
    const err = await s.app.writer.rollup!({ timezone: 'Asia/Tokyo' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RollupError)
    expect((err as Error).message).toContain('Asia/Tokyo')
  })
})
