/**
 * Alert states and the conditions behind them, pure. Each (rule, initiative) pair has a state:
 * `ok` (never fired), `firing`, or `resolved`; a message goes out on each change to `firing` and on
 * each change from `firing` to `resolved`, never while a state holds (server/alerts/ sends them).
 */

export type AlertState = 'ok' | 'firing' | 'resolved'

export interface StoredAlertState {
  state: AlertState
  /** When the current state began (epoch ms); null for `ok`. */
  since: number | null
  /** How many times this pair has fired (the current or last firing's number, 0 when never). */
  episode: number
}

export interface AlertStep extends StoredAlertState {
  /** The change to announce, if any. */
  change: 'fired' | 'resolved' | null
}

/**
 * The next state of a (rule, initiative) pair from its stored state and whether the rule's condition
 * holds now.
 *
 * Rules: not firing + condition → `firing` (episode + 1, since now, change `fired`); firing + no
 * condition → `resolved` (since now, change `resolved`); otherwise the state holds (no change).
 * A pair seen for the first time is `ok` with episode 0.
 * @example nextAlertState({ state: 'firing', since: 5, episode: 2 }, false, 9) // { state: 'resolved', since: 9, episode: 2, change: 'resolved' }
 */
export function nextAlertState(prev: StoredAlertState | null, condition: boolean, now: number): AlertStep {
  const p = prev ?? { state: 'ok', since: null, episode: 0 }
  if (condition && p.state !== 'firing') return { state: 'firing', since: now, episode: p.episode + 1, change: 'fired' }
  if (!condition && p.state === 'firing') return { state: 'resolved', since: now, episode: p.episode, change: 'resolved' }
  return { ...p, change: null }
}

/**
 * The stable id of the message announcing one change of one pair, the same in every process and on
 * every retry: `alt_<rule>_<initiative>_<episode>_<f|r>`.
 * @example alertEventId(3, 7, 2, 'resolved') // 'alt_3_7_2_r'
 */
export function alertEventId(ruleId: number, initiativeId: number, episode: number, change: 'fired' | 'resolved'): string {
  return `alt_${ruleId}_${initiativeId}_${episode}_${change === 'fired' ? 'f' : 'r'}`
}

/** Months between two `YYYY-MM` strings (b − a). @example monthsBetween('2026-11', '2027-02') // 3 */
export function monthsBetween(a: string, b: string): number {
  const parse = (m: string) => {
    const x = /^(\d{4})-(\d{2})$/.exec(m)
    if (!x) throw new RangeError(`a month must look like 2026-11, got "${m}"`)
    return Number(x[1]) * 12 + Number(x[2]) - 1
  }
  return parse(b) - parse(a)
}

export interface PaybackSlip {
  /** The condition of a payback rule. */
  slipping: boolean
  /** Months later than the reference (null when out of sight or no reference). */
  monthsLater: number | null
  outOfSight: boolean
}

/**
 * Whether the projected payback month has slipped by at least `months` since the reference (the
 * projected payback month when the rule first saw the initiative), or out of sight.
 *
 * Rules: no reference → not slipping (nothing to slip from); payback already reached (`projected`
 * false) → not slipping; current null → out of sight, slipping; else slipping when
 * current − reference ≥ `months` (calendar months).
 * @example paybackSlip('2027-03', { month: '2027-06', projected: true }, 2) // { slipping: true, monthsLater: 3, outOfSight: false }
 */
export function paybackSlip(reference: string | null, current: { month: string; projected: boolean } | null, months: number): PaybackSlip {
  if (!(months > 0)) throw new RangeError(`months must be more than 0, got ${months}`)
  if (reference === null) return { slipping: false, monthsLater: null, outOfSight: current === null }
  if (current === null) return { slipping: true, monthsLater: null, outOfSight: true }
  if (!current.projected) return { slipping: false, monthsLater: monthsBetween(reference, current.month), outOfSight: false }
  const later = monthsBetween(reference, current.month)
  return { slipping: later >= months, monthsLater: later, outOfSight: false }
}

