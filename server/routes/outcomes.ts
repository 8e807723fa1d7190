/**
 * GET /api/v1/initiatives/:slug/series, GET /api/v1/series (one metric, many initiatives) and
 * GET /api/v1/summary: parse and validate every parameter at
 * the boundary (400 saying what to fix), then answer with server/outcomes.
 */
import { Router, type Request } from 'express'
import { isStage, STAGES, type Stage } from '../../metrics/stages.js'
import { parseInstant, SLUG_PATTERN } from '../../metrics/kinds.js'
import { isMetric, METRICS, type Metric } from '../../metrics/metric-kinds.js'
import { chooseGranularity, type Granularity } from '../../metrics/time-buckets.js'
import { canUseInitiative, requirePermission, scopeOf as actorScope, type Actor } from '../auth/actor.js'
import type { Config } from '../config.js'
import { badRequest, notFound, type ErrorDetail } from '../errors.js'
import type { OutcomeReader } from '../outcomes/reader.js'
import { countPoints, MAX_POINTS, TooManyPointsError } from '../outcomes/series.js'
import { UnknownInitiativesError } from '../outcomes/summary.js'

const DAY = 86_400_000
const GRANULARITIES: Granularity[] = ['hour', 'day', 'week', 'month']

/** Query values as one string each (a repeated parameter is an error, not an array). */
function readQuery(req: Request, allowed: string[]): { get(name: string): string | undefined; problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = []
  const q = req.query as Record<string, unknown>
  for (const [k, v] of Object.entries(q)) {
    if (!allowed.includes(k)) problems.push({ field: k, message: `unknown parameter "${k.slice(0, 64)}"; allowed: ${allowed.join(', ')}` })
    else if (typeof v !== 'string') problems.push({ field: k, message: `give ${k} once, as a single value` })
  }
  return { get: (name) => (typeof q[name] === 'string' ? (q[name] as string) : undefined), problems }
}

/** from/to: ISO 8601 with offset; default to = now, from = to − defaultDays. */
function readRange(get: (n: string) => string | undefined, now: number, defaultDays: number, problems: ErrorDetail[]): { from: number; to: number } {
  const instant = (name: 'from' | 'to'): number | null => {
    const raw = get(name)
    if (raw === undefined || raw === '') return null
    const t = parseInstant(raw, name)
    if (typeof t === 'string') {
      problems.push({ field: name, message: t })
      return Number.NaN
    }
    return t
  }
  const toRaw = instant('to')
  const fromRaw = instant('from')
  const to = toRaw ?? now
  const from = fromRaw ?? to - defaultDays * DAY
  if (Number.isFinite(from) && Number.isFinite(to) && from >= to) problems.push({ field: 'from', message: `from must be before to (got from ${get('from') ?? '(default)'} and to ${get('to') ?? '(now)'})` })
  return { from, to }
}

function readStage(get: (n: string) => string | undefined, problems: ErrorDetail[]): Stage | null {
  const s = get('stage')
  if (s === undefined || s === '') return null
  if (!isStage(s)) {
    problems.push({ field: 'stage', message: `stage must be one of ${STAGES.join(', ')}, got "${s.slice(0, 40)}"` })
    return null
  }
  return s
}

function readSplit(get: (n: string) => string | undefined, problems: ErrorDetail[]): boolean {
  const s = get('split')
  if (s === undefined || s === '') return false
  if (s !== 'stage') problems.push({ field: 'split', message: `split takes only "stage" (split=stage), got "${s.slice(0, 40)}"` })
  return s === 'stage'
}

function readMetric(get: (n: string) => string | undefined, problems: ErrorDetail[]): Metric | null {
  const m = get('metric')
  if (m === undefined || m === '') problems.push({ field: 'metric', message: `metric is required: one of ${METRICS.join(', ')}` })
  else if (!isMetric(m)) problems.push({ field: 'metric', message: `metric must be one of ${METRICS.join(', ')}, got "${m.slice(0, 40)}"` })
  else return m
  return null
}

