/**
 * Rollup part of `npm run bench`:
 * 1. 1M events inserted directly (kysely, not HTTP) into a temp database: the incremental rollup of all
 *    of them and a rebuild, each beside a raw `GROUP BY initiative_id, metric, occurred_at/3600000`
 *    over the same rows in the same run.
 * 2. /summary and /series latency (p50, p95) over HTTP on 50 initiatives × 3 years of rolled-up data,
 *    with the reader thread's rollup read cache (reads of buckets no rollup touched since) and with it cleared
 *    before every request, beside the same period's figures computed raw (a GROUP BY over events) in the same run.
 *
 * Data set 1: 20 initiatives, 1,000,000 events over the last 90 days, the four metrics in turn, in
 * receipt order by time with 2 % late events (up to 30 days old).
 * Data set 2: 50 initiatives, 3 years; per initiative one event of each metric every 6 hours (with
 * jitter), i.e. 4,383 per metric, 17,532 per initiative, 876,600 in all; half the initiatives moved
 * from pilot to production half way through. Everything rolled up, then 1,000 fresh events left in
 * the tail so that every request also reads it.
 */
import { seededRandom } from '../metrics/random.js'
import { METRICS, type Metric } from '../metrics/metric-kinds.js'
import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import { migrateToLatest, openDatabase, writeTransaction, type Db } from '../db/connection.js'
import { insertEventRows, type EventRow } from '../db/queries/events.js'
import { createInitiative } from '../db/queries/initiatives.js'
import { createKey } from '../db/queries/keys.js'
import { readRollupGeneration } from '../db/queries/rollup-changes.js'
import { startJobs } from '../server/jobs/index.js'
import { resolveRange } from '../client/chart-data/range.js'
import { rebuildRollups, rollupPending } from '../server/rollup/rollup-job.js'
import { startTestServer, tempDir } from '../server/testing/test-server.js'
import { percentile, result, type BenchResult } from './lib.js'

const DAY = 86_400_000

function eventRow(r: () => number, initiativeId: number, metric: Metric, t: number, stage: string): EventRow {
  const rate = metric === 'error_rate'
  const total = 1 + Math.floor(r() * 40)
  return {
    initiative_id: initiativeId,
    metric,
    client_id: null,
    quantity: rate ? null : metric === 'revenue_influenced' ? Math.floor(r() * 500_000) : metric === 'decision_latency' ? Math.floor(1000 * Math.exp(2 + r() * 6)) : Math.floor(r() * 1_800_000),
    errors: rate ? Math.floor(r() * total * 0.2) : null,
    total: rate ? total : null,
    occurred_at: t,
    received_at: t,
    key_id: null,
    stage,
    attributes: null,
  }
}

async function createInitiatives(db: Db, n: number, startedAt: number): Promise<void> {
  await writeTransaction(db, async (tx) => {
    for (let k = 1; k <= n; k++) {
      await createInitiative(
        tx,
        {
          slug: `initiative-${k}`, name: `Initiative ${k}`, description: '', owner: `owner${k}@example.com`, team: `team-${k % 5}`, stage: 'pilot', currency: 'USD',
          hourlyValueMinor: 8500, upfrontCostMinor: 2_000_000, monthlyCostMinor: 150_000, costPerErrorMinor: 4000, baselineErrorRate: 0.12, baselineDecisionLatencySeconds: 600,
          targetTimeSavedHoursPerMonth: 200, targetErrorRate: 0.05, targetRevenueInfluencedPerMonth: 50_000, targetDecisionLatencySeconds: 300, startedAt,
        },
        { actor: 'bench', at: startedAt },
      )
    }
  })
}

async function insertAll(db: Db, rows: EventRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 50_000) {
    const chunk = rows.slice(i, i + 50_000)
    await writeTransaction(db, (tx) => insertEventRows(tx, chunk))
  }
}

