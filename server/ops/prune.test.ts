/**
 * `prune --before MONTH`: rolls up first, deletes exactly the raw events before the local month start,
 * audits once, and leaves /summary and /series of the pruned months unchanged; a later rebuild is
 * refused instead of losing that history. Real server, real SQLite file, the CLI as a child process.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countRollupRows } from '../../db/queries/rollups.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const ZONE = 'Asia/Kolkata'
/** 2026-03-01 00:00 in Kolkata (UTC+05:30). */
const HORIZON = Date.parse('2026-02-28T18:30:00Z')

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, YARDSTICK_TIMEZONE: ZONE, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (c) => (stdout += c))
    child.stderr!.on('data', (c) => (stderr += c))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

const METRICS = ['time_saved', 'error_rate', 'revenue_influenced', 'decision_latency'] as const

let s: TestServer
let reader: string
let admin: string
const env = () => s.dbEnv

/** The answer's figures, without generatedAt and freshness (which move with every rollup). */
async function figures(pathname: string): Promise<unknown> {
  const res = await s.fetch(pathname, { token: reader })
  expect(res.status).toBe(200)
  const { generatedAt: _g, freshness: _f, ...rest } = (await res.json()) as Record<string, unknown>
  return rest
}

const QUERIES = [
  `/api/v1/summary?from=2026-01-01T00:00:00%2B05:30&to=2026-03-01T00:00:00%2B05:30`,
  `/api/v1/summary?from=2026-01-01T00:00:00%2B05:30&to=2026-05-01T00:00:00%2B05:30`,
  `/api/v1/summary?from=2026-02-01T00:00:00%2B05:30&to=2026-02-15T00:00:00%2B05:30`,
  ...METRICS.flatMap((m) => [
    `/api/v1/initiatives/claims/series?metric=${m}&from=2026-01-01T00:00:00%2B05:30&to=2026-05-01T00:00:00%2B05:30&granularity=month`,
    `/api/v1/initiatives/claims/series?metric=${m}&from=2026-01-01T00:00:00%2B05:30&to=2026-05-01T00:00:00%2B05:30&granularity=day`,
    `/api/v1/initiatives/claims/series?metric=${m}&from=2026-02-02T00:00:00%2B05:30&to=2026-03-09T00:00:00%2B05:30&granularity=week`,
  ]),
]

beforeAll(async () => {
  s = await startTestServer({ env: { YARDSTICK_TIMEZONE: ZONE } })
  await s.initiative({ slug: 'claims', name: 'Claims triage', currency: 'INR', hourlyValue: 900, upfrontCost: 100000, monthlyCost: 20000, costPerError: 250, startedAt: '2025-12-01', baselines: { errorRate: 0.2, decisionLatencySeconds: 900 } })
  reader = await s.key('read')
  admin = await s.key('admin')
})
afterAll(async () => {
  await s?.close()
})

