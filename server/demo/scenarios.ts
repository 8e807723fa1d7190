/**
 * The demo portfolio: seven initiatives with different stories (pays back early, never pays back,
 * stuck in pilot, retired …). Pure data; the generator turns it into a year of events.
 */
import type { Stage } from '../../db/queries/initiatives.js'

export interface DemoScenario {
  slug: string
  name: string
  description: string
  owner: string
  team: string
  hourlyValue: number
  upfrontCost: number
  monthlyCost: number
  costPerError: number | null
  baselines: { errorRate: number | null; decisionLatencySeconds: number | null }
  targets: { timeSavedHoursPerMonth: number | null; errorRate: number | null; revenueInfluencedPerMonth: number | null; decisionLatencySeconds: number | null }
  /** Stage changes as fractions of the demo period (0 = its first day); the first entry is the starting stage. */
  stages: Array<{ to: Stage; at: number; reason: string | null }>
  /** Items handled on a weekday once in production; pilot and scaling handle a share of it. */
  itemsPerWeekday: number
  /** Share of the production volume handled while in pilot / scaling. */
  pilotShare: number
  scalingShare: number
  /** Share of the weekday volume that arrives on a weekend day. */
  weekendShare: number
  /** Minutes saved per item at full maturity (ramps up after go-live). */
  minutesSavedPerItem: number | null
  /** Error rate without AI (pilot starts near it) and at maturity; null: no error events. */
  errorRate: { start: number; mature: number } | null
  /** Seconds to a decision at the start and at maturity; null: no latency events. */
  latency: { start: number; mature: number } | null
  /** Revenue per influenced item and the share of items that influence revenue; null: none. */
  revenue: { perItem: number; share: number } | null
}

