/**
 * Accountability rules for stage moves. Pure: the route decides with these and answers 422.
 */

export interface StageGateInput {
  owner: string | null
  baselines: { errorRate: number | null; decisionLatencySeconds: number | null }
  /**
   * The metrics the initiative reports (has events for). When given, a baseline is required only for a
   * reported metric measured against one (error_rate, decision_latency): the rule of the readiness
   * checklist (metrics/readiness.ts), which is the production gate. When absent, both are required.
   */
  reports?: readonly string[]
}

export interface StageBlocker {
  /** The field to fill in, in API terms (`owner`, `baselines.errorRate`, …). */
  field: string
  message: string
}

/**
 * What an initiative lacks before it may move to production: an owner (someone accountable for its
 * results) and both baselines (the error rate and decision latency before the initiative, without
 * which "errors avoided" and latency gains cannot be stated). With `reports`, only the baselines of
 * reported metrics are required. Empty when nothing is lacking. The readiness verdict
 * (metrics/readiness.ts) includes these as its `owner` and `baselines` checklist items.
 *
 * @example productionBlockers({ owner: null, baselines: { errorRate: 0.1, decisionLatencySeconds: null } }).map((b) => b.field) // ['owner', 'baselines.decisionLatencySeconds']
 */
export function productionBlockers(i: StageGateInput): StageBlocker[] {
  const out: StageBlocker[] = []
  if (i.owner === null || i.owner.trim() === '') out.push({ field: 'owner', message: 'an owner is required: set "owner" to the email of the person accountable for this initiative' })
  const needs = (metric: string) => i.reports === undefined || i.reports.includes(metric)
  if (needs('error_rate') && (i.baselines.errorRate === null || !Number.isFinite(i.baselines.errorRate))) {
    out.push({ field: 'baselines.errorRate', message: 'a baseline error rate is required: set "baselines.errorRate" to the error rate before the initiative (0 to 1)' })
  }
  if (needs('decision_latency') && (i.baselines.decisionLatencySeconds === null || !Number.isFinite(i.baselines.decisionLatencySeconds))) {
    out.push({ field: 'baselines.decisionLatencySeconds', message: 'a baseline decision latency is required: set "baselines.decisionLatencySeconds" to the time to a decision before the initiative, in seconds' })
  }
  return out
}

/**
 * One sentence naming everything a move to production lacks, or null when nothing does.
 * @example productionRefusal('invoices', [{ field: 'owner', message: '…' }]) // 'cannot move "invoices" to production: it needs an owner'
 */
export function productionRefusal(slug: string, blockers: StageBlocker[]): string | null {
  if (blockers.length === 0) return null
  const names: Record<string, string> = { owner: 'an owner', 'baselines.errorRate': 'a baseline error rate', 'baselines.decisionLatencySeconds': 'a baseline decision latency' }
  const parts = blockers.map((b) => names[b.field] ?? b.field)
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`
  return `cannot move "${slug}" to production: it needs ${list}; nothing was changed`
}
