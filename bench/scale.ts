/**
 * `npm run bench -- scale [--events N | --scale F] [--dir DIR] [--clean]`: Yardstick at 100 million
 * events (issue 19, part 3). Not part of a plain `npm run bench`; run it by name.
 *
 * 1. Builds (or reuses) a data set of about N events (default 100,000,000; `--scale 0.1` = 10M):
 *    100 initiatives × 3 years ending at the start of today (UTC), weekday and office-hour patterns, a
 *    pilot-to-production step, growth, three very busy initiatives (tens of thousands of events a day
 *    at 100M), written day by day in time order through the server's write path (insertEventRows in
 *    write transactions of 20,000, synchronous=NORMAL), with progress. Baseline: raw better-sqlite3
 *    single-row prepared inserts of the first 1M of the same rows into an empty scratch database with
 *    the same schema. Then the server's rollup catch-up (rollupPending) of every event, beside a raw
 *    GROUP BY initiative, metric, hour over all of them.
 *    The data set lives in DIR (default `<os.tmpdir()>/yardstick-scale-<N>`) with a meta.json of its
 *    parameters; a rerun with the same parameters reuses it (and reports the load and rollup figures
 *    of the run that built it). `--clean` deletes it at the end of the run.
 * 2. Starts the real server (createApp, bench/scale-server.ts) in its own process on that file and
 *    measures /summary, /series and portfolio /series: the first request of each after start, p50/p95
 *    with the rollup read cache cleared before each request ("cold"; the OS page cache stays warm), and
 *    p50/p95 after the startup warm-up ("warm"); the dashboard's first render (ys-portfolio ready) in
 *    headless Chromium, cold and warm; the server's peak RSS.
 * 3. Backup (server/ops/backup.ts) beside a plain file copy; prune (server/ops/prune.ts) of the oldest
 *    year on the backup copy (the data set stays whole), beside a raw DELETE of the next month.
 *
 * Disk: 131 bytes an event for the database at 10M, 112 at 30M (rollups included; 82 for the events
 * alone, and the rollups grow with initiatives × hours, not events), so about 9 GiB at 100M; the plain copy and then the
 * backup copy each need as much again, one at a time: about 2.2 × the database free at the peak.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fork, type ChildProcess } from 'node:child_process'
import BetterSqlite3 from 'better-sqlite3'
import { sql } from 'kysely'
import { migrateToLatest, openDatabase, writeTransaction, type Db } from '../db/connection.js'
import { EVENT_COLUMNS, insertEventRows, packEventRow, type EventRow } from '../db/queries/events.js'
import { createInitiative } from '../db/queries/initiatives.js'
import { createKey } from '../db/queries/keys.js'
import { createUser, findUserByEmail } from '../db/queries/users.js'
import { hashPassword } from '../server/auth/password.js'
import { rollupPending } from '../server/rollup/rollup-job.js'
import { backupDatabase } from '../server/ops/backup.js'
import { pruneEvents, pruneHorizonOf } from '../server/ops/prune.js'
import { buildClientInto, launchChromium } from '../client/e2e/support.js'
import { METRICS } from '../metrics/metric-kinds.js'
import { DAY_MS, eventsOfDay, planScale, type ScaleParams } from './scale-data.js'
import { percentile, result, root, stopChild, type BenchResult } from './lib.js'

const ZONE = 'Europe/London'
const USER = { email: 'scale@example.com', password: 'scale-bench-password-1' }
/** Bump when the generator changes, so that an old data set is not reused for a new one. */
const GENERATOR_VERSION = 1
const TX_ROWS = 20_000
const BASELINE_ROWS = 1_000_000

export interface ScaleOptions {
  events: number
  dir?: string
  clean: boolean
}

