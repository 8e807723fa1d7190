/**
 * The rollup job on a cron schedule: never overlapping (a tick is skipped while a run is in progress),
 * stopped by `stop()`, which also waits for a run in progress.
 */
import cron from 'node-cron'
import type { Db } from '../../db/connection.js'
import { RollupError, rollupPending, type RollupOptions, type RollupResult } from './rollup-job.js'

export interface ScheduledRollup {
  /** Runs the rollup now unless one is running (for example when many events are waiting). */
  trigger(): void
  stop(): Promise<void>
}

/**
 * Schedules `rollupPending` with the cron expression `expression`.
 * @example const job = scheduleRollup({ db, timezone: 'UTC', expression: '* * * * *', log: console.log })
 */
export function scheduleRollup(deps: {
  db: Db
  timezone: string
  expression: string
  leaseMs?: number
  log: (m: string) => void
  /** Where the rollup runs (default: rollupPending on `db`, here); the writer thread offers its own. */
  run?: (options: Pick<RollupOptions, 'timezone' | 'leaseMs'>) => Promise<RollupResult>
}): ScheduledRollup {
  const run = deps.run ?? ((o: Pick<RollupOptions, 'timezone' | 'leaseMs'>) => rollupPending(deps.db, o))
  let running: Promise<RollupResult | void> | null = null
  let lastError = ''
  const tick = (quiet = false) => {
    if (running) return
    running = run({ timezone: deps.timezone, leaseMs: deps.leaseMs })
      .then((r) => {
        lastError = ''
        if (r.eventsFolded > 0 && !quiet) deps.log(`rollup: folded ${r.eventsFolded} events into ${r.bucketsWritten} bucket writes in ${Math.round(r.ms)} ms`)
        // Reported whenever it happens, quiet or not: the operator must correct these by hand.
        if (r.skippedEvents.length > 0) deps.log(`rollup: skipped event(s) ${r.skippedEvents.join(', ')}: their sums would overflow, so no figure counts them; every other event was rolled up. See them and how to correct them with: npm run cli -- rollup --skipped`)
        return r
      })
      .catch((e: unknown) => {
        const message = e instanceof RollupError ? e.message : `rollup failed: ${e instanceof Error ? e.message : String(e)}`
        // One line per distinct failure, not one a minute.
        if (message !== lastError) deps.log(`rollup: ${message}`)
        lastError = message
      })
      .finally(() => {
        running = null
      })
  }
  const task = cron.schedule(deps.expression, () => tick(), { name: 'rollup', noOverlap: true })
  return {
    // Triggered runs (while events stream in) stay quiet; the minute's run reports.
    trigger: () => tick(true),
    async stop() {
      await task.stop()
      await task.destroy()
      if (running) await running
    },
  }
}
