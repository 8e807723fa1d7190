/**
 * <ys-range-picker>: the period presets and a custom range. Fires `ys-range-change` with
 * `{ range, from?, to? }` (local dates, `to` inclusive).
 */
import { LitElement, html, css } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { DAY_HINT, formatDay, parseDay } from '../chart-data/day-input.js'
import { PRESETS, PRESET_LABELS, type RangeKey } from '../chart-data/range.js'
import { base } from './styles.js'

export interface RangeChange {
  range: RangeKey
  from?: string
  to?: string
}

@customElement('ys-range-picker')
export class YsRangePicker extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: inline-flex; flex-wrap: wrap; gap: 8px; align-items: end; }
      label { display: flex; flex-direction: column; font-size: 0.85em; gap: 2px; }
      select, input { padding: 5px; min-height: 32px; box-sizing: border-box; border: 1px solid var(--_border); border-radius: 6px; background: #fff; }
      .hint { font-size: 0.85em; color: var(--_muted); align-self: center; }
      .hint[role='alert'] { color: var(--_bad); }
    `,
  ]
  @property() range: RangeKey = '12m'
  @property() from = ''
  @property() to = ''
  @state() private problem = ''

  override render() {
    return html`<label>Period
        <select id="range" @change=${this.onPreset} .value=${this.range}>
          ${[...PRESETS, 'custom' as const].map((p) => html`<option value=${p} ?selected=${p === this.range}>${PRESET_LABELS[p]}</option>`)}
        </select></label>
      ${this.range === 'custom'
        ? html`<label>From <input id="from" autocomplete="off" size="11" .value=${formatDay(this.from)} @change=${this.onCustom} aria-describedby="range-hint" /></label>
            <label>To <input id="to" autocomplete="off" size="11" .value=${formatDay(this.to)} @change=${this.onCustom} aria-describedby="range-hint" /></label>
            <span class="hint" id="range-hint" role=${this.problem ? 'alert' : 'note'}>${this.problem || `Dates like ${DAY_HINT.replace('e.g. ', '')}`}</span>`
        : null}`
  }

  private emit(detail: RangeChange) {
    this.dispatchEvent(new CustomEvent<RangeChange>('ys-range-change', { detail, bubbles: true, composed: true }))
  }

  private onPreset(e: Event) {
    const range = (e.target as HTMLSelectElement).value as RangeKey
    if (range === 'custom') {
      const today = new Date().toISOString().slice(0, 10)
      const start = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10)
      this.emit({ range, from: this.from || start, to: this.to || today })
    } else this.emit({ range })
  }

  private onCustom() {
    const from = parseDay((this.renderRoot.querySelector('#from') as HTMLInputElement).value)
    const to = parseDay((this.renderRoot.querySelector('#to') as HTMLInputElement).value)
    this.problem = from === null || to === null ? `Write dates like ${DAY_HINT.replace('e.g. ', '')} (or 2026-12-06).` : ''
    if (from && to) this.emit({ range: 'custom', from, to })
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-range-picker': YsRangePicker
  }
}