/** Reads `--events N`, `--scale F`, `--dir D`, `--clean` from the bench's arguments. */
export function scaleOptions(argv: string[]): ScaleOptions {
  const value = (flag: string) => {
    const k = argv.indexOf(flag)
    if (k < 0) return undefined
    const v = argv[k + 1]
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`)
    return v
  }
  let events = 100_000_000
  const e = value('--events')
  const s = value('--scale')
  if (e !== undefined) events = Number(e.replace(/_/g, ''))
  else if (s !== undefined) events = Math.round(100_000_000 * Number(s))
  if (!Number.isFinite(events) || events < 10_000) throw new Error(`--events must be at least 10000 (or --scale at least 0.0001), got ${e ?? s}`)
  return { events, dir: value('--dir'), clean: argv.includes('--clean') }
}

interface Meta {
  params: ScaleParams
  version: number
  complete: boolean
  builtAt?: string
  events?: number
  loadMs?: number
  loadRate?: number
  firstMillionRate?: number
  rawRate?: number
  rawBytesPerEvent?: number
  rollupMs?: number
  rollupBuckets?: number
  rawGroupByMs?: number
  loaderMaxRss?: number
}

const gib = (b: number) => (b / 2 ** 30).toFixed(2) + ' GiB'
const mib = (b: number) => (b / 2 ** 20).toFixed(0) + ' MiB'
const fmtRate = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`
const maxRss = () => process.resourceUsage().maxRSS * 1024

function fileBytes(file: string): number {
  let n = 0
  for (const f of [file, `${file}-wal`]) if (fs.existsSync(f)) n += fs.statSync(f).size
  return n
}

/** Progress lines every 5 s: done, rate, ETA. */
function progress(log: (m: string) => void, what: string, total: number) {
  const t0 = performance.now()
  let last = t0
  return (done: number, force = false, newTotal?: number) => {
    if (newTotal !== undefined) total = newTotal
    const now = performance.now()
    if (!force && now - last < 5000) return
    last = now
    const s = (now - t0) / 1000
    const rate = done / s
    const eta = rate > 0 ? (total - done) / rate : NaN
    log(`  ${what}: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} (${((100 * done) / total).toFixed(1)} %), ${fmtRate(rate)}, ${s.toFixed(0)} s, ETA ${eta.toFixed(0)} s`)
  }
}

async function createInitiatives(db: Db, params: ScaleParams, startedAt: (i: number) => number): Promise<void> {
  await writeTransaction(db, async (tx) => {
    for (let k = 1; k <= params.initiatives; k++) {
      await createInitiative(
        tx,
        {
          slug: `initiative-${k}`, name: `Initiative ${k}`, description: '', owner: `owner${k}@example.com`, team: `team-${k % 7}`, stage: 'pilot', currency: 'USD',
          hourlyValueMinor: 8500, upfrontCostMinor: 2_000_000, monthlyCostMinor: 150_000, costPerErrorMinor: 4000, baselineErrorRate: 0.12, baselineDecisionLatencySeconds: 600,
          targetTimeSavedHoursPerMonth: 200, targetErrorRate: 0.05, targetRevenueInfluencedPerMonth: 50_000, targetDecisionLatencySeconds: 300, startedAt: startedAt(k),
        },
        { actor: 'bench', at: startedAt(k) },
      )
    }
  })
}

/** Raw single-row prepared inserts of the first `n` rows of the data set into an empty, migrated scratch file. */
async function rawInsertBaseline(plan: ReturnType<typeof planScale>, file: string, n: number): Promise<{ rate: number; bytesPerEvent: number }> {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true })
  const h = openDatabase(file, { sync: 'normal' })
  await migrateToLatest(h.db)
  await createInitiatives(h.db, plan.params, () => plan.params.firstDay)
  await h.close()
  const raw = new BetterSqlite3(file)
  raw.pragma('journal_mode = WAL')
  raw.pragma('synchronous = NORMAL')
  const insert = raw.prepare(`insert into events (${EVENT_COLUMNS.join(', ')}) values (${EVENT_COLUMNS.map(() => '?').join(', ')})`)
  const many = raw.transaction((rows: EventRow[]) => {
    for (const r of rows) insert.run(...packEventRow(r))
  })
  let done = 0
  let ms = 0
  for (let d = 0; d < plan.params.days && done < n; d++) {
    const rows = eventsOfDay(plan, d).slice(0, n - done)
    for (let k = 0; k < rows.length; k += TX_ROWS) {
      const chunk = rows.slice(k, k + TX_ROWS)
      const t0 = performance.now()
      many(chunk)
      ms += performance.now() - t0
    }
    done += rows.length
  }
  raw.pragma('wal_checkpoint(TRUNCATE)')
  raw.close()
  const bytes = fileBytes(file)
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true })
  return { rate: done / (ms / 1000), bytesPerEvent: bytes / done }
}

