/**
 * <ys-portfolio>: is AI paying off? The one-line answer, the four outcome tiles, and the initiatives
 * table (sortable, filterable by stage and team, exportable), each with a sparkline.
 */
import { LitElement, html, css } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { Task } from '@lit/task'
import { api } from '../api/client.js'
import type { Initiative, SeriesPoint, Summary, SummaryInitiative } from '../api/types.js'
import { toCsv } from '../chart-data/csv.js'
import { formatDuration, formatHours, formatMoney, formatMonth, formatNumber, formatChange, formatPercent, formatReturn, isFiniteNumber } from '../chart-data/format.js'
import { headline, overallStatus, portfolioCsv, fasterShareSeries, recommendations, sortRows, sparkMetric, STATUS_WORDS, sumSeries, tiles, type Tile } from '../chart-data/portfolio.js'
import { ACTION_WORDS, ACTIONS, type Recommendation } from '../../metrics/recommendation.js'
import { STAGES } from '../../metrics/stages.js'
import { fetchAllReadiness, type PortfolioReadiness } from '../api/readiness.js'
import { resolveRange, type ResolvedRange } from '../chart-data/range.js'
import { viewUrl, type ViewState } from '../chart-data/url-state.js'
import { downloadText } from './download.js'
import { mapPool } from './pool.js'
import { base } from './styles.js'
import './ys-first-run.js'
import './ys-range-picker.js'
import './ys-sparkline.js'
import './ys-readiness-badge.js'

interface Loaded {
  initiatives: Initiative[]
  summary: Summary | null
  range: ResolvedRange | null
  readiness: PortfolioReadiness | null
}

/** Columns; `wide` ones are left out on narrow screens (the cards keep name, recommendation, return, payback). */
const COLUMNS: Array<{ key: string; label: string; num?: boolean; wide?: boolean; sortable?: false }> = [
  { key: 'name', label: 'Initiative' },
  { key: 'action', label: 'Recommendation' },
  { key: 'returnPerDollar', label: 'Per $1 this period', num: true },
  { key: 'valueTotal', label: 'Value delivered', num: true, wide: true },
  { key: 'payback', label: 'Payback' },
  { key: 'timeSavedHours', label: 'Time saved', num: true, wide: true },
  { key: 'errorsAvoided', label: 'Errors avoided', num: true, wide: true },
  { key: 'revenueInfluenced', label: 'Revenue', num: true, wide: true },
  { key: 'decisionLatencyP50', label: 'Decision latency', num: true, wide: true },
  { key: 'status', label: 'Targets', wide: true },
  { key: 'readiness', label: 'Ready to scale?', wide: true, sortable: false },
]

/**
 * One way to say that the previous period had (almost) nothing to compare with: no figure, a zero, or a
 * change past ten-fold (a percentage would mean little).
 */
const NO_EARLIER_PERIOD = 'new: little or nothing in the previous period to compare'
const isNew = (change: number | null) => change === null || Math.abs(change) > 9

