/**
 * <ys-initiative>: one initiative: the one-line answer, one chart per outcome (baseline, target, stage
 * changes, previous period on demand), cumulative value vs cost with the payback point, and the facts.
 */
import { LitElement, html, css } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { Task } from '@lit/task'
import { api, fetchAudit } from '../api/client.js'
import type { Initiative, Metric, PaybackCurve, Series, StageChange, SummaryInitiative, UserRole } from '../api/types.js'
import { overrideSummary, type OverrideSummary } from '../chart-data/audit-diff.js'
import { toCsv, type Cell } from '../chart-data/csv.js'
import { formatDate, formatDuration, formatMoney, formatMonth, formatPercent, isFiniteNumber, MISSING } from '../chart-data/format.js'
import { paybackModel, paybackSentence, type PaybackModel } from '../chart-data/payback.js'
import { resolveRange, type ResolvedRange } from '../chart-data/range.js'
import { metricChartModel, type MetricChartModel } from '../chart-data/series.js'
import { headlineOf, recommendations, STATUS_WORDS } from '../chart-data/portfolio.js'
import { ACTION_WORDS, type Recommendation } from '../../metrics/recommendation.js'
import { fetchAllReadiness } from '../api/readiness.js'
import { formatInstant, localDateString, startOfLocalDate } from '../../metrics/time-buckets.js'
import { KINDS, METRICS } from '../../metrics/metric-kinds.js'
import { viewUrl, type ViewState } from '../chart-data/url-state.js'
import { metricChartConfig, paybackChartConfig } from './chart-config.js'
import { downloadText } from './download.js'
import { base } from './styles.js'
import { chartsDrawn } from './ys-chart.js'
import './ys-range-picker.js'
import './ys-readiness-panel.js'
import './ys-share-links.js'

/** The stage changes an admin forced through the readiness gate (the server records "override: why"). */
export function overriddenMoves(history: StageChange[]): StageChange[] {
  return history.filter((h) => h.to === 'production' && typeof h.reason === 'string' && h.reason.startsWith('override: '))
}


interface Loaded {
  initiative: Initiative
  row: SummaryInitiative | null
  range: ResolvedRange
  models: MetricChartModel[]
  payback: PaybackModel
  recommendation: Recommendation | null
  curvePayback: PaybackCurve['paybackMonth']
}

