import { describe, expect, it } from 'vitest'
import { crashIngestRounds } from '../testing/crash-ingest.js'

describe('kill -9 during concurrent ingestion', () => {
  it('loses no acknowledged event and counts none twice', async () => {
    const report = await crashIngestRounds({ rounds: 3, log: (m) => process.stderr.write(m + "\n") })
    expect(report.acknowledged).toBeGreaterThan(20)
    expect(report.missing).toBe(0)
    expect(report.doubled).toBe(0)
    expect(report.storedDistinct).toBe(report.acknowledged)
    expect(report.integrity).toEqual(['ok'])
  }, 120_000)
})
