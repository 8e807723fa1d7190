/**
 * The demo loader shared by `npm run cli -- demo` and `POST /api/v1/demo`: registers the demo
 * initiatives with a stage history in the past and inserts a period of generated events in large
 * transactions, then runs the rollups.
 */
import { writeTransaction, type Db } from '../../db/connection.js'
import { existingSlugs, insertInitiativeWithHistory } from '../../db/queries/demo.js'
import { insertEventRows, type EventRow } from '../../db/queries/events.js'
import { currencyExponent, toMinorUnits } from '../../metrics/currency.js'
import { bucketStart } from '../../metrics/time-buckets.js'
import { HttpError } from '../errors.js'
import { rollupPending } from '../rollup/rollup-job.js'
import { demoDays, eventsForDay, seedOf, seededRandom, stageHistoryFor, type DemoPlan } from './generate.js'
import { DEMO_SCENARIOS, type DemoScenario } from './scenarios.js'
import { recordDemoReadiness } from '../readiness/demo.js'

export interface LoadDemoOptions {
  /** Length of the demo period in days, ending now (default 365). */
  days?: number
  now?: number
  timezone: string
  /** Progress lines ("invoice-processing: 41,230 events"). */
  log?: (line: string) => void
  /** The scenarios to load (default: the demo portfolio); benchmarks pass more. */
  scenarios?: DemoScenario[]
  /** Who the audit log names. */
  actor?: string
  /** Rows per transaction. */
  batchRows?: number
  /** The API key each slug's events are recorded as received through (the live demo); default none. */
  keyIds?: Record<string, number>
}

export interface LoadDemoResult {
  initiatives: string[]
  events: number
  ms: number
  rolledUp: boolean
}

/** Thrown when demo data is already loaded; the route answers 409, the CLI prints the message. */
export class DemoAlreadyLoaded extends HttpError {
  constructor(slugs: string[]) {
    super(409, 'conflict', `demo data is already loaded (initiatives ${slugs.join(', ')} exist); load it into a fresh database, e.g. YARDSTICK_DB=data/demo.db npm run cli -- demo`)
  }
}

export const MAX_DEMO_DAYS = 3 * 366

/**
 * Loads the demo portfolio. Refuses (DemoAlreadyLoaded) when any demo slug is registered already.
 * @example await loadDemo(db, { timezone: 'UTC', days: 365, log: console.log })
 */
export async function loadDemo(db: Db, opts: LoadDemoOptions): Promise<LoadDemoResult> {
  const started = Date.now()
  const days = opts.days ?? 365
  if (!Number.isInteger(days) || days < 1 || days > MAX_DEMO_DAYS) throw new HttpError(422, 'validation_failed', `days must be a whole number from 1 to ${MAX_DEMO_DAYS}, got ${days}`)
  const now = opts.now ?? Date.now()
  const log = opts.log ?? (() => {})
  const actor = opts.actor ?? 'cli'
  const scenarios = opts.scenarios ?? DEMO_SCENARIOS
  const batchRows = opts.batchRows ?? 50_000
  const taken = await existingSlugs(db, scenarios.map((s) => s.slug))
  if (taken.length > 0) throw new DemoAlreadyLoaded(taken)

  const fromMs = bucketStart(now - days * 86_400_000, 'day', opts.timezone)
  let total = 0
  for (const s of scenarios) {
    const currency = 'USD'
    const exp = currencyExponent(currency)
    const history = stageHistoryFor(s, fromMs, now)
    const plan: DemoPlan = { fromMs, toMs: now, timezone: opts.timezone, history }
    const money = (x: number) => toMinorUnits(Math.round(x * 10 ** exp) / 10 ** exp, currency)!
    const id = await writeTransaction(db, (tx) =>
      insertInitiativeWithHistory(
        tx,
        {
          slug: s.slug,
          name: s.name,
          description: s.description,
          owner: s.owner,
          team: s.team,
          stage: history[history.length - 1].to,
          currency,
          hourlyValueMinor: money(s.hourlyValue),
          upfrontCostMinor: money(s.upfrontCost),
          monthlyCostMinor: money(s.monthlyCost),
          costPerErrorMinor: s.costPerError === null ? null : money(s.costPerError),
          baselineErrorRate: s.baselines.errorRate,
          baselineDecisionLatencySeconds: s.baselines.decisionLatencySeconds,
          targetTimeSavedHoursPerMonth: s.targets.timeSavedHoursPerMonth,
          targetErrorRate: s.targets.errorRate,
          targetRevenueInfluencedPerMonth: s.targets.revenueInfluencedPerMonth,
          targetDecisionLatencySeconds: s.targets.decisionLatencySeconds,
          startedAt: fromMs,
        },
        history,
        { actor, at: now },
      ),
    )
    await writeTransaction(db, (tx) => recordDemoReadiness(tx, id, s.slug, { actor, now }))
    const rand = seededRandom(seedOf(s.slug))
    let rows: EventRow[] = []
    let count = 0
    const flush = async () => {
      if (rows.length === 0) return
      const batch = rows
      rows = []
      await writeTransaction(db, async (tx) => {
        await insertEventRows(tx, batch)
      })
    }
    for (const day of demoDays(plan)) {
      for (const e of eventsForDay(s, plan, day, rand, exp)) {
        rows.push({ initiative_id: id, metric: e.metric, client_id: null, quantity: e.quantity, errors: e.errors, total: e.total, occurred_at: e.occurredAt, received_at: now, key_id: opts.keyIds?.[s.slug] ?? null, stage: e.stage, attributes: null })
        count++
      }
      if (rows.length >= batchRows) await flush()
    }
    await flush()
    total += count
    log(`${s.slug}: ${history.map((h) => h.to).join(' → ')}, ${count.toLocaleString('en')} events`)
  }
  const rolledUp = await runRollups(db, opts.timezone, log)
  const ms = Date.now() - started
  log(`loaded ${scenarios.length} initiatives and ${total.toLocaleString('en')} events in ${(ms / 1000).toFixed(1)} s${rolledUp ? ', rolled up' : ''}`)
  return { initiatives: scenarios.map((s) => s.slug), events: total, ms, rolledUp }
}

/** Folds the new events into the rollups, so the dashboard answers from buckets at once. */
async function runRollups(db: Db, timezone: string, log: (l: string) => void): Promise<boolean> {
  log('rolling up…')
  const r = await rollupPending(db, { timezone })
  if (r.skipped) {
    log(`rollup skipped (${r.skipped}); the scheduler folds the events in within a minute`)
    return false
  }
  return true
}
