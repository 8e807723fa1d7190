/**
 * Scale readiness over HTTP:
 * - GET /api/v1/readiness: every initiative's verdict (the portfolio table's column);
 * - GET /api/v1/initiatives/:slug/readiness: one verdict with what is met, missing, attested, and why;
 * - GET|PUT /api/v1/initiatives/:slug/fit: the use-case fit (phase 1), PUT audited as `record_fit`;
 * - GET|POST /api/v1/initiatives/:slug/attestations: checklist attestations, POST audited as `attest`.
 * Parse at the boundary; decide in metrics/readiness.ts; store in db/queries/readiness.ts.
 */
import { Router, type Request } from 'express'
import { z } from 'zod'
import { textProblem, type TextRule } from '../../metrics/text.js'
import type { Db } from '../../db/connection.js'
import { writeTransaction } from '../../db/connection.js'
import { recordAudit } from '../../db/queries/audit.js'
import { findInitiativeFields } from '../../db/queries/initiatives.js'
import { findAttestations, insertAttestation, saveFit } from '../../db/queries/readiness.js'
import { SLUG_PATTERN, parseInstant } from '../../metrics/kinds.js'
import { ATTESTABLE_ITEMS, CATEGORY_LABELS, FIT_SCALES, USE_CASE_CATEGORIES, type Attestation, type FitLevel, type Readiness } from '../../metrics/readiness.js'
import { localDateString, startOfLocalDate } from '../../metrics/time-buckets.js'
import { actorName, can, canUseInitiative, requirePermission } from '../auth/actor.js'
import type { Config } from '../config.js'
import { badRequest, notFound, unprocessable, type ErrorDetail } from '../errors.js'
import { findReadiness } from '../readiness/facts.js'
import { isAdmin } from '../readiness/gate.js'
import { attestationCreated, attestationList, fitResponse, fitSavedResponse, initiativeReadinessResponse, portfolioReadinessResponse } from '../../metrics/api/schemas.js'
import { send } from './answer.js'

/** A string under the one text rule of metrics/text.ts. */
const ruled = (schema: z.ZodString, rule: TextRule) =>
  schema.superRefine((s, ctx) => {
    const problem = textProblem(s, rule)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })
const text = (max: number, multiline = false) => ruled(z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty'), { max, multiline })
const level = z.number({ error: 'must be a whole number from 1 to 4' }).int('must be a whole number from 1 to 4').min(1, 'must be from 1 to 4').max(4, 'must be from 1 to 4')

const fitSchema = z.strictObject({
  category: z.enum(USE_CASE_CATEGORIES, { error: `must be one of ${USE_CASE_CATEGORIES.join(', ')}` }),
  repetitiveness: level,
  clarity: level,
  engagement: level,
  note: ruled(z.string(), { max: 2000, multiline: true }).optional(),
})

const attestSchema = z.strictObject({
  item: z.enum(ATTESTABLE_ITEMS, { error: `must be one of ${ATTESTABLE_ITEMS.join(', ')} (owner and baselines are fields of the initiative: set them with PATCH)` }),
  note: text(2000, true),
  date: z.string().max(40).optional(),
  reviewer: text(200).optional(),
})

function details(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') {
      const keys = (i as { keys: string[] }).keys
      const msg = keys.includes('volume') ? 'volume is measured from the events (last full month, or the last 30 days), not typed: leave it out' : `unknown field(s): ${keys.join(', ')}`
      return { field: keys.join(', '), message: msg }
    }
    const field = i.path.join('.') || null
    return { field, message: `${field ?? 'body'} ${i.message}` }
  })
}

