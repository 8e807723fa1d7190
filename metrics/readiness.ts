/**
 * Scale readiness: is an initiative ready to move from pilot to production, and if not, exactly what is
 * missing? A pure function of facts gathered elsewhere (server/readiness/facts.ts), following the seed's
 * four phases: start with the right use case (1: fit), build for integration (2: data flows in), govern
 * before you scale (3: the checklist), measure what matters (4: evidence).
 *
 * The rules, in order of the `missing` list:
 * - Phase 1, `fit`: a use-case fit is recorded (category and three 1–4 scores); `repetitiveness`,
 *   `clarity` and `engagement` each score at least 3; `volume` (events a month, measured) is level 2 or
 *   more (at least 50 events in the last full month, or in the last 30 days before a full month exists).
 * - Phase 2, `integration`: events arrived in the last 30 days.
 * - Phase 3, the checklist: `owner` set; `baselines` set for each reported metric measured against one
 *   (error rate, decision latency), the same rule as the production gate in stage-rules.ts;
 *   `accuracy_monitored` (error-rate events in the last 30 days, or an attestation dated within them);
 *   `bias_review` (an attestation dated within the last 365 days); `audit_trail` (audit entries for the
 *   initiative, or an attestation).
 * - Phase 4, evidence: `targets` (at least one target, and every targeted metric on target, as
 *   metrics/outcomes.ts targetStatus 'on_track', in each of the last N full months, N default 3);
 *   `return_trend` not falling (value delivered in the last 3 full months more than 10 % below the 3
 *   before; with a constant monthly cost this is the trend of return per dollar); `payback` in sight
 *   (an actual or projected payback month, at most 48 months after the start: the seed's 2–4 years).
 * - A retired initiative is never ready (`stage`).
 *
 * Verdict: `at_risk` when any of these holds, else `not_yet` when anything is missing, else `ready`:
 * - in scaling or production, a targeted metric missed its target (actual below/above it, data present)
 *   in more than half of the last N full months (2 of 3);
 * - in scaling or production, the return trend is falling;
 * - in pilot, return per dollar to date is below 0.5 and there is no payback month, not even projected,
 *   after at least 3 full months with events (a pilot without data yet is `not_yet`, not at risk).
 *
 * @module
 */
import { currencyExponent } from './currency.js'
import { formatDate, formatMoney, formatMonth, formatPerDollar, formatReturn } from './format.js'
import { paybackFromMonths, returnPerDollar, roundMoney, type PaybackMonth as Payback } from './money.js'
import { targetStatus, type TargetDirection, type TargetStatus } from './outcomes.js'
import { productionBlockers } from './stage-rules.js'
import { KINDS, METRICS, type Metric, type TargetField, type TargetKey } from './metric-kinds.js'
import type { Stage } from './stages.js'

export type Verdict = 'ready' | 'not_yet' | 'at_risk'
/** A stage (metrics/stages.ts). */
export type ReadinessStage = Stage
/** A metric kind (metrics/metric-kinds.ts). */
export type ReportedMetric = Metric
export type { TargetKey }

/** Use-case categories the seed names, plus `other`. */
export const USE_CASE_CATEGORIES = ['invoice_processing', 'appointment_scheduling', 'document_classification', 'customer_query_routing', 'other'] as const
export type UseCaseCategory = (typeof USE_CASE_CATEGORIES)[number]
export const CATEGORY_LABELS: Record<UseCaseCategory, string> = {
  invoice_processing: 'Invoice processing',
  appointment_scheduling: 'Appointment scheduling',
  document_classification: 'Document classification',
  customer_query_routing: 'Customer query routing',
  other: 'Other',
}

export type FitDimension = 'volume' | 'repetitiveness' | 'clarity' | 'engagement'
export type FitLevel = 1 | 2 | 3 | 4

export interface FitScale {
  label: string
  question: string
  /** Index 0 is level 1. */
  levels: [string, string, string, string]
  /** True for volume: measured from the events, never typed. */
  measured: boolean
}

