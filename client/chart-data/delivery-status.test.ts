import { describe, expect, it } from 'vitest'
import type { Delivery, DeliveryStatus } from '../api/types.js'
import { scheduleWords, summarizeDeliveries } from './delivery-status.js'

let nextId = 1
function d(status: DeliveryStatus, key: string, extra: Partial<Delivery> = {}): Delivery {
  return {
    id: nextId++,
    subscriptionId: 1,
    period: { key, from: `${key}-01T00:00:00.000Z`, to: `${key}-08T00:00:00.000Z` },
    kind: 'scheduled',
    recipient: `r${nextId}@example.com`,
    messageId: `<m${nextId}@example.com>`,
    status,
    attempts: 1,
    lastError: null,
    sentAt: null,
    nextAttemptAt: null,
    createdAt: '',
    updatedAt: '',
    ...extra,
  }
}

describe('delivery summary', () => {
  it('is null before anything was queued', () => {
    expect(summarizeDeliveries([])).toBeNull()
  })

  it('shows the worst status of the newest period only, with its error', () => {
    const old = d('failed', '2026-10', { lastError: 'old' })
    const ok = d('sent', '2026-11')
    const bad = d('failed', '2026-11', { lastError: '550 mailbox unavailable' })
    const s = summarizeDeliveries([bad, old, ok])!
    expect(s).toMatchObject({ status: 'failed', symbol: '✕', word: 'failed', tone: 'bad', delivered: 1, total: 2, lastError: '550 mailbox unavailable' })
    expect(s.period.from).toBe('2026-11-01T00:00:00.000Z')
  })

  it('counts uncertain deliveries as delivered but shows them as uncertain', () => {
    const s = summarizeDeliveries([d('sent', '2026-12'), d('uncertain', '2026-12')])!
    expect(s).toMatchObject({ status: 'uncertain', symbol: '?', delivered: 2, total: 2 })
  })

  it('says sent when every recipient got it', () => {
    expect(summarizeDeliveries([d('sent', '2027-01'), d('sent', '2027-01')])).toMatchObject({ status: 'sent', symbol: '✓', word: 'sent', tone: 'good', delivered: 2, total: 2 })
  })

  it.each([
    ['daily', 'Daily, the day before'],
    ['0 8 * * 1', 'Custom (cron "0 8 * * 1")'],
  ])('writes schedule %s in words', (s, w) => {
    expect(scheduleWords(s)).toBe(w)
  })
})