/** `months` query parameter: 1–24, default from the configuration. */
function readMonths(req: Request, def: number): number {
  const q = req.query as Record<string, unknown>
  const problems: ErrorDetail[] = []
  for (const k of Object.keys(q)) if (k !== 'months') problems.push({ field: k, message: `unknown parameter "${k.slice(0, 64)}"; allowed: months` })
  const raw = q.months
  let months = def
  if (raw !== undefined && raw !== '') {
    const n = typeof raw === 'string' && /^\d{1,2}$/.test(raw) ? Number(raw) : NaN
    if (!(n >= 1 && n <= 24)) problems.push({ field: 'months', message: `months must be a whole number from 1 to 24 (consecutive full months on target), got "${String(raw).slice(0, 20)}"` })
    else months = n
  }
  if (problems.length > 0) throw badRequest(problems.map((p) => p.message).join('; '), problems)
  return months
}

/**
 * An attestation's date: `YYYY-MM-DD` (local midnight in `zone`) or an ISO instant with offset; default
 * today. Not in the future, not before 2000. A string is the problem to report.
 * @example parseAttestationDate('2026-11-02', 'UTC', Date.now())
 */
export function parseAttestationDate(raw: string | undefined, zone: string, now: number): number | string {
  if (raw === undefined || raw === '') return startOfLocalDate(localDateString(now, zone), zone)
  let t: number | string
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    try {
      t = startOfLocalDate(raw, zone)
    } catch {
      t = `date must be a real calendar date, got "${raw}"`
    }
  } else t = parseInstant(raw, 'date')
  if (typeof t === 'string') return `${t} (use a date such as 2026-11-02)`
  if (t > now) return 'date must not be in the future: attest what has happened'
  if (t < Date.UTC(2000, 0, 1)) return 'date must be in 2000 or later'
  return t
}

function publicAttestation(a: Attestation, zone: string) {
  return { id: a.id, item: a.item, note: a.note, attestedBy: a.attestedBy, reviewer: a.reviewer, date: localDateString(a.attestedAt, zone), attestedAt: new Date(a.attestedAt).toISOString(), recordedAt: new Date(a.recordedAt).toISOString() }
}

/** The fit scales and categories as data, for forms. */
export const FIT_FORM = {
  scales: Object.fromEntries(Object.entries(FIT_SCALES).map(([k, v]) => [k, { label: v.label, question: v.question, measured: v.measured, levels: v.levels.map((description, i) => ({ level: (i + 1) as FitLevel, description })) }])),
  categories: USE_CASE_CATEGORIES.map((id) => ({ id, label: CATEGORY_LABELS[id] })),
}

