import { describe, expect, it } from 'vitest'
import {
  compareWithFramework,
  computeFigures,
  countedLevel,
  disagreement,
  levelOfShare,
  meanScore,
  monthsFromStart,
  nextSteps,
  QUESTIONS,
  scaledWithinSixMonths,
  scoreAssessment,
  scoreChange,
  scoreWord,
  type Answers,
  type InitiativeAssessmentFacts,
  type Level,
} from './assessment.js'

const DAY = 86_400_000
const NOW = Date.parse('2026-11-25T12:00:00Z')
const JAN = Date.parse('2026-01-01T00:00:00Z')
const all = { owner: true, baselines: true, accuracy_monitored: true, bias_review: true, audit_trail: true }

/**
 * Five initiatives; the expected figures below are counted by hand from this table.
 *        fit (r,c,e)  vol  api  checklist missing        targets                     history
 *   a    4,4,3        4    yes  —                        timeSaved ✓, errorRate ✓     pilot Jan 1 → production +90 d
 *   b    3,3,4        3    yes  bias                     timeSaved at risk            pilot Jan 1 → scaling +243 d
 *   c    3,2,2        2    no   accuracy, bias           errorRate no data            pilot Jan 1, still in pilot
 *   d    —            1    yes  bias                     none                         production from Jan 1
 *   e    —            2    no   owner, accuracy, bias    timeSaved ✓                  pilot from Oct 1 (55 days)
 */
function facts(): InitiativeAssessmentFacts[] {
  return [
    { slug: 'a', name: 'A', stage: 'production', fit: { repetitiveness: 4, clarity: 4, engagement: 3 }, volumeLevel: 4, integrated: true, checklist: { ...all }, targets: [{ metric: 'timeSaved', status: 'on_track' }, { metric: 'errorRate', status: 'on_track' }], stageHistory: [{ to: 'pilot', at: JAN }, { to: 'production', at: JAN + 90 * DAY }] },
    { slug: 'b', name: 'B', stage: 'scaling', fit: { repetitiveness: 3, clarity: 3, engagement: 4 }, volumeLevel: 3, integrated: true, checklist: { ...all, bias_review: false }, targets: [{ metric: 'timeSaved', status: 'at_risk' }], stageHistory: [{ to: 'pilot', at: JAN }, { to: 'scaling', at: JAN + 243 * DAY }] },
    { slug: 'c', name: 'C', stage: 'pilot', fit: { repetitiveness: 3, clarity: 2, engagement: 2 }, volumeLevel: 2, integrated: false, checklist: { ...all, accuracy_monitored: false, bias_review: false }, targets: [{ metric: 'errorRate', status: 'no_data' }], stageHistory: [{ to: 'pilot', at: JAN }] },
    { slug: 'd', name: 'D', stage: 'production', fit: null, volumeLevel: 1, integrated: true, checklist: { ...all, bias_review: false }, targets: [], stageHistory: [{ to: 'production', at: JAN }] },
    { slug: 'e', name: 'E', stage: 'pilot', fit: null, volumeLevel: 2, integrated: false, checklist: { ...all, owner: false, accuracy_monitored: false, bias_review: false }, targets: [{ metric: 'timeSaved', status: 'on_track' }], stageHistory: [{ to: 'pilot', at: Date.parse('2026-10-01T00:00:00Z') }] },
  ]
}

/** Optimistic answers: six of them above what the data supports. */
const ANSWERS: Answers = { uc_selection: 4, uc_volume: 3, uc_engagement: 3, int_reporting: 4, int_workflow: 3, int_silence: 2, gov_checklist: 4, gov_bias: 3, gov_accuracy: 3, meas_targets: 3, meas_results: 3, meas_scaling: 2 }

describe('levelOfShare: < 25 % → 1, < 50 % → 2, < 90 % → 3, else 4', () => {
  it.each([
    [0, 1],
    [0.2499, 1],
    [0.25, 2],
    [0.4999, 2],
    [0.5, 3],
    [4 / 7, 3],
    [0.8999, 3],
    [0.9, 4],
    [1, 4],
    [null, null],
  ] as const)('share %s → level %s', (share, level) => {
    expect(levelOfShare(share)).toBe(level)
  })
})