/** The raw GROUP BY of the contract, over every event. */
export async function rawGroupBy(db: Db): Promise<number> {
  const hour = sql<number>`occurred_at / ${sql.lit(3_600_000)}`
  const rows = await db
    .selectFrom('events')
    .select((eb) => ['initiative_id', 'metric', hour.as('h'), eb.fn.countAll().as('n'), eb.fn.sum('quantity').as('q'), eb.fn.sum('errors').as('e'), eb.fn.sum('total').as('t')])
    .groupBy(['initiative_id', 'metric', hour])
    .execute()
  return rows.length
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now()
  const v = await fn()
  return [performance.now() - t0, v]
}

/**
 * Writes data set 1 (20 initiatives, 1M events over 90 days, 2 % late) into an open, migrated database.
 * @example await loadFoldSet(handle.db)
 */
export async function loadFoldSet(db: Db): Promise<{ events: number; loadMs: number }> {
  const now = Date.parse('2026-11-25T09:00:00Z')
  await createInitiatives(db, 20, now - 365 * DAY)
  const r = seededRandom(42)
  const n = 1_000_000
  const rows: EventRow[] = []
  const lo = now - 90 * DAY
  for (let k = 0; k < n; k++) {
    let t = lo + Math.floor((k / n) * 90 * DAY)
    if (r() < 0.02) t -= Math.floor(r() * 30 * DAY)
    rows.push(eventRow(r, 1 + (k % 20), METRICS[k % METRICS.length], t, 'pilot'))
  }
  const [loadMs] = await timed(() => insertAll(db, rows))
  return { events: n, loadMs }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]

/**
 * Rounds of: raw GROUP BY, incremental rollup of all 1M events from empty rollups, raw GROUP BY,
 * rebuild. Each fold is compared with the mean of the raw GROUP BYs just before and after it, so that
 * load from other processes on a shared machine hits both sides alike.
 */
