/**
 * <ys-sparkline>: a tiny trend line drawn straight on a canvas (cheaper than a chart per table row),
 * with a text alternative.
 */
import { LitElement, html, css, type PropertyValues } from 'lit'
import { customElement, property, query } from 'lit/decorators.js'

@customElement('ys-sparkline')
export class YsSparkline extends LitElement {
  static override styles = css`
    :host { display: inline-block; width: var(--ys-sparkline-width, 96px); height: var(--ys-sparkline-height, 24px); vertical-align: middle; }
    canvas { width: 100%; height: 100%; display: block; }
  `
  @property({ attribute: false }) values: Array<number | null> = []
  @property() label = ''
  @query('canvas') private canvas?: HTMLCanvasElement

  override render() {
    return html`<canvas role="img" aria-label=${this.label}></canvas>`
  }

  protected override updated(_c: PropertyValues<this>) {
    const c = this.canvas
    if (!c) return
    const rect = this.getBoundingClientRect()
    const dpr = globalThis.devicePixelRatio || 1
    const w = Math.max(1, Math.round((rect.width || 96) * dpr))
    const h = Math.max(1, Math.round((rect.height || 24) * dpr))
    c.width = w
    c.height = h
    const ctx = c.getContext('2d')
    if (!ctx) return
    ctx.clearRect(0, 0, w, h)
    const vals = this.values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null))
    const nums = vals.filter((v): v is number => v !== null)
    if (nums.length < 2) return
    const min = Math.min(...nums)
    const max = Math.max(...nums)
    const span = max - min || 1
    ctx.strokeStyle = getComputedStyle(this).getPropertyValue('--ys-color-series').trim() || '#0072B2'
    ctx.lineWidth = 1.5 * dpr
    ctx.beginPath()
    let started = false
    vals.forEach((v, i) => {
      if (v === null) {
        started = false
        return
      }
      const x = (i / (vals.length - 1)) * (w - 2 * dpr) + dpr
      const y = h - dpr - ((v - min) / span) * (h - 2 * dpr)
      if (started) ctx.lineTo(x, y)
      else ctx.moveTo(x, y)
      started = true
    })
    ctx.stroke()
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-sparkline': YsSparkline
  }
}
