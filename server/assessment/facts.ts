/**
 * The organisation's AI-readiness assessment as GET /api/v1/assessment answers it: gathers each
 * initiative's facts from the readiness verdicts (fit, volume, checklist), the events (received through
 * a key in the last 30 days) and the summary of the last 30 days (target status, and the portfolio's
 * return to date and payback month: read, never computed here), then lets metrics/assessment.ts decide.
 */
import type { Db } from '../../db/connection.js'
import { findAssessments, initiativesReportingThroughKeys, type StoredAssessment } from '../../db/queries/assessment.js'
import { listInitiatives } from '../../db/queries/initiatives.js'
import {
  compareWithFramework,
  computeFigures,
  nextSteps,
  PHASES,
  scoreAssessment,
  scoreChange,
  type Comparison,
  type Figure,
  type InitiativeAssessmentFacts,
  type NextStep,
  type Phase,
  type ScoredPhase,
  type AssessmentView,
} from '../../metrics/assessment.js'
import { CHECKLIST_ITEMS, type ChecklistItem, type FitLevel, type TargetKey } from '../../metrics/readiness.js'
import type { TargetStatus } from '../../metrics/outcomes.js'
import { localMonthString } from '../../metrics/time-buckets.js'
import { findSummary } from '../outcomes/summary.js'
import { findReadiness } from '../readiness/facts.js'

const DAY = 86_400_000
/** The window of the integration and target figures. */
export const ASSESSMENT_WINDOW_DAYS = 30



const TARGET_KEYS: TargetKey[] = ['timeSaved', 'errorRate', 'revenueInfluenced', 'decisionLatency']

/**
 * The whole assessment as of `now`, over the initiatives the caller may see (started, not retired).
 * @example const view = await findAssessment(db, { timezone: 'UTC', readinessMonths: 3 }, { now: Date.now() })
 */
export async function findAssessment(db: Db, config: { timezone: string; readinessMonths: number }, q: { now: number; allowed?: (slug: string) => boolean; historyLimit?: number }): Promise<AssessmentView> {
  const { now } = q
  const zone = config.timezone
  const from = now - ASSESSMENT_WINDOW_DAYS * DAY
  const all = await listInitiatives(db)
  const inScope = all.filter((i) => (q.allowed ? q.allowed(i.slug) : true) && i.stage !== 'retired' && Date.parse(i.startedAt) <= now)
  const slugs = inScope.map((i) => i.slug)

  const readiness = slugs.length === 0 ? [] : await findReadiness(db, { timezone: zone, now, slugs }, config.readinessMonths)
  const bySlug = new Map(readiness.map((r) => [r.slug, r]))
  const integrated = await initiativesReportingThroughKeys(db, { initiativeIds: inScope.map((i) => i.id), since: from })
  const summary = slugs.length === 0 ? null : await findSummary(db, { timezone: zone }, { from, to: now, initiatives: slugs, now })
  const summaryBySlug = new Map((summary?.initiatives ?? []).map((s) => [s.slug, s]))

  const facts: InitiativeAssessmentFacts[] = inScope.map((i) => {
    const r = bySlug.get(i.slug)
    const fit = r?.fit
    const s = summaryBySlug.get(i.slug)
    const checklist = Object.fromEntries(CHECKLIST_ITEMS.map((item) => [item, r?.checklist.find((c) => c.item === item)?.met ?? false])) as Record<ChecklistItem, boolean>
    const targets: Array<{ metric: TargetKey; status: TargetStatus }> = []
    for (const k of TARGET_KEYS) {
      const status = s?.targets[k]?.status
      if (status && status !== 'no_target') targets.push({ metric: k, status })
    }
    return {
      slug: i.slug,
      name: i.name,
      stage: i.stage,
      fit: fit?.recorded && fit.repetitiveness && fit.clarity && fit.engagement ? { repetitiveness: fit.repetitiveness.level, clarity: fit.clarity.level, engagement: fit.engagement.level } : null,
      volumeLevel: (fit?.volume.level ?? 1) as FitLevel,
      integrated: integrated.has(i.id),
      checklist,
      targets,
      stageHistory: i.stageHistory.map((h) => ({ to: h.to, at: Date.parse(h.at) })),
    }
  })

  const figures = computeFigures(facts, now)
  const stored = await findAssessments(db, { limit: q.historyLimit ?? 12 })
  const latest: StoredAssessment | undefined = stored[0]
  const scored = scoreAssessment(latest ? latest.answers : null, figures)
  const previous = stored[1]
  const delta = scoreChange(scored.overall, previous?.overall ?? null)
  const names = new Map(inScope.map((i) => [i.slug, i.name]))
  // Money against the framework covers every initiative started by now, retired ones too (what was spent
  // on them was spent), from the first start: the dashboard's portfolio "per $1 to date" over all time.
  const spent = all.filter((i) => (q.allowed ? q.allowed(i.slug) : true) && Date.parse(i.startedAt) <= now)
  const starts = spent.map((i) => Date.parse(i.startedAt))
  const money = spent.length === 0 ? null : await findSummary(db, { timezone: zone }, { from: Math.min(...starts), to: now, initiatives: spent.map((i) => i.slug), now })
  const portfolio = money?.portfolio
  const currency = portfolio?.currency ?? 'USD'
  const framework = compareWithFramework({
    returnToDate: portfolio?.returnToDate ?? null,
    pilots: figures.find((f) => f.id === 'pilots_scaled'),
    payback: portfolio?.paybackMonth ?? null,
    firstStartMonth: starts.length === 0 ? null : localMonthString(Math.min(...starts), zone),
    currency,
  })

  return {
    asOf: new Date(now).toISOString(),
    window: { from: new Date(from).toISOString(), to: new Date(now).toISOString() },
    taken: latest ? { id: latest.id, takenAt: new Date(latest.takenAt).toISOString(), takenBy: latest.takenBy, note: latest.note } : null,
    overall: { score: scored.overall, word: scored.word, change: delta === null || !previous || previous.overall === null ? null : { delta, previous: previous.overall, since: new Date(previous.takenAt).toISOString() } },
    phases: scored.phases,
    disagreements: scored.phases.flatMap((p) => p.questions.filter((x) => x.disagreement && x.disagreementText).map((x) => ({ phase: p.phase, question: x.id, kind: x.disagreement!, message: x.disagreementText! }))),
    figures,
    framework,
    nextSteps: nextSteps(scored, names),
    history: stored.map((a) => ({ id: a.id, takenAt: new Date(a.takenAt).toISOString(), takenBy: a.takenBy, overall: a.overall, phases: a.phases })),
    initiatives: inScope.map((i) => ({ slug: i.slug, name: i.name, stage: i.stage })),
  }
}

/** The phase scores of a scored assessment, by phase. */
export function phaseScores(phases: ScoredPhase[]): Record<Phase, number | null> {
  return Object.fromEntries(PHASES.map((p) => [p, phases.find((x) => x.phase === p)?.score ?? null])) as Record<Phase, number | null>
}
