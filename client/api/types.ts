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
  /** Null when the initiative has no hourly value (per initiative; the portfolio sums give a number). */
  timeSavedValue: number | null
  errorRate: number | null
  errors?: number
  total?: number
  /** Null without a baseline error rate (per initiative; the portfolio sums give a number). */
  errorsAvoided: number | null
  revenueInfluenced: number
  decisionLatencyP50: number | null
  decisionLatencyP90: number | null
  decisionCount?: number
  valueTotal: number
  /** Cost incurred in the period (CONTRACT.md, "Money"). */
  cost: number
  /** valueTotal ÷ cost: per $1 this period. */
  returnPerDollar: number | null
}

/** From the start to the end of the range or now (CONTRACT.md, "Money"). */
export interface ToDateFigures {
  valueToDate: number
  costToDate: number
  /** Per $1 to date. */
  returnToDate: number | null
  paybackMonth: { month: string; projected: boolean; monthsFromStart?: number } | null
}

export interface SummaryInitiative extends OutcomeFigures, ToDateFigures {
  slug: string
  name: string
  stage: Stage
  team: string | null
  owner: string | null
  currency: string
  eventCount?: number
  decisionsAccelerated?: number | null
  retiredAt?: string | null
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
  notInRange?: Array<{ slug: string; name: string; reason: 'not_started' | 'retired' }>
  portfolio: OutcomeFigures & ToDateFigures & { currency: string | null; previous?: Partial<OutcomeFigures> }
}

/** One month of GET /api/v1/initiatives/:slug/payback. */
export interface PaybackCurveMonth {
  month: string
  value: number
  cost: number
  cumulativeValue: number
  cumulativeCost: number
  projected: boolean
}

/** GET /api/v1/initiatives/:slug/payback: the curve the payback chart draws. */
export interface PaybackCurve {
  slug: string
  currency: string
  timezone: string
  asOf: string
  months: PaybackCurveMonth[]
  monthToDate: PaybackCurveMonth | null
  paybackMonth: { month: string; projected: boolean; monthsFromStart: number } | null
  valueToDate: number
  costToDate: number
  returnToDate: number | null
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

/** GET /api/v1/series: one metric's points for several initiatives at once. */
export interface PortfolioSeries {
  metric: Metric
  granularity: Granularity
  from: string
  to: string
  timezone: string
  series: Array<{ initiative: string; points: SeriesPoint[] }>
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

/** Governance and email (docs/API.md, docs/EMAIL.md). */
export type UserRole = 'viewer' | 'editor' | 'admin'
export type KeyRole = 'ingest' | 'read' | 'admin'

/** GET /api/v1/session, POST /api/v1/session, POST /api/v1/setup. */
export interface SessionUser {
  id: number
  email: string
  role: UserRole
  expiresAt?: string
}

export interface User {
  id: number
  email: string
  role: UserRole
  disabled: boolean
  createdAt: string
  lastSignInAt: string | null
}

export interface ApiKeyInfo {
  id: number
  name: string
  prefix: string
  role: KeyRole
  /** Initiative slugs the key may use; null means all. */
  initiatives: string[] | null
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}

export interface AuditEntry {
  at: string
  actor: string
  action: string
  entity: 'initiative' | 'key' | 'user' | 'subscription' | 'event' | string
  entityId: string
  before: unknown
  after: unknown
}

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'uncertain' | 'retrying' | 'failed' | 'cancelled'

export interface Delivery {
  id: number
  subscriptionId: number
  period: { key: string; from: string; to: string }
  kind: string
  recipient: string
  status: DeliveryStatus
  attempts: number
  lastError: string | null
  sentAt: string | null
  nextAttemptAt: string | null
  createdAt: string
  updatedAt: string
}

export interface SubscriptionInput {
  name: string
  recipients: string[]
  /** daily, weekly, monthly or a 5-field cron expression. */
  schedule: string
  /** Initiative slugs; empty means every initiative. */
  initiatives: string[]
  timezone: string
}

export interface Subscription extends SubscriptionInput {
  id: number
  createdBy: string
  createdAt: string
  updatedAt: string
  latestPeriod: { from: string; to: string; key: string } | null
  deliveries: Delivery[]
}

/** PATCH /api/v1/initiatives/:slug: any subset of the editable fields. */
export interface InitiativePatch {
  owner?: string | null
  team?: string | null
  stage?: Stage
  reason?: string
  hourlyValue?: number | null
  upfrontCost?: number
  monthlyCost?: number
  costPerError?: number | null
  baselines?: Partial<Initiative['baselines']>
  targets?: Partial<Initiative['targets']>
}
