/**
 * The whole cron table, in one place. Each job is a plain async function a test can call.
 */
import type { Db } from '../../db/connection.js'
import type { Config } from '../config.js'
import type { EventSink } from '../ingest/event-writer.js'
import { scheduleRollup } from '../rollup/schedule.js'
import { scheduleDigests } from '../email/schedule-job.js'

export interface Jobs {
  stop(): Promise<void>
}

/** Events committed since the last rollup that trigger one at once, so reads never scan a long tail. */
const ROLLUP_BACKLOG = 50_000

export function startJobs(deps: { db: Db; config: Config; log: (m: string) => void; writer?: Pick<EventSink, 'stats'> }): Jobs {
  // rollup: folds new events into hour/day/month rollups (config.rollupCron, every minute by default),
  // and at once whenever this server has committed ROLLUP_BACKLOG events since the last trigger.
  const rollup = scheduleRollup({ db: deps.db, timezone: deps.config.timezone, expression: deps.config.rollupCron, log: deps.log })
  let rowsAtTrigger = deps.writer?.stats.rows ?? 0
  const backlog = setInterval(() => {
    const rows = deps.writer?.stats.rows ?? 0
    if (rows - rowsAtTrigger >= ROLLUP_BACKLOG) {
      rowsAtTrigger = rows
      rollup.trigger()
    }
  }, 1000)
  backlog.unref()
  // digest: every minute, sends the email summaries that are due and retries whose backoff has passed.
  const digest = scheduleDigests({ db: deps.db, config: deps.config, log: deps.log })
  return {
    async stop() {
      clearInterval(backlog)
      await rollup.stop()
      await digest.stop()
    },
  }
}