/**
 * Hours since the last event was received (from `lastReceivedAt`, or from `watchedSince` when none
 * ever arrived), and whether that reaches the rule's `hours`.
 *
 * Formula: silentHours = (now − (lastReceivedAt ?? watchedSince)) ÷ 3,600,000; silent = silentHours ≥ hours.
 * @example silence(Date.parse('2026-12-01T00:00Z'), 0, Date.parse('2026-12-01T06:00Z'), 4) // { silent: true, silentHours: 6 }
 */
export function silence(lastReceivedAt: number | null, watchedSince: number, now: number, hours: number): { silent: boolean; silentHours: number } {
  if (!(hours > 0)) throw new RangeError(`hours must be more than 0, got ${hours}`)
  const silentHours = Math.max(0, now - (lastReceivedAt ?? watchedSince)) / 3_600_000
  return { silent: silentHours >= hours, silentHours }
}

/** A readiness verdict a rule may watch for. */
export type WatchedVerdict = 'ready' | 'at_risk'

/**
 * Whether a readiness rule's condition holds: the verdict is one the rule watches.
 * @example readinessCondition('at_risk', ['ready', 'at_risk']) // true
 */
export function readinessCondition(verdict: 'ready' | 'not_yet' | 'at_risk', watch: readonly WatchedVerdict[]): boolean {
  return (watch as readonly string[]).includes(verdict)
}

/** How an alert reads: good news (green ✓), a warning (amber !), or neutral news (grey ·). */
export type AlertTone = 'good' | 'warn' | 'neutral'

export interface AlertHeadline {
  tone: AlertTone
  /** The one or few words that lead the alert everywhere it is shown or sent ("Ready to scale"). */
  word: string
  symbol: '✓' | '!' | '·'
}

const SYMBOLS: Record<AlertTone, AlertHeadline['symbol']> = { good: '✓', warn: '!', neutral: '·' }

/**
 * The tone and leading words of an alert: the one place that decides whether a change is good or bad
 * news; the dashboard, the email and the webhooks show what this says (stored with each message).
 *
 * Rules: a readiness rule firing because the initiative became ready to scale (`key` "ready") is good
 * news, "Ready to scale"; firing because it fell to at risk is a warning, "At risk"; every other firing
 * is a warning, "Firing". A resolution is good news, "Resolved", except the end of a ready-to-scale
 * firing, which is neutral, "No longer ready to scale". `key` is what fired (the readiness verdict).
 * @example alertHeadline('readiness', 'fired', 'ready') // { tone: 'good', word: 'Ready to scale', symbol: '✓' }
 */
export function alertHeadline(kind: 'trajectory' | 'readiness' | 'payback' | 'silence', change: 'fired' | 'resolved', key?: string | null): AlertHeadline {
  const of = (tone: AlertTone, word: string): AlertHeadline => ({ tone, word, symbol: SYMBOLS[tone] })
  const ready = kind === 'readiness' && key === 'ready'
  if (change === 'resolved') return ready ? of('neutral', 'No longer ready to scale') : of('good', 'Resolved')
  if (ready) return of('good', 'Ready to scale')
  if (kind === 'readiness' && key === 'at_risk') return of('warn', 'At risk')
  return of('warn', 'Firing')
}

/**
 * The tone and words of a pair's current state, as alertHeadline says them for the change that led
 * there; `ok` (never fired) is neutral, "Not fired".
 * @example alertStateHeadline('readiness', 'firing', 'ready') // { tone: 'good', word: 'Ready to scale', symbol: '✓' }
 */
export function alertStateHeadline(kind: Parameters<typeof alertHeadline>[0], state: AlertState, key?: string | null): AlertHeadline {
  if (state === 'ok') return { tone: 'neutral', word: 'Not fired', symbol: '·' }
  return alertHeadline(kind, state === 'firing' ? 'fired' : 'resolved', key)
}
