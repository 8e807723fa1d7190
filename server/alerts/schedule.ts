/**
 * The alert job on node-cron: every minute, never overlapping. Each tick sends the deliveries that are
 * due (and retries whose backoff has passed); every EVALUATE_EVERY_MS it first evaluates the rules.
 * `stop()` waits for a run in progress.
 */
import cron from 'node-cron'
import type { Db } from '../../db/connection.js'
import type { Config } from '../config.js'
import { alertsTick } from './run.js'

export interface ScheduledAlerts {
  stop(): Promise<void>
}

/**
 * Schedules `alertsTick` every minute.
 * @example const job = scheduleAlerts({ db, config, log: console.log })
 */
export function scheduleAlerts(deps: { db: Db; config: Config; log: (m: string) => void }): ScheduledAlerts {
  let running: Promise<void> | null = null
  let lastError = ''
  const tick = () => {
    if (running) return
    running = alertsTick(deps)
      .then((r) => {
        lastError = ''
        for (const c of r.evaluated?.changes ?? []) deps.log(`alerts: ${c.change} ${c.rule} / ${c.initiative}: ${c.message}`)
        const sent = r.outcomes.filter((o) => o.status === 'sent' || o.status === 'uncertain').length
        if (r.outcomes.length > 0) deps.log(`alerts: ${sent} delivered, ${r.failed} failed or waiting to retry`)
      })
      .catch((e: unknown) => {
        const message = `alert run failed: ${e instanceof Error ? e.message : String(e)}`
        if (message !== lastError) deps.log(message)
        lastError = message
      })
      .finally(() => {
        running = null
      })
  }
  const task = cron.schedule('* * * * *', tick, { name: 'alerts', noOverlap: true })
  return {
    async stop() {
      await task.stop()
      await task.destroy()
      if (running) await running
    },
  }
}