/** The four fit scales as data, one line per level (the panel's form shows them). */
export const FIT_SCALES: Record<FitDimension, FitScale> = {
  volume: {
    label: 'Volume',
    question: 'How many events a month does it handle? (measured from the data)',
    levels: ['Fewer than 50 events a month: too few to learn from or to pay back', '50–499 events a month: enough to measure', '500–4,999 events a month: a solid stream of work', '5,000 or more events a month: high volume, where automation pays most'],
    measured: true,
  },
  repetitiveness: {
    label: 'Repetitiveness',
    question: 'How alike are the cases it handles?',
    levels: ['Every case is different', 'Some patterns, many exceptions', 'Mostly the same steps, few exceptions', 'The same steps every time'],
    measured: false,
  },
  clarity: {
    label: 'Clarity of inputs and outputs',
    question: 'How well defined are what goes in and what must come out?',
    levels: ['Inputs and the right answer are vague', 'Inputs vary in form; the right answer is debated', 'Inputs mostly structured; the right answer is usually clear', 'Structured inputs and an unambiguous, checkable output'],
    measured: false,
  },
  engagement: {
    label: 'Stakeholder engagement',
    question: 'How engaged are the people whose work changes?',
    levels: ['No sponsor, users not involved', 'A sponsor, but users are not involved', 'A sponsor and users involved in the pilot', 'Sponsor and users own the outcome and ask to scale'],
    measured: false,
  },
}

/** Events a month at which volume reaches levels 2, 3 and 4. */
export const VOLUME_THRESHOLDS = [50, 500, 5000] as const
/** Lowest fit score (each scale) that counts as a good fit. */
export const MIN_FIT_LEVEL = 3
/** Lowest volume level that counts as enough. */
export const MIN_VOLUME_LEVEL = 2
export const DEFAULT_CONSECUTIVE_MONTHS = 3
/** A relative fall in value delivered (last 3 full months vs the 3 before) beyond this is "falling". */
export const TREND_THRESHOLD = 0.1
/** Return per dollar below this, in pilot with no payback in sight, is at risk ("well below 1"). */
export const AT_RISK_RETURN = 0.5
/** Full months with events before a pilot's low return counts as a risk rather than too early to tell. */
export const AT_RISK_MIN_MONTHS = 3
/** Latest payback, in months from the start, inside the seed's 2–4 year band. */
export const MAX_PAYBACK_MONTHS = 48
export const BIAS_REVIEW_VALID_DAYS = 365
export const ACCURACY_WINDOW_DAYS = 30
const DAY = 86_400_000
/** Six months, in days, for the pilot-duration flag. */
export const PILOT_FLAG_DAYS = 183

/**
 * The volume level (1–4) of a measured count of events a month.
 * @example volumeLevel(620) // 3
 */
export function volumeLevel(eventsPerMonth: number): FitLevel {
  if (eventsPerMonth >= VOLUME_THRESHOLDS[2]) return 4
  if (eventsPerMonth >= VOLUME_THRESHOLDS[1]) return 3
  if (eventsPerMonth >= VOLUME_THRESHOLDS[0]) return 2
  return 1
}

/** Checklist items a person may attest. `owner` and `baselines` are fields: set them instead. */
export const ATTESTABLE_ITEMS = ['accuracy_monitored', 'bias_review', 'audit_trail'] as const
export type AttestableItem = (typeof ATTESTABLE_ITEMS)[number]
export const CHECKLIST_ITEMS = ['owner', 'baselines', 'accuracy_monitored', 'bias_review', 'audit_trail'] as const
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number]
export const CHECKLIST_LABELS: Record<ChecklistItem, string> = {
  owner: 'Accountable owner',
  baselines: 'Baselines for the metrics it reports',
  accuracy_monitored: 'Accuracy monitored (error rate in the last 30 days)',
  bias_review: 'Bias review recorded',
  audit_trail: 'Audit trail present',
}

/** One month of an initiative, in the organisation's zone (money in currency units). */
export interface MonthFacts {
  /** `YYYY-MM`. */
  month: string
  /** True for the month in progress. */
  partial: boolean
  events: number
  timeSavedHours: number
  errorRate: number | null
  revenueInfluenced: number
  decisionLatencyP50: number | null
  /** Value delivered (metrics/outcomes.ts valueTotal). */
  value: number
  /** Cost incurred in the month, to now for the month in progress (metrics/money.ts initiativeCurveMonths). */
  cost: number
}

