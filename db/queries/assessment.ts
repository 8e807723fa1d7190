/**
 * Storage of the organisation's AI-readiness assessment (each taking with its answers and the scores as
 * computed then), and the one event query its integration figure needs.
 */
import { sql } from 'kysely'
import type { Tx } from '../connection.js'
import type { Answers, Level, Phase } from '../../metrics/assessment.js'

export interface StoredAssessment {
  id: number
  takenAt: number
  takenBy: string
  note: string
  answers: Answers
  /** Scores as computed when taken (1–4, one decimal), null where none was computed. */
  overall: number | null
  phases: Record<Phase, number | null>
}

export interface NewAssessment {
  takenAt: number
  takenBy: string
  note: string
  answers: Answers
  overall: number | null
  phases: Record<Phase, number | null>
}

const tenths = (x: number | null) => (x === null ? null : Math.round(x * 10))
const fromTenths = (x: number | null) => (x === null ? null : x / 10)

/**
 * Records one taking of the assessment and its answers, in the caller's transaction; returns its id.
 * @example const id = await insertAssessment(tx, { takenAt: now, takenBy: 'ana@example.com', note: '', answers, overall: 2.5, phases })
 */
export async function insertAssessment(tx: Tx, a: NewAssessment): Promise<number> {
  const row = await tx
    .insertInto('assessments')
    .values({
      taken_at: a.takenAt,
      taken_by: a.takenBy,
      note: a.note,
      overall_tenths: tenths(a.overall),
      use_case_tenths: tenths(a.phases.use_case),
      integration_tenths: tenths(a.phases.integration),
      governance_tenths: tenths(a.phases.governance),
      measurement_tenths: tenths(a.phases.measurement),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const entries = Object.entries(a.answers)
  if (entries.length > 0) await tx.insertInto('assessment_answers').values(entries.map(([question, level]) => ({ assessment_id: row.id, question, level }))).execute()
  return row.id
}

/**
 * The latest takings of the assessment, newest first (taken_at, then id), with their answers.
 * @example const [latest, previous] = await findAssessments(db, { limit: 2 })
 */
export async function findAssessments(tx: Tx, q: { limit?: number; before?: number } = {}): Promise<StoredAssessment[]> {
  let query = tx.selectFrom('assessments').selectAll()
  if (q.before !== undefined) query = query.where('taken_at', '<', q.before)
  const rows = await query.orderBy('taken_at', 'desc').orderBy('id', 'desc').limit(q.limit ?? 20).execute()
  if (rows.length === 0) return []
  const answers = await tx.selectFrom('assessment_answers').selectAll().where('assessment_id', 'in', rows.map((r) => r.id)).execute()
  const byId = new Map<number, Answers>()
  for (const a of answers) {
    const m = byId.get(a.assessment_id) ?? {}
    m[a.question] = a.level as Level
    byId.set(a.assessment_id, m)
  }
  return rows.map((r) => ({
    id: r.id,
    takenAt: Number(r.taken_at),
    takenBy: r.taken_by,
    note: r.note,
    answers: byId.get(r.id) ?? {},
    overall: fromTenths(r.overall_tenths),
    phases: { use_case: fromTenths(r.use_case_tenths), integration: fromTenths(r.integration_tenths), governance: fromTenths(r.governance_tenths), measurement: fromTenths(r.measurement_tenths) },
  }))
}

/**
 * The initiatives (of those asked) with at least one event that occurred and was received since `since`
 * through an API key: the events API or OpenTelemetry (both record the key; events loaded by the CLI or
 * imported have none). One probe per initiative through the events-by-time index, stopping at the first
 * match, so an initiative that reports costs one index step and one that does not costs a walk over the
 * window. The initiative column is written `+initiative_id` so that no planner walks the initiative's
 * whole history through the idempotency index instead (it did: 60–90 ms on the 306k-event demo).
 * @example const integrated = await initiativesReportingThroughKeys(db, { initiativeIds: [1, 2], since: now - 30 * 86_400_000 })
 */
export async function initiativesReportingThroughKeys(tx: Tx, q: { initiativeIds: number[]; since: number }): Promise<Set<number>> {
  const out = new Set<number>()
  for (const id of q.initiativeIds) {
    const hit = await tx
      .selectFrom('events')
      .select('id')
      .where('occurred_at', '>=', q.since)
      .where(sql<number>`+${sql.ref('initiative_id')}`, '=', id)
      .where('received_at', '>=', q.since)
      .where('key_id', 'is not', null)
      .limit(1)
      .executeTakeFirst()
    if (hit) out.add(id)
  }
  return out
}