function readGranularity(get: (n: string) => string | undefined, problems: ErrorDetail[]): Granularity | null {
  const g = get('granularity')
  if (g === undefined || g === '') return null
  if (!(GRANULARITIES as string[]).includes(g)) {
    problems.push({ field: 'granularity', message: `granularity must be one of ${GRANULARITIES.join(', ')}, got "${g.slice(0, 40)}"` })
    return null
  }
  return g as Granularity
}

function readInitiatives(get: (n: string) => string | undefined, problems: ErrorDetail[]): string[] | null {
  const list = get('initiatives')
  if (list === undefined || list === '') return null
  const slugs = [...new Set(list.split(',').map((s) => s.trim()).filter(Boolean))]
  const bad = slugs.filter((s) => !SLUG_PATTERN.test(s))
  if (bad.length > 0) problems.push({ field: 'initiatives', message: `initiatives must be comma-separated slugs, e.g. initiatives=invoices,support-triage; not a slug: "${bad[0].slice(0, 64)}"` })
  return slugs
}

function fail(problems: ErrorDetail[]): never {
  throw badRequest(problems.map((p) => p.message).join('; '), problems)
}

/** The initiatives an actor may see: a scoped key's list, or null for all. */
function scopeOf(a: Actor): string[] | null {
  const scope = actorScope(a)
  return scope === null ? null : [...scope]
}

/**
 * A summary for a scoped caller: `freshness` keeps when the rollups last ran, but not the rollup
 * watermark (an event id) nor the count of newer events, which are database-wide and would tell a
 * caller scoped to one initiative how much every other initiative sends.
 */
function withoutVolume(text: string): string {
  const body = JSON.parse(text) as { freshness?: { rolledUpAt?: string | null } }
  if (body.freshness) body.freshness = { rolledUpAt: body.freshness.rolledUpAt ?? null }
  return JSON.stringify(body)
}

/** Sends JSON text computed on the reader thread. */
function sendJson(res: import('express').Response, text: string): void {
  res.type('application/json').send(text)
}