/** Builds the data set into `file`: initiatives, a read key's owner user, every event, the rollups. */
async function buildDataSet(file: string, metaFile: string, params: ScaleParams, log: (m: string) => void): Promise<Meta> {
  const meta: Meta = { params, version: GENERATOR_VERSION, complete: false }
  fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2))
  const plan = planScale(params)
  const busyPerDay = Math.round(plan.counts.subarray(params.days - 30, params.days).reduce((a, b) => a + b, 0) / 30)
  log(`  plan: ${plan.total.toLocaleString('en-US')} events, ${params.initiatives} initiatives × ${params.days} days from ${new Date(params.firstDay).toISOString().slice(0, 10)}; busiest initiative ${busyPerDay.toLocaleString('en-US')} events a day over the last 30 days`)

  log(`  raw baseline: single-row prepared inserts of the first ${Math.min(BASELINE_ROWS, plan.total).toLocaleString('en-US')} rows into an empty scratch database…`)
  const raw = await rawInsertBaseline(plan, `${file}.raw-baseline`, Math.min(BASELINE_ROWS, plan.total))
  log(`  raw baseline: ${fmtRate(raw.rate)}, ${raw.bytesPerEvent.toFixed(0)} bytes an event`)

  const h = openDatabase(file, { sync: 'normal' })
  try {
    await migrateToLatest(h.db)
    await createInitiatives(h.db, params, (k) => params.firstDay + plan.initiatives[k - 1].startDay * DAY_MS)
    const tick = progress(log, 'loaded', plan.total)
    let done = 0
    let firstMillionMs = 0
    const t0 = performance.now()
    for (let d = 0; d < params.days; d++) {
      const rows = eventsOfDay(plan, d)
      for (let k = 0; k < rows.length; k += TX_ROWS) {
        const chunk = rows.slice(k, k + TX_ROWS)
        await writeTransaction(h.db, (tx) => insertEventRows(tx, chunk))
        done += chunk.length
        if (firstMillionMs === 0 && done >= Math.min(BASELINE_ROWS, plan.total)) firstMillionMs = performance.now() - t0
        tick(done)
      }
    }
    const loadMs = performance.now() - t0
    tick(done, true)
    h.sqlite!.pragma('wal_checkpoint(TRUNCATE)')
    meta.events = done
    meta.loadMs = loadMs
    meta.loadRate = done / (loadMs / 1000)
    meta.firstMillionRate = Math.min(BASELINE_ROWS, done) / (firstMillionMs / 1000)
    meta.rawRate = raw.rate
    meta.rawBytesPerEvent = raw.bytesPerEvent
    log(`  loaded ${done.toLocaleString('en-US')} events in ${(loadMs / 1000).toFixed(0)} s: ${fmtRate(meta.loadRate)} (first ${Math.min(BASELINE_ROWS, done).toLocaleString('en-US')}: ${fmtRate(meta.firstMillionRate)}); file ${gib(fileBytes(file))}`)

    const rtick = progress(log, 'rolled up', done)
    const r0 = performance.now()
    const rolled = await rollupPending(h.db, { timezone: ZONE, onProgress: (n) => rtick(n) })
    meta.rollupMs = performance.now() - r0
    if (rolled.eventsFolded !== done) throw new Error(`the rollup folded ${rolled.eventsFolded} events, expected ${done}`)
    meta.rollupBuckets = rolled.bucketsWritten
    log(`  rolled up in ${(meta.rollupMs / 1000).toFixed(0)} s: ${fmtRate(done / (meta.rollupMs / 1000))} (${rolled.bucketsWritten.toLocaleString('en-US')} bucket writes, ${rolled.steps} steps)`)
    const g0 = performance.now()
    // Counted in SQLite: at 100M the groups (initiatives × metrics × hours) would not fit in this process.
    const groups = (await sql<{ n: number }>`select count(*) as n from (select initiative_id, metric, occurred_at / 3600000 as h, count(*), sum(quantity), sum(errors), sum(total) from events group by initiative_id, metric, h)`.execute(h.db)).rows[0].n
    meta.rawGroupByMs = performance.now() - g0
    log(`  raw GROUP BY initiative, metric, hour over all events: ${(meta.rawGroupByMs / 1000).toFixed(0)} s (${groups.toLocaleString('en-US')} groups)`)
    const passwordHash = await hashPassword(USER.password)
    await writeTransaction(h.db, async (tx) => {
      if (!(await findUserByEmail(tx, USER.email))) await createUser(tx, { email: USER.email, role: 'admin', passwordHash }, { actor: 'bench', at: Date.now() })
    })
    h.sqlite!.pragma('wal_checkpoint(TRUNCATE)')
  } finally {
    await h.close()
  }
  meta.loaderMaxRss = maxRss()
  meta.complete = true
  meta.builtAt = new Date().toISOString()
  fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2))
  return meta
}

