/**
 * A subscription's last digest in one line: the status of its newest period (the worst status among
 * that period's recipients), as a word and a symbol, never colour alone. Pure; tested in node.
 */
import type { Delivery, DeliveryStatus } from '../api/types.js'

export interface DeliverySummary {
  status: DeliveryStatus
  symbol: string
  word: string
  tone: 'good' | 'warn' | 'bad' | 'none'
  /** Recipients of that period with status `sent` or `uncertain` (the mail server took it). */
  delivered: number
  total: number
  period: { from: string; to: string }
  /** The error of the worst recipient, when there is one. */
  lastError: string | null
  nextAttemptAt: string | null
}

/** Worst first. */
const RANK: DeliveryStatus[] = ['failed', 'uncertain', 'retrying', 'sending', 'pending', 'cancelled', 'sent']

export const STATUS_LOOK: Record<DeliveryStatus, { symbol: string; word: string; tone: DeliverySummary['tone'] }> = {
  sent: { symbol: '✓', word: 'sent', tone: 'good' },
  failed: { symbol: '✕', word: 'failed', tone: 'bad' },
  uncertain: { symbol: '?', word: 'uncertain', tone: 'warn' },
  retrying: { symbol: '↻', word: 'retrying', tone: 'warn' },
  sending: { symbol: '…', word: 'sending', tone: 'none' },
  pending: { symbol: '…', word: 'waiting to send', tone: 'none' },
  cancelled: { symbol: '–', word: 'cancelled', tone: 'none' },
}

/**
 * The newest period's summary, or null when nothing was queued yet. `deliveries` may be in any order.
 * @example summarizeDeliveries([{ status: 'sent', … }, { status: 'failed', … }]) // { status: 'failed', delivered: 1, total: 2, … }
 */
export function summarizeDeliveries(deliveries: Delivery[]): DeliverySummary | null {
  if (deliveries.length === 0) return null
  const newest = deliveries.reduce((a, b) => (b.id > a.id ? b : a))
  const same = deliveries.filter((d) => d.period.key === newest.period.key && d.kind === newest.kind)
  const worst = same.reduce((a, b) => (RANK.indexOf(b.status) < RANK.indexOf(a.status) ? b : a))
  const look = STATUS_LOOK[worst.status] ?? { symbol: '?', word: worst.status, tone: 'none' as const }
  return {
    status: worst.status,
    ...look,
    delivered: same.filter((d) => d.status === 'sent' || d.status === 'uncertain').length,
    total: same.length,
    period: { from: newest.period.from, to: newest.period.to },
    lastError: worst.lastError,
    nextAttemptAt: worst.nextAttemptAt,
  }
}

/**
 * A schedule in words.
 * @example scheduleWords('weekly') // 'Weekly, Monday to Monday'
 */
export function scheduleWords(schedule: string): string {
  if (schedule === 'daily') return 'Daily, the day before'
  if (schedule === 'weekly') return 'Weekly, Monday to Monday'
  if (schedule === 'monthly') return 'Monthly, the calendar month before'
  return `Custom (cron "${schedule}")`
}
