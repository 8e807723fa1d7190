/**
 * /series and /summary through the real server and SQLite file, against figures computed here from
 * the posted events: before and after rollups, with late events, after a rebuild, in three zones.
 */
import { seededRandom } from '../../metrics/random.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeTransaction } from '../../db/connection.js'
import { updateInitiative } from '../../db/queries/initiatives.js'
import { listRollupRows } from '../../db/queries/rollups.js'
import { startTestServer, TEST_DIALECT, type TestServer } from '../testing/test-server.js'
import { rebuildRollups, rollupPending } from '../rollup/rollup-job.js'
import { findPortfolioSeries, TooManyPointsError } from './series.js'

interface Posted {
  metric: 'time_saved' | 'error_rate' | 'revenue_influenced' | 'decision_latency'
  t: number
  /** ms for durations, cents for revenue. */
  quantity: number
  errors: number
  total: number
  stage: 'pilot' | 'production'
}

/** numpy's default (linear) percentile of values. */
function exactQuantile(values: number[], q: number): number | null {
  if (values.length === 0) return null
  const s = [...values].sort((a, b) => a - b)
  const r = q * (s.length - 1)
  const lo = Math.floor(r)
  const hi = Math.ceil(r)
  return s[lo] + (s[hi] - s[lo]) * (r - lo)
}

const dateFormats = new Map<string, Intl.DateTimeFormat>()
/** The local calendar date of an instant, straight from Intl (independent of metrics/time-buckets). */
/** The first instant of a local month, found by stepping 15 minutes from a day before (offsets are multiples of 15 min). */
function localMonthStart(month: string, zone: string): number {
  let t = Date.parse(`${month}-01T00:00:00Z`) - 15 * 3_600_000
  while (localDate(t, zone).slice(0, 7) !== month) t += 15 * 60_000
  return t
}

function localDate(t: number, zone: string): string {
  let f = dateFormats.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
    dateFormats.set(zone, f)
  }
  return f.format(t)
}

const PRODUCTION_AT = Date.parse('2026-04-01T00:00:00Z')
const NOW = Date.parse('2026-04-20T12:00:00Z')
const SLUG = 'claims'
const HOURLY = 80
const COST_PER_ERROR = 12.5
const BASELINE_ERROR = 0.2
const BASELINE_LATENCY = 600

function makeEvents(seed: number, n: number, lo: number, hi: number): Posted[] {
  const r = seededRandom(seed)
  const out: Posted[] = []
  const metrics = ['time_saved', 'error_rate', 'revenue_influenced', 'decision_latency'] as const
  for (let k = 0; k < n; k++) {
    const metric = metrics[k % 4]
    const t = lo + Math.floor(r() * (hi - lo))
    const stage = t >= PRODUCTION_AT ? 'production' : 'pilot'
    if (metric === 'error_rate') {
      const total = 1 + Math.floor(r() * 50)
      out.push({ metric, t, quantity: 0, errors: Math.floor(r() * (total + 1) * 0.4), total, stage })
    } else if (metric === 'decision_latency') {
      out.push({ metric, t, quantity: 1 + Math.floor(Math.exp(r() * 12)), errors: 0, total: 0, stage })
    } else {
      out.push({ metric, t, quantity: Math.floor(r() * 3_600_000), errors: 0, total: 0, stage })
    }
  }
  return out
}

function toApi(e: Posted) {
  const base = { initiative: SLUG, metric: e.metric, occurredAt: new Date(e.t).toISOString() }
  if (e.metric === 'error_rate') return { ...base, errors: e.errors, total: e.total }
  if (e.metric === 'revenue_influenced') return { ...base, value: e.quantity / 100 }
  return { ...base, value: e.quantity / 1000, unit: 'seconds' }
}

interface Expect {
  count: number
  quantity: number
  errors: number
  total: number
  latencies: number[]
}

function expectOf(events: Posted[], keep: (e: Posted) => boolean): Expect {
  const x: Expect = { count: 0, quantity: 0, errors: 0, total: 0, latencies: [] }
  for (const e of events) {
    if (!keep(e)) continue
    x.count++
    x.quantity += e.quantity
    x.errors += e.errors
    x.total += e.total
    if (e.metric === 'decision_latency') x.latencies.push(e.quantity / 1000)
  }
  return x
}

