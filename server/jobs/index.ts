/**
 * The whole cron table, in one place. Each job is a plain async function a test can call.
 */
import type { Db } from '../../db/connection.js'
import type { Config } from '../config.js'
import { scheduleRollup } from '../rollup/schedule.js'
import { scheduleDigests } from '../email/schedule-job.js'

export interface Jobs {
  stop(): Promise<void>
}

export function startJobs(deps: { db: Db; config: Config; log: (m: string) => void }): Jobs {
  // rollup: folds new events into hour/day/month rollups (config.rollupCron, every minute by default).
  const rollup = scheduleRollup({ db: deps.db, timezone: deps.config.timezone, expression: deps.config.rollupCron, log: deps.log })
  // digest: every minute, sends the email summaries that are due and retries whose backoff has passed.
  const digest = scheduleDigests({ db: deps.db, config: deps.config, log: deps.log })
  return {
    async stop() {
      await rollup.stop()
      await digest.stop()
    },
  }
}
