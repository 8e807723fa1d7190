/**
 * Fault bench: kill -9 of the server at random moments during concurrent ingestion (8 clients, single
 * events and batches of up to 50), 20 rounds on one database; after the last restart every acknowledged
 * event must be present exactly once and PRAGMA integrity_check ok. The baseline of each figure is what
 * a lossless store gives: every acknowledged event present.
 */
import { crashIngestRounds } from '../server/testing/crash-ingest.js'
import { result, type BenchResult } from './lib.js'

export async function runFaultBench(log: (m: string) => void, opts: { rounds?: number } = {}): Promise<BenchResult[]> {
  const rounds = opts.rounds ?? 20
  log(`kill -9 during concurrent ingestion, ${rounds} rounds…`)
  const started = performance.now()
  const r = await crashIngestRounds({ rounds, log: (m) => log(`  ${m}`) })
  const seconds = (performance.now() - started) / 1000
  const intact = r.integrity.length === 1 && r.integrity[0] === 'ok'
  const survived = intact && r.missing === 0 && r.doubled === 0 ? r.rounds : 0
  log(`  ${survived}/${r.rounds} rounds survived: ${r.acknowledged} acknowledged, ${r.missing} missing, ${r.doubled} doubled, integrity ${r.integrity.join('; ')} (${seconds.toFixed(0)} s)`)
  const note = `${r.rounds} kill -9 rounds; ${r.acknowledged} acknowledged, ${r.storedDistinct} stored, ${r.missing} missing, ${r.doubled} doubled; integrity_check ${r.integrity.join('; ')}`
  return [
    result('faults.crash_rounds_survived', survived, 'rounds', { name: 'kill -9 rounds run', value: r.rounds, unit: 'rounds' }, note),
    result('faults.crash_acknowledged_present_once', r.acknowledged - r.missing - r.doubled, 'events', { name: 'events acknowledged (202) across all rounds', value: r.acknowledged, unit: 'events' }, note),
  ]
}
