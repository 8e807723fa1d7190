/**
 * <ys-outcome-chart initiative="invoice-processing" metric="time_saved" range="90d" token="…">:
 * one outcome over time, for other tools' pages. Authorised by a read key (`token`) or a signed
 * share token (`share-token`); themed by the host page through --ys-* custom properties.
 */
import { html, css } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { Task } from '@lit/task'
import type { Metric } from '../api/types.js'
import { isRangeKey, resolveRange } from '../chart-data/range.js'
import { metricChartModel } from '../chart-data/series.js'
import { metricChartConfig } from './chart-config.js'
import { EmbedElement, embedClient } from './embed-api.js'
import { base } from './styles.js'
import { isMetric, METRICS } from '../../metrics/metric-kinds.js'
import './ys-chart.js'

@customElement('ys-outcome-chart')
export class YsOutcomeChart extends EmbedElement {
  static override styles = [base, css`:host { display: block; } .card { height: 100%; box-sizing: border-box; }`]
  @property() metric: Metric = 'time_saved'

  private task = new Task(this, {
    args: () => [this.initiative, this.metric, this.range, this.token, this.shareToken, this.apiBase, this.timezone] as const,
    task: async ([slug, metric, rangeKey], { signal }) => {
      if (!slug) throw new Error('set the initiative attribute to an initiative slug')
      if (!isMetric(metric)) throw new Error(`metric must be one of ${METRICS.join(', ')}`)
      const client = embedClient(this)
      const initiative = await client.initiative(slug, signal)
      let tz = this.timezone || 'UTC'
      let range = resolveRange({ range: isRangeKey(rangeKey) ? rangeKey : '90d' }, Date.now(), tz, Date.parse(initiative.startedAt))
      let series = await client.series(slug, { metric, from: range.from, to: range.to, granularity: range.granularity }, signal)
      if (series.timezone && series.timezone !== tz) {
        tz = series.timezone
        range = resolveRange({ range: isRangeKey(rangeKey) ? rangeKey : '90d' }, Date.now(), tz, Date.parse(initiative.startedAt))
        series = await client.series(slug, { metric, from: range.from, to: range.to, granularity: range.granularity }, signal)
      }
      return { initiative, tz, model: metricChartModel(series, initiative, { fromMs: range.fromMs, toMs: range.toMs, timezone: tz }), label: range.label }
    },
  })

  override render() {
    return html`<div class="card">${this.task.render({
      pending: () => html`<p role="status">Loading…</p>`,
      error: (e) => html`<p class="error" role="alert">Yardstick: ${(e as Error).message}</p>`,
      complete: (d) => html`<ys-chart .title=${`${d.initiative.name}: ${d.model.title.charAt(0).toLowerCase()}${d.model.title.slice(1)}, ${d.label}`} .empty=${d.model.empty}
        .config=${d.model.empty ? null : metricChartConfig(d.model, d.tz, this.clientWidth || 400, this)}
        .table=${{ header: ['Period start', d.model.yTitle, 'Events'], rows: d.model.rows.map((r) => [new Date(r.start).toISOString().slice(0, 10), d.model.format(r.value), String(r.count)]) }}></ys-chart>`,
    })}</div>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-outcome-chart': YsOutcomeChart
  }
}