export interface Attestation {
  id: number
  item: AttestableItem
  note: string
  /** Who attested: a user's email, a key's name or `cli`. */
  attestedBy: string
  /** The date the attested thing happened (e.g. the bias review), as epoch ms. */
  attestedAt: number
  /** When it was recorded, epoch ms. */
  recordedAt: number
  /** For bias reviews: who reviewed, when not the attester. */
  reviewer: string | null
}

export interface FitRecord {
  category: UseCaseCategory
  repetitiveness: FitLevel
  clarity: FitLevel
  engagement: FitLevel
  note: string
  recordedBy: string
  recordedAt: number
}

/** An initiative's targets, one field per metric kind (metrics/metric-kinds.ts `target.field`). */
export type Targets = Record<TargetField, number | null>

/** Everything the verdict depends on. Gathered by server/readiness/facts.ts. */
export interface ReadinessFacts {
  slug: string
  stage: ReadinessStage
  owner: string | null
  currency: string
  upfrontCost: number
  /** The monthly cost, for the payback projection. */
  monthlyCost: number
  /** The first change to retired, or null. */
  retiredAt: number | null
  baselines: { errorRate: number | null; decisionLatencySeconds: number | null }
  targets: Targets
  startedAt: number
  /** Stage changes in time order; the first is the starting stage. */
  stageHistory: Array<{ to: ReadinessStage; at: number }>
  /** Metrics with at least one event. */
  reports: ReportedMetric[]
  /** Consecutive months from the start month to the month in progress (the last one partial). */
  months: MonthFacts[]
  /** Events in the last 30 days (all metrics). */
  eventsLast30Days: number
  /** error_rate events in the last 30 days. */
  errorRateEventsLast30Days: number
  /** Audit log entries for the initiative. */
  auditEntries: number
  attestations: Attestation[]
  fit: FitRecord | null
}

export interface Finding {
  item: string
  message: string
  phase: 1 | 2 | 3 | 4 | null
  attestedBy?: string
  attestedAt?: string
}

export interface ChecklistEntry {
  item: ChecklistItem
  label: string
  met: boolean
  /** How it is met: from the data, or by a person's attestation; null when not met. */
  how: 'computed' | 'attested' | null
  message: string
  attestedBy?: string
  attestedAt?: string
  reviewer?: string
  note?: string
}


export interface TargetEvidence {
  metric: TargetKey
  label: string
  target: number
  direction: TargetDirection
  months: Array<{ month: string; actual: number | null; status: TargetStatus }>
  /** Months on target among those counted. */
  met: number
  /** Months with data that missed the target. */
  missed: number
  /** Months without data for the metric. */
  noData: number
}

export interface Benchmark {
  id: 'return_per_dollar' | 'payback_years' | 'pilot_six_months'
  label: string
  source: string
  /** 1.41 (per 1 of currency); {min, max} months for payback; 6 months for the pilot flag. */
  value: number | { min: number; max: number }
  unit: string
  /** Whether it says something about this initiative now. */
  applies: boolean
  /** The initiative's own figure beside it, or null. */
  actual: number | null
  /** One line comparing the two. */
  comparison: string
}

export interface FitView {
  recorded: boolean
  category: UseCaseCategory | null
  categoryLabel: string | null
  volume: { eventsPerMonth: number; basis: 'last_full_month' | 'last_30_days'; month: string | null; level: FitLevel; description: string }
  repetitiveness: { level: FitLevel; description: string } | null
  clarity: { level: FitLevel; description: string } | null
  engagement: { level: FitLevel; description: string } | null
  note: string | null
  recordedBy: string | null
  recordedAt: string | null
}

export interface Evidence {
  consecutiveMonths: number
  /** The full months counted for targets, oldest first. */
  monthsCounted: string[]
  targets: TargetEvidence[]
  /** From the start to now (metrics/money.ts paybackFromMonths): the same figures as /summary's. */
  valueToDate: number
  costToDate: number
  /** valueToDate ÷ costToDate. */
  returnToDate: number | null
  returnTrend: {
    /** Return per $1 over the last 3 full months and over the 3 before (null without cost). */
    recent: number | null
    previous: number | null
    recentValue: number
    previousValue: number
    /** Relative change of value delivered, or null when the previous value is 0. */
    change: number | null
    direction: 'rising' | 'flat' | 'falling'
  } | null
  payback: Payback | null
  timeInPilotDays: number
  currentStageSince: string | null
  longerInPilotThanSixMonths: boolean
}

