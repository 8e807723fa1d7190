/**
 * <ys-outcome-tile initiative="invoice-processing" metric="value" range="30d" token="…">: one figure
 * and its change against the previous period, for other tools' pages. `metric` is one of time_saved,
 * errors_avoided, revenue_influenced, decision_latency, value (default) or return.
 */
import { html, css } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { Task } from '@lit/task'
import type { SummaryInitiative } from '../api/types.js'
import { changeTone, formatChange, formatDuration, formatHours, formatMoney, formatNumber, relativeChange } from '../chart-data/format.js'
import { isRangeKey, resolveRange } from '../chart-data/range.js'
import { EmbedElement, embedClient } from './embed-api.js'
import { base } from './styles.js'

type TileMetric = 'time_saved' | 'errors_avoided' | 'revenue_influenced' | 'decision_latency' | 'value' | 'return'

const TILE: Record<TileMetric, { label: string; field: keyof SummaryInitiative; direction: 'higher' | 'lower'; format: (x: number | null, cur: string) => string }> = {
  time_saved: { label: 'Time saved', field: 'timeSavedHours', direction: 'higher', format: (x) => formatHours(x, true) },
  errors_avoided: { label: 'Errors avoided', field: 'errorsAvoided', direction: 'higher', format: (x) => formatNumber(x, true) },
  revenue_influenced: { label: 'Revenue influenced', field: 'revenueInfluenced', direction: 'higher', format: (x, c) => formatMoney(x, c, true) },
  decision_latency: { label: 'Median decision latency', field: 'decisionLatencyP50', direction: 'lower', format: (x) => formatDuration(x) },
  value: { label: 'Value delivered', field: 'valueTotal', direction: 'higher', format: (x, c) => formatMoney(x, c, true) },
  return: { label: 'Return per $1 this period', field: 'returnPerDollar', direction: 'higher', format: (x, c) => formatMoney(x, c) },
}

@customElement('ys-outcome-tile')
export class YsOutcomeTile extends EmbedElement {
  static override styles = [
    base,
    css`
      :host { display: inline-block; min-width: 180px; }
      .label { font-size: 0.9em; color: var(--_muted); }
      .value { font-size: var(--ys-tile-value-size, 1.6rem); font-weight: 650; }
    `,
  ]
  @property() metric: TileMetric = 'value'
  override range = '30d'

  private task = new Task(this, {
    args: () => [this.initiative, this.metric, this.range, this.token, this.shareToken, this.apiBase, this.timezone] as const,
    task: async ([slug, metric, rangeKey], { signal }) => {
      if (!slug) throw new Error('set the initiative attribute to an initiative slug')
      const spec = TILE[metric as TileMetric]
      if (!spec) throw new Error(`metric must be one of ${Object.keys(TILE).join(', ')}`)
      const client = embedClient(this)
      const rk = isRangeKey(rangeKey) ? rangeKey : '30d'
      let tz = this.timezone || 'UTC'
      let range = resolveRange({ range: rk }, Date.now(), tz)
      let summary = await client.summary({ from: range.from, to: range.to, initiatives: [slug] }, signal)
      if (summary.timezone && summary.timezone !== tz) {
        tz = summary.timezone
        range = resolveRange({ range: rk }, Date.now(), tz)
        summary = await client.summary({ from: range.from, to: range.to, initiatives: [slug] }, signal)
      }
      const row = summary.initiatives.find((r) => r.slug === slug)
      if (!row) throw new Error(`no figures for "${slug}"`)
      return { row, spec, label: range.label }
    },
  })

  override render() {
    return html`<div class="card">${this.task.render({
      pending: () => html`<span role="status">Loading…</span>`,
      error: (e) => html`<span class="error" role="alert">Yardstick: ${(e as Error).message}</span>`,
      complete: ({ row, spec, label }) => {
        const now = row[spec.field] as number | null
        const before = (row.previous as Record<string, number | null> | undefined)?.[spec.field as string] ?? null
        const change = relativeChange(now, before)
        const tone = changeTone(change, spec.direction)
        return html`<div class="label">${row.name}: ${spec.label}, ${label}</div>
          <div class="value num">${spec.format(now, row.currency)}</div>
          <div class=${tone === 'flat' ? 'none' : tone}>${formatChange(change)}<span class="muted"> vs previous period</span></div>`
      },
    })}</div>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-outcome-tile': YsOutcomeTile
  }
}
