/**
 * The organisation's AI-readiness assessment over HTTP:
 * - GET /api/v1/assessment (read): per phase the latest answers, what the data says, a score and where
 *   the two disagree; the overall score and its change; the framework's yardsticks; the next steps; the
 *   history of takings; `permissions.answer` for the dashboard's form.
 * - POST /api/v1/assessment (editors, admins, unscoped admin keys) with
 *   `{"answers": {"uc_selection": 1–4, … every question}, "note"?}`: records a taking, dated, scored
 *   against the data as of now, and audited (`create` on entity `assessment`); answers 201 with the
 *   updated assessment. Parse here; decide in metrics/assessment.ts; store in db/queries/assessment.ts.
 */
import { Router } from 'express'
import { z } from 'zod'
import { writeTransaction, type Db } from '../../db/connection.js'
import { insertAssessment } from '../../db/queries/assessment.js'
import { recordAudit } from '../../db/queries/audit.js'
import { QUESTIONS, scoreAssessment, type Answers, type Level } from '../../metrics/assessment.js'
import { actorName, can, canUseInitiative, requirePermission, type Actor } from '../auth/actor.js'
import type { Config } from '../config.js'
import { forbidden, unprocessable, type ErrorDetail } from '../errors.js'
import { findAssessment, phaseScores } from '../assessment/facts.js'
import { assessmentResponse } from '../../metrics/api/schemas.js'
import { send } from './answer.js'

const level = z.number({ error: 'must be a whole number from 1 to 4' }).int('must be a whole number from 1 to 4').min(1, 'must be from 1 to 4').max(4, 'must be from 1 to 4')
const answersSchema = z.strictObject(Object.fromEntries(QUESTIONS.map((q) => [q.id, level])) as Record<string, typeof level>, { error: 'must be an object of question id → level (1–4)' })
const bodySchema = z.strictObject({
  answers: answersSchema,
  note: z.string({ error: 'must be a string' }).max(2000, 'must be at most 2000 characters').optional(),
})

function details(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') {
      const keys = (i as { keys: string[] }).keys
      const where = i.path.join('.')
      return { field: [where, keys.join(', ')].filter(Boolean).join('.'), message: where === 'answers' ? `unknown question(s): ${keys.join(', ').slice(0, 200)}; the questions are ${QUESTIONS.map((q) => q.id).join(', ')}` : `unknown field(s): ${keys.join(', ').slice(0, 200)}; allowed: answers, note` }
    }
    const field = i.path.join('.') || null
    const missing = i.code === 'invalid_type' && i.path[0] === 'answers' && i.path.length === 2 && (i as { input?: unknown }).input === undefined
    return { field, message: missing ? `${field} is missing: answer every question (1–4)` : `${field ?? 'body'} ${i.message}` }
  })
}

/** The organisation's assessment is for those who see every initiative: a key scoped to some may not answer it. */
function mayAnswer(a: Actor): boolean {
  return can(a, 'initiatives:write') && (a.kind !== 'key' || a.initiatives === null)
}

export function assessmentRouter(deps: { db: Db; config: Config; clock: () => number }): Router {
  const { db, config, clock } = deps
  const router = Router()

  router.get('/', requirePermission('read', 'filtered'), async (req, res) => {
    const actor = req.actor!
    const view = await findAssessment(db, config, { now: clock(), allowed: (slug) => canUseInitiative(actor, slug) })
    send(res, assessmentResponse, { ...view, permissions: { answer: mayAnswer(actor) } })
  })

  router.post('/', requirePermission('initiatives:write', 'unscoped'), async (req, res) => {
    const actor = req.actor!
    if (!mayAnswer(actor)) throw forbidden('this API key is scoped to some initiatives; the organisation\'s assessment needs an editor, an admin or an unscoped admin key')
    const parsed = bodySchema.safeParse(req.body)
    if (!parsed.success) throw unprocessable('the assessment is invalid; nothing was stored', details(parsed.error))
    const answers = parsed.data.answers as Answers
    for (const k of Object.keys(answers)) answers[k] = answers[k] as Level
    const now = clock()
    const by = actorName(actor)
    // Scored against the data as of now, and stored with that score, so the history shows what it was.
    const before = await findAssessment(db, config, { now, historyLimit: 1 })
    const scored = scoreAssessment(answers, before.figures)
    const note = parsed.data.note?.trim() ?? ''
    await writeTransaction(db, async (tx) => {
      const id = await insertAssessment(tx, { takenAt: now, takenBy: by, note, answers, overall: scored.overall, phases: phaseScores(scored.phases) })
      await recordAudit(tx, { at: now, actor: by, action: 'create', entity: 'assessment', entityId: id, after: { answers, note, overall: scored.overall, phases: phaseScores(scored.phases) } })
    })
    const view = await findAssessment(db, config, { now, allowed: (slug) => canUseInitiative(actor, slug) })
    send(res, assessmentResponse, { ...view, permissions: { answer: true } }, 201)
  })

  return router
}
