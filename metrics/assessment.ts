/**
 * The organisation's AI-readiness assessment: a short questionnaire along the seed's four phases (the
 * right use case, built for integration, governed before it scales, measured on what matters), each
 * answer beside what the organisation's own data says, a score per phase and overall, where the two
 * disagree, the organisation's figures against the framework's, and the three next steps that would move
 * the score most. Pure: facts in, assessment out (gathered by server/assessment/facts.ts).
 *
 * The rules (docs/READINESS.md, "The organisation's assessment"):
 * - Twelve questions, three per phase, each answered 1–4; every level has a plain description.
 * - Nine questions have a data-backed figure: a share of the initiatives in scope (started, not retired)
 *   that meet a condition. A share becomes the level the data supports with {@link levelOfShare}
 *   (< 25 % → 1, < 50 % → 2, < 90 % → 3, ≥ 90 % → 4).
 * - A question's counted level is the answer, capped by the level the data supports
 *   ({@link countedLevel}): a claim counts only as far as the data bears it out.
 * - Answer and data disagree ({@link disagreement}) when the answer is above the data's level
 *   (`overstated`) or at least two levels below it (`understated`).
 * - Phase score = mean of its counted levels; overall = mean of the four phase scores; both 1–4, one
 *   decimal ({@link scoreAssessment}). Words: < 1.75 starting, < 2.5 developing, < 3.25 established,
 *   otherwise leading ({@link scoreWord}).
 * - Next steps ({@link nextSteps}): for each data-backed question with initiatives that fall short, the
 *   gain is what the overall score would rise by if that question reached level 4, (4 − counted) ÷ 12;
 *   the three largest gains, ties by more initiatives concerned, then questionnaire order.
 *
 * @module
 */
import type { ChecklistItem, FitLevel, ReadinessStage, TargetKey } from './readiness.js'
import { CHECKLIST_ITEMS, CHECKLIST_LABELS, MIN_FIT_LEVEL, MIN_VOLUME_LEVEL, PILOT_FLAG_DAYS } from './readiness.js'
import type { TargetStatus } from './outcomes.js'
import { formatMonth, formatPercent, formatReturn, oneUnit } from './format.js'

export const PHASES = ['use_case', 'integration', 'governance', 'measurement'] as const
export type Phase = (typeof PHASES)[number]
export type Level = 1 | 2 | 3 | 4

export const PHASE_LABELS: Record<Phase, { title: string; short: string; summary: string }> = {
  use_case: { title: 'Start with the right use case', short: 'Use case', summary: 'high-volume, repetitive work with clear inputs and engaged people' },
  integration: { title: 'Build for integration', short: 'Integration', summary: 'outcomes reported automatically from the systems where the work happens' },
  governance: { title: 'Govern before you scale', short: 'Governance', summary: 'an owner, baselines, accuracy monitoring, a bias review and an audit trail' },
  measurement: { title: 'Measure what matters', short: 'Measurement', summary: 'targets in business terms, met, and pilots decided on that evidence' },
}

/** The data-backed figures, one per data-backed question. */
export const FIGURE_IDS = ['fit_recorded', 'volume', 'engagement', 'integrated', 'checklist', 'bias_review', 'accuracy_monitored', 'reporting_targets', 'meeting_targets', 'pilots_scaled'] as const
export type FigureId = (typeof FIGURE_IDS)[number]

export interface Question {
  id: string
  phase: Phase
  text: string
  /** Index 0 is level 1. */
  levels: [string, string, string, string]
  /** The figure that says what the data shows, or null where the data cannot tell. */
  figure: FigureId | null
}