export function readinessRouter(deps: { db: Db; config: Config; clock: () => number }): Router {
  const { db, config, clock } = deps
  const router = Router()
  const zone = config.timezone

  const one = async (req: Request, months: number): Promise<Readiness> => {
    const slug = String(req.params.slug)
    if (!SLUG_PATTERN.test(slug) || !canUseInitiative(req.actor!, slug)) throw notFound(`no initiative "${slug.slice(0, 64)}"`)
    const [r] = await findReadiness(db, { timezone: zone, now: clock(), slugs: [slug] }, months)
    if (!r) throw notFound(`no initiative "${slug}"`)
    return r
  }

  router.get('/readiness', requirePermission('read', 'filtered'), async (req, res) => {
    const months = readMonths(req, config.readinessMonths)
    const now = clock()
    const all = (await findReadiness(db, { timezone: zone, now }, months)).filter((r) => canUseInitiative(req.actor!, r.slug))
    const counts = { ready: 0, not_yet: 0, at_risk: 0 }
    for (const r of all) counts[r.verdict]++
    send(res, portfolioReadinessResponse, { asOf: new Date(now).toISOString(), consecutiveMonths: months, counts, initiatives: all })
  })

  router.get('/initiatives/:slug/readiness', requirePermission('read', 'slug'), async (req, res) => {
    const r = await one(req, readMonths(req, config.readinessMonths))
    // What the caller may do here, so the dashboard shows forms only to those who can use them.
    send(res, initiativeReadinessResponse, { ...r, permissions: { attest: can(req.actor!, 'initiatives:write'), recordFit: can(req.actor!, 'initiatives:write'), override: isAdmin(req.actor!) } })
  })

  router.get('/initiatives/:slug/fit', requirePermission('read', 'slug'), async (req, res) => {
    const r = await one(req, config.readinessMonths)
    send(res, fitResponse, { fit: r.fit, ...FIT_FORM })
  })

  router.put('/initiatives/:slug/fit', requirePermission('initiatives:write', 'slug'), async (req, res) => {
    const slug = String(req.params.slug)
    if (!SLUG_PATTERN.test(slug) || !canUseInitiative(req.actor!, slug)) throw notFound(`no initiative "${slug.slice(0, 64)}"`)
    const parsed = fitSchema.safeParse(req.body)
    if (!parsed.success) throw unprocessable('the use-case fit is invalid; nothing was stored', details(parsed.error))
    const now = clock()
    const by = actorName(req.actor!)
    await writeTransaction(db, async (tx) => {
      const i = await findInitiativeFields(tx, slug)
      if (!i) throw notFound(`no initiative "${slug}"`)
      const fit = { category: parsed.data.category, repetitiveness: parsed.data.repetitiveness as FitLevel, clarity: parsed.data.clarity as FitLevel, engagement: parsed.data.engagement as FitLevel, note: parsed.data.note?.trim() ?? '', recordedBy: by, recordedAt: now }
      const before = await saveFit(tx, i.id, fit)
      await recordAudit(tx, { at: now, actor: by, action: 'record_fit', entity: 'initiative', entityId: slug, before: before ? { fit: before } : null, after: { fit } })
    })
    const r = await one(req, config.readinessMonths)
    send(res, fitSavedResponse, { fit: r.fit, verdict: r.verdict, ...FIT_FORM })
  })

  router.get('/initiatives/:slug/attestations', requirePermission('read', 'slug'), async (req, res) => {
    const slug = String(req.params.slug)
    if (!SLUG_PATTERN.test(slug) || !canUseInitiative(req.actor!, slug)) throw notFound(`no initiative "${slug.slice(0, 64)}"`)
    const i = await findInitiativeFields(db, slug)
    if (!i) throw notFound(`no initiative "${slug}"`)
    const list = (await findAttestations(db, [i.id])).get(i.id) ?? []
    send(res, attestationList, { attestations: list.map((a) => publicAttestation(a, zone)).reverse() })
  })

  router.post('/initiatives/:slug/attestations', requirePermission('initiatives:write', 'slug'), async (req, res) => {
    const slug = String(req.params.slug)
    if (!SLUG_PATTERN.test(slug) || !canUseInitiative(req.actor!, slug)) throw notFound(`no initiative "${slug.slice(0, 64)}"`)
    const parsed = attestSchema.safeParse(req.body)
    if (!parsed.success) throw unprocessable('the attestation is invalid; nothing was stored', details(parsed.error))
    const now = clock()
    const attestedAt = parseAttestationDate(parsed.data.date, zone, now)
    if (typeof attestedAt === 'string') throw unprocessable('the attestation is invalid; nothing was stored', [{ field: 'date', message: attestedAt }])
    const by = actorName(req.actor!)
    const created = await writeTransaction(db, async (tx) => {
      const i = await findInitiativeFields(tx, slug)
      if (!i) throw notFound(`no initiative "${slug}"`)
      const a = await insertAttestation(tx, i.id, { item: parsed.data.item, note: parsed.data.note, attestedBy: by, reviewer: parsed.data.reviewer ?? null, attestedAt, recordedAt: now })
      await recordAudit(tx, { at: now, actor: by, action: 'attest', entity: 'initiative', entityId: slug, after: publicAttestation(a, zone) })
      return a
    })
    const r = await one(req, config.readinessMonths)
    send(res, attestationCreated, { attestation: publicAttestation(created, zone), verdict: r.verdict, missing: r.missing }, 201)
  })

  return router
}
