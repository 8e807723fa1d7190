/**
 * The digest job on node-cron: every minute, never overlapping (a tick is skipped while a run is in
 * progress); each run enqueues what is due and sends what is claimable, temporary failures waiting for
 * their backoff. `stop()` waits for a run in progress.
 */
import cron from 'node-cron'
import type { Db } from '../../db/connection.js'
import type { Config } from '../config.js'
import { createComposer } from './compose.js'
import { runDigests, type DigestRunResult } from './delivery.js'
import { createMailTransport } from './transport.js'

export interface ScheduledDigests {
  stop(): Promise<void>
}

/**
 * One scheduler tick, callable from tests: due digests and retries whose backoff has passed.
 * @example await digestTick({ db, config, log: console.log })
 */
export async function digestTick(deps: { db: Db; config: Config; log: (m: string) => void; clock?: () => number }): Promise<DigestRunResult> {
  const transport = createMailTransport(deps.config, deps.log)
  try {
    return await runDigests({ db: deps.db, config: deps.config, transport, compose: createComposer(deps.db, deps.config, deps.clock), log: deps.log, clock: deps.clock }, { immediateRetries: 0, ignoreBackoff: false })
  } finally {
    transport.close()
  }
}

/**
 * Schedules `digestTick` every minute.
 * @example const job = scheduleDigests({ db, config, log: console.log })
 */
export function scheduleDigests(deps: { db: Db; config: Config; log: (m: string) => void }): ScheduledDigests {
  let running: Promise<void> | null = null
  let lastError = ''
  const tick = () => {
    if (running) return
    running = digestTick(deps)
      .then((r) => {
        lastError = ''
        const sent = r.outcomes.filter((o) => o.status === 'sent' || o.status === 'uncertain').length
        if (r.outcomes.length > 0) deps.log(`digest: ${sent} sent, ${r.failed} failed or waiting to retry`)
      })
      .catch((e: unknown) => {
        const message = `digest run failed: ${e instanceof Error ? e.message : String(e)}`
        if (message !== lastError) deps.log(message)
        lastError = message
      })
      .finally(() => {
        running = null
      })
  }
  const task = cron.schedule('* * * * *', tick, { name: 'digest', noOverlap: true })
  return {
    async stop() {
      await task.stop()
      await task.destroy()
      if (running) await running
    },
  }
}