/** The questionnaire, in order: three questions per phase. */
export const QUESTIONS: Question[] = [
  {
    id: 'uc_selection',
    phase: 'use_case',
    text: 'How do you choose where to apply AI?',
    levels: ['Wherever someone asks or a vendor offers', 'From a list of ideas, without comparing them', 'Candidates compared on volume, repetitiveness and clarity before starting', 'Every initiative starts from a recorded use-case fit'],
    figure: 'fit_recorded',
  },
  {
    id: 'uc_volume',
    phase: 'use_case',
    text: 'Do your initiatives take on high-volume work?',
    levels: ['Mostly one-off or rare tasks', 'Some high-volume work, many small experiments', 'Mostly work that recurs every day', 'Only high-volume processes (at least 50 cases a month each)'],
    figure: 'volume',
  },
  {
    id: 'uc_engagement',
    phase: 'use_case',
    text: 'Are the people whose work changes involved?',
    levels: ['Not involved', 'A sponsor, but the users are not involved', 'Sponsor and users take part in the pilots', 'Sponsor and users own the outcome in every initiative'],
    figure: 'engagement',
  },
  {
    id: 'int_reporting',
    phase: 'integration',
    text: 'How do the outcomes of your initiatives reach measurement?',
    levels: ['Collected by hand, if at all', 'Exported to spreadsheets now and then', 'Most initiatives report automatically through an API', 'Every initiative reports automatically (API or OpenTelemetry) from its workflow'],
    figure: 'integrated',
  },
  {
    id: 'int_workflow',
    phase: 'integration',
    text: 'Is the AI built into the systems people already use?',
    levels: ['Separate tools people must switch to', 'Some integrations, much copy and paste', 'Mostly inside existing systems', 'Inside existing workflows, end to end'],
    figure: null,
  },
  {
    id: 'int_silence',
    phase: 'integration',
    text: 'Would you notice within a day if an initiative stopped reporting?',
    levels: ['No', 'Someone might notice at month end', 'Someone checks every week', 'An alert fires automatically'],
    figure: null,
  },
  {
    id: 'gov_checklist',
    phase: 'governance',
    text: 'Before an initiative scales, are its owner, baselines, accuracy monitoring, bias review and audit trail in place?',
    levels: ['Rarely', 'For some initiatives', 'For most initiatives', 'For every initiative, checked before it scales'],
    figure: 'checklist',
  },
  {
    id: 'gov_bias',
    phase: 'governance',
    text: 'Do you review your AI initiatives for bias?',
    levels: ['Never', 'When someone raises a concern', 'For most initiatives, once', 'For every initiative, at least once a year'],
    figure: 'bias_review',
  },
  {
    id: 'gov_accuracy',
    phase: 'governance',
    text: 'Do you monitor accuracy once an initiative is live?',
    levels: ['No', 'Spot checks now and then', 'Most initiatives report their error rate', 'Every initiative reports its error rate continuously'],
    figure: 'accuracy_monitored',
  },
  {
    id: 'meas_targets',
    phase: 'measurement',
    text: 'Does every initiative have targets in business terms, and report the outcomes they cover?',
    levels: ['No targets', 'Targets for a few initiatives', 'Most initiatives have targets and report against them', 'Every initiative has targets and reports every targeted outcome'],
    figure: 'reporting_targets',
  },
  {
    id: 'meas_results',
    phase: 'measurement',
    text: 'Do your initiatives meet the targets you set?',
    levels: ['We do not know', 'A few do', 'Most do', 'All or nearly all do'],
    figure: 'meeting_targets',
  },
  {
    id: 'meas_scaling',
    phase: 'measurement',
    text: 'Do pilots that work move to scale quickly?',
    levels: ['Pilots run on indefinitely', 'Some scale after a year or more', 'Most that work scale within a year', 'Pilots are decided within six months, on evidence'],
    figure: 'pilots_scaled',
  },
]

export const QUESTION_IDS = QUESTIONS.map((q) => q.id)