describe('prune --before', () => {
  it('keeps the history in rollups, deletes exactly the raw events before the month, and audits it', async () => {
    const ingest = await s.key('ingest')
    // Four months of events, 1 every 37 minutes, plus two on either side of the horizon.
    const start = Date.parse('2026-01-01T00:00:00Z')
    const times = Array.from({ length: 4700 }, (_, k) => start + k * 37 * 60_000).concat([HORIZON - 1000, HORIZON])
    const events = times.map((t, k) => {
      const metric = METRICS[k % 4]
      const figures = metric === 'error_rate' ? { errors: k % 3, total: 10 } : { value: metric === 'revenue_influenced' ? 100 + (k % 50) : 1 + (k % 40) }
      return { id: `p${k}`, initiative: 'claims', metric, occurredAt: new Date(t).toISOString(), ...figures }
    })
    for (let i = 0; i < events.length; i += 1000) {
      expect((await s.fetch('/api/v1/events', { method: 'POST', token: ingest, json: { events: events.slice(i, i + 1000) } })).status).toBe(202)
    }
    const before = []
    for (const q of QUERIES) before.push(await figures(q))
    // A range that starts inside a pruned local hour (+05:30), just after one event, with the next
    // event of that hour inside the range: after the prune its sub-hour edge (that next event) is lost,
    // as the README says, and the hour's rollup must not stand in for it (that would count the event
    // before the edge instead).
    const HOUR = 3_600_000
    const hourOf = (t: number) => Math.floor((t + 5.5 * HOUR) / HOUR) * HOUR - 5.5 * HOUR
    const k = times.findIndex((t, i) => t >= Date.parse('2026-02-01T00:00:00Z') && hourOf(t) === hourOf(times[i + 1]) && hourOf(t) !== hourOf(t - 37 * 60_000))
    const edge = `/api/v1/summary?from=${encodeURIComponent(new Date(times[k] + 1).toISOString())}&to=2026-04-01T00:00:00%2B05:30`
    // [this period's count, the previous period's]: the previous period ends at the edge, in the same hour.
    const edgeCount = async () => {
      const f = (await figures(edge)) as { initiatives: Array<{ eventCount: number; previous: { eventCount: number } }> }
      return [f.initiatives[0].eventCount, f.initiatives[0].previous.eventCount]
    }
    const edgeBefore = await edgeCount()
    expect(edgeBefore).toEqual([times.filter((t) => t > times[k] && t < Date.parse('2026-04-01T00:00:00+05:30')).length, times.filter((t) => t <= times[k]).length])
    const toPrune = times.filter((t) => t < HORIZON).length

    // Only whole months.
    const mid = await cli(['prune', '--before', '2026-03-15', '--yes'], env())
    expect(mid.code).toBe(1)
    expect(mid.stderr).toContain('--before must be the first day of a month')

    // Without --yes: only counts. Nothing is rolled up yet: prune must roll up before it deletes.
    const dry = await cli(['prune', '--before', '2026-03-01'], env())
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain(`${toPrune.toLocaleString('en-US')} raw events before 2026-02-28T18:30:00.000Z (2026-03-01 in ${ZONE}) would be pruned`)
    const count = async (before = Infinity) => Number((await s.handle.db.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).where('occurred_at', '<', before === Infinity ? Number.MAX_SAFE_INTEGER : before).executeTakeFirstOrThrow()).n)
    expect(await count()).toBe(times.length)

    const run = await cli(['prune', '--before', '2026-03-01', '--yes'], env())
    expect(run.code).toBe(0)
    expect(run.stderr).toContain(`${toPrune.toLocaleString('en-US')} / ${toPrune.toLocaleString('en-US')} events pruned`)
    expect(await count()).toBe(times.length - toPrune)
    expect(await count(HORIZON)).toBe(0)
    expect(Number((await s.handle.db.selectFrom('events').select((eb) => eb.fn.min('occurred_at').as('m')).executeTakeFirstOrThrow()).m)).toBe(HORIZON)

    for (let i = 0; i < QUERIES.length; i++) expect(await figures(QUERIES[i]), QUERIES[i]).toEqual(before[i])
    // Each period loses the event in its pruned sub-hour edge, and no more.
    expect(await edgeCount()).toEqual([edgeBefore[0] - 1, edgeBefore[1] - 1])

    const audit = (await (await s.fetch('/api/v1/audit?entity=event', { token: admin })).json()) as { entries: Array<{ actor: string; action: string; entityId: string; before: { occurredBefore: string; count: number } }> }
    const prunes = audit.entries.filter((e) => e.action === 'prune')
    expect(prunes).toHaveLength(1)
    expect(prunes[0]).toMatchObject({ actor: 'cli', entityId: 'before:2026-02-28T18:30:00.000Z', before: { occurredBefore: '2026-02-28T18:30:00.000Z', count: toPrune } })

    // A retry of a pruned event (same id) cannot be told from a new one any more: it is refused, not counted twice.
    const retry = await s.fetch('/api/v1/events', { method: 'POST', token: ingest, json: events[0] })
    expect(retry.status).toBe(422)
    const refused = (await retry.json()) as { error: { details: Array<{ field: string; message: string }> } }
    expect(refused.error.details[0]).toMatchObject({ field: 'occurredAt' })
    expect(refused.error.details[0].message).toContain('pruned')
    expect((await s.fetch('/api/v1/events', { method: 'POST', token: ingest, json: events[events.length - 1] })).status).toBe(202)
    for (let i = 0; i < QUERIES.length; i++) expect(await figures(QUERIES[i]), QUERIES[i]).toEqual(before[i])

    // Again: nothing left to prune, no second audit entry.
    const again = await cli(['prune', '--before', '2026-03-01', '--yes'], env())
    expect(again.stdout).toContain('0 raw events')
    expect(((await (await s.fetch('/api/v1/audit?entity=event', { token: admin })).json()) as { entries: Array<{ action: string }> }).entries.filter((e) => e.action === 'prune')).toHaveLength(1)
  }, 120_000)

  it('refuses a rebuild that would lose the pruned history, leaving the rollups as they were', async () => {
    const rows = await countRollupRows(s.handle.db)
    expect(rows).toBeGreaterThan(0)
    const before = await figures(QUERIES[0])
    const rebuild = await cli(['rollup', '--rebuild'], env())
    expect(rebuild.code).toBe(1)
    expect(rebuild.stderr).toContain('raw events before 2026-02-28T18:30:00.000Z were pruned, so a rebuild cannot recompute their buckets')
    expect(await countRollupRows(s.handle.db)).toBe(rows)
    expect(await figures(QUERIES[0])).toEqual(before)
  }, 60_000)

  it('refuses a month that has not started', async () => {
    const r = await cli(['prune', '--before', '2099-01', '--yes'], env())
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('--before is in the future')
  }, 30_000)
})