async function foldBench(log: (m: string) => void, rounds = 3): Promise<BenchResult[]> {
  const dir = tempDir('yardstick-bench-rollup-')
  const handle = openDatabase(path.join(dir, 'db.sqlite'), { sync: 'normal' })
  try {
    await migrateToLatest(handle.db)
    const { events: n, loadMs } = await loadFoldSet(handle.db)
    log(`  loaded ${n} events in ${(loadMs / 1000).toFixed(1)} s`)
    await rawGroupBy(handle.db) // warm the page cache for both sides alike
    const raws: number[] = []
    const incs: number[] = []
    const rebuilds: number[] = []
    const incRatios: number[] = []
    const rebuildRatios: number[] = []
    let writes = 0
    let steps = 0
    for (let k = 0; k < rounds; k++) {
      const [rawMs, groups] = await timed(() => rawGroupBy(handle.db))
      // Start the incremental path from empty rollups (not timed).
      await writeTransaction(handle.db, async (tx) => {
        await tx.deleteFrom('rollups').execute()
        await tx.updateTable('job_state').set({ watermark: 0 }).where('name', '=', 'rollup').execute()
      })
      const [incMs, inc] = await timed(() => rollupPending(handle.db, { timezone: 'Europe/London' }))
      if (inc.eventsFolded !== n) throw new Error(`incremental rollup folded ${inc.eventsFolded} events, expected ${n}`)
      const [raw2Ms] = await timed(() => rawGroupBy(handle.db))
      const [rebuildMs] = await timed(() => rebuildRollups(handle.db, { timezone: 'Europe/London' }))
      const [raw3Ms] = await timed(() => rawGroupBy(handle.db))
      raws.push(rawMs, raw2Ms, raw3Ms)
      incs.push(incMs)
      rebuilds.push(rebuildMs)
      incRatios.push(incMs / ((rawMs + raw2Ms) / 2))
      rebuildRatios.push(rebuildMs / ((raw2Ms + raw3Ms) / 2))
      writes = inc.bucketsWritten
      steps = inc.steps
      log(`  round ${k + 1}: raw GROUP BY (${groups} groups) ${rawMs.toFixed(0)} / ${raw2Ms.toFixed(0)} / ${raw3Ms.toFixed(0)} ms; incremental ${incMs.toFixed(0)} ms (${inc.bucketsWritten} bucket writes, ${inc.steps} steps) = ${incRatios[k].toFixed(2)}×; rebuild ${rebuildMs.toFixed(0)} ms = ${rebuildRatios[k].toFixed(2)}×`)
    }
    const ratios = (xs: number[]) => xs.map((x) => x.toFixed(2) + '×').join(', ')
    log(`  incremental / raw per round: ${ratios(incRatios)} (median ${median(incRatios).toFixed(2)}×); rebuild / raw: ${ratios(rebuildRatios)} (median ${median(rebuildRatios).toFixed(2)}×)`)
    const baseline = { name: 'raw GROUP BY initiative, metric, hour over the same 1M events (median of the runs beside each fold)', value: median(raws), unit: 'ms' }
    return [
      result('rollup: incremental fold of 1M events (Europe/London, hour+day+month, sketches), median', median(incs), 'ms', baseline, `${writes} bucket rows written in ${steps} transactions; per-round ratios to the adjacent raw runs: ${ratios(incRatios)}`),
      result('rollup: rebuild of 1M events, median', median(rebuilds), 'ms', baseline, `per-round ratios to the adjacent raw runs: ${ratios(rebuildRatios)}`),
    ]
  } finally {
    await handle.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Writes data set 2 (50 initiatives × 3 years, rolled up, 1,000 events in the tail) into `file`.
 * @example await buildThreeYearSet('/tmp/y.db', console.log)
 */
export async function buildThreeYearSet(file: string, log: (m: string) => void): Promise<{ zone: string; now: number; start: number }> {
  const zone = 'Europe/London'
  const now = Date.parse('2026-11-25T09:17:00Z')
  const start = now - 3 * 365 * DAY
  {
    const handle = openDatabase(file, { sync: 'normal' })
    await migrateToLatest(handle.db)
    await createInitiatives(handle.db, 50, start)
    const r = seededRandom(7)
    const rows: EventRow[] = []
    const step = 6 * 3_600_000
    for (let t = start; t < now; t += step) {
      for (let i = 1; i <= 50; i++) {
        const stage = i % 2 === 0 && t > start + 1.5 * 365 * DAY ? 'production' : 'pilot'
        for (const m of METRICS) rows.push(eventRow(r, i, m, t + Math.floor(r() * step), stage))
      }
    }
    rows.sort((a, b) => a.occurred_at - b.occurred_at)
    const [loadMs] = await timed(() => insertAll(handle.db, rows))
    const [rollMs, rolled] = await timed(() => rollupPending(handle.db, { timezone: zone }))
    const tail: EventRow[] = []
    for (let k = 0; k < 1000; k++) tail.push(eventRow(r, 1 + (k % 50), METRICS[k % METRICS.length], now - Math.floor(r() * 40 * DAY), 'pilot'))
    await insertAll(handle.db, tail)
    log(`  3-year set: ${rows.length} events loaded in ${(loadMs / 1000).toFixed(1)} s, rolled up in ${(rollMs / 1000).toFixed(1)} s (${rolled.bucketsWritten} bucket rows); 1000 events left in the tail`)
    await writeTransaction(handle.db, (tx) => createKey(tx, { name: 'bench', role: 'read', initiatives: null }, { actor: 'bench', at: now }))
    await handle.close()
  }
  return { zone, now, start }
}

async function queryBench(log: (m: string) => void): Promise<BenchResult[]> {
  const dir = tempDir('yardstick-bench-query-')
  const { zone, now, start } = await buildThreeYearSet(path.join(dir, 'yardstick.db'), log)
  // The clock stands still at `now` except while events stream in (then it moves with real time).
  let clockOffset = () => 0
  const s = await startTestServer({ dir, env: { YARDSTICK_TIMEZONE: zone }, clock: () => now + clockOffset() })
  try {
    const token = await s.key('read')
    const iso = (t: number) => new Date(t).toISOString()
    const summaryQueries = [
      '/api/v1/summary', // last 30 days to now: unaligned edges, days, hours and raw pieces
      `/api/v1/summary?from=2026-10-01T00:00:00%2B01:00&to=2026-11-01T00:00:00Z`, // one local month
      `/api/v1/summary?from=${iso(now - 90 * DAY)}&to=${iso(now)}&split=stage`,
      `/api/v1/summary?from=2025-11-25T00:00:00Z&to=${iso(now)}`,
    ]
    const seriesQueries = [
      '/api/v1/initiatives/initiative-7/series?metric=time_saved', // 90 days by day
      '/api/v1/initiatives/initiative-8/series?metric=decision_latency&compare=previous',
      `/api/v1/initiatives/initiative-9/series?metric=error_rate&from=${iso(start)}&to=${iso(now)}&granularity=month&split=stage`,
      `/api/v1/initiatives/initiative-10/series?metric=revenue_influenced&from=${iso(now - 2 * DAY)}&to=${iso(now)}&granularity=hour`,
    ]
    // The dashboard's portfolio sparklines: one request per metric for all 50 initiatives.
    const portfolioQueries = METRICS.map((m) => `/api/v1/series?metric=${m}&from=${iso(now - 365 * DAY)}&to=${iso(now)}&granularity=week`)
    const measure = async (paths: string[], rounds: number, cold = false) => {
      const times: number[] = []
      for (let k = 0; k < rounds; k++) {
        for (const p of paths) {
          if (cold) await s.app.reader.cacheStats(true)
          const t0 = performance.now()
          const res = await s.fetch(p, { token })
          await res.arrayBuffer()
          if (res.status !== 200) throw new Error(`${p}: ${res.status}`)
          times.push(performance.now() - t0)
        }
      }
      return times.sort((a, b) => a - b)
    }
    await measure([...summaryQueries, ...seriesQueries], 3)
    const summary = await measure(summaryQueries, 50)
    const series = await measure(seriesQueries, 50)
    const summaryCold = await measure(summaryQueries, 25, true)
    const seriesCold = await measure(seriesQueries, 25, true)
    await measure(portfolioQueries, 2)
    const portfolio = await measure(portfolioQueries, 25)
    const portfolioCold = await measure(portfolioQueries, 25, true)
    // First-time ranges as an executive picks them (whole local days) after a restart's warm-up: each
    // range is new, so its edge days and hours are read cold; whole months come from the cache.
    await s.app.reader.cacheStats(true)
    await s.app.reader.warm(now)
    const r = seededRandom(5)
    const firstDay = Date.parse('2023-12-01T00:00:00Z')
    const customQueries = Array.from({ length: 60 }, () => {
      const from = firstDay + Math.floor(r() * 1000) * DAY
      const to = Math.min(from + (7 + Math.floor(r() * 400)) * DAY, Date.parse('2026-11-26T00:00:00Z'))
      return `/api/v1/summary?from=${iso(from)}&to=${iso(to)}`
    })
    const custom = await measure(customQueries, 1)
    const streaming = await underIngestion(s, zone, now, (f) => (clockOffset = f))
    // Baseline: the same last-30-days figures straight from raw events (one GROUP BY per request).
    const rawTimes: number[] = []
    for (let k = 0; k < 20; k++) {
      const t0 = performance.now()
      await s.handle.db
        .selectFrom('events')
        .select((eb) => ['initiative_id', 'metric', eb.fn.countAll().as('n'), eb.fn.sum('quantity').as('q'), eb.fn.sum('errors').as('e'), eb.fn.sum('total').as('t')])
        .where('occurred_at', '>=', now - 30 * DAY)
        .where('occurred_at', '<', now)
        .groupBy(['initiative_id', 'metric'])
        .execute()
      rawTimes.push(performance.now() - t0)
    }
    rawTimes.sort((a, b) => a - b)
    const rawP50 = percentile(rawTimes, 0.5)
    const base = { name: 'raw GROUP BY initiative, metric over events of the last 30 days (sums only, no percentiles)', value: rawP50, unit: 'ms' }
    const fmt = (t: number[]) => `p50 ${percentile(t, 0.5).toFixed(1)} ms p95 ${percentile(t, 0.95).toFixed(1)} ms`
    log(`  /summary while events stream in (${streaming.eventsPerSecond.toFixed(0)} events/s acknowledged, ${streaming.rollups} rollup runs by the server's own job, clock moving): ${fmt(streaming.times)} over ${streaming.times.length} requests`)
    log(`  /summary for 60 custom ranges, each new, after the startup warm-up: ${fmt(custom)}`)
    log(`  /summary ${fmt(summary)} (cold rollup cache: ${fmt(summaryCold)}); /series ${fmt(series)} (cold: ${fmt(seriesCold)}); portfolio /series ${fmt(portfolio)} (cold: ${fmt(portfolioCold)}); raw 30-day GROUP BY p50 ${rawP50.toFixed(1)} ms`)
    const note = '50 initiatives × 3 years, 876,600 events rolled up + 1,000 in the tail; mixed ranges (last 30 days, a local month, 90 days split by stage, a year)'
    return [
      result('/summary p50 (50 initiatives × 3 years)', percentile(summary, 0.5), 'ms', base, note),
      result('/summary p95 (50 initiatives × 3 years)', percentile(summary, 0.95), 'ms', base, note),
      result('/series p50 (day/90 d, compare, month/3 y split, hour/2 d)', percentile(series, 0.5), 'ms', base, note),
      result('/series p95 (day/90 d, compare, month/3 y split, hour/2 d)', percentile(series, 0.95), 'ms', base, note),
      result('/summary p95 while events stream in and the server rolls them up', percentile(streaming.times, 0.95), 'ms', base, `${note}; ${streaming.eventsPerSecond.toFixed(0)} events/s posted in batches of ${STREAM_BATCH} over HTTP, ${streaming.rollups} rollup runs, ranges ending at the moving now`),
      result('/summary p95, rollup read cache cleared before each request', percentile(summaryCold, 0.95), 'ms', base, note),
      result('/summary p95, 60 custom whole-day ranges each asked for the first time after the startup warm-up', percentile(custom, 0.95), 'ms', base, `${note}; ranges of 7-400 days between Dec 2023 and Nov 2026 (UTC days; the zone is Europe/London, so most edges also cut an hour)`),
      result('/series p95, rollup read cache cleared before each request', percentile(seriesCold, 0.95), 'ms', base, note),
      result('portfolio /series p95 (one metric, 50 initiatives, 12 months by week)', percentile(portfolio, 0.95), 'ms', base, note),
      result('portfolio /series p95, rollup read cache cleared before each request', percentile(portfolioCold, 0.95), 'ms', base, note),
    ]
  } finally {
    await s.close()
  }
}

/** Events per POST while streaming, and the pause between posts (about 2,000 events/s). */
const STREAM_BATCH = 100
const STREAM_PAUSE_MS = 50
const STREAM_MS = 20_000

/**
 * /summary as a dashboard reads it while teams' systems post events: batches of fresh events (the
 * last two minutes, some an hour late) go in over HTTP, the server's own jobs roll them up (every
 * 5,000 events or 5 s), the clock moves, and summaries with ranges ending now are read one after
 * another: the dashboard's "last 30 days" and "last 12 months", the API's default (30 days to now),
 * 90 days to now split by stage, and a year to now. Returns the sorted request times.
 */
async function underIngestion(s: Awaited<ReturnType<typeof startTestServer>>, zone: string, now: number, setOffset: (f: () => number) => void): Promise<{ times: number[]; eventsPerSecond: number; rollups: number }> {
  const ingestKey = await s.key('ingest')
  const readKey = await s.key('read')
  const jobs = startJobs({ db: s.handle.db, config: s.config, log: () => {}, writer: s.app.writer })
  const started = performance.now()
  setOffset(() => performance.now() - started)
  const clock = () => now + performance.now() - started
  const generationBefore = await readRollupGeneration(s.handle.db)
  const r = seededRandom(11)
  let posted = 0
  let stop = false
  const poster = (async () => {
    let n = 0
    while (!stop) {
      const t = clock()
      const events = Array.from({ length: STREAM_BATCH }, (_, k) => {
        const metric = METRICS[k % METRICS.length]
        const at = new Date(t - Math.floor(r() * (k % 10 === 0 ? 3_600_000 : 120_000))).toISOString()
        const base = { id: `stream-${n}-${k}`, initiative: `initiative-${1 + Math.floor(r() * 50)}`, metric, occurredAt: at }
        return metric === 'error_rate' ? { ...base, errors: Math.floor(r() * 3), total: 20 } : { ...base, value: metric === 'decision_latency' ? 5 + r() * 300 : metric === 'time_saved' ? 1 + r() * 20 : Math.floor(r() * 5000) }
      })
      const res = await s.fetch('/api/v1/events', { method: 'POST', token: ingestKey, json: { events } })
      if (res.status !== 202) throw new Error(`stream post: ${res.status} ${await res.text()}`)
      await res.arrayBuffer()
      posted += STREAM_BATCH
      n++
      await new Promise((done) => setTimeout(done, STREAM_PAUSE_MS))
    }
  })()
  const iso = (t: number) => new Date(t).toISOString()
  const times: number[] = []
  try {
    // Let the first rollups run, then read for the rest of the time.
    await new Promise((done) => setTimeout(done, 3_000))
    while (performance.now() - started < STREAM_MS) {
      const t = clock()
      // The dashboard's presets (whole local days up to the start of tomorrow) and ranges ending now.
      const preset = (range: '30d' | '12m') => resolveRange({ range }, t, zone)
      const paths = [
        `/api/v1/summary?from=${encodeURIComponent(preset('30d').from)}&to=${encodeURIComponent(preset('30d').to)}`,
        `/api/v1/summary?from=${encodeURIComponent(preset('12m').from)}&to=${encodeURIComponent(preset('12m').to)}`,
        '/api/v1/summary',
        `/api/v1/summary?from=${iso(t - 90 * DAY)}&to=${iso(t)}&split=stage`,
        `/api/v1/summary?from=2025-11-25T00:00:00Z&to=${iso(t)}`,
      ]
      for (const p of paths) {
        const t0 = performance.now()
        const res = await s.fetch(p, { token: readKey })
        await res.arrayBuffer()
        if (res.status !== 200) throw new Error(`${p}: ${res.status}`)
        times.push(performance.now() - t0)
      }
    }
  } finally {
    stop = true
    await poster
    await jobs.stop()
    setOffset(() => 0)
  }
  const rollups = (await readRollupGeneration(s.handle.db)) - generationBefore
  return { times: times.sort((a, b) => a - b), eventsPerSecond: posted / ((performance.now() - started) / 1000), rollups }
}

/**
 * Runs the rollup benchmarks and returns their figures.
 * @example const results = await runRollupBench(console.log)
 */
export async function runRollupBench(log: (m: string) => void = () => {}, only?: 'fold' | 'query'): Promise<BenchResult[]> {
  return [...(only === 'query' ? [] : await foldBench(log)), ...(only === 'fold' ? [] : await queryBench(log))]
}