function expectWithin1pct(actual: number | null, exact: number | null) {
  if (exact === null) return expect(actual).toBeNull()
  expect(actual).not.toBeNull()
  expect(Math.abs(actual! - exact)).toBeLessThanOrEqual(0.01 * Math.abs(exact) + 1e-9)
}

const ZONES: Array<{ zone: string; dstDay: string; dstHours: number }> = [
  { zone: 'Asia/Kolkata', dstDay: '2026-03-29', dstHours: 24 },
  { zone: 'Australia/Adelaide', dstDay: '2026-04-05', dstHours: 25 },
  { zone: 'Europe/London', dstDay: '2026-03-29', dstHours: 23 },
]

describe.each(ZONES)('outcomes in $zone', ({ zone, dstDay, dstHours }) => {
  let s: TestServer
  let now = Date.parse('2026-01-05T00:00:00Z')
  let ingest: string
  let reader: string
  const posted: Posted[] = []
  const from = Date.parse('2026-03-20T10:17:00Z')
  const to = Date.parse('2026-04-12T13:45:30Z')

  async function post(events: Posted[]) {
    for (let i = 0; i < events.length; i += 2000) {
      const res = await s.fetch('/api/v1/events', { method: 'POST', token: ingest, json: { events: events.slice(i, i + 2000).map(toApi) } })
      expect(res.status).toBe(202)
    }
    posted.push(...events)
  }

  async function get(path: string) {
    const res = await s.fetch(path, { token: reader })
    const body = await res.json()
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`)
    return body
  }

  /** One initiative's series, or (portfolio) the same initiative's entry in GET /api/v1/series. */
  async function checkSeries(metric: Posted['metric'], portfolio = false) {
    const range = `metric=${metric}&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&granularity=day`
    const body = await get(portfolio ? `/api/v1/series?${range}` : `/api/v1/initiatives/${SLUG}/series?${range}&split=stage`)
    expect(body.timezone).toBe(zone)
    if (portfolio) expect(body.series.map((x: { initiative: string }) => x.initiative)).toEqual([SLUG])
    else expect(body.stageChanges.map((c: { at: string; from: string; to: string }) => [Date.parse(c.at), c.from, c.to])).toEqual([[PRODUCTION_AT, 'pilot', 'production']])
    const points = portfolio ? body.series[0].points : body.points
    const dates = new Set<string>()
    for (let t = from; t < to; t += 3_600_000) dates.add(localDate(t, zone))
    dates.add(localDate(to - 1, zone))
    expect(points.map((p: { start: string }) => p.start.slice(0, 10))).toEqual([...dates])
    for (const p of points) {
      const date = p.start.slice(0, 10)
      const inBucket = (e: Posted) => e.metric === metric && e.t >= from && e.t < to && localDate(e.t, zone) === date
      const x = expectOf(posted, inBucket)
      expect(p.count, `${metric} ${date} count`).toBe(x.count)
      if (metric === 'time_saved') {
        expect(p.value).toBeCloseTo(x.quantity / 3_600_000, 5)
        expect(p.valueMoney).toBeCloseTo((x.quantity / 3_600_000) * HOURLY, 2)
      } else if (metric === 'revenue_influenced') {
        expect(Math.round(p.value * 100)).toBe(x.quantity)
      } else if (metric === 'error_rate') {
        expect(p.errors).toBe(x.errors)
        expect(p.total).toBe(x.total)
        expect(p.value).toBe(x.total > 0 ? x.errors / x.total : null)
        expect(p.errorsAvoided).toBeCloseTo(BASELINE_ERROR * x.total - x.errors, 5)
      } else {
        expectWithin1pct(p.value, exactQuantile(x.latencies, 0.5))
        expectWithin1pct(p.p90, exactQuantile(x.latencies, 0.9))
        if (x.count > 0) expect(p.mean).toBeCloseTo(x.quantity / x.count / 1000, 5)
        // Faster than the baseline: counted from the sketch, which never overstates and may miss values
        // within 1% under the baseline.
        const faster = x.latencies.filter((l) => l < BASELINE_LATENCY).length
        const nearly = x.latencies.filter((l) => l < BASELINE_LATENCY && l >= BASELINE_LATENCY * 0.99).length
        expect(p.decisionsAccelerated).toBeLessThanOrEqual(faster)
        expect(p.decisionsAccelerated).toBeGreaterThanOrEqual(faster - nearly)
      }
      if (portfolio) continue
      for (const stage of ['pilot', 'production'] as const) {
        const xs = expectOf(posted, (e) => inBucket(e) && e.stage === stage)
        expect(p.byStage?.[stage]?.count ?? 0).toBe(xs.count)
      }
    }
  }

  async function checkSummary() {
    const body = await get(`/api/v1/summary?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&split=stage`)
    expect(body.initiatives).toHaveLength(1)
    const i = body.initiatives[0]
    const period = (e: Posted) => e.t >= from && e.t < to
    const m = (metric: Posted['metric'], extra: (e: Posted) => boolean = () => true) => expectOf(posted, (e) => e.metric === metric && period(e) && extra(e))
    const ts = m('time_saved')
    const er = m('error_rate')
    const rev = m('revenue_influenced')
    const dl = m('decision_latency')
    expect(i.eventCount).toBe(ts.count + er.count + rev.count + dl.count)
    expect(i.timeSavedHours).toBeCloseTo(ts.quantity / 3_600_000, 5)
    expect(i.timeSavedValue).toBeCloseTo((ts.quantity / 3_600_000) * HOURLY, 2)
    expect(i.errors).toBe(er.errors)
    expect(i.total).toBe(er.total)
    expect(i.errorRate).toBe(er.errors / er.total)
    expect(i.errorsAvoided).toBeCloseTo(BASELINE_ERROR * er.total - er.errors, 5)
    expect(Math.round(i.revenueInfluenced * 100)).toBe(rev.quantity)
    expectWithin1pct(i.decisionLatencyP50, exactQuantile(dl.latencies, 0.5))
    expectWithin1pct(i.decisionLatencyP90, exactQuantile(dl.latencies, 0.9))
    expect(i.decisionCount).toBe(dl.count)
    const faster = dl.latencies.filter((l) => l < BASELINE_LATENCY).length
    expect(i.decisionsAccelerated).toBeLessThanOrEqual(faster)
    expect(i.decisionsAccelerated).toBeGreaterThanOrEqual(faster - dl.latencies.filter((l) => l < BASELINE_LATENCY && l >= BASELINE_LATENCY * 0.99).length)
    expect(i.decisionsAccelerated).toBeGreaterThan(0)
    const value = (ts.quantity / 3_600_000) * HOURLY + rev.quantity / 100 + (BASELINE_ERROR * er.total - er.errors) * COST_PER_ERROR
    expect(i.valueTotal).toBeCloseTo(value, 1)
    // Cost: 1,000 a month spread over each local month's length; March from `from`, April to `to`.
    const mar1 = localMonthStart('2026-03', zone)
    const apr1 = localMonthStart('2026-04', zone)
    const may1 = localMonthStart('2026-05', zone)
    const aprilShare = (to - apr1) / (may1 - apr1)
    const cost = 1000 * ((apr1 - from) / (apr1 - mar1) + aprilShare)
    expect(i.cost).toBe(Math.round(cost * 100) / 100)
    expect(i.returnPerDollar).toBeCloseTo(i.valueTotal / i.cost, 5)
    // To date (started 2026-01-01 local, as of `to`): upfront 5,000 + January, February, March whole + April's share.
    const costToDate = Math.round((5000 + 3000 + 1000 * aprilShare) * 100) / 100
    expect(i.costToDate).toBe(costToDate)
    for (const stage of ['pilot', 'production'] as const) {
      expect(i.byStage[stage].eventCount).toBe(expectOf(posted, (e) => period(e) && e.stage === stage).count)
    }
    const prevFrom = from - (to - from)
    expect(i.previous.eventCount).toBe(expectOf(posted, (e) => e.t >= prevFrom && e.t < from).count)
    // Payback: the value of each local month since the start month (January), whatever the period's
    // start, up to `to`, computed here from the posted events; the cumulative rule is metrics' (unit-tested).
    const monthValue = (month: string) => {
      const inMonth = (metric: Posted['metric']) => expectOf(posted, (e) => e.metric === metric && e.t < to && localDate(e.t, zone).slice(0, 7) === month)
      const er = inMonth('error_rate')
      return (inMonth('time_saved').quantity / 3_600_000) * HOURLY + inMonth('revenue_influenced').quantity / 100 + (er.total > 0 ? (BASELINE_ERROR * er.total - er.errors) * COST_PER_ERROR : 0)
    }
    const values = ['2026-01', '2026-02', '2026-03', '2026-04'].map((month) => Math.round(monthValue(month) * 100) / 100)
    const valueToDate = Math.round(values.reduce((a, b) => a + b, 0) * 100) / 100
    expect(i.valueToDate).toBeCloseTo(valueToDate, 2)
    expect(i.returnToDate).toBeCloseTo(valueToDate / costToDate, 5)
    // Payback: the first full month whose cumulative value reaches the cumulative cost (Jan includes the
    // upfront), else April (in progress as of `to`) if it does by `to`, else projected from Jan–Mar's average.
    const cumCost = [6000, 7000, 8000, costToDate]
    let cum = 0
    let expected: { month: string; projected: boolean } | null = null
    values.forEach((v, k) => {
      cum += v
      if (expected === null && cum >= cumCost[k] - 0.005) expected = { month: `2026-0${k + 1}`, projected: false }
    })
    if (expected === null) {
      const average = (values[0] + values[1] + values[2]) / 3
      const gap = 8000 - (values[0] + values[1] + values[2])
      expected = average > 1000 ? { month: `2026-${String(3 + Math.ceil(gap / (average - 1000))).padStart(2, '0')}`, projected: true } : null
    }
    expect(i.paybackMonth === null ? null : { month: i.paybackMonth.month, projected: i.paybackMonth.projected }).toEqual(expected)
    expect(body.portfolio.valueTotal).toBeCloseTo(i.valueTotal, 2)
    expect(body.portfolio.decisionLatencyP50).toBeCloseTo(i.decisionLatencyP50, 6)
    return body
  }

  beforeAll(async () => {
    s = await startTestServer({ env: { YARDSTICK_TIMEZONE: zone }, clock: () => now })
    await s.initiative({
      slug: SLUG, name: 'Claims triage', owner: 'ops@example.com', stage: 'pilot', currency: 'USD', hourlyValue: HOURLY, upfrontCost: 5000, monthlyCost: 1000, costPerError: COST_PER_ERROR,
      startedAt: '2026-01-01', baselines: { errorRate: BASELINE_ERROR, decisionLatencySeconds: BASELINE_LATENCY }, targets: { timeSavedHoursPerMonth: 100, errorRate: 0.1 },
    })
    ingest = await s.key('ingest')
    reader = await s.key('read')
    // The stage change is recorded directly (the pilot-to-production gate is another feature's test).
    await writeTransaction(s.handle.db, (tx) => updateInitiative(tx, SLUG, { stage: 'production' }, { actor: 'test', at: PRODUCTION_AT }))
    now = NOW
  })
  afterAll(() => s?.close())

  it('counts every event at once, before any rollup', async () => {
    await post(makeEvents(1, 4000, Date.parse('2026-02-25T00:00:00Z'), Date.parse('2026-04-15T00:00:00Z')))
    for (const metric of ['time_saved', 'error_rate', 'revenue_influenced', 'decision_latency'] as const) await checkSeries(metric)
    await checkSeries('decision_latency', true)
    const body = await checkSummary()
    expect(body.freshness.rolledUpTo).toBe(0)
    expect(body.freshness.tailEvents).toBe(4000)
  })

  it('gives the same figures from rollups, and with late events on top of rolled-up buckets', async () => {
    const r = await rollupPending(s.handle.db, { timezone: zone, stepIds: 1500 })
    expect(r.eventsFolded).toBe(4000)
    expect(r.steps).toBe(3)
    for (const metric of ['time_saved', 'error_rate', 'decision_latency'] as const) await checkSeries(metric)
    expect((await checkSummary()).freshness.tailEvents).toBe(0)
    // Late events: old occurredAt, landing in buckets already rolled up; read from the tail first.
    await post(makeEvents(2, 1200, Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-04-13T00:00:00Z')))
    for (const metric of ['time_saved', 'decision_latency'] as const) await checkSeries(metric)
    for (const metric of ['time_saved', 'error_rate'] as const) await checkSeries(metric, true)
    expect((await checkSummary()).freshness.tailEvents).toBe(1200)
    await rollupPending(s.handle.db, { timezone: zone })
    for (const metric of ['error_rate', 'revenue_influenced', 'decision_latency'] as const) await checkSeries(metric)
    for (const metric of ['revenue_influenced', 'decision_latency'] as const) await checkSeries(metric, true)
    await checkSummary()
  })

  it('rebuilds exactly the same rollups', async () => {
    const before = await listRollupRows(s.handle.db)
    expect(before.length).toBeGreaterThan(0)
    const r = await rebuildRollups(s.handle.db, { timezone: zone, stepIds: 777 })
    expect(r.eventsFolded).toBe(posted.length)
    expect(await listRollupRows(s.handle.db)).toEqual(before)
    await checkSeries('decision_latency')
    await checkSummary()
  })

  it('has a local day of the right length (23, 24 or 25 hours) on the day of a DST change', async () => {
    const dayStart = (date: string) => {
      // The first instant whose local date is `date`, found by stepping over UTC quarter hours.
      let t = Date.parse(`${date}T00:00:00Z`) - 15 * 3_600_000
      while (localDate(t, zone) !== date) t += 900_000
      return t
    }
    const next = new Date(Date.parse(`${dstDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
    const a = dayStart(dstDay)
    const b = dayStart(next)
    expect((b - a) / 3_600_000).toBe(dstHours)
    const body = await get(`/api/v1/initiatives/${SLUG}/series?metric=time_saved&from=${new Date(a).toISOString()}&to=${new Date(b).toISOString()}&granularity=hour`)
    expect(body.points).toHaveLength(dstHours)
    const x = expectOf(posted, (e) => e.metric === 'time_saved' && e.t >= a && e.t < b)
    expect(body.points.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(x.count)
    const day = await get(`/api/v1/initiatives/${SLUG}/series?metric=time_saved&from=${new Date(a).toISOString()}&to=${new Date(b).toISOString()}&granularity=day`)
    expect(day.points).toHaveLength(1)
    expect(day.points[0].partial).toBe(false)
    expect(day.points[0].count).toBe(x.count)
  })
})

describe('outcome parameters', () => {
  let s: TestServer
  let reader: string
  beforeAll(async () => {
    s = await startTestServer()
    await s.initiative({ slug: 'one', name: 'One', currency: 'USD' })
    await s.initiative({ slug: 'two', name: 'Two', currency: 'EUR' })
    reader = await s.key('read')
  })
  afterAll(() => s?.close())

  it.each([
    ['metric=nope', 'metric must be one of'],
    ['', 'metric is required'],
    ['metric=time_saved&from=2026-01-01', 'timezone offset'],
    ['metric=time_saved&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from must be before to'],
    ['metric=time_saved&granularity=fortnight', 'granularity must be one of'],
    ['metric=time_saved&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&granularity=hour', 'at most 10000 points'],
    ['metric=time_saved&stage=beta', 'stage must be one of'],
    ['metric=time_saved&split=team', 'split takes only "stage"'],
    ['metric=time_saved&compare=next', 'compare takes only "previous"'],
    ['metric=time_saved&colour=red', 'unknown parameter'],
  ])('rejects /series?%s with a message that says what to fix', async (query, message) => {
    const res = await s.fetch(`/api/v1/initiatives/one/series?${query}`, { token: reader })
    expect(res.status).toBe(400)
    const body = await res.json()
    expect(body.error.message).toContain(message)
  })

  it('answers an empty range with every bucket present and empty', async () => {
    const res = await s.fetch('/api/v1/initiatives/one/series?metric=error_rate&from=2026-01-01T00:00:00Z&to=2026-01-08T00:00:00Z&granularity=day&compare=previous', { token: reader })
    const body = await res.json()
    expect(body.points).toHaveLength(7)
    expect(body.points[0]).toMatchObject({ start: '2026-01-01T00:00:00+00:00', end: '2026-01-02T00:00:00+00:00', value: null, count: 0, errors: 0, total: 0 })
    expect(body.previous).toHaveLength(7)
  })

  it('refuses series of an initiative a scoped key may not read, as not found', async () => {
    const scoped = await s.key('read', ['two'])
    expect((await s.fetch('/api/v1/initiatives/one/series?metric=time_saved', { token: scoped })).status).toBe(404)
    expect((await s.fetch('/api/v1/initiatives/two/series?metric=time_saved', { token: scoped })).status).toBe(200)
    const summary = await (await s.fetch('/api/v1/summary', { token: scoped })).json()
    expect(summary.initiatives.map((i: { slug: string }) => i.slug)).toEqual(['two'])
    expect((await s.fetch('/api/v1/summary?initiatives=one', { token: scoped })).status).toBe(400)
  })

  it.each([
    ['', 'metric is required'],
    ['metric=time_saved&split=stage', 'unknown parameter "split"'],
    ['metric=time_saved&initiatives=One!', 'comma-separated slugs'],
    ['metric=time_saved&initiatives=three', 'no initiative "three"'],
    ['metric=time_saved&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&granularity=hour', 'at most 10000 points per initiative'],
  ])('rejects the portfolio /series?%s with a message that says what to fix', async (query, message) => {
    const res = await s.fetch(`/api/v1/series?${query}`, { token: reader })
    expect(res.status).toBe(400)
    expect((await res.json()).error.message).toContain(message)
  })

  it('refuses a portfolio series with more points in all than allowed, before reading', async () => {
    const p = { metric: 'time_saved' as const, from: Date.parse('2026-01-01T00:00:00Z'), to: Date.parse('2026-01-02T00:00:00Z'), granularity: 'hour' as const }
    await expect(findPortfolioSeries(s.handle.db, { timezone: 'UTC' }, { ...p, maxPoints: 47 })).rejects.toThrow(new TooManyPointsError(2, 24, 47))
    expect((await findPortfolioSeries(s.handle.db, { timezone: 'UTC' }, { ...p, maxPoints: 48 })).series).toHaveLength(2)
    // The same error, as its own class, from the reader thread the routes use.
    const fromThread = await s.app.reader.portfolioSeries({ ...p, maxPoints: 47, allowedSlugs: null }).catch((e: unknown) => e)
    expect(fromThread).toBeInstanceOf(TooManyPointsError)
    expect(fromThread).toEqual(new TooManyPointsError(2, 24, 47))
    expect(JSON.parse(await s.app.reader.portfolioSeries({ ...p, maxPoints: 48, allowedSlugs: ['two'] })).series).toHaveLength(1)
  })

  it('answers the portfolio series for the initiatives asked for, in that order, and only those a key may read', async () => {
    const q = 'metric=time_saved&from=2026-01-01T00:00:00Z&to=2026-01-08T00:00:00Z&granularity=day'
    const all = await (await s.fetch(`/api/v1/series?${q}`, { token: reader })).json()
    expect(all).toMatchObject({ metric: 'time_saved', granularity: 'day', from: '2026-01-01T00:00:00+00:00', to: '2026-01-08T00:00:00+00:00', timezone: 'UTC' })
    expect(all.series.map((x: { initiative: string }) => x.initiative)).toEqual(['one', 'two'])
    expect(all.series[0].points).toHaveLength(7)
    expect(all.series[0].points[0]).toMatchObject({ start: '2026-01-01T00:00:00+00:00', end: '2026-01-02T00:00:00+00:00', partial: false, value: 0, count: 0, valueMoney: null, target: null })
    const two = await (await s.fetch(`/api/v1/series?${q}&initiatives=two,one`, { token: reader })).json()
    expect(two.series.map((x: { initiative: string }) => x.initiative)).toEqual(['two', 'one'])
    const scoped = await s.key('read', ['two'])
    const seen = await (await s.fetch(`/api/v1/series?${q}`, { token: scoped })).json()
    expect(seen.series.map((x: { initiative: string }) => x.initiative)).toEqual(['two'])
    expect((await s.fetch(`/api/v1/series?${q}&initiatives=one`, { token: scoped })).status).toBe(400)
    expect((await s.fetch(`/api/v1/series?${q}`)).status).toBe(401)
  })

  it('marks mixed currencies in the portfolio', async () => {
    const body = await (await s.fetch('/api/v1/summary', { token: reader })).json()
    expect(body.portfolio.mixedCurrencies).toBe(true)
    expect(body.portfolio.currencyNote).toContain('EUR, USD')
    expect(body.initiatives).toHaveLength(2)
  })

  // PostgreSQL reads from the pool on the main thread: there is no reader thread to replace.
  it.skipIf(TEST_DIALECT === 'postgres')('replaces a reader thread that died, and answers the next read as before', async () => {
    const before = await (await s.fetch('/api/v1/summary?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z', { token: reader })).json()
    // The thread itself, stopped from outside (as a crash would).
    const thread = (s.app.reader as unknown as { worker: import('node:worker_threads').Worker | null }).worker
    expect(thread).not.toBeNull()
    await thread!.terminate()
    const after = await (await s.fetch('/api/v1/summary?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z', { token: reader })).json()
    expect({ ...after, generatedAt: null }).toEqual({ ...before, generatedAt: null })
    expect((s.app.reader as unknown as { worker: unknown }).worker).not.toBe(thread)
  })

  it('needs a key', async () => {
    expect((await s.fetch('/api/v1/summary')).status).toBe(401)
  })
})
