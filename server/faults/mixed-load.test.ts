/**
 * The mixed load of `npm run bench` (bench/load.ts), small: 5 s of batch ingest, single events and
 * dashboard reads at once against the real server in a child process. Zero errors, and every
 * acknowledged event stored.
 */
import { describe, expect, it } from 'vitest'
import { runMixedLoad } from '../../bench/load.js'

describe('mixed load, small', () => {
  it('answers every request of batch ingest, single events and reads at once, and stores every acknowledged event', async () => {
    const m = await runMixedLoad({ seconds: 5, historyEvents: 20_000 })
    process.stderr.write(`mixed load 5 s: batch p99 ${m.batch.p99.toFixed(0)} ms, single p99 ${m.single.p99.toFixed(0)} ms, reads p99 ${m.reads.p99.toFixed(0)} ms, peak ${m.peakMb.toFixed(0)} MB\n`)
    expect(m.batch.requests).toBeGreaterThan(0)
    expect(m.single.requests).toBeGreaterThan(0)
    expect(m.reads.requests).toBeGreaterThan(0)
    expect({ batch: m.batch.errors, single: m.single.errors, reads: m.reads.errors }).toEqual({ batch: 0, single: 0, reads: 0 })
    expect(m.stored).toBe(m.acknowledged)
    expect(m.peakMb).toBeGreaterThan(0)
  }, 120_000)
})