export interface Readiness {
  slug: string
  stage: ReadinessStage
  verdict: Verdict
  missing: Finding[]
  met: Finding[]
  /** The reasons for `at_risk` (empty otherwise); each is also in `missing`. */
  risks: Finding[]
  /** Warnings that do not change the verdict (e.g. longer in pilot than six months). */
  flags: Finding[]
  fit: FitView
  checklist: ChecklistEntry[]
  evidence: Evidence
  benchmarks: Benchmark[]
  asOf: string
}

/** One target check per metric kind, in table order, from metrics/metric-kinds.ts. */
const TARGET_DEFS: Array<{ key: TargetKey; label: string; dataLabel: string; direction: TargetDirection; target: (t: Targets) => number | null; actual: (m: MonthFacts) => number | null }> = METRICS.map((m) => {
  const k = KINDS[m]
  return { key: k.targetKey, label: k.label.toLowerCase(), dataLabel: k.dataWord, direction: k.direction, target: (t) => t[k.target.field], actual: (f) => f[k.figure] }
})

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const round4 = (x: number) => Math.round(x * 1e4) / 1e4

/**
 * Days spent in pilot, summed over every pilot stint in the stage history, up to `now`.
 * @example daysInPilot([{ to: 'pilot', at: 0 }, { to: 'production', at: 10 * 86_400_000 }], 20 * 86_400_000) // 10
 */
export function daysInPilot(history: Array<{ to: ReadinessStage; at: number }>, now: number): number {
  let ms = 0
  history.forEach((h, k) => {
    if (h.to !== 'pilot') return
    const end = Math.min(history[k + 1]?.at ?? now, now)
    if (end > h.at) ms += end - h.at
  })
  return Math.floor(ms / DAY)
}

/**
 * Fit scores and the measured volume, as shown and judged.
 * @example fitView(facts, now).volume.level
 */
export function fitView(f: ReadinessFacts): FitView {
  const full = f.months.filter((m) => !m.partial)
  const last = full[full.length - 1]
  // The last full month counts only when the initiative ran for all of it.
  const lastIsWhole = last !== undefined && full.length >= 2
  const eventsPerMonth = lastIsWhole ? last.events : f.eventsLast30Days
  const level = volumeLevel(eventsPerMonth)
  const score = (l: FitLevel | undefined, dim: Exclude<FitDimension, 'volume'>) => (l === undefined ? null : { level: l, description: FIT_SCALES[dim].levels[l - 1] })
  return {
    recorded: f.fit !== null,
    category: f.fit?.category ?? null,
    categoryLabel: f.fit ? CATEGORY_LABELS[f.fit.category] : null,
    volume: { eventsPerMonth, basis: lastIsWhole ? 'last_full_month' : 'last_30_days', month: lastIsWhole ? last.month : null, level, description: FIT_SCALES.volume.levels[level - 1] },
    repetitiveness: score(f.fit?.repetitiveness, 'repetitiveness'),
    clarity: score(f.fit?.clarity, 'clarity'),
    engagement: score(f.fit?.engagement, 'engagement'),
    note: f.fit?.note || null,
    recordedBy: f.fit?.recordedBy ?? null,
    recordedAt: f.fit ? new Date(f.fit.recordedAt).toISOString() : null,
  }
}

function latest(list: Attestation[], item: AttestableItem, since = -Infinity): Attestation | undefined {
  return list.filter((a) => a.item === item && a.attestedAt >= since).sort((a, b) => b.attestedAt - a.attestedAt || b.id - a.id)[0]
}

function attested(entry: Omit<ChecklistEntry, 'how' | 'met'>, a: Attestation): ChecklistEntry {
  return { ...entry, met: true, how: 'attested', attestedBy: a.attestedBy, attestedAt: isoDate(a.attestedAt), note: a.note, ...(a.reviewer ? { reviewer: a.reviewer } : {}) }
}

/**
 * The governance checklist (phase 3): each item computed from the data or attested by a named person.
 * @example checklist(facts, now).find((c) => c.item === 'bias_review')?.met
 */