@customElement('ys-initiative')
export class YsInitiative extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; }
      .bar { display: flex; flex-wrap: wrap; gap: 12px; align-items: end; margin: 12px 0 16px; }
      .bar button, .bar label.toggle { padding: 6px 12px; border: 1px solid var(--_border); border-radius: 6px; background: #fff; font-size: 0.95em; }
      h1 { margin: 4px 0; font-size: 1.6rem; overflow-wrap: anywhere; }
      .headline { font-size: 1.2rem; font-weight: 600; margin: 8px 0; }
      .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 440px), 1fr)); gap: 12px; }
      dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
      dt { color: var(--_muted); }
      dd { margin: 0; overflow-wrap: break-word; min-width: 0; }
      /* On a phone each fact's name sits above its value, so an e-mail address keeps to one line. */
      @media (max-width: 480px) { dl { grid-template-columns: 1fr; gap: 0; } dd { margin-bottom: 8px; } }
      .facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 320px), 1fr)); gap: 12px; margin-top: 12px; }
      ol { padding-left: 20px; margin: 0; }
      a { color: var(--_accent); }
      .status { font-size: 0.9em; margin-top: 4px; }
      .recommendation { font-size: 1.05rem; margin: 4px 0 8px; }
      .override { border-left: 4px solid var(--_warn); background: #fdf3e1; padding: 8px 12px; margin: 8px 0; border-radius: 4px; }
      .override strong { color: var(--_warn); }
      .override .sub { font-size: 0.9em; color: #4a3200; margin-top: 2px; }
    `,
  ]

  @property({ attribute: false }) view: ViewState = { page: 'initiative', range: '12m' }
  @property() tz = 'UTC'
  /** The signed-in user's role (null: unknown, an API key); admins also see what an override let through. */
  @property({ attribute: false }) userRole: UserRole | null = null
  private readying = false
  /** What each override let through, from the audit log (read for admins only), by slug. */
  @state() private overrides: { slug: string; list: OverrideSummary[] } | null = null

  private task = new Task(this, {
    args: () => [this.view.slug ?? '', this.view.range, this.view.from, this.view.to, this.view.compare === true, this.tz] as const,
    task: async ([slug, , , , compare, tz], { signal }): Promise<Loaded> => {
      this.removeAttribute('data-ready')
      // Only "all time" depends on the initiative's start: any other range asks for the period's
      // figures at once, beside the initiative (one round trip less before the page shows).
      const readiness = fetchAllReadiness().catch(() => null)
      // The payback curve as of the range's end (or now), like the summary's payback month.
      const periodOf = (range: ResolvedRange) =>
        Promise.all([
          api.summary({ from: range.from, to: range.to, initiatives: [slug] }, signal),
          api.payback(slug, { to: range.to }, signal),
          ...METRICS.map((metric) => api.series(slug, { metric, from: range.from, to: range.to, granularity: range.granularity, compare }, signal)),
        ])
      const early = this.view.range !== 'all' ? resolveRange(this.view, Date.now(), tz) : null
      const earlyPeriod = early ? periodOf(early) : null
      earlyPeriod?.catch(() => {})
      const initiative = await api.initiative(slug, signal)
      const startMs = Date.parse(initiative.startedAt)
      const range = early ?? resolveRange(this.view, Date.now(), tz, startMs)
      const [summary, curve, ...series] = await (earlyPeriod ?? periodOf(range))
      if (summary.timezone && summary.timezone !== tz) this.dispatchEvent(new CustomEvent('ys-timezone', { detail: summary.timezone, bubbles: true, composed: true }))
      const s = series as Series[]
      const models = s.slice(0, 4).map((x) => metricChartModel(x, initiative, { fromMs: range.fromMs, toMs: range.toMs, timezone: tz }))
      const payback = paybackModel(curve, tz)
      const row = summary.initiatives.find((r) => r.slug === slug) ?? null
      const recommendation = row ? recommendations([row], (await readiness)?.initiatives ?? null).get(slug) ?? null : null
      return { initiative, row, range, models, payback, recommendation, curvePayback: curve.paybackMonth }
    },
  })

  override render() {
    return this.task.render({
      pending: () => html`<p role="status" aria-live="polite">Loading…</p>`,
      error: (e) => html`<p><a href="/" @click=${this.back}>← All initiatives</a></p><p class="error" role="alert">This initiative could not be loaded: ${(e as Error).message}</p>`,
      complete: (d) => this.renderLoaded(d),
    })
  }

  override updated() {
    const loaded = this.task.value
    if (this.task.status === 2 && loaded && this.userRole === 'admin' && this.overrides?.slug !== loaded.initiative.slug && overriddenMoves(loaded.initiative.stageHistory).length > 0) {
      const slug = loaded.initiative.slug
      this.overrides = { slug, list: [] }
      fetchAudit({ entity: 'initiative', entityId: slug, limit: 100 })
        .then(({ entries }) => (this.overrides = { slug, list: entries.map((e) => overrideSummary(e)).filter((x): x is OverrideSummary => x !== null).reverse() }))
        .catch(() => {})
    }
    if (this.task.status === 2 && !this.hasAttribute('data-ready') && !this.readying) {
      // Ready once its charts are drawn (each in a task of its own).
      this.readying = true
      void this.updateComplete
        .then(() => new Promise((r) => requestAnimationFrame(r)))
        .then(() => chartsDrawn())
        .then(() => {
          this.readying = false
          if (this.task.status === 2) this.setAttribute('data-ready', 'true')
        })
    }
  }

  private back = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey) return
    e.preventDefault()
    this.navigate({ page: 'portfolio', slug: undefined })
  }

  private navigate(v: Partial<ViewState>) {
    this.dispatchEvent(new CustomEvent('ys-navigate', { detail: { ...this.view, ...v }, bubbles: true, composed: true }))
  }

  private renderLoaded(d: Loaded) {
    const i = d.initiative
    const r = d.row
    const cur = i.currency
    const width = Math.min(this.clientWidth || 600, 720)
    const line = r ? headlineOf(r, d.range.label) : `Not running in ${d.range.label}.`
    const payback = paybackSentence(r ? r.paybackMonth : d.curvePayback, this.tz)
    return html`
      <p><a href=${viewUrl({ ...this.view, page: 'portfolio', slug: undefined, compare: undefined })} @click=${this.back}>← All initiatives</a></p>
      <h1>${i.name} <span class="stage ${i.stage}">${i.stage}</span></h1>
      <p class="headline" id="headline">${line} ${payback}</p>
      ${d.recommendation ? html`<p class="recommendation" id="recommendation"><strong class=${ACTION_WORDS[d.recommendation.action].tone}><span aria-hidden="true">${ACTION_WORDS[d.recommendation.action].icon}</span> ${ACTION_WORDS[d.recommendation.action].word}:</strong> ${d.recommendation.reason}${d.recommendation.gaps.length ? html` <span class="muted">(${d.recommendation.gaps.length} ${d.recommendation.gaps.length === 1 ? 'gap' : 'gaps'} listed under “Ready to scale?”)</span>` : null}</p>` : null}
      ${this.renderOverrides(i, this.overrides?.slug === i.slug ? this.overrides.list : [])}
      <div class="bar">
        <ys-range-picker .range=${this.view.range} .from=${this.view.from ?? ''} .to=${this.view.to ?? ''} @ys-range-change=${(e: CustomEvent) => this.navigate({ range: e.detail.range, from: e.detail.from, to: e.detail.to })}></ys-range-picker>
        <label class="toggle"><input type="checkbox" id="compare" .checked=${this.view.compare === true} @change=${(e: Event) => this.navigate({ compare: (e.target as HTMLInputElement).checked || undefined })} /> Compare with the previous period</label>
        <button id="csv" @click=${() => this.exportCsv(d)}>Download CSV</button>
      </div>
      <div class="charts">
        ${d.models.map((m) => {
          const t = r?.targets?.[KINDS[m.metric].targetKey]
          const st = t ? STATUS_WORDS[t.status] : null
          return html`<section class="card" data-metric=${m.metric}>
            <ys-chart deferred .title=${m.title} .empty=${m.empty} .config=${m.empty ? null : metricChartConfig(m, this.tz, width, this)} .table=${this.table(m)}></ys-chart>
            ${t ? html`<div class="status ${st!.tone}">${t.status === 'no_target' ? 'No target set' : t.status === 'no_data' ? 'Target set; no data in this period' : html`${st!.icon} Target ${st!.word}`}</div>` : null}
          </section>`
        })}
        <section class="card" data-metric="payback">
          <ys-chart deferred .title=${'Cumulative value vs cost since the start'} .empty=${d.payback.empty} .config=${d.payback.empty ? null : paybackChartConfig(d.payback, cur, this.tz, this)}
            .table=${d.payback.table}></ys-chart>
        </section>
      </div>
      <ys-readiness-panel id="readiness" slug=${i.slug} style="margin-top: 12px"></ys-readiness-panel>
      ${this.userRole === 'editor' || this.userRole === 'admin' ? html`<ys-share-links slug=${i.slug} .tz=${this.tz} style="margin-top: 12px"></ys-share-links>` : null}
      <div class="facts">
        <section class="card" aria-labelledby="facts-h">
          <h2 id="facts-h">Facts</h2>
          <dl>
            <dt>Owner</dt><dd>${i.owner ?? 'none recorded'}</dd>
            <dt>Team</dt><dd>${i.team ?? 'none recorded'}</dd>
            <dt>Started</dt><dd>${formatDate(i.startedAt, this.tz)}</dd>
            <dt>Upfront cost</dt><dd class="num">${formatMoney(i.upfrontCost, cur)}</dd>
            <dt>Monthly cost</dt><dd class="num">${formatMoney(i.monthlyCost, cur)}</dd>
            <dt>Hourly value</dt><dd class="num">${isFiniteNumber(i.hourlyValue) ? formatMoney(i.hourlyValue, cur) : 'not set: hours saved carry no value'}</dd>
            <dt>Cost per error</dt><dd class="num">${isFiniteNumber(i.costPerError) ? formatMoney(i.costPerError, cur) : 'not set'}</dd>
            <dt>Baseline error rate</dt><dd class="num">${formatPercent(i.baselines.errorRate)}</dd>
            <dt>Baseline decision latency</dt><dd class="num">${formatDuration(i.baselines.decisionLatencySeconds)}</dd>
          </dl>
          ${i.description ? html`<p>${i.description}</p>` : null}
        </section>
        <section class="card" aria-labelledby="history-h">
          <h2 id="history-h">Stage history</h2>
          <ol>${i.stageHistory.map((h) => html`<li>${formatDate(h.at, this.tz)}: ${h.from ? `${h.from} → ${h.to}` : `started in ${h.to}`}${h.reason ? html` <span class="muted">(${h.reason})</span>` : null}</li>`)}</ol>
        </section>
      </div>`
  }

  /** The mark an admin's override leaves: who, when, why, and (for admins) what was missing then. */
  private renderOverrides(i: Initiative, details: OverrideSummary[]) {
    const moves = overriddenMoves(i.stageHistory)
    if (moves.length === 0) return null
    return html`${moves.map((h, k) => {
      const d = details.length ? details[Math.min(k, details.length - 1)] : null
      return html`<div class="override" role="note" id=${k === 0 ? 'override-mark' : ''}>
        <strong><span aria-hidden="true">! </span>In production by an admin's override of the readiness gate</strong>
        <div>${h.actor}, ${formatDate(h.at, this.tz)}: “${h.reason!.slice('override: '.length)}”</div>
        ${d ? html`<div class="sub">Verdict then: ${d.verdict}. Missing then: ${d.missing.length ? d.missing.join('; ') : 'nothing listed'}.</div>` : html`<div class="sub">The readiness panel below shows what is still missing.</div>`}
      </div>`
    })}`
  }

  private table(m: MetricChartModel) {
    return {
      header: ['Period start', m.yTitle, 'Events', 'Baseline', 'Target'],
      rows: m.rows.map((r) => [formatDate(r.start, this.tz), m.format(r.value), String(r.count), r.baseline === null ? MISSING : m.format(r.baseline), r.target === null ? MISSING : m.format(r.target)]),
    }
  }

  private exportCsv(d: Loaded) {
    const header = ['initiative', 'metric', 'unit', 'bucket_start', 'bucket_end', 'value', 'events', 'baseline', 'target', 'previous_period_value']
    const rows: Cell[][] = []
    for (const m of d.models) {
      m.rows.forEach((r, k) => {
        rows.push([d.initiative.name, m.metric, m.yTitle, formatInstant(r.start, this.tz), formatInstant(r.end, this.tz), round(r.value), r.count, round(r.baseline), round(r.target), m.previous ? round(m.previous[k]?.y ?? null) : null])
      })
    }
    // The period's money, as the summary answers it (CONTRACT.md, "Money"): the same figures as the
    // headline, the portfolio CSV and the digests, one row each over the whole range.
    const r = d.row
    if (r) {
      const from = formatInstant(d.range.fromMs, this.tz)
      const to = formatInstant(d.range.toMs, this.tz)
      const perOne = `per 1 ${r.currency}`
      const money: Array<[string, string, Cell]> = [
        ['value_total', r.currency, r.valueTotal],
        ['cost', r.currency, r.cost],
        ['return_per_dollar', perOne, r.returnPerDollar],
        ['value_to_date', r.currency, r.valueToDate],
        ['cost_to_date', r.currency, r.costToDate],
        ['return_to_date', perOne, r.returnToDate],
        ['payback_month', r.paybackMonth?.projected ? 'month (projected)' : 'month', r.paybackMonth?.month ?? null],
      ]
      for (const [metric, unit, value] of money) rows.push([d.initiative.name, metric, unit, from, to, value, null, null, null, null])
    }
    downloadText(`yardstick-${d.initiative.slug}-${localDateString(d.range.fromMs, this.tz)}-to-${localDateString(d.range.toMs - 1, this.tz)}.csv`, toCsv(header, rows))
  }
}

function round(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : Math.round(x * 10_000) / 10_000
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-initiative': YsInitiative
  }
}
