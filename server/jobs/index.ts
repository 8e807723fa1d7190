/**
 * The whole cron table, in one place. Each job is a plain async function a test can call.
 */
import type { Db } from '../../db/connection.js'
import type { Config } from '../config.js'
import type { EventSink } from '../ingest/event-writer.js'
import { scheduleRollup } from '../rollup/schedule.js'
import { scheduleDigests } from '../email/schedule-job.js'
import { scheduleAlerts } from '../alerts/schedule.js'
import { scheduleDemoTopUp } from '../demo/live.js'

export interface Jobs {
  stop(): Promise<void>
}

/**
 * Reads add the events not yet rolled up (the tail) to every answer, so the tail must stay short under
 * load: a rollup runs at once when this server has committed ROLLUP_BACKLOG events since the last
 * trigger, or after ROLLUP_BACKLOG_MS when any are waiting.
 */
const ROLLUP_BACKLOG = 5_000
const ROLLUP_BACKLOG_MS = 5_000
/**
 * Event ids per rollup transaction on the writer thread: a step holds up the commits queued behind it,
 * so steps stay short there (elsewhere the default step of 400,000 ids, as before).
 */
const WRITER_THREAD_ROLLUP_STEP = 10_000

export function startJobs(deps: { db: Db; config: Config; log: (m: string) => void; writer?: Pick<EventSink, 'stats' | 'rollup'> }): Jobs {
  // rollup: folds new events into hour/day/month rollups (config.rollupCron, every minute by default),
  // and sooner while events are arriving (see ROLLUP_BACKLOG).
  // With a writer thread (SQLite), rollups run there between commits: on this thread a rollup would
  // wait for the write lock (blocking every request meanwhile) and compete with commits for it.
  const writer = deps.writer
  const run = writer?.rollup ? (o: { timezone: string; leaseMs?: number }) => writer.rollup!({ ...o, stepIds: WRITER_THREAD_ROLLUP_STEP }) : undefined
  const rollup = scheduleRollup({ db: deps.db, timezone: deps.config.timezone, expression: deps.config.rollupCron, leaseMs: deps.config.rollupLeaseMs, log: deps.log, run })
  let rowsAtTrigger = deps.writer?.stats.rows ?? 0
  let triggeredAt = Date.now()
  const backlog = setInterval(() => {
    const rows = deps.writer?.stats.rows ?? 0
    const waiting = rows - rowsAtTrigger
    if (waiting >= ROLLUP_BACKLOG || (waiting > 0 && Date.now() - triggeredAt >= ROLLUP_BACKLOG_MS)) {
      rowsAtTrigger = rows
      triggeredAt = Date.now()
      rollup.trigger()
    }
  }, 250)
  backlog.unref()
  // digest: every minute, sends the email summaries that are due and retries whose backoff has passed.
  const digest = scheduleDigests({ db: deps.db, config: deps.config, log: deps.log })
  // alerts: every minute, sends alert deliveries that are due; every 5 minutes evaluates the rules first.
  const alerts = scheduleAlerts({ db: deps.db, config: deps.config, log: deps.log })
  // live demo (YARDSTICK_DEMO=1): at start and every 10 minutes, the demo's events up to now.
  const demo = deps.config.demo ? scheduleDemoTopUp({ db: deps.db, timezone: deps.config.timezone, log: deps.log }) : null
  return {
    async stop() {
      await demo?.stop()
      clearInterval(backlog)
      await rollup.stop()
      await digest.stop()
      await alerts.stop()
    },
  }
}