export function checklist(f: ReadinessFacts, now: number): ChecklistEntry[] {
  const out: ChecklistEntry[] = []
  const base = (item: ChecklistItem) => ({ item, label: CHECKLIST_LABELS[item] })

  // Owner and baselines: the production gate's own rule (stage-rules.ts), with the metrics it reports.
  const blockers = new Set(productionBlockers({ owner: f.owner, baselines: f.baselines, reports: f.reports }).map((b) => b.field))
  out.push(blockers.has('owner') ? { ...base('owner'), met: false, how: null, message: 'no owner' } : { ...base('owner'), met: true, how: 'computed', message: `owner: ${f.owner}` })
  const needs: string[] = []
  if (blockers.has('baselines.errorRate')) needs.push('no baseline error rate, though it reports error rate')
  if (blockers.has('baselines.decisionLatencySeconds')) needs.push('no baseline decision latency, though it reports decision latency')
  const measured = (['error_rate', 'decision_latency'] as const).filter((m) => f.reports.includes(m))
  out.push(
    needs.length > 0
      ? { ...base('baselines'), met: false, how: null, message: needs.join('; ') }
      : { ...base('baselines'), met: true, how: 'computed', message: measured.length === 0 ? 'no reported metric needs a baseline' : `baselines set for ${measured.map((m) => m.replace('_', ' ')).join(' and ')}` },
  )

  const windowStart = now - ACCURACY_WINDOW_DAYS * DAY
  if (f.errorRateEventsLast30Days > 0) out.push({ ...base('accuracy_monitored'), met: true, how: 'computed', message: `error rate reported in the last 30 days (${f.errorRateEventsLast30Days} events)` })
  else {
    const a = latest(f.attestations, 'accuracy_monitored', windowStart)
    out.push(a ? attested({ ...base('accuracy_monitored'), message: `accuracy monitoring attested by ${a.attestedBy} on ${formatDate(a.attestedAt, 'UTC')}` }, a) : { ...base('accuracy_monitored'), met: false, how: null, message: 'accuracy not monitored: no error-rate events in the last 30 days' })
  }

  const review = latest(f.attestations, 'bias_review')
  if (review && review.attestedAt >= now - BIAS_REVIEW_VALID_DAYS * DAY) {
    out.push(attested({ ...base('bias_review'), message: `bias review by ${review.reviewer ?? review.attestedBy} on ${formatDate(review.attestedAt, 'UTC')}` }, review))
  } else {
    out.push({ ...base('bias_review'), met: false, how: null, message: review ? `last bias review (${formatDate(review.attestedAt, 'UTC')}) is more than a year old` : 'no bias review recorded' })
  }

  if (f.auditEntries > 0) out.push({ ...base('audit_trail'), met: true, how: 'computed', message: `audit trail present (${f.auditEntries} recorded change${f.auditEntries === 1 ? '' : 's'})` })
  else {
    const a = latest(f.attestations, 'audit_trail')
    out.push(a ? attested({ ...base('audit_trail'), message: `audit trail attested by ${a.attestedBy} on ${formatDate(a.attestedAt, 'UTC')}` }, a) : { ...base('audit_trail'), met: false, how: null, message: 'no audit trail: no recorded changes' })
  }
  return out
}

/**
 * Phase 4 evidence: targets per full month, return to date and its trend, payback, time in pilot.
 * @example evidence(facts, now, 3).returnTrend?.direction
 */
