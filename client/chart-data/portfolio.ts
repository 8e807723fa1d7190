/**
 * The portfolio page's words and figures: the CFO's one-line answer, the four tiles with their change,
 * the initiatives table sorted and exported, and the sparklines summed across initiatives.
 */
import { byAction, recommend, type Recommendation } from '../../metrics/recommendation.js'
import type { Metric, SeriesPoint, Summary, SummaryInitiative, TargetStatus } from '../api/types.js'
import type { Cell } from './csv.js'
import { changeTone, formatDuration, formatHours, formatMoney, formatNumber, formatPercent, formatPerDollar, isFiniteNumber, relativeChange } from './format.js'
import { decisionsFaster } from '../../metrics/decisions.js'

/**
 * The one-line money answer for the portfolio or one initiative, from the API's figures (CONTRACT.md,
 * "Money"): the period's value on the period's cost, per $1 this period, and per $1 to date beside it.
 * @example moneySentence(row, 'USD', 'last 12 months') // '$2.4M delivered on $1.7M spent, last 12 months: $1.41 per $1 this period; $1.20 per $1 to date.'
 */
export function moneySentence(f: { valueTotal: number; cost: number; returnPerDollar: number | null; returnToDate: number | null }, currency: string, period: string): string {
  const toDate = isFiniteNumber(f.returnToDate) ? `; ${formatPerDollar(f.returnToDate, currency, 'to date')}` : ''
  if (!isFiniteNumber(f.returnPerDollar)) return `${formatMoney(f.valueTotal, currency, true)} delivered, ${period}; no cost in this period${toDate}.`
  return `${formatMoney(f.valueTotal, currency, true)} delivered on ${formatMoney(f.cost, currency, true)} spent, ${period}: ${formatPerDollar(f.returnPerDollar, currency, 'this period')}${toDate}.`
}

/**
 * "$2.4M delivered on $1.7M spent, last 12 months: $1.41 per $1 this period; $1.20 per $1 to date."
 * @example headline(summary, 'last 12 months')
 */
export function headline(s: Summary, period: string): string {
  const p = s.portfolio
  const cur = p.currency ?? s.initiatives[0]?.currency ?? 'USD'
  if (s.initiatives.length === 0) return `No initiatives match these filters (${period}).`
  if (!isFiniteNumber(p.valueTotal) || !isFiniteNumber(p.cost)) return `No figures yet for ${period}.`
  return moneySentence(p, cur, period)
}

/** The same sentence for one initiative. */
export function headlineOf(r: SummaryInitiative, period: string): string {
  return moneySentence(r, r.currency, period)
}

export interface Tile {
  key: 'timeSaved' | 'errorsAvoided' | 'revenue' | 'latency'
  label: string
  value: string
  detail: string
  change: number | null
  tone: 'good' | 'bad' | 'flat'
  direction: 'higher' | 'lower'
  empty: string | null
}

/** The four outcome tiles with their change against the previous period. */
export function tiles(s: Summary): Tile[] {
  const p = s.portfolio
  const prev = p.previous ?? {}
  const cur = p.currency ?? s.initiatives[0]?.currency ?? 'USD'
  const t = (key: Tile['key'], label: string, value: string, detail: string, now: number | null | undefined, before: number | null | undefined, direction: 'higher' | 'lower', empty: string | null): Tile => {
    const change = relativeChange(now, before)
    return { key, label, value, detail, change, tone: changeTone(change, direction), direction, empty }
  }
  const anyErrors = s.initiatives.some((i) => isFiniteNumber(i.total) ? i.total > 0 : isFiniteNumber(i.errorRate))
  const anyLatency = isFiniteNumber(p.decisionLatencyP50)
  return [
    t('timeSaved', 'Time saved', formatHours(p.timeSavedHours, true), `worth ${formatMoney(p.timeSavedValue, cur, true)}`, p.timeSavedHours, prev.timeSavedHours, 'higher', p.timeSavedHours > 0 ? null : 'No time-saved events in this period.'),
    t('errorsAvoided', 'Errors avoided', formatNumber(p.errorsAvoided, true, 1), 'against each baseline error rate', p.errorsAvoided, prev.errorsAvoided, 'higher', anyErrors ? null : 'No error-rate events in this period.'),
    t('revenue', 'Revenue influenced', formatMoney(p.revenueInfluenced, cur, true), cur, p.revenueInfluenced, prev.revenueInfluenced, 'higher', p.revenueInfluenced !== 0 ? null : 'No revenue events in this period.'),
    latencyTile(s, anyLatency, t),
  ]
}

/**
 * Decision speed across the portfolio: the share of decisions faster than their own initiative's baseline
 * (metrics/decisions.ts), not a median across unlike decisions. Without any baseline, the tile says so.
 */