describe('countedLevel and disagreement', () => {
  it.each([
    // answer, data level, counted (min, or the answer without data), disagreement
    [4, 3, 3, 'overstated'],
    [4, 1, 1, 'overstated'],
    [3, 3, 3, null],
    [2, 3, 2, null], // one level modest: not flagged
    [1, 3, 1, 'understated'], // two below
    [1, 4, 1, 'understated'],
    [4, null, 4, null],
  ] as const)('answer %s with data %s counts %s (%s)', (answer, data, counted, d) => {
    expect(countedLevel(answer as Level, data as Level | null)).toBe(counted)
    expect(disagreement(answer as Level, data as Level | null)).toBe(d)
  })
})

describe('scores and words', () => {
  it.each([
    [[4, 3, 3], 3.3], // 10 / 3 = 3.33
    [[1, 2], 1.5],
    [[2, 3, 3], 2.7], // 8 / 3 = 2.67
    [[], null],
  ] as const)('meanScore(%j) = %s', (levels, mean) => {
    expect(meanScore([...levels])).toBe(mean)
  })
  it.each([
    [1, 'starting'],
    [1.7, 'starting'],
    [1.75, 'developing'],
    [2.49, 'developing'],
    [2.5, 'established'],
    [3.24, 'established'],
    [3.25, 'leading'],
    [4, 'leading'],
  ] as const)('scoreWord(%s) = %s', (score, word) => {
    expect(scoreWord(score)).toBe(word)
  })
  it.each([
    [2.9, 2.4, 0.5],
    [2.4, 2.9, -0.5],
    [3.1, 3.1, 0],
    [null, 2, null],
    [2, null, null],
  ] as const)('scoreChange(%s, %s) = %s', (a, b, c) => {
    expect(scoreChange(a, b)).toBe(c)
  })
})

describe('scaledWithinSixMonths (183 days from the pilot start)', () => {
  it.each([
    ['no history', [], NOW, null],
    ['did not start in pilot', [{ to: 'production', at: 0 }], NOW, null],
    ['scaled on day 183', [{ to: 'pilot', at: 0 }, { to: 'production', at: 183 * DAY }], 400 * DAY, true],
    ['scaled on day 184', [{ to: 'pilot', at: 0 }, { to: 'scaling', at: 184 * DAY }], 400 * DAY, false],
    ['young pilot still running', [{ to: 'pilot', at: 0 }], 100 * DAY, null],
    ['pilot still running at six months', [{ to: 'pilot', at: 0 }], 183 * DAY, false],
    ['retired, never scaled', [{ to: 'pilot', at: 0 }, { to: 'retired', at: 50 * DAY }], 400 * DAY, false],
  ] as const)('%s → %s', (_name, history, now, want) => {
    expect(scaledWithinSixMonths([...history], now)).toBe(want)
  })
})