@customElement('ys-portfolio')
export class YsPortfolio extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; }
      h1 { font-size: 1rem; font-weight: 600; color: var(--_muted); margin: 0 0 2px; }
      .bar { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: end; margin-bottom: 12px; }
      .bar label { display: flex; flex-direction: column; font-size: 0.85em; gap: 2px; }
      .bar select { padding: 5px; min-height: 32px; border: 1px solid var(--_border); border-radius: 6px; background: #fff; }
      .bar button { padding: 6px 12px; min-height: 32px; border: 1px solid var(--_border); border-radius: 6px; background: #fff; }
      .headline { font-size: 1.45rem; font-weight: 600; margin: 0 0 10px; line-height: 1.3; }
      .decisions { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 8px 16px; margin: 0 0 14px; padding: 0; list-style: none; }
      .decisions li { border-left: 4px solid var(--_border); padding: 2px 10px; }
      .decisions li.good { border-color: var(--_good); }
      .decisions li.warn { border-color: var(--_warn); }
      .decisions li.bad { border-color: var(--_bad); }
      .decisions .what { font-weight: 650; }
      .decisions .who { color: #1f2328; }
      .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; margin-top: 16px; }
      .tile .label { font-size: 0.9em; color: var(--_muted); }
      .tile .value { font-size: 1.5rem; font-weight: 650; margin: 2px 0; }
      .tile ys-sparkline { --ys-sparkline-width: 100%; width: 100%; height: 28px; }
      .table-wrap { border: 1px solid var(--_border); border-radius: 8px; background: var(--_surface); }
      table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
      th, td { padding: 7px 8px; border-bottom: 1px solid var(--_border); text-align: left; vertical-align: top; }
      th { vertical-align: bottom; }
      th button { background: none; border: 0; padding: 4px 0; font-weight: 600; color: inherit; text-align: inherit; min-height: 24px; }
      td.num, th.num { text-align: right; }
      tr:hover td { background: #f6f8fa; }
      a { color: var(--_accent); font-weight: 600; }
      .sub { font-size: 0.85em; color: var(--_muted); }
      .rec .word { font-weight: 700; white-space: nowrap; }
      .rec .reason { display: block; max-width: 44ch; }
      .rec ul { margin: 2px 0 0; padding-left: 16px; font-size: 0.85em; color: var(--_muted); max-width: 44ch; }
      td.name ys-sparkline { display: block; width: 120px; height: 22px; margin-top: 2px; }
      .who-line { overflow-wrap: break-word; }
      @media (max-width: 1100px) {
        .wide { display: none; }
      }
      /* Phones: each row is a card with name, recommendation, return and payback. */
      @media (max-width: 700px) {
        .headline { font-size: 1.15rem; }
        .table-wrap { border: 0; background: none; }
        table, tbody, tr, td { display: block; width: auto; }
        thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        tr { background: var(--_surface); border: 1px solid var(--_border); border-radius: 8px; margin-bottom: 10px; padding: 8px 12px; display: grid; grid-template-columns: 1fr 1fr; gap: 4px 12px; }
        td { border: 0; padding: 2px 0; }
        td.name, td.rec { grid-column: 1 / -1; }
        td.num { text-align: left; }
        td[data-label]::before { content: attr(data-label); display: block; font-size: 0.8em; color: var(--_muted); }
        tr:hover td { background: none; }
        .rec .reason, .rec ul { max-width: none; }
      }
    `,
  ]

  @property({ attribute: false }) view: ViewState = { page: 'portfolio', range: '12m' }
  @property() tz = 'UTC'
  @property({ type: Number }) reloadToken = 0
  @state() private sparks = new Map<string, Array<number | null>>()
  @state() private tileSparks: Partial<Record<Tile['key'], Array<number | null>>> = {}

  private task = new Task(this, {
    args: () => [this.view.range, this.view.from, this.view.to, this.view.stage, this.view.team, this.tz, this.reloadToken] as const,
    task: async ([, , , stage, team, tz], { signal }): Promise<Loaded> => {
      this.removeAttribute('data-ready')
      // Readiness feeds the recommendations; without it they still show, saying readiness is unknown.
      const readinessP = fetchAllReadiness().catch(() => null)
      // Only "all time" depends on the first initiative's start: other ranges ask for the summary at once.
      const early = this.view.range !== 'all' ? resolveRange(this.view, Date.now(), tz) : null
      const earlySummary = early ? api.summary({ from: early.from, to: early.to, stage, team }, signal) : null
      earlySummary?.catch(() => {})
      const { initiatives } = await api.initiatives(signal)
      if (initiatives.length === 0) return { initiatives, summary: null, range: null, readiness: null }
      const earliest = Math.min(...initiatives.map((i) => Date.parse(i.startedAt)).filter(Number.isFinite))
      const range = early ?? resolveRange(this.view, Date.now(), tz, earliest)
      const [summary, readiness] = await Promise.all([earlySummary ?? api.summary({ from: range.from, to: range.to, stage, team }, signal), readinessP])
      if (summary.timezone && summary.timezone !== tz) {
        this.dispatchEvent(new CustomEvent('ys-timezone', { detail: summary.timezone, bubbles: true, composed: true }))
      }
      void this.loadSparklines(initiatives, summary, range, signal)
      return { initiatives, summary, range, readiness }
    },
  })

  private async loadSparklines(initiatives: Initiative[], s: Summary, range: ResolvedRange, signal: AbortSignal) {
    const started = performance.now()
    type Job = { slug: string; metric: string }
    const jobs: Job[] = []
    for (const r of s.initiatives) {
      const metrics = new Set<string>([sparkMetric(r)])
      if (r.timeSavedHours > 0) metrics.add('time_saved')
      if (r.revenueInfluenced !== 0) metrics.add('revenue_influenced')
      if ((r.total ?? 0) > 0 || isFiniteNumber(r.errorRate)) metrics.add('error_rate')
      if (isFiniteNumber(r.decisionLatencyP50)) metrics.add('decision_latency')
      for (const metric of metrics) jobs.push({ slug: r.slug, metric })
    }
    // One request per metric (GET /api/v1/series) for up to 100 initiatives, not one per initiative.
    const batches: Array<{ metric: string; slugs: string[] }> = []
    for (const j of jobs) {
      const b = batches.find((x) => x.metric === j.metric && x.slugs.length < 100)
      if (b) b.slugs.push(j.slug)
      else batches.push({ metric: j.metric, slugs: [j.slug] })
    }
    const results = new Map<string, SeriesPoint[]>()
    try {
      await mapPool(batches, 6, async (b) => {
        const p = await api.portfolioSeries({ metric: b.metric, from: range.from, to: range.to, granularity: range.granularity, initiatives: b.slugs }, signal)
        for (const x of p.series) results.set(`${x.initiative}|${b.metric}`, x.points)
      })
    } catch (e) {
      if ((e as Error).name === 'AbortError') return
      // Sparklines are decoration: the table and tiles stand without them.
      this.setAttribute('data-ready', 'partial')
      return
    }
    const sparks = new Map<string, Array<number | null>>()
    for (const r of s.initiatives) sparks.set(r.slug, (results.get(`${r.slug}|${sparkMetric(r)}`) ?? []).map((p) => (p.count > 0 || sparkMetric(r) === 'time_saved' || sparkMetric(r) === 'revenue_influenced' ? p.value : null)))
    const of = (metric: string) => s.initiatives.map((r) => results.get(`${r.slug}|${metric}`)).filter((x): x is SeriesPoint[] => !!x)
    this.sparks = sparks
    this.tileSparks = {
      timeSaved: sumSeries(of('time_saved')),
      revenue: sumSeries(of('revenue_influenced')),
      errorsAvoided: sumSeries(of('error_rate'), 'errorsAvoided'),
      latency: fasterShareSeries(of('decision_latency')),
    }
    await this.updateComplete
    performance.measure('ys-portfolio-sparklines', { start: started, end: performance.now() })
    this.setAttribute('data-ready', 'true')
    this.dispatchEvent(new CustomEvent('ys-portfolio-drawn', { bubbles: true, composed: true }))
  }

  override render() {
    return this.task.render({
      pending: () => html`<p role="status" aria-live="polite">Loading the portfolio…</p>`,
      error: (e) => html`<p class="error" role="alert">The portfolio could not be loaded: ${(e as Error).message}</p>`,
      complete: (d) => (d.summary && d.range ? this.renderLoaded(d.initiatives, d.summary, d.range, d.readiness) : html`<ys-first-run></ys-first-run>`),
    })
  }

  private navigate(v: Partial<ViewState>) {
    this.dispatchEvent(new CustomEvent('ys-navigate', { detail: { ...this.view, ...v }, bubbles: true, composed: true }))
  }

  private renderLoaded(all: Initiative[], s: Summary, range: ResolvedRange, readiness: PortfolioReadiness | null) {
    const teams = [...new Set(all.map((i) => i.team).filter((t): t is string => !!t))].sort()
    const recs = recommendations(s.initiatives, readiness?.initiatives ?? null)
    const sortKey = this.view.sort ?? 'action'
    const desc = this.view.desc !== false
    const shown = this.view.rec ? s.initiatives.filter((r) => recs.get(r.slug)?.action === this.view.rec) : s.initiatives
    const rows = sortRows(shown, sortKey, desc, recs)
    return html`
      <h1>AI portfolio</h1>
      <p class="headline" id="headline">${headline(s, range.label)}</p>
      ${this.renderDecisions(s.initiatives, recs)}
      <div class="bar" role="search" aria-label="Filters">
        <ys-range-picker .range=${this.view.range} .from=${this.view.from ?? ''} .to=${this.view.to ?? ''} @ys-range-change=${(e: CustomEvent) => this.navigate({ range: e.detail.range, from: e.detail.from, to: e.detail.to })}></ys-range-picker>
        <label>Recommendation
          <select id="rec" @change=${(e: Event) => this.navigate({ rec: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="" ?selected=${!this.view.rec}>All</option>
            ${ACTIONS.map((a) => html`<option value=${a} ?selected=${this.view.rec === a}>${ACTION_WORDS[a].word}</option>`)}
          </select></label>
        <label>Stage
          <select id="stage" @change=${(e: Event) => this.navigate({ stage: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="" ?selected=${!this.view.stage}>All stages</option>
            ${STAGES.map((st) => html`<option value=${st} ?selected=${this.view.stage === st}>${st}</option>`)}
          </select></label>
        <label>Team
          <select id="team" @change=${(e: Event) => this.navigate({ team: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="" ?selected=${!this.view.team}>All teams</option>
            ${teams.map((t) => html`<option value=${t} ?selected=${this.view.team === t}>${t}</option>`)}
          </select></label>
        <button id="csv" @click=${() => this.exportCsv(s, rows)}>Download CSV</button>
      </div>
      ${rows.length === 0
        ? html`<p class="empty">No initiatives match these filters. <a href=${viewUrl({ ...this.view, stage: undefined, team: undefined, rec: undefined })} @click=${this.follow}>Show all</a></p>`
        : html`<div class="table-wrap">
            <table id="initiatives">
              <caption class="sr-only">Initiatives, ${range.label}, sorted by ${COLUMNS.find((c) => c.key === sortKey)?.label ?? 'value'}</caption>
              <thead><tr>
                ${COLUMNS.map((c) => c.sortable === false ? html`<th scope="col" class=${c.wide ? 'wide' : ''}>${c.label}</th>` : html`<th scope="col" class="${c.num ? 'num' : ''} ${c.wide ? 'wide' : ''}"
                    aria-sort=${sortKey === c.key ? (desc ? 'descending' : 'ascending') : 'none'}>
                    <button @click=${() => this.navigate({ sort: c.key, desc: sortKey === c.key ? !desc : c.key !== 'name' })}>${c.label}${sortKey === c.key ? (desc ? ' ↓' : ' ↑') : ''}</button></th>`)}
              </tr></thead>
              <tbody>${rows.map((r) => this.renderRow(r, recs.get(r.slug)!))}</tbody>
            </table>
          </div>`}
      <div class="tiles">${tiles(s).map((t) => this.renderTile(t, range))}</div>
      <p class="sub">Figures for ${range.label} (${s.timezone}). Value = hours saved × hourly value + revenue influenced + errors avoided × cost per error. Return per $1 = the period's value ÷ the period's cost.</p>
    `
  }

  /** "Which pays, which should scale, which should stop": one line each, before the table. */
  private renderDecisions(rows: SummaryInitiative[], recs: Map<string, Recommendation>) {
    const named = (a: string) => rows.filter((r) => recs.get(r.slug)?.action === a)
    const pays = rows.filter((r) => r.stage !== 'retired' && isFiniteNumber(r.returnPerDollar) && r.returnPerDollar >= 1).sort((a, b) => (b.returnPerDollar ?? 0) - (a.returnPerDollar ?? 0))
    const list = (rs: SummaryInitiative[], withReturn: boolean) =>
      rs.length === 0 ? html`<span class="muted">none</span>` : rs.slice(0, 3).map((r, i) => html`${i ? ', ' : ''}<span class="who">${r.name}${withReturn && isFiniteNumber(r.returnPerDollar) ? ` (${formatMoney(r.returnPerDollar, r.currency)})` : ''}</span>`)
    const scale = named('scale')
    const stop = named('stop')
    const fix = named('fix')
    return html`<ul class="decisions" aria-label="Decisions">
      <li class="good"><span class="what">Pays:</span> ${list(pays, true)}</li>
      <li class="good"><span class="what">▲ Scale:</span> ${list(scale, false)}</li>
      <li class="bad"><span class="what">✕ Stop or rethink:</span> ${list(stop, true)}</li>
      <li class="warn"><span class="what">! Fix:</span> ${list(fix, false)}</li>
    </ul>`
  }

  private follow = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return
    e.preventDefault()
    const href = (e.currentTarget as HTMLAnchorElement).getAttribute('href') ?? '/'
    this.dispatchEvent(new CustomEvent('ys-navigate-url', { detail: href, bubbles: true, composed: true }))
  }

  private renderTile(t: Tile, range: ResolvedRange) {
    // Every tile's sparkline is its own figure bucket by bucket (latency: the share of decisions faster than before).
    const spark = this.tileSparks[t.key]
    return html`<section class="card tile" aria-label=${t.label}>
      <div class="label">${t.label}, ${range.label}</div>
      ${t.empty
        ? html`<div class="value">—</div><div class="empty">${t.empty}</div>`
        : html`<div class="value num">${t.value}</div>
            <div class="sub">${t.detail}</div>
            ${isNew(t.change)
              ? html`<div class="none">${NO_EARLIER_PERIOD}</div>`
              : html`<div class=${t.tone === 'flat' ? 'none' : t.tone} title=${t.direction === 'lower' ? 'lower is better' : 'higher is better'}>
                  ${formatChange(t.change)} <span class="sr-only">${t.tone === 'good' ? '(better)' : t.tone === 'bad' ? '(worse)' : ''}</span><span class="muted"> vs previous period</span>
                </div>`}
            ${spark && spark.length > 1 ? html`<ys-sparkline .values=${spark} label="${t.label} trend"></ys-sparkline>` : null}`}
    </section>`
  }

  private renderRow(r: SummaryInitiative, rec: Recommendation) {
    const status = STATUS_WORDS[overallStatus(r)]
    const href = viewUrl({ page: 'initiative', slug: r.slug, range: this.view.range, from: this.view.from, to: this.view.to })
    const w = ACTION_WORDS[rec.action]
    return html`<tr data-slug=${r.slug} data-action=${rec.action}>
      <td class="name"><a href=${href} @click=${this.follow}>${r.name}</a> <span class="stage ${r.stage}">${r.stage}</span>
        <div class="sub who-line">${r.owner ?? 'no owner'}${r.team ? ` · ${r.team}` : ''}</div>
        ${this.sparks.has(r.slug) ? html`<ys-sparkline class="wide" .values=${this.sparks.get(r.slug)!} label="${r.name}: ${sparkMetric(r).replace('_', ' ')} trend"></ys-sparkline>` : null}</td>
      <td class="rec"><span class="word ${w.tone}"><span aria-hidden="true">${w.icon}</span> ${w.word}</span>
        <span class="reason">${rec.reason}</span>
        ${rec.gaps.length ? html`<ul aria-label="What is missing">${rec.gaps.slice(0, 2).map((g) => html`<li>${g}</li>`)}${rec.gaps.length > 2 ? html`<li>and ${rec.gaps.length - 2} more on its page</li>` : null}</ul>` : null}</td>
      <td class="num" data-label="Per $1 this period">${isFiniteNumber(r.returnPerDollar) ? formatReturn(r.returnPerDollar, r.currency) : html`<span class="muted">no cost in this period</span>`}<div class="sub">${isFiniteNumber(r.returnToDate) ? `${formatReturn(r.returnToDate, r.currency)} to date` : 'no cost to date'}</div></td>
      <td class="num wide">${formatMoney(r.valueTotal, r.currency, true)}<div class="sub">on ${formatMoney(r.cost, r.currency, true)} spent</div></td>
      <td data-label="Payback">${r.stage === 'retired' ? html`<span class="muted">retired</span>` : r.paybackMonth ? html`${formatMonth(r.paybackMonth.month, 'UTC')}${r.paybackMonth.projected ? html`<div class="sub">projected</div>` : null}` : html`<span class="bad">✕ not at this rate</span>`}</td>
      <td class="num wide">${formatHours(r.timeSavedHours, true)}</td>
      <td class="num wide">${isFiniteNumber(r.errorRate) ? html`${formatNumber(r.errorsAvoided, true)}<div class="sub">rate ${formatPercent(r.errorRate)}</div>` : html`<span class="muted">no data</span>`}</td>
      <td class="num wide">${formatMoney(r.revenueInfluenced, r.currency, true)}</td>
      <td class="num wide">${isFiniteNumber(r.decisionLatencyP50) ? formatDuration(r.decisionLatencyP50) : html`<span class="muted">no data</span>`}</td>
      <td class="wide ${status.tone}">${status.icon} ${status.word}</td>
      <td class="wide">${r.stage === 'retired' ? html`<span class="muted">left out of the gate</span>` : html`<ys-readiness-badge slug=${r.slug}></ys-readiness-badge>`}</td>
    </tr>`
  }

  private exportCsv(s: Summary, rows: SummaryInitiative[]) {
    const t = portfolioCsv(s, rows)
    downloadText(`yardstick-portfolio-${s.from.slice(0, 10)}-to-${s.to.slice(0, 10)}.csv`, toCsv(t.header, t.rows))
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-portfolio': YsPortfolio
  }
}