export function evidence(f: ReadinessFacts, now: number, consecutiveMonths = DEFAULT_CONSECUTIVE_MONTHS): Evidence {
  const full = f.months.filter((m) => !m.partial)
  const counted = full.slice(-consecutiveMonths)
  const targets: TargetEvidence[] = []
  for (const d of TARGET_DEFS) {
    const target = d.target(f.targets)
    if (target === null) continue
    const months = counted.map((m) => {
      const actual = d.actual(m)
      return { month: m.month, actual, status: targetStatus({ actual, target, direction: d.direction }) }
    })
    targets.push({
      metric: d.key,
      label: d.label,
      target,
      direction: d.direction,
      months,
      met: months.filter((m) => m.status === 'on_track').length,
      missed: months.filter((m) => m.status === 'at_risk' || m.status === 'off_track').length,
      noData: months.filter((m) => m.status === 'no_data').length,
    })
  }
  const retired = f.retiredAt !== null && f.retiredAt <= now
  const curve = paybackFromMonths(f.months.map((m) => ({ month: m.month, value: m.value, cost: m.cost, full: !m.partial })), { monthlyCost: f.monthlyCost, project: !retired, currency: f.currency })

  let returnTrend: Evidence['returnTrend'] = null
  if (full.length >= 6) {
    const recent = full.slice(-3)
    const previous = full.slice(-6, -3)
    const sum = (ms: MonthFacts[], k: 'value' | 'cost') => ms.reduce((s, m) => s + m[k], 0)
    const rv = roundMoney(sum(recent, 'value'), f.currency)
    const pv = roundMoney(sum(previous, 'value'), f.currency)
    const rc = sum(recent, 'cost')
    const pc = sum(previous, 'cost')
    const band = TREND_THRESHOLD * Math.abs(pv)
    returnTrend = {
      recent: returnPerDollar(rv, roundMoney(rc, f.currency)),
      previous: returnPerDollar(pv, roundMoney(pc, f.currency)),
      recentValue: rv,
      previousValue: pv,
      change: pv === 0 ? null : round4((rv - pv) / Math.abs(pv)),
      direction: rv < pv - band ? 'falling' : rv > pv + band ? 'rising' : 'flat',
    }
  }
  const payback = curve.paybackMonth
  const since = f.stageHistory.length > 0 ? f.stageHistory[f.stageHistory.length - 1].at : null
  const pilotDays = daysInPilot(f.stageHistory, now)
  return {
    consecutiveMonths,
    monthsCounted: counted.map((m) => m.month),
    targets,
    valueToDate: curve.valueToDate,
    costToDate: curve.costToDate,
    returnToDate: curve.returnToDate,
    returnTrend,
    payback,
    timeInPilotDays: pilotDays,
    currentStageSince: since === null ? null : new Date(since).toISOString(),
    longerInPilotThanSixMonths: f.stage === 'pilot' && pilotDays > PILOT_FLAG_DAYS,
  }
}

/** The seed's yardsticks, each beside this initiative's own figure. */
export const BENCHMARK_SOURCES = {
  return_per_dollar: 'Seed: early adopters return $1.41 per $1',
  payback_years: 'Seed: typical payback 2–4 years',
  pilot_six_months: 'Seed: 82% of CFOs who began with a small pilot scaled within six months',
} as const

/**
 * The three seed benchmarks with `applies` and a one-line comparison.
 * @example benchmarks(facts, ev).map((b) => b.id) // ['return_per_dollar', 'payback_years', 'pilot_six_months']
 */
export function benchmarks(f: ReadinessFacts, ev: Evidence): Benchmark[] {
  const r = ev.returnToDate
  const p = ev.payback
  const pilotMonths = Math.round((ev.timeInPilotDays / 30.44) * 10) / 10
  return [
    {
      id: 'return_per_dollar',
      label: '$1.41 returned per $1 (early adopters)',
      source: BENCHMARK_SOURCES.return_per_dollar,
      value: 1.41,
      unit: 'per 1 of cost',
      applies: r !== null,
      actual: r,
      comparison: r === null ? 'no cost recorded yet' : `${formatPerDollar(r, f.currency, 'to date')}, ${r >= 1.41 ? 'at or above' : 'below'} the early adopters' $1.41`,
    },
    {
      id: 'payback_years',
      label: 'Typical payback: 2–4 years',
      source: BENCHMARK_SOURCES.payback_years,
      value: { min: 24, max: 48 },
      unit: 'months from the start',
      applies: p !== null,
      actual: p?.monthsFromStart ?? null,
      comparison: p === null ? 'no payback in sight at the current rate' : `${p.projected ? 'projected to pay back' : 'paid back'} in ${formatMonth(p.month, 'UTC')}, ${p.monthsFromStart} months after the start: ${p.monthsFromStart < 24 ? 'faster than' : p.monthsFromStart <= 48 ? 'within' : 'slower than'} the typical 2–4 years`,
    },
    {
      id: 'pilot_six_months',
      label: 'Most pilots scale within six months (82% of CFOs)',
      source: BENCHMARK_SOURCES.pilot_six_months,
      value: 6,
      unit: 'months in pilot',
      applies: f.stage === 'pilot',
      actual: pilotMonths,
      comparison: ev.longerInPilotThanSixMonths ? `in pilot for ${pilotMonths} months: longer in pilot than six months` : f.stage === 'pilot' ? `in pilot for ${pilotMonths} months, within six months` : `spent ${pilotMonths} months in pilot`,
    },
  ]
}