function latencyTile(s: Summary, anyLatency: boolean, t: (key: Tile['key'], label: string, value: string, detail: string, now: number | null | undefined, before: number | null | undefined, direction: 'higher' | 'lower', empty: string | null) => Tile): Tile {
  const now = decisionsFaster(s.initiatives)
  const before = decisionsFaster(s.initiatives.map((r) => r.previous ?? {}))
  if (!anyLatency) return t('latency', 'Decisions faster than before', '—', '', null, null, 'higher', 'No decision-latency events in this period.')
  if (!now) return t('latency', 'Decisions faster than before', '—', '', null, null, 'higher', 'No initiative reporting decisions has a baseline decision time to compare with.')
  return t('latency', 'Decisions faster than before', formatPercent(now.share), `${formatNumber(now.faster, true)} of ${formatNumber(now.decisions, true)} decisions beat their initiative's baseline (${now.initiatives} ${now.initiatives === 1 ? 'initiative' : 'initiatives'})`, now.share, before?.share, 'higher', null)
}

/** The words and tone of a target status: never colour alone. */
export const STATUS_WORDS: Record<TargetStatus, { word: string; icon: string; tone: 'good' | 'warn' | 'bad' | 'none' }> = {
  on_track: { word: 'on track', icon: '✓', tone: 'good' },
  at_risk: { word: 'at risk', icon: '!', tone: 'warn' },
  off_track: { word: 'off track', icon: '✕', tone: 'bad' },
  no_target: { word: 'no target', icon: '–', tone: 'none' },
  no_data: { word: 'no data', icon: '–', tone: 'none' },
}

/**
 * One status for an initiative: the worst of its metric statuses (off track > at risk > on track).
 * @example overallStatus(row) // 'at_risk'
 */
export function overallStatus(i: SummaryInitiative): TargetStatus {
  const all = Object.values(i.targets ?? {}).map((t) => t?.status).filter(Boolean) as TargetStatus[]
  for (const s of ['off_track', 'at_risk', 'on_track'] as const) if (all.includes(s)) return s
  return all.includes('no_data') ? 'no_data' : 'no_target'
}

/**
 * Each row's recommendation (metrics/recommendation.ts), from the summary's money figures and the
 * readiness verdicts (GET /api/v1/readiness); readiness may be absent while it loads.
 * @example recommendations(summary.initiatives, readiness.initiatives).get('invoice-processing')
 */
export function recommendations(rows: SummaryInitiative[], readiness: Array<{ slug: string; verdict: 'ready' | 'not_yet' | 'at_risk'; missing: Array<{ item: string; message: string }> }> | null): Map<string, Recommendation> {
  const bySlug = new Map((readiness ?? []).map((r) => [r.slug, r]))
  const out = new Map<string, Recommendation>()
  for (const r of rows) {
    const ready = bySlug.get(r.slug)
    out.set(r.slug, recommend({
      stage: r.stage,
      currency: r.currency,
      valueTotal: r.valueTotal,
      cost: r.cost,
      returnPerDollar: r.returnPerDollar,
      valueToDate: r.valueToDate,
      costToDate: r.costToDate,
      returnToDate: r.returnToDate,
      paybackMonth: r.paybackMonth,
      eventCount: r.eventCount,
      readiness: ready ? { verdict: ready.verdict, missing: ready.missing } : undefined,
    }, formatMoney))
  }
  return out
}

export const SORT_KEYS = ['action', 'name', 'stage', 'valueTotal', 'returnPerDollar', 'timeSavedHours', 'errorsAvoided', 'revenueInfluenced', 'decisionLatencyP50', 'payback', 'status'] as const
export type SortKey = (typeof SORT_KEYS)[number]

const STAGE_ORDER = { pilot: 0, scaling: 1, production: 2, retired: 3 }
const STATUS_ORDER: Record<TargetStatus, number> = { off_track: 0, at_risk: 1, on_track: 2, no_data: 3, no_target: 4 }

/**
 * Rows sorted by a column (default: value delivered, highest first); missing figures sort last.
 * @example sortRows(rows, 'returnPerDollar', true)
 */