/** The server in its own process, and a way to ask it things over IPC. */
async function startScaleServer(file: string, clientDir: string, outbox: string) {
  const child: ChildProcess = fork(path.join(root, 'bench', 'scale-server.ts'), [clientDir], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, YARDSTICK_DB: file, YARDSTICK_TIMEZONE: ZONE, YARDSTICK_SYNC: 'normal', YARDSTICK_OUTBOX_DIR: outbox, PORT: '0', NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const waiting = new Map<number, (v: unknown) => void>()
  let nextId = 1
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the scale server exited (${code})`)))
    child.on('message', (m: { port?: number; id?: number; value?: unknown; error?: string }) => {
      if (m.port !== undefined) resolve(m.port)
      else if (m.id !== undefined) {
        waiting.get(m.id)?.(m.error ? Promise.reject(new Error(m.error)) : m.value)
        waiting.delete(m.id)
      }
    })
  })
  const ask = <T>(op: 'clear' | 'warm' | 'rss') =>
    new Promise<T>((resolve) => {
      const id = nextId++
      waiting.set(id, resolve as (v: unknown) => void)
      child.send({ id, op })
    })
  return { child, port, url: `http://127.0.0.1:${port}`, ask }
}

async function timedGet(url: string, token: string): Promise<number> {
  const t0 = performance.now()
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  await res.arrayBuffer()
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`)
  return performance.now() - t0
}

/**
 * Runs the scale bench and returns its figures.
 * @example const results = await runScaleBench(console.log, scaleOptions(['--scale', '0.01']))
 */
export async function runScaleBench(log: (m: string) => void, opts: ScaleOptions): Promise<BenchResult[]> {
  const dir = opts.dir ?? path.join(os.tmpdir(), `yardstick-scale-${opts.events}`)
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'yardstick.db')
  const metaFile = path.join(dir, 'meta.json')
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS
  const days = 3 * 365
  const wanted: ScaleParams = { events: opts.events, initiatives: 100, days, busy: 3, seed: 19, firstDay: today - days * DAY_MS }
  let meta: Meta | null = fs.existsSync(metaFile) ? (JSON.parse(fs.readFileSync(metaFile, 'utf8')) as Meta) : null
  const same = meta !== null && meta.complete && meta.version === GENERATOR_VERSION && meta.params.events === wanted.events && meta.params.initiatives === wanted.initiatives && meta.params.days === wanted.days && meta.params.seed === wanted.seed && fs.existsSync(file)
  const freeBytes = (() => {
    try {
      const s = fs.statfsSync(dir)
      return s.bavail * s.bsize
    } catch {
      return NaN
    }
  })()
  log(`  data set in ${dir} (${gib(freeBytes)} free on its disk; needs about ${gib(Math.max(opts.events * 105, 200e6) * 2.2)} at the peak)`)
  if (same) {
    log(`  reusing the data set built at ${meta!.builtAt} (${meta!.events!.toLocaleString('en-US')} events); load and rollup figures are that run's`)
  } else {
    for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f), { recursive: true, force: true })
    meta = await buildDataSet(file, metaFile, wanted, log)
  }
  const m = meta!
  const events = m.events!
  const dbBytes = fileBytes(file)
  log(`  database: ${gib(dbBytes)}, ${(dbBytes / events).toFixed(0)} bytes an event (rollups included)`)

  // A fresh read key for this run.
  let token: string
  {
    const h = openDatabase(file, { sync: 'normal' })
    token = (await writeTransaction(h.db, (tx) => createKey(tx, { name: 'scale bench', role: 'read', initiatives: null }, { actor: 'bench', at: Date.now() }))).token
    await h.close()
  }

  log('  building the dashboard…')
  const clientDir = await buildClientInto(dir)
  const server = await startScaleServer(file, clientDir, path.join(dir, 'outbox'))
  const results: BenchResult[] = []
  let serverMaxRss = 0
  let serverStartRss = 0
  try {
    serverStartRss = (await server.ask<{ rss: number }>('rss')).rss
    // Other processes on a shared machine slow every figure below; the load average says how much.
    const loadAverage = () => os.loadavg()[0].toFixed(1)
    log(`  load average before the queries: ${loadAverage()} on ${os.cpus().length} cores`)
    const iso = (t: number) => new Date(t).toISOString()
    const now = Date.now()
    const end = today
    const start = m.params.firstDay
    const summaryQueries = [
      '/api/v1/summary', // last 30 days to now
      `/api/v1/summary?from=${iso(end - 61 * DAY_MS)}&to=${iso(end - 30 * DAY_MS)}`,
      `/api/v1/summary?from=${iso(now - 90 * DAY_MS)}&to=${iso(now)}&split=stage`,
      `/api/v1/summary?from=${iso(end - 365 * DAY_MS)}&to=${iso(now)}`,
    ]
    const seriesQueries = [
      '/api/v1/initiatives/initiative-1/series?metric=time_saved', // the busiest, 90 days by day
      '/api/v1/initiatives/initiative-2/series?metric=decision_latency&compare=previous',
      `/api/v1/initiatives/initiative-50/series?metric=error_rate&from=${iso(start)}&to=${iso(end)}&granularity=month&split=stage`,
      `/api/v1/initiatives/initiative-1/series?metric=revenue_influenced&from=${iso(now - 2 * DAY_MS)}&to=${iso(now)}&granularity=hour`,
    ]
    // The dashboard's portfolio sparklines: one request per metric for all initiatives.
    const portfolioQueries = METRICS.map((metric) => `/api/v1/series?metric=${metric}&from=${iso(end - 365 * DAY_MS)}&to=${iso(now)}&granularity=week`)
    const first = async (paths: string[]) => {
      const t: number[] = []
      for (const p of paths) t.push(await timedGet(server.url + p, token))
      return t
    }
    // First requests after start, before any warm-up.
    const firstSummary = await first(summaryQueries)
    const firstSeries = await first(seriesQueries)
    const firstPortfolio = await first(portfolioQueries)
    const measure = async (paths: string[], rounds: number, cold: boolean) => {
      const times: number[] = []
      for (let k = 0; k < rounds; k++) {
        for (const p of paths) {
          if (cold) await server.ask('clear')
          times.push(await timedGet(server.url + p, token))
        }
      }
      return times.sort((a, b) => a - b)
    }
    // The portfolio page also asks for every initiative's readiness (computed on the main thread, uncached).
    const readiness = await measure(['/api/v1/readiness'], 5, false)
    const summaryCold = await measure(summaryQueries, 10, true)
    const seriesCold = await measure(seriesQueries, 10, true)
    const portfolioCold = await measure(portfolioQueries, 10, true)
    // The dashboard's first render with an empty read cache (and a fresh browser profile).
    const browser = await launchChromium()
    const render = async () => {
      const cookieRes = await fetch(`${server.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.url }, body: JSON.stringify(USER) })
      if (cookieRes.status !== 200) throw new Error(`sign-in answered ${cookieRes.status}`)
      const [name, value] = (cookieRes.headers.get('set-cookie') ?? '').split(';')[0].split('=')
      const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } })
      await ctx.addCookies([{ name, value, url: server.url }])
      const page = await ctx.newPage()
      const t0 = performance.now()
      await page.goto(server.url + '/')
      await page.waitForSelector('ys-portfolio[data-ready="true"]', { timeout: 300_000 })
      const ms = performance.now() - t0
      // Baseline: a plain JSON page from the same server in the same browser.
      const b0 = performance.now()
      await page.goto(server.url + '/healthz')
      const plainMs = performance.now() - b0
      await ctx.close()
      return { ms, plainMs }
    }
    let renderCold: { ms: number; plainMs: number }
    let renderWarm: { ms: number; plainMs: number }
    try {
      await server.ask('clear')
      renderCold = await render()
      const w0 = performance.now()
      await server.ask('warm')
      log(`  startup warm-up (the server's reader.warm): ${(performance.now() - w0).toFixed(0)} ms`)
      renderWarm = await render()
    } finally {
      await browser.close()
    }
    await measure([...summaryQueries, ...seriesQueries, ...portfolioQueries], 2, false)
    const summary = await measure(summaryQueries, 30, false)
    const series = await measure(seriesQueries, 30, false)
    const portfolio = await measure(portfolioQueries, 30, false)
    serverMaxRss = (await server.ask<{ maxRss: number }>('rss')).maxRss

    // Baseline for queries: the last 30 days' sums straight from raw events (one GROUP BY).
    const rawTimes: number[] = []
    {
      const h = openDatabase(file, { sync: 'normal', readonly: true })
      for (let k = 0; k < 5; k++) {
        const t0 = performance.now()
        await h.db
          .selectFrom('events')
          .select((eb) => ['initiative_id', 'metric', eb.fn.countAll().as('n'), eb.fn.sum('quantity').as('q'), eb.fn.sum('errors').as('e'), eb.fn.sum('total').as('t')])
          .where('occurred_at', '>=', now - 30 * DAY_MS)
          .where('occurred_at', '<', now)
          .groupBy(['initiative_id', 'metric'])
          .execute()
        rawTimes.push(performance.now() - t0)
      }
      await h.close()
    }
    rawTimes.sort((a, b) => a - b)
    const raw30 = { name: 'raw GROUP BY initiative, metric over events of the last 30 days (sums only)', value: percentile(rawTimes, 0.5), unit: 'ms' }
    const p = (t: number[], q: number) => percentile(t, q)
    const fmt = (t: number[]) => `p50 ${p(t, 0.5).toFixed(1)} ms p95 ${p(t, 0.95).toFixed(1)} ms`
    const firsts = (t: number[]) => t.map((x) => x.toFixed(0)).join(' / ') + ' ms'
    log(`  first request after start: /summary ${firsts(firstSummary)}; /series ${firsts(firstSeries)}; portfolio /series ${firsts(firstPortfolio)}`)
    log(`  /summary warm ${fmt(summary)}, cold ${fmt(summaryCold)} (goals: p95 ≤ 50 ms warm, ≤ 150 ms cold)`)
    log(`  /series warm ${fmt(series)}, cold ${fmt(seriesCold)}`)
    log(`  portfolio /series warm ${fmt(portfolio)}, cold ${fmt(portfolioCold)} (goal: p95 ≤ 50 ms warm)`)
    log(`  /readiness (all initiatives, as the portfolio page asks) ${fmt(readiness)}`)
    log(`  raw 30-day GROUP BY p50 ${raw30.value.toFixed(0)} ms; load average now ${loadAverage()}`)
    log(`  dashboard first render: cold ${renderCold.ms.toFixed(0)} ms, warm ${renderWarm.ms.toFixed(0)} ms (plain /healthz page ${renderCold.plainMs.toFixed(0)} / ${renderWarm.plainMs.toFixed(0)} ms)`)
    log(`  server RSS after start ${mib(serverStartRss)}, peak ${mib(serverMaxRss)} (goal ≤ 1 GiB)`)
    const scale = `${events.toLocaleString('en-US')} events, 100 initiatives × 3 years`
    const load = { name: `raw single-row prepared inserts of the first ${Math.min(BASELINE_ROWS, events).toLocaleString('en-US')} rows into an empty database`, value: m.rawRate!, unit: 'events/s' }
    results.push(
      result(`scale: load through insertEventRows (${scale})`, m.loadRate!, 'events/s', load, `first ${Math.min(BASELINE_ROWS, events).toLocaleString('en-US')} at ${Math.round(m.firstMillionRate!)} events/s; ${(m.loadMs! / 1000).toFixed(0)} s in all; synchronous=NORMAL, 20,000 events a transaction, no client ids`),
      result(`scale: database bytes an event (${scale})`, dbBytes / events, 'bytes', { name: 'raw scratch database of the first 1M rows, no rollups', value: m.rawBytesPerEvent!, unit: 'bytes' }, `${gib(dbBytes)} in all, rollups included`),
      result(`scale: rollup catch-up (${scale})`, events / (m.rollupMs! / 1000), 'events/s', { name: 'raw GROUP BY initiative, metric, hour over all events', value: events / (m.rawGroupByMs! / 1000), unit: 'events/s' }, `${(m.rollupMs! / 1000).toFixed(0)} s, ${m.rollupBuckets} bucket writes, Europe/London`),
    )
    const q = (name: string, ms: number, note: string) => result(`scale: ${name} (${scale})`, ms, 'ms', raw30, note)
    for (const [name, warm, cold, firstT, goals] of [
      ['/summary', summary, summaryCold, firstSummary, 'goals p95 ≤ 50 ms warm, ≤ 150 ms cold'],
      ['/series', series, seriesCold, firstSeries, ''],
      ['portfolio /series', portfolio, portfolioCold, firstPortfolio, 'goal p95 ≤ 50 ms warm'],
    ] as const) {
      const note = `${goals ? goals + '; ' : ''}first request of each after start: ${firsts(firstT)}`
      results.push(
        q(`${name} p50 warm`, p(warm, 0.5), note),
        q(`${name} p95 warm`, p(warm, 0.95), note),
        q(`${name} p50 cold (read cache cleared before each request)`, p(cold, 0.5), note),
        q(`${name} p95 cold (read cache cleared before each request)`, p(cold, 0.95), note),
      )
    }
    results.push(
      q('/readiness p50, every initiative (the portfolio page asks for it)', p(readiness, 0.5), 'computed on the main thread, not cached; part of the dashboard\'s first render'),
      result(`scale: dashboard first render, cold (${scale})`, renderCold.ms, 'ms', { name: 'plain /healthz page in the same browser', value: renderCold.plainMs, unit: 'ms' }, 'headless Chromium, fresh profile, until ys-portfolio is ready; read cache cleared'),
      result(`scale: dashboard first render, warm (${scale})`, renderWarm.ms, 'ms', { name: 'plain /healthz page in the same browser', value: renderWarm.plainMs, unit: 'ms' }, 'after the startup warm-up, fresh browser profile'),
      result(`scale: server peak RSS (${scale})`, serverMaxRss / 2 ** 20, 'MiB', { name: 'server RSS right after start', value: serverStartRss / 2 ** 20, unit: 'MiB' }, 'goal ≤ 1024 MiB; the server process (reader and writer threads included), after every query and both renders'),
    )
  } finally {
    await stopChild(server.child)
  }

  // Backup beside a plain copy of the file; prune on the backup copy, so the data set stays whole.
  const backupFile = path.join(dir, 'backup.db')
  const copyFile = path.join(dir, 'plain-copy.db')
  for (const f of [backupFile, copyFile]) fs.rmSync(f, { force: true })
  const c0 = performance.now()
  fs.copyFileSync(file, copyFile)
  const copyMs = performance.now() - c0
  fs.rmSync(copyFile, { force: true })
  const h = openDatabase(file, { sync: 'normal' })
  let backup
  let pagesCopiedMs = NaN
  try {
    const btick = progress(log, 'backup pages', 1)
    const b0 = performance.now()
    backup = await backupDatabase(h.sqlite!, backupFile, {
      onProgress: (d, t) => {
        btick(d, false, t)
        if (d === t) pagesCopiedMs = performance.now() - b0
      },
    })
  } finally {
    await h.close()
  }
  log(`  backup: ${(backup.ms / 1000).toFixed(1)} s for ${gib(backup.bytes)} (pages copied in ${(pagesCopiedMs / 1000).toFixed(1)} s, then integrity check and count); plain file copy ${(copyMs / 1000).toFixed(1)} s`)
  {
    // How much of the backup's time is its integrity check: quick_check (no index-against-table check) for comparison.
    const copy = new BetterSqlite3(backupFile, { readonly: true })
    const q0 = performance.now()
    copy.pragma('quick_check')
    log(`  pragma quick_check of the copy: ${((performance.now() - q0) / 1000).toFixed(1)} s`)
    copy.close()
  }
  results.push(result(`scale: backup (${events.toLocaleString('en-US')} events)`, backup.ms / 1000, 's', { name: 'plain copy of the database file', value: copyMs / 1000, unit: 's' }, `${gib(backup.bytes)}; SQLite online backup in one read transaction (pages copied in ${(pagesCopiedMs / 1000).toFixed(1)} s), then integrity_check and a count of events`))

  const firstMonth = new Date(m.params.firstDay + 400 * DAY_MS)
  const ym = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`
  const horizon = pruneHorizonOf(ym(firstMonth), ZONE)
  const next = new Date(horizon + 40 * DAY_MS)
  const nextHorizon = pruneHorizonOf(ym(next), ZONE)
  const b = openDatabase(backupFile, { sync: 'normal' })
  try {
    const ptick = progress(log, 'pruned', 1)
    const pr = await pruneEvents(b.db, { before: horizon, timezone: ZONE, actor: 'bench', onProgress: (d, t) => ptick(d, false, t) })
    const d0 = performance.now()
    const del = b.sqlite!.prepare('delete from events where occurred_at >= ? and occurred_at < ?').run(horizon, nextHorizon)
    const delMs = performance.now() - d0
    log(`  prune before ${ym(firstMonth)} on the backup copy: ${pr.events.toLocaleString('en-US')} events in ${(pr.ms / 1000).toFixed(1)} s (${fmtRate(pr.events / (pr.ms / 1000))}); raw DELETE of the next month's ${del.changes.toLocaleString('en-US')} events in one statement: ${(delMs / 1000).toFixed(1)} s (${fmtRate(del.changes / (delMs / 1000))})`)
    results.push(result(`scale: prune of the oldest ~13 months (${pr.events.toLocaleString('en-US')} of ${events.toLocaleString('en-US')} events)`, pr.events / (pr.ms / 1000), 'events/s', { name: 'raw DELETE of the next month in one statement', value: del.changes / (delMs / 1000), unit: 'events/s' }, `${(pr.ms / 1000).toFixed(1)} s, chunks of 20,000, rollup first`))
  } finally {
    await b.close()
    for (const f of [backupFile, `${backupFile}-wal`, `${backupFile}-shm`]) fs.rmSync(f, { force: true })
  }
  const benchRss = maxRss()
  log(`  bench process peak RSS ${mib(Math.max(benchRss, m.loaderMaxRss ?? 0))} (the loader when it built the data set: ${mib(m.loaderMaxRss ?? 0)})`)
  results.push(result(`scale: loader peak RSS (${events.toLocaleString('en-US')} events)`, (m.loaderMaxRss ?? benchRss) / 2 ** 20, 'MiB', { name: 'server peak RSS in the same run', value: serverMaxRss / 2 ** 20, unit: 'MiB' }, 'the bench process that generated, inserted and rolled up the data set'))
  if (opts.clean) {
    fs.rmSync(dir, { recursive: true, force: true })
    log(`  removed ${dir} (--clean)`)
  } else log(`  kept ${dir} for the next run (add --clean to remove it)`)
  return results
}
