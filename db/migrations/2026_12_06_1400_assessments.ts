import type { Kysely } from 'kysely'
import { autoId } from './column-types.js'

// Frozen in time: never import app code here.
// The organisation's AI-readiness assessment: each taking of the questionnaire (who, when, the scores as
// computed then, in tenths so they stay integers) and its answers, one row per question (1–4). Kept
// forever, so the history can be shown and the score's change followed.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('assessments')
    .addColumn(...autoId(db))
    .addColumn('taken_at', 'bigint', (c) => c.notNull())
    // A user's email, a key's name or `cli`.
    .addColumn('taken_by', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    // Overall and per-phase scores (1–4) × 10, as computed from the answers and the data when taken.
    .addColumn('overall_tenths', 'integer')
    .addColumn('use_case_tenths', 'integer')
    .addColumn('integration_tenths', 'integer')
    .addColumn('governance_tenths', 'integer')
    .addColumn('measurement_tenths', 'integer')
    .execute()
  await db.schema.createIndex('assessments_taken_at').on('assessments').column('taken_at').execute()

  await db.schema
    .createTable('assessment_answers')
    .addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessments.id'))
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('assessment_answers_pk', ['assessment_id', 'question'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('assessment_answers').ifExists().execute()
  await db.schema.dropTable('assessments').ifExists().execute()
}
