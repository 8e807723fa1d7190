/**
 * The AI-readiness assessment: GET|POST /api/v1/assessment. The shapes mirror metrics/assessment.ts
 * (where the scoring lives); the type check at the end keeps the two from drifting apart.
 */
import { z } from 'zod'
import { FIGURE_IDS, PHASES, QUESTIONS, type AssessmentView } from '../assessment.js'
import { instant, slug } from './common.js'

const level = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)])
const phase = z.enum(PHASES)
const figureId = z.enum(FIGURE_IDS)
const checklistItem = z.enum(['owner', 'baselines', 'accuracy_monitored', 'bias_review', 'audit_trail'])

const figure = z.object({
  id: figureId,
  label: z.string(),
  met: z.number().int(),
  total: z.number().int(),
  share: z.number().nullable().meta({ description: 'met ÷ total, 0–1' }),
  level: level.nullable().meta({ description: 'the level the data supports' }),
  text: z.string(),
  concerned: z.array(slug),
  average: z.number().nullable().optional(),
  missingByItem: z.partialRecord(checklistItem, z.array(slug)).optional(),
})
const scoredQuestion = z.object({
  id: z.string(),
  phase,
  text: z.string(),
  levels: z.array(z.object({ level, description: z.string() })),
  answer: level.nullable(),
  answerText: z.string().nullable(),
  data: figure.nullable(),
  counted: level.nullable(),
  disagreement: z.enum(['overstated', 'understated']).nullable(),
  disagreementText: z.string().nullable(),
})
const scoredPhase = z.object({
  phase,
  title: z.string(),
  summary: z.string(),
  score: z.number().nullable(),
  dataScore: z.number().nullable(),
  questions: z.array(scoredQuestion),
  disagreements: z.array(z.string()),
})
const scoreWord = z.enum(['starting', 'developing', 'established', 'leading'])

export const assessmentResponse = z
  .object({
    asOf: instant,
    window: z.object({ from: instant, to: instant }),
    taken: z.object({ id: z.number().int(), takenAt: instant, takenBy: z.string(), note: z.string() }).nullable(),
    overall: z.object({
      score: z.number().nullable(),
      word: scoreWord.nullable(),
      change: z.object({ delta: z.number(), previous: z.number(), since: instant }).nullable(),
    }),
    phases: z.array(scoredPhase),
    disagreements: z.array(z.object({ phase, question: z.string(), kind: z.enum(['overstated', 'understated']), message: z.string() })),
    figures: z.array(figure),
    framework: z.array(
      z.object({
        id: z.enum(['return_to_date', 'pilots_scaled', 'payback']),
        label: z.string(),
        source: z.string(),
        actual: z.number().nullable(),
        framework: z.union([z.number(), z.object({ min: z.number(), max: z.number() })]),
        standing: z.enum(['above', 'below', 'within', 'faster', 'slower']).nullable(),
        figure: z.string().meta({ description: 'the figure as shown: "$1.20", "33.3%", "18 months" or "—"' }),
        text: z.string(),
      }),
    ),
    nextSteps: z.array(z.object({ question: z.string(), phase, figure: figureId, action: z.string(), gain: z.number(), initiatives: z.array(z.object({ slug, name: z.string() })) })),
    history: z.array(z.object({ id: z.number().int(), takenAt: instant, takenBy: z.string(), overall: z.number().nullable(), phases: z.record(phase, z.number().nullable()) })),
    initiatives: z.array(z.object({ slug, name: z.string(), stage: z.string() })),
    permissions: z.object({ answer: z.boolean() }).optional().meta({ description: 'whether the caller may record answers' }),
  })
  .meta({ id: 'Assessment', description: 'GET /api/v1/assessment: per phase the answers, what the data says, scores and disagreements' })

export const assessmentBody = z
  .object({
    answers: z.object(Object.fromEntries(QUESTIONS.map((q) => [q.id, level.meta({ description: q.text })]))).meta({ description: 'every question, 1–4' }),
    note: z.string().max(2000).optional(),
  })
  .meta({ id: 'AssessmentInput' })

// The schema and the type the scoring builds agree both ways (a compile error here means one drifted).
type Both<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const agrees: Both<z.infer<typeof assessmentResponse>, AssessmentView> = true
void agrees