/**
 * The verdict with what is missing and what is met, in plain words. Pure: the same facts and `now`
 * give the same answer.
 * @example assessReadiness(facts, { now: Date.parse('2026-11-25T00:00:00Z') }).verdict // 'not_yet'
 */
export function assessReadiness(f: ReadinessFacts, opts: { now: number; consecutiveMonths?: number }): Readiness {
  const { now } = opts
  const n = opts.consecutiveMonths ?? DEFAULT_CONSECUTIVE_MONTHS
  if (!(Number.isInteger(n) && n >= 1 && n <= 24)) throw new RangeError(`consecutiveMonths must be a whole number from 1 to 24, got ${n}`)
  const missing: Finding[] = []
  const met: Finding[] = []
  const risks: Finding[] = []
  const flags: Finding[] = []
  const fit = fitView(f)

  // Phase 1: the right use case.
  if (!f.fit) missing.push({ item: 'fit', message: 'no use-case fit recorded: record repetitiveness, clarity and stakeholder engagement', phase: 1 })
  else {
    met.push({ item: 'fit', message: `use-case fit recorded: ${fit.categoryLabel}`, phase: 1, attestedBy: f.fit.recordedBy, attestedAt: isoDate(f.fit.recordedAt) })
    for (const dim of ['repetitiveness', 'clarity', 'engagement'] as const) {
      const s = fit[dim]!
      const label = FIT_SCALES[dim].label.toLowerCase()
      if (s.level < MIN_FIT_LEVEL) missing.push({ item: dim, message: `low ${label}: ${s.level} of 4 (${s.description.charAt(0).toLowerCase()}${s.description.slice(1)})`, phase: 1 })
      else met.push({ item: dim, message: `${label}: ${s.level} of 4 (${s.description.charAt(0).toLowerCase()}${s.description.slice(1)})`, phase: 1 })
    }
  }
  const volumeWhen = fit.volume.basis === 'last_full_month' ? `in ${formatMonth(fit.volume.month ?? '', 'UTC')}` : 'in the last 30 days'
  if (fit.volume.level < MIN_VOLUME_LEVEL) missing.push({ item: 'volume', message: `low volume: ${fit.volume.eventsPerMonth} events ${volumeWhen} (at least ${VOLUME_THRESHOLDS[0]} a month are needed)`, phase: 1 })
  else met.push({ item: 'volume', message: `volume: ${fit.volume.eventsPerMonth.toLocaleString('en-US')} events ${volumeWhen} (level ${fit.volume.level} of 4)`, phase: 1 })

  // Phase 2: integrated, so the data flows in.
  if (f.eventsLast30Days === 0) missing.push({ item: 'integration', message: 'no events in the last 30 days: connect it so its outcomes are measured', phase: 2 })
  else met.push({ item: 'integration', message: `events flowing: ${f.eventsLast30Days.toLocaleString('en-US')} in the last 30 days`, phase: 2 })

  // Phase 3: the governance checklist.
  const list = checklist(f, now)
  for (const c of list) {
    const finding: Finding = { item: c.item, message: c.message, phase: 3, ...(c.attestedBy ? { attestedBy: c.attestedBy, attestedAt: c.attestedAt } : {}) }
    ;(c.met ? met : missing).push(finding)
  }

  // Phase 4: evidence.
  const ev = evidence(f, now, n)
  const counted = ev.monthsCounted.length
  const months = (k: number) => `${k} of the last ${counted} month${counted === 1 ? '' : 's'}`
  if (ev.targets.length === 0) missing.push({ item: 'targets', message: 'no targets set: set a target for at least one outcome', phase: 4 })
  else {
    if (counted < n) missing.push({ item: 'targets', message: counted === 0 ? `no full month of data yet: ${n} consecutive months on target are needed` : `only ${counted} full month${counted === 1 ? '' : 's'} of data: ${n} consecutive months on target are needed`, phase: 4 })
    for (const t of ev.targets) {
      const item = `targets.${t.metric}`
      const def = TARGET_DEFS.find((d) => d.key === t.metric)!
      if (t.missed > 0) missing.push({ item, message: `${t.label} ${t.direction === 'lower' ? 'above' : 'below'} target in ${months(t.missed)}`, phase: 4 })
      if (t.noData > 0) missing.push({ item, message: `no ${def.dataLabel} data in ${months(t.noData)}`, phase: 4 })
      if (t.missed === 0 && t.noData === 0 && counted > 0) met.push({ item, message: `${t.label} on target in ${counted === 1 ? 'the last full month' : `each of the last ${counted} months`}`, phase: 4 })
      if (f.stage !== 'retired' && f.stage !== 'pilot' && t.missed * 2 > n) risks.push({ item, message: `${t.label} ${t.direction === 'lower' ? 'above' : 'below'} target in ${months(t.missed)} while in ${f.stage}`, phase: 4 })
    }
  }
  const tr = ev.returnTrend
  if (tr === null) met.push({ item: 'return_trend', message: 'return trend: not enough history yet (needs 6 full months)', phase: 4 })
  else {
    const pair = tr.recent !== null && tr.previous !== null ? `${formatPerDollar(tr.recent, f.currency, 'in the last 3 months')} vs ${formatReturn(tr.previous, f.currency)} in the 3 before` : `${formatMoney(tr.recentValue, f.currency, true)} delivered in the last 3 months vs ${formatMoney(tr.previousValue, f.currency, true)} in the 3 before`
    if (tr.direction === 'falling') {
      missing.push({ item: 'return_trend', message: `return per dollar falling: ${pair}`, phase: 4 })
      if (f.stage === 'scaling' || f.stage === 'production') risks.push({ item: 'return_trend', message: `return per dollar falling while in ${f.stage}: ${pair}`, phase: 4 })
    } else met.push({ item: 'return_trend', message: `return per dollar ${tr.direction}: ${pair}`, phase: 4 })
  }
  const p = ev.payback
  if (p === null) missing.push({ item: 'payback', message: 'no payback in sight at the current rate', phase: 4 })
  else if (p.monthsFromStart > MAX_PAYBACK_MONTHS) missing.push({ item: 'payback', message: `payback ${p.projected ? 'projected for' : 'reached in'} ${p.month}, ${p.monthsFromStart} months after the start: later than the typical 2–4 years`, phase: 4 })
  else met.push({ item: 'payback', message: p.projected ? `payback projected for ${formatMonth(p.month, 'UTC')} (${p.monthsFromStart} months after the start)` : `paid back in ${formatMonth(p.month, 'UTC')} (${p.monthsFromStart} months after the start)`, phase: 4 })
  const monthsWithData = f.months.filter((m) => !m.partial && m.events > 0).length
  if (f.stage === 'pilot' && ev.returnToDate !== null && ev.returnToDate < AT_RISK_RETURN && p === null && monthsWithData >= AT_RISK_MIN_MONTHS) {
    risks.push({ item: 'return', message: `return well below 1 in pilot (${formatPerDollar(ev.returnToDate, f.currency, 'to date')}) with no payback in sight`, phase: 4 })
  }
  if (ev.longerInPilotThanSixMonths) flags.push({ item: 'pilot_duration', message: `in pilot for ${ev.timeInPilotDays} days: longer in pilot than six months (${BENCHMARK_SOURCES.pilot_six_months})`, phase: null })

  if (f.stage === 'retired') missing.unshift({ item: 'stage', message: 'retired: not a candidate for production', phase: null })
  for (const r of risks) if (!missing.some((m) => m.item === r.item)) missing.push(r)

  const verdict: Verdict = risks.length > 0 ? 'at_risk' : missing.length > 0 ? 'not_yet' : 'ready'
  return { slug: f.slug, stage: f.stage, verdict, missing, met, risks, flags, fit, checklist: list, evidence: ev, benchmarks: benchmarks(f, ev), asOf: new Date(now).toISOString() }
}

/** The words, symbol and tone of each verdict: never colour alone. */
export const VERDICT_WORDS: Record<Verdict, { word: string; symbol: string; tone: 'good' | 'warn' | 'bad' }> = {
  ready: { word: 'ready', symbol: '✓', tone: 'good' },
  not_yet: { word: 'not yet', symbol: '✕', tone: 'bad' },
  at_risk: { word: 'at risk', symbol: '!', tone: 'warn' },
}