/** One initiative's facts the figures are computed from (gathered by server/assessment/facts.ts). */
export interface InitiativeAssessmentFacts {
  slug: string
  name: string
  stage: ReadinessStage
  /** The recorded use-case fit's three typed scores, or null when none is recorded. */
  fit: { repetitiveness: FitLevel; clarity: FitLevel; engagement: FitLevel } | null
  /** Measured volume level (metrics/readiness.ts volumeLevel). */
  volumeLevel: FitLevel
  /** Events received through an API key (the events API or OpenTelemetry) in the last 30 days. */
  integrated: boolean
  /** The readiness checklist, item by item (computed or attested). */
  checklist: Record<ChecklistItem, boolean>
  /** Each targeted metric's status over the last 30 days, as the summary reports it (no entry: no target). */
  targets: Array<{ metric: TargetKey; status: TargetStatus }>
  /** The stage history, oldest first (the first entry is the starting stage). */
  stageHistory: Array<{ to: ReadinessStage; at: number }>
}

export interface Figure {
  id: FigureId
  label: string
  /** Initiatives (or, for `checklist`, checklist items) that meet the condition. */
  met: number
  /** Out of this many; 0 when nothing counts (share null). */
  total: number
  /** met ÷ total, 0–1, four decimals; null when total is 0. */
  share: number | null
  /** The level the data supports, or null when there is nothing to judge. */
  level: Level | null
  /** One plain sentence. */
  text: string
  /** Initiatives that fall short, by slug, in facts order. */
  concerned: string[]
  /** For `fit_recorded`: the mean of the recorded fits' three scores (1–4, one decimal). */
  average?: number | null
  /** For `checklist`: per item, the initiatives without it. */
  missingByItem?: Partial<Record<ChecklistItem, string[]>>
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d
const DAY = 86_400_000

/** Share below which the data supports level 2, 3 and 4. */
export const LEVEL_THRESHOLDS = [0.25, 0.5, 0.9] as const

/**
 * The level (1–4) a share (0–1) of initiatives supports: < 25 % → 1 (none or a few), < 50 % → 2 (some),
 * < 90 % → 3 (most), ≥ 90 % → 4 (all or nearly all). Null for null.
 * @example levelOfShare(4 / 7) // 3
 */
export function levelOfShare(share: number | null): Level | null {
  if (share === null) return null
  if (share >= LEVEL_THRESHOLDS[2]) return 4
  if (share >= LEVEL_THRESHOLDS[1]) return 3
  if (share >= LEVEL_THRESHOLDS[0]) return 2
  return 1
}

/** "4 of 7 initiatives (57.1%)". */
export function shareText(met: number, total: number, noun = 'initiative'): string {
  return `${met} of ${total} ${noun}${total === 1 ? '' : 's'}${total > 0 ? ` (${(round((met / total) * 100, 1)).toFixed(1)}%)` : ''}`
}

function figure(id: FigureId, label: string, list: InitiativeAssessmentFacts[], meets: (f: InitiativeAssessmentFacts) => boolean, sentence: (met: number, total: number) => string, eligible: (f: InitiativeAssessmentFacts) => boolean = () => true): Figure {
  const counted = list.filter(eligible)
  const met = counted.filter(meets).length
  const total = counted.length
  const share = total === 0 ? null : round(met / total, 4)
  return { id, label, met, total, share, level: levelOfShare(share), text: sentence(met, total), concerned: counted.filter((f) => !meets(f)).map((f) => f.slug) }
}

/**
 * Whether an initiative moved out of pilot to scaling or production within six months (183 days) of
 * starting its pilot: null when it did not start in pilot, or its pilot is younger than six months and
 * still running (too early to tell).
 * @example scaledWithinSixMonths([{ to: 'pilot', at: 0 }, { to: 'production', at: 90 * 86_400_000 }], 400 * 86_400_000) // true
 */
export function scaledWithinSixMonths(history: Array<{ to: ReadinessStage; at: number }>, now: number): boolean | null {
  const first = history[0]
  if (!first || first.to !== 'pilot') return null
  const deadline = first.at + PILOT_FLAG_DAYS * DAY
  const scaled = history.find((h) => h.to === 'scaling' || h.to === 'production')
  if (scaled && scaled.at <= deadline) return true
  if (now < deadline) return null
  return false
}

/**
 * The ten data-backed figures over the initiatives in scope (the caller passes started, not retired
 * ones). Each is a share of initiatives meeting a condition, except `checklist`: the share of the
 * checklist's five items (owner, baselines, accuracy monitored, bias review, audit trail) in place across
 * all initiatives (items met ÷ 5 × initiatives). `fit_recorded` also carries the recorded fits' average,
 * and its level is capped at that average rounded down (many fits recorded, all poor, is not level 4).
 * `reporting_targets` and `meeting_targets` count an initiative without any target as falling short.
 * `pilots_scaled` counts only initiatives that started in pilot and whose six months have passed or that
 * scaled ({@link scaledWithinSixMonths}).
 * @example computeFigures(facts, now).find((f) => f.id === 'bias_review')?.text // '4 of 7 initiatives (57.1%) have a bias review recorded within the last year'
 */
export function computeFigures(list: InitiativeAssessmentFacts[], now: number): Figure[] {
  const fits = list.filter((f) => f.fit !== null).map((f) => f.fit!)
  const average = fits.length === 0 ? null : round(fits.reduce((s, f) => s + (f.repetitiveness + f.clarity + f.engagement) / 3, 0) / fits.length, 1)
  const fit = figure('fit_recorded', 'Use-case fit recorded', list, (f) => f.fit !== null, (m, t) => `${shareText(m, t)} have a recorded use-case fit${average === null ? '' : `, averaging ${average.toFixed(1)} of 4`}`)
  fit.average = average
  if (fit.level !== null && average !== null) fit.level = Math.min(fit.level, Math.max(1, Math.floor(average))) as Level

  const items = CHECKLIST_ITEMS.length
  const itemsMet = list.reduce((s, f) => s + CHECKLIST_ITEMS.filter((i) => f.checklist[i]).length, 0)
  const itemsTotal = list.length * items
  const checklistShare = itemsTotal === 0 ? null : round(itemsMet / itemsTotal, 4)
  const missingByItem: Partial<Record<ChecklistItem, string[]>> = {}
  for (const i of CHECKLIST_ITEMS) {
    const without = list.filter((f) => !f.checklist[i]).map((f) => f.slug)
    if (without.length > 0) missingByItem[i] = without
  }
  const complete = list.filter((f) => CHECKLIST_ITEMS.every((i) => f.checklist[i])).length
  const checklist: Figure = {
    id: 'checklist',
    label: 'Governance checklist coverage',
    met: itemsMet,
    total: itemsTotal,
    share: checklistShare,
    level: levelOfShare(checklistShare),
    text: itemsTotal === 0 ? 'no initiatives to check' : `${itemsMet} of ${itemsTotal} checklist items in place (${(round((itemsMet / itemsTotal) * 100, 1)).toFixed(1)}%); ${complete} of ${list.length} initiatives have all five`,
    concerned: list.filter((f) => !CHECKLIST_ITEMS.every((i) => f.checklist[i])).map((f) => f.slug),
    missingByItem,
  }

  const targeted = (f: InitiativeAssessmentFacts) => f.targets.length > 0
  const noTargets = list.filter((f) => !targeted(f)).length
  const withoutNote = noTargets === 0 ? '' : ` (${noTargets} ha${noTargets === 1 ? 's' : 've'} no targets)`
  const decided = (f: InitiativeAssessmentFacts) => scaledWithinSixMonths(f.stageHistory, now) !== null
  return [
    fit,
    figure('volume', 'Enough volume', list, (f) => f.volumeLevel >= MIN_VOLUME_LEVEL, (m, t) => `${shareText(m, t)} handle at least 50 events a month`),
    figure('engagement', 'Stakeholders engaged', list, (f) => f.fit !== null && f.fit.engagement >= MIN_FIT_LEVEL, (m, t) => `${shareText(m, t)} have engaged stakeholders (engagement 3 or 4 of 4 in their fit)`),
    figure('integrated', 'Reporting through the API', list, (f) => f.integrated, (m, t) => `${shareText(m, t)} sent events through the API or OpenTelemetry in the last 30 days`),
    checklist,
    figure('bias_review', 'Bias review', list, (f) => f.checklist.bias_review, (m, t) => `${shareText(m, t)} have a bias review recorded within the last year`),
    figure('accuracy_monitored', 'Accuracy monitored', list, (f) => f.checklist.accuracy_monitored, (m, t) => `${shareText(m, t)} monitor accuracy (error rate in the last 30 days)`),
    figure('reporting_targets', 'Reporting against targets', list, (f) => targeted(f) && f.targets.every((t) => t.status !== 'no_data'), (m, t) => `${shareText(m, t)} report every outcome they have a target for, over the last 30 days${withoutNote}`),
    figure('meeting_targets', 'Meeting targets', list, (f) => targeted(f) && f.targets.every((t) => t.status === 'on_track'), (m, t) => `${shareText(m, t)} meet every target they have, over the last 30 days${withoutNote}`),
    figure('pilots_scaled', 'Pilots scaled within six months', list, (f) => scaledWithinSixMonths(f.stageHistory, now) === true, (m, t) => (t === 0 ? 'no pilot old enough to judge yet' : `${shareText(m, t, 'pilot')} scaled within six months of starting`), decided),
  ]
}

/**
 * A question's counted level: the answer, capped by the level the data supports (no data: the answer).
 * @example countedLevel(4, 3) // 3
 */
export function countedLevel(answer: Level, dataLevel: Level | null): Level {
  return dataLevel === null ? answer : (Math.min(answer, dataLevel) as Level)
}

export type Disagreement = 'overstated' | 'understated'

/**
 * Whether an answer and the data disagree: `overstated` when the answer is above the data's level,
 * `understated` when it is at least two levels below; null when they agree or there is no data.
 * @example disagreement(4, 2) // 'overstated'
 */
export function disagreement(answer: Level, dataLevel: Level | null): Disagreement | null {
  if (dataLevel === null) return null
  if (answer > dataLevel) return 'overstated'
  if (dataLevel - answer >= 2) return 'understated'
  return null
}

/**
 * The mean of levels, one decimal; null for an empty list.
 * @example meanScore([4, 3, 3]) // 3.3
 */
export function meanScore(levels: number[]): number | null {
  if (levels.length === 0) return null
  return round(levels.reduce((s, l) => s + l, 0) / levels.length, 1)
}

export type ScoreWord = 'starting' | 'developing' | 'established' | 'leading'

/**
 * The word for a score: < 1.75 starting, < 2.5 developing, < 3.25 established, otherwise leading.
 * @example scoreWord(2.6) // 'established'
 */
export function scoreWord(score: number): ScoreWord {
  if (score < 1.75) return 'starting'
  if (score < 2.5) return 'developing'
  if (score < 3.25) return 'established'
  return 'leading'
}

export type Answers = Record<string, Level>

export interface ScoredQuestion {
  id: string
  phase: Phase
  text: string
  levels: Array<{ level: Level; description: string }>
  /** The latest answer, or null before the assessment is taken. */
  answer: Level | null
  answerText: string | null
  /** What the data says (null where the data cannot tell). */
  data: Figure | null
  /** The level counted in the score; null before the assessment is taken. */
  counted: Level | null
  disagreement: Disagreement | null
  /** One sentence when the answer and the data disagree. */
  disagreementText: string | null
}

export interface ScoredPhase {
  phase: Phase
  title: string
  summary: string
  /** Mean counted level (1–4, one decimal), or null before the assessment is taken. */
  score: number | null
  /** Mean of the levels the data supports for this phase's data-backed questions. */
  dataScore: number | null
  questions: ScoredQuestion[]
  disagreements: string[]
}

export interface Scored {
  phases: ScoredPhase[]
  overall: number | null
  word: ScoreWord | null
}

function disagreementSentence(q: Question, answer: Level, d: Disagreement, fig: Figure): string {
  const said = `answered ${answer} of 4 ("${q.levels[answer - 1]}")`
  return d === 'overstated' ? `You ${said}, but the data supports ${fig.level} of 4: ${fig.text}.` : `You ${said}, but the data supports ${fig.level} of 4, better than you said: ${fig.text}.`
}

/**
 * Scores a set of answers against the figures: each question's counted level, the disagreements, a
 * score per phase and overall (see the module's rules). With `answers` null (never taken) only the
 * data's levels are given and the scores are null.
 * @example scoreAssessment(answers, figures).overall // 2.6
 */
export function scoreAssessment(answers: Answers | null, figures: Figure[]): Scored {
  const byId = new Map(figures.map((f) => [f.id, f]))
  const phases: ScoredPhase[] = PHASES.map((phase) => {
    const questions = QUESTIONS.filter((q) => q.phase === phase).map((q): ScoredQuestion => {
      const data = q.figure ? (byId.get(q.figure) ?? null) : null
      const answer = answers?.[q.id] ?? null
      const d = answer === null ? null : disagreement(answer, data?.level ?? null)
      return {
        id: q.id,
        phase,
        text: q.text,
        levels: q.levels.map((description, k) => ({ level: (k + 1) as Level, description })),
        answer,
        answerText: answer === null ? null : q.levels[answer - 1],
        data,
        counted: answer === null ? null : countedLevel(answer, data?.level ?? null),
        disagreement: d,
        disagreementText: d === null || answer === null || data === null ? null : disagreementSentence(q, answer, d, data),
      }
    })
    const counted = questions.map((q) => q.counted).filter((c): c is Level => c !== null)
    const dataLevels = questions.map((q) => q.data?.level ?? null).filter((l): l is Level => l !== null)
    return {
      phase,
      title: PHASE_LABELS[phase].title,
      summary: PHASE_LABELS[phase].summary,
      score: counted.length === questions.length ? meanScore(counted) : null,
      dataScore: meanScore(dataLevels),
      questions,
      disagreements: questions.map((q) => q.disagreementText).filter((t): t is string => t !== null),
    }
  })
  const scores = phases.map((p) => p.score)
  const overall = scores.every((s): s is number => s !== null) ? meanScore(scores) : null
  return { phases, overall, word: overall === null ? null : scoreWord(overall) }
}

export interface NextStep {
  question: string
  phase: Phase
  figure: FigureId
  /** What to do, in plain words. */
  action: string
  /** Rise of the overall score if this question reached level 4: (4 − counted) ÷ 12, two decimals. */
  gain: number
  initiatives: Array<{ slug: string; name: string }>
}

const ITEM_SHORT: Record<ChecklistItem, string> = {
  owner: 'no owner',
  baselines: 'no baselines',
  accuracy_monitored: 'accuracy not monitored',
  bias_review: 'no bias review',
  audit_trail: 'no audit trail',
}

function actionFor(fig: Figure, n: number): string {
  const them = `${n} initiative${n === 1 ? '' : 's'}`
  switch (fig.id) {
    case 'fit_recorded':
      return `Record a use-case fit (repetitiveness, clarity, engagement) for ${them}`
    case 'volume':
      return `Find more volume for ${them} handling fewer than 50 events a month, or stop them`
    case 'engagement':
      return `Involve the people whose work changes in ${them} (engagement below 3 of 4, or no fit recorded)`
    case 'integrated':
      return `Connect ${them} to the events API or OpenTelemetry, so their outcomes arrive on their own`
    case 'checklist': {
      const parts = CHECKLIST_ITEMS.filter((i) => fig.missingByItem?.[i]?.length).map((i) => `${ITEM_SHORT[i]} in ${fig.missingByItem![i]!.length}`)
      return `Complete the governance checklist for ${them} (${parts.join(', ')})`
    }
    case 'bias_review':
      return `Record a bias review for ${them}`
    case 'accuracy_monitored':
      return `Monitor accuracy for ${them}: report their error rate`
    case 'reporting_targets':
      return `Set targets for, and report every targeted outcome of, ${them}`
    case 'meeting_targets':
      return `Bring ${them} back on target, or revisit their targets`
    case 'pilots_scaled':
      return `Decide pilots within six months: ${n} did not scale in time (scale or stop those still in pilot)`
  }
}

/**
 * The three next steps that would move the overall score most. Candidates: data-backed questions with
 * at least one initiative short and a counted level below 4 (before the assessment is taken, the data's
 * level stands for the counted level). Gain = (4 − counted) ÷ 12, the overall score's rise if the
 * question reached level 4 (three questions a phase, four phases). Largest gain first, then more
 * initiatives concerned, then questionnaire order.
 * @example nextSteps(scored, names)[0].action // 'Record a bias review for 3 initiatives'
 */
export function nextSteps(scored: Scored, names: Map<string, string>, limit = 3): NextStep[] {
  const candidates: Array<NextStep & { order: number }> = []
  let order = 0
  for (const p of scored.phases) {
    for (const q of p.questions) {
      order++
      const fig = q.data
      if (!fig || fig.concerned.length === 0) continue
      const counted = q.counted ?? fig.level
      if (counted === null || counted >= 4) continue
      candidates.push({
        question: q.id,
        phase: p.phase,
        figure: fig.id,
        action: actionFor(fig, fig.concerned.length),
        gain: round((4 - counted) / (QUESTIONS.length), 2),
        initiatives: fig.concerned.map((slug) => ({ slug, name: names.get(slug) ?? slug })),
        order,
      })
    }
  }
  candidates.sort((a, b) => b.gain - a.gain || b.initiatives.length - a.initiatives.length || a.order - b.order)
  return candidates.slice(0, limit).map(({ order: _o, ...s }) => s)
}

/** The framework's yardsticks the organisation's own figures are set against. */
export const FRAMEWORK = {
  returnPerDollar: { value: 1.41, source: 'Seed: early adopters return $1.41 for every $1 invested' },
  pilotsScaled: { value: 0.82, source: 'Seed: 82% of CFOs who started with a small pilot scaled within six months' },
  paybackMonths: { min: 24, max: 48, source: 'Seed: typical payback 2–4 years' },
} as const

export interface Comparison {
  id: 'return_to_date' | 'pilots_scaled' | 'payback'
  label: string
  source: string
  /** The organisation's figure: a ratio per 1 of currency, a share 0–1, or months from the start. */
  actual: number | null
  framework: number | { min: number; max: number }
  /** 'above' / 'below' (or 'within', 'faster', 'slower' for payback); null when there is no figure. */
  standing: 'above' | 'below' | 'within' | 'faster' | 'slower' | null
  /** The organisation's figure as the page shows it large ("$1.20", "33.3%", "18 months", or "—"). */
  figure: string
  text: string
}

/**
 * Whole months from `startMonth` to `month`, counting the start month as month 1 (both `YYYY-MM`).
 * @example monthsFromStart('2026-01', '2027-12') // 24
 */
export function monthsFromStart(startMonth: string, month: string): number {
  const [y0, m0] = startMonth.split('-').map(Number)
  const [y1, m1] = month.split('-').map(Number)
  return (y1 - y0) * 12 + (m1 - m0) + 1
}

/**
 * The organisation's own figures against the framework's: return to date (Σ value ÷ Σ cost from each
 * start, read from the summary, never computed here) against $1.41; the share of pilots scaled within six
 * months against 82 %; the portfolio's payback month (from the summary) in months from the first start
 * against 2–4 years.
 * @example compareWithFramework({ returnToDate: 1.2, pilots: figure, payback: { month: '2027-06', projected: true }, firstStartMonth: '2025-12' })[0].standing // 'below'
 */
export function compareWithFramework(input: { returnToDate: number | null; pilots: Figure | undefined; payback: { month: string; projected: boolean } | null; firstStartMonth: string | null; currency: string }): Comparison[] {
  const r = input.returnToDate
  const out: Comparison[] = [
    {
      id: 'return_to_date',
      label: 'Return per $1 to date',
      source: FRAMEWORK.returnPerDollar.source,
      actual: r,
      framework: FRAMEWORK.returnPerDollar.value,
      standing: r === null ? null : r >= FRAMEWORK.returnPerDollar.value ? 'above' : 'below',
      figure: r === null ? '—' : formatReturn(r, input.currency),
      text: r === null ? 'no cost recorded yet, so no return to date' : `${formatReturn(r, input.currency)} returned per ${oneUnit(input.currency)} to date across the portfolio, ${r >= 1.41 ? 'at or above' : 'below'} the early adopters' $1.41`,
    },
  ]
  const p = input.pilots
  const share = p?.share ?? null
  out.push({
    id: 'pilots_scaled',
    label: 'Pilots scaled within six months',
    source: FRAMEWORK.pilotsScaled.source,
    actual: share,
    framework: FRAMEWORK.pilotsScaled.value,
    standing: share === null ? null : share >= FRAMEWORK.pilotsScaled.value ? 'above' : 'below',
    figure: share === null ? '—' : formatPercent(share),
    text: share === null || !p ? 'no pilot old enough to judge yet' : `${p.met} of ${p.total} pilots (${formatPercent(share)}) scaled within six months, ${share >= 0.82 ? 'at or above' : 'below'} the 82% of CFOs who did`,
  })
  const pb = input.payback
  const months = pb && input.firstStartMonth ? monthsFromStart(input.firstStartMonth, pb.month) : null
  out.push({
    id: 'payback',
    label: 'Payback of the portfolio',
    source: FRAMEWORK.paybackMonths.source,
    actual: months,
    framework: { min: FRAMEWORK.paybackMonths.min, max: FRAMEWORK.paybackMonths.max },
    standing: months === null ? null : months < 24 ? 'faster' : months <= 48 ? 'within' : 'slower',
    figure: months === null ? '—' : `${months} months`,
    text:
      months === null || !pb
        ? 'no payback in sight at the current rate'
        : `${pb.projected ? 'projected to pay back' : 'paid back'} in ${formatMonth(pb.month, 'UTC')}, ${months} months after the first initiative started: ${months < 24 ? 'faster than' : months <= 48 ? 'within' : 'slower than'} the typical 2–4 years`,
  })
  return out
}

/** Checklist labels, re-exported for the page. */
export { CHECKLIST_LABELS }

/**
 * Change of the overall score: `current − previous`, one decimal; null when either is null.
 * @example scoreChange(2.9, 2.4) // 0.5
 */
export function scoreChange(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null) return null
  return round(current - previous, 1)
}

/** GET /api/v1/assessment's answer (server/assessment/facts.ts builds it; the dashboard reads it). */
export interface AssessmentView {
  asOf: string
  window: { from: string; to: string }
  /** The latest taking of the questionnaire, or null before the first. */
  taken: { id: number; takenAt: string; takenBy: string; note: string } | null
  overall: {
    score: number | null
    word: ScoreWord | null
    /** The score now minus the score recorded with the previous taking (null without one). */
    change: { delta: number; previous: number; since: string } | null
  }
  phases: ScoredPhase[]
  /** Every answer the data contradicts, in questionnaire order. */
  disagreements: Array<{ phase: Phase; question: string; kind: 'overstated' | 'understated'; message: string }>
  figures: Figure[]
  framework: Comparison[]
  nextSteps: NextStep[]
  history: Array<{ id: number; takenAt: string; takenBy: string; overall: number | null; phases: Record<Phase, number | null> }>
  initiatives: Array<{ slug: string; name: string; stage: string }>
  /** Whether the caller may record answers (added by the route). */
  permissions?: { answer: boolean }
}