export function sortRows(rows: SummaryInitiative[], key: string | undefined, desc = true, recs?: Map<string, Recommendation>): SummaryInitiative[] {
  const k = (SORT_KEYS as readonly string[]).includes(key ?? '') ? (key as SortKey) : 'valueTotal'
  if (k === 'action') {
    // What needs a decision first (stop, fix, scale, keep going, retired); within one, most value first.
    const a = (r: SummaryInitiative) => recs?.get(r.slug)?.action ?? 'keep_going'
    return [...rows].sort((x, y) => (desc ? byAction(a(x), a(y)) : byAction(a(y), a(x))) || (y.valueTotal ?? 0) - (x.valueTotal ?? 0) || x.name.localeCompare(y.name))
  }
  const val = (r: SummaryInitiative): number | string | null => {
    switch (k) {
      case 'name':
        return r.name.toLowerCase()
      case 'stage':
        return STAGE_ORDER[r.stage] ?? 9
      case 'payback':
        return r.paybackMonth ? r.paybackMonth.month : null
      case 'status':
        return STATUS_ORDER[overallStatus(r)]
      default: {
        const v = r[k as 'valueTotal']
        return isFiniteNumber(v) ? v : null
      }
    }
  }
  return [...rows].sort((a, b) => {
    const va = val(a)
    const vb = val(b)
    if (va === null && vb === null) return a.name.localeCompare(b.name)
    if (va === null) return 1
    if (vb === null) return -1
    const c = va < vb ? -1 : va > vb ? 1 : 0
    return (desc ? -c : c) || a.name.localeCompare(b.name)
  })
}

/** The initiatives table as CSV rows, with each metric's target and baseline columns. */
export function portfolioCsv(s: Summary, rows: SummaryInitiative[]): { header: string[]; rows: Cell[][] } {
  const header = [
    'slug', 'name', 'stage', 'team', 'owner', 'currency', 'from', 'to',
    'time_saved_hours', 'time_saved_value', 'time_saved_target', 'error_rate', 'error_rate_target', 'errors_avoided',
    'revenue_influenced', 'revenue_influenced_target', 'decision_latency_p50_seconds', 'decision_latency_target_seconds',
    'value_total', 'cost', 'return_per_dollar', 'value_to_date', 'cost_to_date', 'return_to_date', 'payback_month', 'payback_projected', 'target_status',
  ]
  return {
    header,
    rows: rows.map((r) => [
      r.slug, r.name, r.stage, r.team, r.owner, r.currency, s.from, s.to,
      r.timeSavedHours, r.timeSavedValue, r.targets?.timeSaved?.target ?? null, r.errorRate, r.targets?.errorRate?.target ?? null, r.errorsAvoided,
      r.revenueInfluenced, r.targets?.revenueInfluenced?.target ?? null, r.decisionLatencyP50, r.targets?.decisionLatency?.target ?? null,
      r.valueTotal, r.cost, r.returnPerDollar, r.valueToDate, r.costToDate, r.returnToDate, r.paybackMonth?.month ?? null, r.paybackMonth ? r.paybackMonth.projected : null, STATUS_WORDS[overallStatus(r)].word,
    ]),
  }
}

/**
 * Sums several series bucket by bucket (by start), for portfolio sparklines of additive metrics.
 * @example sumSeries([[{ start: 'a', value: 1, count: 1 }], [{ start: 'a', value: 2, count: 1 }]]) // [3]
 */
export function sumSeries(all: SeriesPoint[][], field: 'value' | 'errorsAvoided' = 'value'): number[] {
  const by = new Map<number, number>()
  for (const pts of all) for (const p of pts) by.set(Date.parse(p.start), (by.get(Date.parse(p.start)) ?? 0) + (isFiniteNumber(p[field]) ? p[field] : 0))
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v)
}

/**
 * The portfolio's "decisions faster than before" per bucket: {@link decisionsFaster} over each
 * bucket's points (the server's decisionsAccelerated and count per initiative); null where no
 * initiative with a baseline decided anything. The same figure as the tile, bucket by bucket.
 */
export function fasterShareSeries(all: SeriesPoint[][]): Array<number | null> {
  const by = new Map<number, SeriesPoint[]>()
  for (const pts of all) for (const p of pts) by.set(Date.parse(p.start), [...(by.get(Date.parse(p.start)) ?? []), p])
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([, pts]) => decisionsFaster(pts.map((p) => ({ decisionsAccelerated: p.decisionsAccelerated, decisionCount: p.count })))?.share ?? null)
}

/** The metric a row's sparkline shows: the one that carries most of its value. */
export function sparkMetric(r: SummaryInitiative): Metric {
  const candidates: Array<[number, 'time_saved' | 'revenue_influenced' | 'error_rate']> = [
    [r.timeSavedValue || (r.timeSavedHours > 0 ? 1 : 0), 'time_saved'],
    [r.revenueInfluenced, 'revenue_influenced'],
    [Math.abs(r.errorsAvoided ?? 0), 'error_rate'],
  ]
  candidates.sort((a, b) => (b[0] || 0) - (a[0] || 0))
  if ((candidates[0][0] || 0) > 0) return candidates[0][1]
  return isFiniteNumber(r.decisionLatencyP50) ? 'decision_latency' : 'time_saved'
}