/** Every demo slug; the loader refuses to load when any of them exists. */
export const DEMO_SCENARIOS: DemoScenario[] = [
  {
    slug: 'invoice-processing',
    name: 'Invoice processing',
    description: 'Reads supplier invoices, matches them to purchase orders and routes exceptions to AP clerks.',
    owner: 'maria.santos@example.com',
    team: 'Finance',
    hourlyValue: 48,
    upfrontCost: 45_000,
    monthlyCost: 3_500,
    costPerError: 35,
    baselines: { errorRate: 0.06, decisionLatencySeconds: 3 * 86_400 },
    targets: { timeSavedHoursPerMonth: 400, errorRate: 0.02, revenueInfluencedPerMonth: 4_000, decisionLatencySeconds: 86_400 },
    stages: [
      { to: 'pilot', at: 0, reason: null },
      { to: 'scaling', at: 0.12, reason: 'pilot cut matching errors by half on two suppliers' },
      { to: 'production', at: 0.2, reason: 'all suppliers onboarded' },
    ],
    itemsPerWeekday: 160,
    pilotShare: 0.25,
    scalingShare: 0.6,
    weekendShare: 0.05,
    minutesSavedPerItem: 9,
    errorRate: { start: 0.055, mature: 0.015 },
    latency: { start: 2.6 * 86_400, mature: 0.7 * 86_400 },
    revenue: { perItem: 42, share: 0.04 },
  },
  {
    slug: 'appointment-scheduling',
    name: 'Appointment scheduling',
    description: 'Books, moves and confirms patient appointments by chat and SMS; fills cancellations from the waitlist.',
    owner: 'james.okafor@example.com',
    team: 'Operations',
    hourlyValue: 32,
    upfrontCost: 80_000,
    monthlyCost: 6_000,
    costPerError: null,
    baselines: { errorRate: null, decisionLatencySeconds: 4 * 3600 },
    targets: { timeSavedHoursPerMonth: 300, errorRate: null, revenueInfluencedPerMonth: 15_000, decisionLatencySeconds: 1800 },
    stages: [
      { to: 'pilot', at: 0, reason: null },
      { to: 'scaling', at: 0.55, reason: 'two clinics live; rolling out region by region' },
    ],
    itemsPerWeekday: 220,
    pilotShare: 0.2,
    scalingShare: 0.55,
    weekendShare: 0.3,
    minutesSavedPerItem: 5,
    errorRate: null,
    latency: { start: 3.5 * 3600, mature: 1500 },
    revenue: { perItem: 95, share: 0.05 },
  },
  {
    slug: 'document-classification',
    name: 'Document classification',
    description: 'Sorts incoming mail and scanned documents into 40 categories for the records team.',
    owner: 'li.wei@example.com',
    team: 'Records',
    hourlyValue: 28,
    upfrontCost: 30_000,
    monthlyCost: 2_500,
    costPerError: 12,
    baselines: { errorRate: 0.08, decisionLatencySeconds: null },
    targets: { timeSavedHoursPerMonth: 200, errorRate: 0.03, revenueInfluencedPerMonth: null, decisionLatencySeconds: null },
    stages: [{ to: 'pilot', at: 0, reason: null }],
    itemsPerWeekday: 300,
    pilotShare: 0.3,
    scalingShare: 0.6,
    weekendShare: 0.02,
    minutesSavedPerItem: 1.5,
    errorRate: { start: 0.085, mature: 0.07 },
    latency: null,
    revenue: null,
  },
  {
    slug: 'customer-query-routing',
    name: 'Customer query routing',
    description: 'Reads inbound customer emails and routes them to the right support queue.',
    owner: 'sofia.rossi@example.com',
    team: 'Customer Service',
    hourlyValue: 30,
    upfrontCost: 220_000,
    monthlyCost: 16_000,
    costPerError: 6,
    baselines: { errorRate: 0.12, decisionLatencySeconds: 2 * 3600 },
    targets: { timeSavedHoursPerMonth: 600, errorRate: 0.05, revenueInfluencedPerMonth: null, decisionLatencySeconds: 600 },
    stages: [
      { to: 'pilot', at: 0, reason: null },
      { to: 'scaling', at: 0.25, reason: 'pilot approved by the steering group' },
      { to: 'production', at: 0.5, reason: 'all queues switched over' },
    ],
    itemsPerWeekday: 300,
    pilotShare: 0.2,
    scalingShare: 0.6,
    weekendShare: 0.35,
    minutesSavedPerItem: 0.8,
    errorRate: { start: 0.12, mature: 0.09 },
    latency: { start: 1.8 * 3600, mature: 1500 },
    revenue: null,
  },
  {
    slug: 'contract-review',
    name: 'Contract review',
    description: 'Flags non-standard clauses in supplier and customer contracts before legal review.',
    owner: 'aisha.khan@example.com',
    team: 'Legal',
    hourlyValue: 140,
    upfrontCost: 120_000,
    monthlyCost: 7_000,
    costPerError: 900,
    baselines: { errorRate: 0.04, decisionLatencySeconds: 6 * 86_400 },
    targets: { timeSavedHoursPerMonth: 120, errorRate: 0.015, revenueInfluencedPerMonth: 20_000, decisionLatencySeconds: 2 * 86_400 },
    stages: [
      { to: 'pilot', at: 0, reason: null },
      { to: 'scaling', at: 0.4, reason: 'pilot on NDAs met its targets' },
      { to: 'production', at: 0.7, reason: 'extended to MSAs and SOWs' },
    ],
    itemsPerWeekday: 22,
    pilotShare: 0.3,
    scalingShare: 0.65,
    weekendShare: 0.02,
    minutesSavedPerItem: 50,
    errorRate: { start: 0.04, mature: 0.012 },
    latency: { start: 5.5 * 86_400, mature: 2.2 * 86_400 },
    revenue: { perItem: 3_200, share: 0.03 },
  },
  {
    slug: 'it-ticket-triage',
    name: 'IT ticket triage',
    description: 'Classifies and prioritises IT service desk tickets and resolves password resets on its own.',
    owner: 'tom.becker@example.com',
    team: 'IT',
    hourlyValue: 38,
    upfrontCost: 40_000,
    monthlyCost: 4_000,
    costPerError: 15,
    baselines: { errorRate: 0.1, decisionLatencySeconds: 5 * 3600 },
    targets: { timeSavedHoursPerMonth: 250, errorRate: 0.04, revenueInfluencedPerMonth: null, decisionLatencySeconds: 3600 },
    stages: [
      { to: 'pilot', at: 0, reason: null },
      { to: 'scaling', at: 0.3, reason: 'first-line team signed off' },
      { to: 'production', at: 0.6, reason: 'covers every service desk queue' },
    ],
    itemsPerWeekday: 260,
    pilotShare: 0.25,
    scalingShare: 0.6,
    weekendShare: 0.1,
    minutesSavedPerItem: 3.5,
    errorRate: { start: 0.1, mature: 0.05 },
    latency: { start: 4.5 * 3600, mature: 1.4 * 3600 },
    revenue: null,
  },
  {
    slug: 'meeting-notes',
    name: 'Meeting notes summarisation',
    description: 'Drafted minutes from recorded meetings; retired when the video platform shipped its own.',
    owner: 'nina.berg@example.com',
    team: 'Operations',
    hourlyValue: 55,
    upfrontCost: 15_000,
    monthlyCost: 1_500,
    costPerError: null,
    baselines: { errorRate: null, decisionLatencySeconds: null },
    targets: { timeSavedHoursPerMonth: 80, errorRate: null, revenueInfluencedPerMonth: null, decisionLatencySeconds: null },
    stages: [
      { to: 'pilot', at: 0, reason: null },
      { to: 'production', at: 0.2, reason: 'adopted by three departments' },
      { to: 'retired', at: 0.65, reason: 'replaced by the video platform’s built-in summaries' },
    ],
    itemsPerWeekday: 40,
    pilotShare: 0.3,
    scalingShare: 0.6,
    weekendShare: 0,
    minutesSavedPerItem: 12,
    errorRate: null,
    latency: null,
    revenue: null,
  },
]
