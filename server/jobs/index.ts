/**
 * The whole cron table, in one place. Each job is a plain async function a test can call.
 */
import type { Db } from '../../db/connection.js'
import type { Config } from '../config.js'
import { scheduleRollup } from '../rollup/schedule.js'

export interface Jobs {
  stop(): Promise<void>
}

export function startJobs(deps: { db: Db; config: Config; log: (m: string) => void }): Jobs {
  // rollup: folds new events into hour/day/month rollups (config.rollupCron, every minute by default).
  const rollup = scheduleRollup({ db: deps.db, timezone: deps.config.timezone, expression: deps.config.rollupCron, log: deps.log })
  return {
    async stop() {
      await rollup.stop()
    },
  }
}
