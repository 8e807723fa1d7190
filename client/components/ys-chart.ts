/**
 * <ys-chart>: owns one Chart.js instance (created on first render, updated in place, destroyed on
 * disconnect) and the data table behind it for screen readers ("Show data").
 */
import { LitElement, html, css, type PropertyValues } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import type { ChartConfiguration } from 'chart.js'
import { Chart } from '../chart-setup.js'
import { base } from './styles.js'

/**
 * Charts marked `deferred` are drawn one per task, in the order they asked, so a page of charts never
 * blocks input for the time of all of them at once (Lighthouse's total blocking time), and only once
 * they are on or near the screen.
 */
const drawQueue: Array<() => void> = []
let draining = false
let idle: Array<() => void> = []

function drawLater(job: () => void): void {
  drawQueue.push(job)
  if (draining) return
  draining = true
  setTimeout(drainOne, 0)
}

function drainOne(): void {
  drawQueue.shift()?.()
  if (drawQueue.length > 0) {
    setTimeout(drainOne, 0)
    return
  }
  draining = false
  const waiting = idle
  idle = []
  for (const r of waiting) r()
}

/** How far below (and above) the screen a deferred chart counts as near: a quarter of its height. */
const NEAR = 0.25

function nearScreen(el: Element): boolean {
  if (typeof IntersectionObserver === 'undefined') return true
  const r = el.getBoundingClientRect()
  const h = window.innerHeight
  return r.top < h * (1 + NEAR) && r.bottom > -h * NEAR
}

function whenNearScreen(el: Element, then: () => void): void {
  const io = new IntersectionObserver(
    (entries) => {
      if (!entries.some((e) => e.isIntersecting)) return
      io.disconnect()
      then()
    },
    { rootMargin: `${NEAR * 100}% 0px ${NEAR * 100}% 0px` },
  )
  io.observe(el)
}

/**
 * Resolves once every deferred chart asked for so far is drawn (charts far off screen are asked for when
 * they scroll near).
 * @example await chartsDrawn(); element.setAttribute('data-ready', 'true')
 */
export function chartsDrawn(): Promise<void> {
  return draining ? new Promise((r) => idle.push(r)) : Promise.resolve()
}

export interface ChartTable {
  header: string[]
  rows: string[][]
}

@customElement('ys-chart')
export class YsChart extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; }
      figure { margin: 0; }
      figcaption { font-weight: 600; margin-bottom: 6px; }
      .box { position: relative; height: var(--ys-chart-height, 240px); width: 100%; }
      canvas { display: block; }
      details { margin-top: 6px; font-size: 0.9em; }
      .scroll { max-height: 260px; overflow: auto; }
      table { border-collapse: collapse; width: 100%; }
      th, td { text-align: right; padding: 2px 8px; border-bottom: 1px solid var(--_border); white-space: nowrap; }
      th:first-child, td:first-child { text-align: left; }
    `,
  ]

  @property() override title = ''
  @property({ attribute: false }) config: ChartConfiguration<'line', Array<{ x: number; y: number | null }>> | null = null
  @property({ attribute: false }) table: ChartTable | null = null
  /** Shown instead of the chart when there is nothing to draw (says why). */
  @property() empty: string | null = null
  @property({ type: Boolean }) hideTable = false
  /** Draw in a task of its own after the page renders (see {@link chartsDrawn}). */
  @property({ type: Boolean }) deferred = false
  @state() private tableOpen = false

  @query('canvas') private canvas?: HTMLCanvasElement
  private chart: Chart<'line', Array<{ x: number; y: number | null }>> | null = null

  override render() {
    return html`<figure>
      ${this.title ? html`<figcaption>${this.title}</figcaption>` : null}
      ${this.empty
        ? html`<p class="empty">${this.empty}</p>`
        : html`<div class="box"><canvas role="img" aria-label=${this.title + (this.table ? ' (the data is in the table below)' : '')}></canvas></div>`}
      ${this.table && !this.empty && !this.hideTable
        ? html`<details @toggle=${(e: Event) => (this.tableOpen = (e.target as HTMLDetailsElement).open)}>
            <summary>Show data</summary>
            ${this.tableOpen ? this.renderTable(this.table) : null}
          </details>`
        : null}
    </figure>`
  }

  /** The rows are built when "Show data" opens: a closed table is read by no one and costs a render. */
  private renderTable(table: ChartTable) {
    return html`<div class="scroll" tabindex="0">
              <table>
                <caption class="sr-only">${this.title}</caption>
                <thead><tr>${table.header.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
                <tbody>${table.rows.map((r) => html`<tr>${r.map((c) => html`<td class="num">${c}</td>`)}</tr>`)}</tbody>
              </table>
            </div>`
  }

  protected override updated(changed: PropertyValues<this>) {
    if (!changed.has('config') && !changed.has('empty')) return
    if (this.empty || !this.config || !this.canvas) {
      this.destroyChart()
      return
    }
    if (this.chart && this.chart.canvas !== this.canvas) this.destroyChart()
    if (this.chart) {
      this.chart.data = this.config.data
      this.chart.options = this.config.options ?? {}
      this.chart.update('none')
      this.drawn()
    } else if (this.deferred) {
      const config = this.config
      const job = () => {
        // Skipped when the element left the page or got another config meanwhile (that one is queued).
        if (!this.isConnected || this.config !== config || !this.canvas || this.chart) return
        this.chart = new Chart(this.canvas, config)
        this.drawn()
      }
      // Charts near the screen are drawn now; the rest when they scroll near (a phone shows one or two
      // of a page's five), so loading the page does not wait for what nobody sees yet.
      if (nearScreen(this)) drawLater(job)
      else whenNearScreen(this, () => drawLater(job))
    } else {
      this.chart = new Chart(this.canvas, this.config)
      this.drawn()
    }
  }

  private drawn() {
    this.dispatchEvent(new CustomEvent('ys-chart-drawn', { bubbles: true, composed: true }))
  }

  override disconnectedCallback() {
    super.disconnectedCallback()
    this.destroyChart()
  }

  private destroyChart() {
    this.chart?.destroy()
    this.chart = null
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-chart': YsChart
  }
}
