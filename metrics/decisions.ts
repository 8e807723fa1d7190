/**
 * The portfolio's decision-speed figure. A median of decision times across initiatives mixes unlike
 * decisions (an invoice approval in minutes, a contract review in days), so the portfolio counts instead
 * how many decisions were faster than their own initiative's baseline.
 */

/** What one initiative contributes (the summary's fields). */
export interface DecisionFigures {
  /** Decisions in the period faster than the initiative's baseline latency; null without a baseline. */
  decisionsAccelerated?: number | null
  /** Decisions in the period. */
  decisionCount?: number
}

export interface DecisionsFaster {
  /** Σ decisions faster than their baseline. */
  faster: number
  /** Σ decisions of initiatives that have a baseline (the denominator). */
  decisions: number
  /** faster ÷ decisions, 0–1. */
  share: number
  /** Initiatives that count (a baseline and at least one decision). */
  initiatives: number
}

/**
 * Share of decisions faster than before, over the initiatives with a baseline latency.
 * Formula: Σ decisionsAccelerated ÷ Σ decisionCount over initiatives whose decisionsAccelerated is a
 * number and decisionCount > 0. Units: counts; share is a fraction. Null when no initiative counts.
 * @example decisionsFaster([{ decisionsAccelerated: 30, decisionCount: 40 }, { decisionsAccelerated: null, decisionCount: 9 }])
 * // { faster: 30, decisions: 40, share: 0.75, initiatives: 1 }
 */
export function decisionsFaster(rows: DecisionFigures[]): DecisionsFaster | null {
  let faster = 0
  let decisions = 0
  let initiatives = 0
  for (const r of rows) {
    const a = r.decisionsAccelerated
    const n = r.decisionCount ?? 0
    if (typeof a !== 'number' || !Number.isFinite(a) || !(n > 0)) continue
    faster += a
    decisions += n
    initiatives++
  }
  return initiatives === 0 ? null : { faster, decisions, share: faster / decisions, initiatives }
}
