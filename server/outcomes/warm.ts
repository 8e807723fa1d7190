/**
 * Warms the rollup read cache after the server starts, with what the dashboard asks first: the
 * portfolio summary and the four portfolio series for its default range (the last 30 local days up to
 * the start of tomorrow), and a summary of every whole month since the first initiative started. So
 * the first executive after a restart gets cached answers, and a range never asked before reads only
 * its edge days and hours.
 */
import type { Db } from '../../db/connection.js'
import { METRICS } from '../../metrics/metric-kinds.js'
import { listInitiatives } from '../../db/queries/initiatives.js'
import { bucketStart, chooseGranularity, localDateString, startOfLocalDate } from '../../metrics/time-buckets.js'
import { findPortfolioSeries } from './series.js'
import { findSummary } from './summary.js'

const DAY = 86_400_000

/**
 * Runs the dashboard's first reads once; resolves with how long they took (ms). Never throws: a
 * failure is logged, as a warm cache is only a speed-up.
 * @example void warmReadCache(db, config, console.log)
 */
export async function warmReadCache(db: Db, config: { timezone: string }, log: (m: string) => void, now = Date.now()): Promise<number | null> {
  const started = performance.now()
  try {
    const zone = config.timezone
    // Local dates by noon UTC arithmetic, as the dashboard resolves its presets (client/chart-data/range.ts).
    const today = localDateString(now, zone)
    const shift = (days: number) => new Date(Date.parse(`${today}T12:00:00Z`) + days * DAY).toISOString().slice(0, 10)
    const from = startOfLocalDate(shift(-29), zone)
    const to = startOfLocalDate(shift(1), zone)
    await findSummary(db, config, { from, to, now })
    // Every whole month since the first initiative started, so that any range the dashboard is asked
    // for later finds its months cached and reads only its edge days and hours.
    const starts = (await listInitiatives(db)).map((i) => Date.parse(i.startedAt)).filter((t) => Number.isFinite(t))
    const firstMonth = starts.length > 0 ? bucketStart(Math.min(...starts), 'month', zone) : to
    const thisMonth = bucketStart(now, 'month', zone)
    if (firstMonth < thisMonth) await findSummary(db, config, { from: firstMonth, to: thisMonth, now })
    for (const metric of METRICS) {
      await findPortfolioSeries(db, config, { metric, from, to, granularity: chooseGranularity(from, to) })
    }
    const ms = performance.now() - started
    log(`read cache warmed in ${Math.round(ms)} ms`)
    return ms
  } catch (e) {
    log(`warming the read cache failed (answers are unaffected, only slower at first): ${e instanceof Error ? e.message : String(e)}`)
    return null
  }
}