describe('computeFigures on the fixed five', () => {
  const figures = computeFigures(facts(), NOW)
  const by = Object.fromEntries(figures.map((f) => [f.id, f]))

  it.each([
    // id, met, total, share, level, concerned
    ['fit_recorded', 3, 5, 0.6, 3, ['d', 'e']],
    ['volume', 4, 5, 0.8, 3, ['d']],
    ['engagement', 2, 5, 0.4, 2, ['c', 'd', 'e']],
    ['integrated', 3, 5, 0.6, 3, ['c', 'e']],
    // items: a 5 + b 4 + c 3 + d 4 + e 2 = 18 of 25
    ['checklist', 18, 25, 0.72, 3, ['b', 'c', 'd', 'e']],
    ['bias_review', 1, 5, 0.2, 1, ['b', 'c', 'd', 'e']],
    ['accuracy_monitored', 3, 5, 0.6, 3, ['c', 'e']],
    // a, b, e report every targeted outcome (b at risk is still reported); c has no data; d has no targets
    ['reporting_targets', 3, 5, 0.6, 3, ['c', 'd']],
    ['meeting_targets', 2, 5, 0.4, 2, ['b', 'c', 'd']],
    // only a, b, c are judged: d did not start in pilot, e's pilot is 55 days old
    ['pilots_scaled', 1, 3, 0.3333, 2, ['b', 'c']],
  ] as const)('%s: %s of %s', (id, met, total, share, level, concerned) => {
    const f = by[id]
    expect({ met: f.met, total: f.total, share: f.share, level: f.level, concerned: f.concerned }).toEqual({ met, total, share, level, concerned: [...concerned] })
  })

  it('gives the fit average, the checklist gaps and plain sentences', () => {
    // (4+4+3)/3 = 3.667, (3+3+4)/3 = 3.333, (3+2+2)/3 = 2.333 → mean 3.111
    expect(by.fit_recorded.average).toBe(3.1)
    expect(by.fit_recorded.text).toBe('3 of 5 initiatives (60.0%) have a recorded use-case fit, averaging 3.1 of 4')
    expect(by.checklist.missingByItem).toEqual({ owner: ['e'], accuracy_monitored: ['c', 'e'], bias_review: ['b', 'c', 'd', 'e'] })
    expect(by.checklist.text).toBe('18 of 25 checklist items in place (72.0%); 1 of 5 initiatives have all five')
    expect(by.reporting_targets.text).toBe('3 of 5 initiatives (60.0%) report every outcome they have a target for, over the last 30 days (1 has no targets)')
    expect(by.pilots_scaled.text).toBe('1 of 3 pilots (33.3%) scaled within six months of starting')
  })

  it('caps the fit level at the average fit rounded down', () => {
    const poor = facts().map((f) => ({ ...f, fit: { repetitiveness: 2 as const, clarity: 2 as const, engagement: 1 as const } }))
    const fit = computeFigures(poor, NOW).find((f) => f.id === 'fit_recorded')!
    // 5 of 5 recorded → level 4 by share, but the average is 1.7 → capped at 1
    expect([fit.share, fit.average, fit.level]).toEqual([1, 1.7, 1])
  })

  it('has no share and no level on an empty portfolio', () => {
    for (const f of computeFigures([], NOW)) expect([f.id, f.share, f.level]).toEqual([f.id, null, null])
  })
})

describe('scoreAssessment', () => {
  const figures = computeFigures(facts(), NOW)

  it('caps each answer by the data and averages per phase and overall', () => {
    const s = scoreAssessment(ANSWERS, figures)
    // use case: min(4,3)=3, min(3,3)=3, min(3,2)=2 → 8/3 = 2.7
    // integration: min(4,3)=3, 3 (no data), 2 (no data) → 8/3 = 2.7
    // governance: min(4,3)=3, min(3,1)=1, min(3,3)=3 → 7/3 = 2.3
    // measurement: min(3,3)=3, min(3,2)=2, min(2,2)=2 → 7/3 = 2.3
    expect(s.phases.map((p) => [p.phase, p.score])).toEqual([
      ['use_case', 2.7],
      ['integration', 2.7],
      ['governance', 2.3],
      ['measurement', 2.3],
    ])
    // (2.7 + 2.7 + 2.3 + 2.3) / 4 = 2.5
    expect(s.overall).toBe(2.5)
    expect(s.word).toBe('established')
  })

  it('names each overstated answer with what the data says', () => {
    const s = scoreAssessment(ANSWERS, figures)
    const flagged = s.phases.flatMap((p) => p.questions.filter((q) => q.disagreement).map((q) => [q.id, q.disagreement]))
    expect(flagged).toEqual([
      ['uc_selection', 'overstated'],
      ['uc_engagement', 'overstated'],
      ['int_reporting', 'overstated'],
      ['gov_checklist', 'overstated'],
      ['gov_bias', 'overstated'],
      ['meas_results', 'overstated'],
    ])
    const gov = s.phases.find((p) => p.phase === 'governance')!
    expect(gov.disagreements[1]).toBe('You answered 3 of 4 ("For most initiatives, once"), but the data supports 1 of 4: 1 of 5 initiatives (20.0%) have a bias review recorded within the last year.')
  })

  it('scores nothing before the assessment is taken, but still says what the data supports', () => {
    const s = scoreAssessment(null, figures)
    expect(s.overall).toBeNull()
    expect(s.phases.every((p) => p.score === null)).toBe(true)
    // governance data levels: checklist 3, bias 1, accuracy 3 → 7/3 = 2.3
    expect(s.phases.find((p) => p.phase === 'governance')!.dataScore).toBe(2.3)
    // integration: one data-backed question (level 3)
    expect(s.phases.find((p) => p.phase === 'integration')!.dataScore).toBe(3)
  })

  it('has twelve questions, three a phase, each with four level descriptions', () => {
    expect(QUESTIONS).toHaveLength(12)
    for (const phase of ['use_case', 'integration', 'governance', 'measurement']) expect(QUESTIONS.filter((q) => q.phase === phase)).toHaveLength(3)
    for (const q of QUESTIONS) expect(q.levels.every((l) => l.trim().length >= 2)).toBe(true)
  })
})

