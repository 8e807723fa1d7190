/** The shapes the dashboard reads from the API (see docs/API.md and CONTRACT.md). */
export type Stage = 'pilot' | 'scaling' | 'production' | 'retired'
export type Metric = 'time_saved' | 'error_rate' | 'revenue_influenced' | 'decision_latency'
export type Granularity = 'hour' | 'day' | 'week' | 'month'
export type TargetStatus = 'on_track' | 'at_risk' | 'off_track' | 'no_target' | 'no_data'

export interface StageChange {
  from: Stage | null
  to: Stage
  at: string
  actor: string
  reason: string | null
}

export interface Initiative {
  slug: string
  name: string
  description: string
  owner: string | null
  team: string | null
  stage: Stage
  currency: string
  hourlyValue: number | null
  upfrontCost: number
  monthlyCost: number
  costPerError: number | null
  startedAt: string
  baselines: { errorRate: number | null; decisionLatencySeconds: number | null }
  targets: { timeSavedHoursPerMonth: number | null; errorRate: number | null; revenueInfluencedPerMonth: number | null; decisionLatencySeconds: number | null }
  stageHistory: StageChange[]
}

export interface TargetAttainment {
  target: number | null
  actual: number | null
  status: TargetStatus
}

export interface OutcomeFigures {
  timeSavedHours: number
  timeSavedValue: number
  errorRate: number | null
  errors?: number
  total?: number
  errorsAvoided: number
  revenueInfluenced: number
  decisionLatencyP50: number | null
  decisionLatencyP90: number | null
  decisionCount?: number
  valueTotal: number
  costToDate: number
  returnPerDollar: number | null
}

export interface SummaryInitiative extends OutcomeFigures {
  slug: string
  name: string
  stage: Stage
  team: string | null
  owner: string | null
  currency: string
  eventCount?: number
  decisionsAccelerated?: number
  paybackMonth: { month: string; projected: boolean; monthsFromStart?: number } | null
  targets?: Partial<Record<'timeSaved' | 'errorRate' | 'revenueInfluenced' | 'decisionLatency', TargetAttainment>>
  previous?: Partial<OutcomeFigures>
}

export interface Summary {
  from: string
  to: string
  timezone: string
  generatedAt?: string
  previous?: { from: string; to: string }
  initiatives: SummaryInitiative[]
  portfolio: OutcomeFigures & { currency: string | null; previous?: Partial<OutcomeFigures> }
}

export interface SeriesPoint {
  start: string
  end?: string
  value: number | null
  count: number
  errors?: number
  total?: number
  p90?: number | null
  mean?: number | null
}

export interface Series {
  metric: Metric
  granularity: Granularity
  from?: string
  to?: string
  timezone?: string
  points: SeriesPoint[]
  previous?: SeriesPoint[]
  stageChanges?: Array<{ at: string; from: Stage | null; to: Stage }>
}