export function outcomesRouter(deps: { reader: OutcomeReader; config: Config; clock: () => number }): Router {
  const { reader, config, clock } = deps
  const router = Router()

  router.get('/initiatives/:slug/series', requirePermission('read', 'slug'), async (req, res) => {
    const slug = String(req.params.slug)
    if (!SLUG_PATTERN.test(slug) || !canUseInitiative(req.actor!, slug)) throw notFound(`no initiative "${slug.slice(0, 64)}"`)
    const { get, problems } = readQuery(req, ['metric', 'from', 'to', 'granularity', 'stage', 'split', 'compare'])
    let metric: Metric | null = null
    const m = get('metric')
    if (m === undefined || m === '') problems.push({ field: 'metric', message: `metric is required: one of ${METRICS.join(', ')}` })
    else if (!isMetric(m)) problems.push({ field: 'metric', message: `metric must be one of ${METRICS.join(', ')}, got "${m.slice(0, 40)}"` })
    else metric = m
    const { from, to } = readRange(get, clock(), 90, problems)
    let granularity: Granularity | null = null
    const g = get('granularity')
    if (g !== undefined && g !== '') {
      if (!(GRANULARITIES as string[]).includes(g)) problems.push({ field: 'granularity', message: `granularity must be one of ${GRANULARITIES.join(', ')}, got "${g.slice(0, 40)}"` })
      else granularity = g as Granularity
    }
    const stage = readStage(get, problems)
    const split = readSplit(get, problems)
    const c = get('compare')
    if (c !== undefined && c !== '' && c !== 'previous') problems.push({ field: 'compare', message: `compare takes only "previous" (compare=previous), got "${c.slice(0, 40)}"` })
    if (problems.length > 0) fail(problems)
    const gran = granularity ?? chooseGranularity(from, to)
    const n = countPoints(from, to, gran, config.timezone, MAX_POINTS)
    if (n > MAX_POINTS) fail([{ field: 'granularity', message: `this range has ${Number.isFinite(n) ? n : 'far more than ' + MAX_POINTS} ${gran} buckets; at most ${MAX_POINTS} points are allowed: use a coarser granularity or a shorter range` }])
    const series = await reader.series(slug, { metric: metric!, from, to, granularity: gran, stage, split, compare: c === 'previous' })
    if (series === null) throw notFound(`no initiative "${slug}"`)
    sendJson(res, series)
  })

  router.get('/initiatives/:slug/payback', requirePermission('read', 'slug'), async (req, res) => {
    const slug = String(req.params.slug)
    if (!SLUG_PATTERN.test(slug) || !canUseInitiative(req.actor!, slug)) throw notFound(`no initiative "${slug.slice(0, 64)}"`)
    const { get, problems } = readQuery(req, ['to'])
    const raw = get('to')
    let to: number | null = null
    if (raw !== undefined && raw !== '') {
      const t = parseInstant(raw, 'to')
      if (typeof t === 'string') problems.push({ field: 'to', message: t })
      else to = t
    }
    if (problems.length > 0) fail(problems)
    const answer = await reader.payback(slug, { to, now: clock() })
    if (answer === null) throw notFound(`no initiative "${slug}"`)
    sendJson(res, answer)
  })

  router.get('/series', requirePermission('read', 'filtered'), async (req, res) => {
    const { get, problems } = readQuery(req, ['metric', 'from', 'to', 'granularity', 'stage', 'initiatives'])
    const metric = readMetric(get, problems)
    const { from, to } = readRange(get, clock(), 90, problems)
    const granularity = readGranularity(get, problems)
    const stage = readStage(get, problems)
    const initiatives = readInitiatives(get, problems)
    if (problems.length > 0) fail(problems)
    const gran = granularity ?? chooseGranularity(from, to)
    const n = countPoints(from, to, gran, config.timezone, MAX_POINTS)
    if (n > MAX_POINTS) fail([{ field: 'granularity', message: `this range has ${Number.isFinite(n) ? n : 'far more than ' + MAX_POINTS} ${gran} buckets; at most ${MAX_POINTS} points per initiative are allowed: use a coarser granularity or a shorter range` }])
    const actor = req.actor!
    try {
      sendJson(res, await reader.portfolioSeries({ metric: metric!, from, to, granularity: gran, stage, initiatives, allowedSlugs: scopeOf(actor) }))
    } catch (e) {
      if (e instanceof UnknownInitiativesError || e instanceof TooManyPointsError) throw badRequest(e.message, [{ field: 'initiatives', message: e.message }])
      throw e
    }
  })

  router.get('/summary', requirePermission('read', 'filtered'), async (req, res) => {
    const { get, problems } = readQuery(req, ['from', 'to', 'stage', 'team', 'initiatives', 'split'])
    const { from, to } = readRange(get, clock(), 30, problems)
    const stage = readStage(get, problems)
    const split = readSplit(get, problems)
    const team = get('team') || null
    const list = get('initiatives')
    let initiatives: string[] | null = null
    if (list !== undefined && list !== '') {
      initiatives = [...new Set(list.split(',').map((s) => s.trim()).filter(Boolean))]
      const bad = initiatives.filter((s) => !SLUG_PATTERN.test(s))
      if (bad.length > 0) problems.push({ field: 'initiatives', message: `initiatives must be comma-separated slugs, e.g. initiatives=invoices,support-triage; not a slug: "${bad[0].slice(0, 64)}"` })
    }
    if (problems.length > 0) fail(problems)
    const actor = req.actor!
    try {
      const text = await reader.summary({ from, to, stage, team, initiatives, split, allowedSlugs: scopeOf(actor), now: clock() })
      sendJson(res, scopeOf(actor) === null ? text : withoutVolume(text))
    } catch (e) {
      if (e instanceof UnknownInitiativesError) throw badRequest(e.message, [{ field: 'initiatives', message: e.message }])
      throw e
    }
  })

  return router
}
