/**
 * The last point of each cumulative OTLP series: read and advanced in the same transaction as the
 * events it produced, with compare-and-set, so that two instances never count one increase twice.
 */
import type { Tx } from '../connection.js'

export interface SeriesState {
  seriesKey: string
  initiativeId: number
  metric: string
  startNs: bigint
  timeNs: bigint
  /** The last cumulative value (Sums) or the JSON of cumulative bucket counts (Histograms). */
  state: string
}

/** Thrown when another writer advanced a series between this transaction's read and its write. */
export class SeriesConflictError extends Error {
  constructor(key: string) {
    super(`OTLP series ${key.slice(0, 12)} changed concurrently`)
  }
}

/**
 * The stored state of these series, by key.
 * @example const states = await findSeriesStates(tx, ['k1', 'k2'])
 */
export async function findSeriesStates(tx: Tx, keys: string[]): Promise<Map<string, SeriesState>> {
  const out = new Map<string, SeriesState>()
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await tx.selectFrom('otlp_series').selectAll().where('series_key', 'in', keys.slice(i, i + 500)).execute()
    for (const r of rows) {
      out.set(r.series_key, { seriesKey: r.series_key, initiativeId: r.initiative_id, metric: r.metric, startNs: BigInt(r.start_ns), timeNs: BigInt(r.time_ns), state: r.state })
    }
  }
  return out
}

/**
 * Stores a series' new last point. `previous` is what this transaction read (null: none): when the
 * stored row is no longer that, another writer got there first and SeriesConflictError is thrown, so the
 * caller's transaction rolls back and is tried again.
 * @example await advanceSeries(tx, next, prev, Date.now())
 */
export async function advanceSeries(tx: Tx, next: SeriesState, previous: SeriesState | null, now: number): Promise<void> {
  const values = { start_ns: next.startNs.toString(), time_ns: next.timeNs.toString(), state: next.state, updated_at: now }
  if (previous === null) {
    const inserted = await tx
      .insertInto('otlp_series')
      .values({ series_key: next.seriesKey, initiative_id: next.initiativeId, metric: next.metric, ...values })
      .onConflict((oc) => oc.column('series_key').doNothing())
      .executeTakeFirst()
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) throw new SeriesConflictError(next.seriesKey)
    return
  }
  const updated = await tx
    .updateTable('otlp_series')
    .set(values)
    .where('series_key', '=', next.seriesKey)
    .where('start_ns', '=', previous.startNs.toString())
    .where('time_ns', '=', previous.timeNs.toString())
    .where('state', '=', previous.state)
    .executeTakeFirst()
  if (Number(updated.numUpdatedRows) !== 1) throw new SeriesConflictError(next.seriesKey)
}