describe('nextSteps', () => {
  const figures = computeFigures(facts(), NOW)
  const names = new Map(facts().map((f) => [f.slug, f.name]))

  it('ranks by gain, then initiatives concerned, then questionnaire order', () => {
    const steps = nextSteps(scoreAssessment(ANSWERS, figures), names)
    // gov_bias counted 1 → (4−1)/12 = 0.25; uc_engagement, meas_results counted 2 → 0.17 with 3 initiatives
    // each (uc first in order); meas_scaling also 0.17 but 2 initiatives.
    expect(steps.map((s) => [s.question, s.gain, s.initiatives.map((i) => i.slug)])).toEqual([
      ['gov_bias', 0.25, ['b', 'c', 'd', 'e']],
      ['uc_engagement', 0.17, ['c', 'd', 'e']],
      ['meas_results', 0.17, ['b', 'c', 'd']],
    ])
    expect(steps[0].action).toBe('Record a bias review for 4 initiatives')
    expect(steps[0].initiatives[0]).toEqual({ slug: 'b', name: 'B' })
  })

  it('describes the checklist step item by item', () => {
    const steps = nextSteps(scoreAssessment({ ...ANSWERS, gov_checklist: 4 }, figures), names, 12)
    expect(steps.find((s) => s.question === 'gov_checklist')!.action).toBe('Complete the governance checklist for 4 initiatives (no owner in 1, accuracy not monitored in 2, no bias review in 4)')
  })

  it('uses the data level before the assessment is taken, and skips questions at level 4', () => {
    const steps = nextSteps(scoreAssessment(null, figures), names, 12)
    expect(steps[0].question).toBe('gov_bias')
    const perfect = facts().map((f) => ({ ...f, checklist: { ...all } }))
    const none = nextSteps(scoreAssessment(null, computeFigures(perfect, NOW)), names, 12)
    expect(none.map((s) => s.question)).not.toContain('gov_bias')
  })
})

describe('compareWithFramework', () => {
  const pilots = computeFigures(facts(), NOW).find((f) => f.id === 'pilots_scaled')

  it.each([
    ['2026-01', '2026-01', 1],
    ['2026-01', '2027-12', 24],
    ['2025-12', '2029-11', 48],
  ])('monthsFromStart(%s, %s) = %s', (a, b, n) => {
    expect(monthsFromStart(a, b)).toBe(n)
  })

  it.each([
    // return to date, payback month → standings
    [1.2, '2027-06', ['below', 'below', 'faster']], // 18 months
    [1.41, '2027-12', ['above', 'below', 'within']], // 24 months
    [2, '2029-12', ['above', 'below', 'within']], // 48 months
    [0.8, '2030-01', ['below', 'below', 'slower']], // 49 months
    [null, null, [null, 'below', null]],
  ] as const)('return %s, payback %s → %j', (r, month, standings) => {
    const c = compareWithFramework({ returnToDate: r, pilots, payback: month === null ? null : { month, projected: true }, firstStartMonth: '2026-01', currency: 'USD' })
    expect(c.map((x) => x.standing)).toEqual([...standings])
  })

  it('says it in words a CFO would use', () => {
    const c = compareWithFramework({ returnToDate: 1.2, pilots, payback: { month: '2027-06', projected: true }, firstStartMonth: '2026-01', currency: 'USD' })
    expect(c.map((x) => x.figure)).toEqual(['$1.20', '33.3%', '18 months'])
    expect(c.map((x) => x.text)).toEqual([
      '$1.20 returned per $1 to date across the portfolio, below the early adopters\' $1.41',
      '1 of 3 pilots (33.3%) scaled within six months, below the 82% of CFOs who did',
      'projected to pay back in Jun 2027, 18 months after the first initiative started: faster than the typical 2–4 years',
    ])
  })
})
