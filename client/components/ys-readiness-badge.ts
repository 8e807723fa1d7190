/**
 * <ys-readiness-badge>: an initiative's scale-readiness verdict as word + icon + colour, never colour
 * alone: ready ✓ (green), not yet ✕ (red), at risk ! (amber). Give it `verdict` (and `detail`, the
 * first missing item) directly, or a `slug` and it reads GET /api/v1/readiness, one request shared by
 * every badge on the page.
 */
import { LitElement, html, css } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { Task } from '@lit/task'
import { VERDICT_WORDS, type Verdict } from '../../metrics/readiness.js'
import { fetchAllReadiness } from '../api/readiness.js'
import { base } from './styles.js'

@customElement('ys-readiness-badge')
export class YsReadinessBadge extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: inline-block; }
      .badge { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; font-weight: 600; font-size: 0.9em; padding: 1px 8px; border-radius: 10px; border: 1px solid currentColor; }
      .badge.good { background: var(--ys-color-good-bg, #e6f4ef); }
      .badge.warn { background: var(--ys-color-warn-bg, #fdf3e1); }
      .badge.bad { background: var(--ys-color-bad-bg, #fdecea); }
      .icon { font-weight: 700; }
      .detail { display: block; font-size: 0.8em; font-weight: 400; color: var(--_muted); white-space: normal; margin-top: 2px; max-width: 26ch; }
    `,
  ]

  /** The verdict to show; when empty, it is read for `slug`. */
  @property() verdict: Verdict | '' = ''
  /** The first thing missing, shown under the badge when `show-detail` is set. */
  @property() detail = ''
  @property() slug = ''
  @property({ type: Boolean, attribute: 'show-detail' }) showDetail = false

  private task = new Task(this, {
    args: () => [this.slug, this.verdict] as const,
    task: async ([slug, verdict]) => {
      if (verdict || !slug) return null
      const all = await fetchAllReadiness()
      const r = all.initiatives.find((i) => i.slug === slug)
      if (!r) return null
      const first = (r.verdict === 'at_risk' ? r.risks[0] : undefined) ?? r.missing[0]
      return { verdict: r.verdict, detail: first?.message ?? '' }
    },
  })

  override render() {
    if (this.verdict) return this.badge(this.verdict, this.detail)
    return this.task.render({
      pending: () => html`<span class="muted" role="status">checking…</span>`,
      error: () => html`<span class="muted" title="readiness could not be loaded">—</span>`,
      complete: (r) => (r ? this.badge(r.verdict, r.detail) : html`<span class="muted">—</span>`),
    })
  }

  private badge(verdict: Verdict, detail: string) {
    const w = VERDICT_WORDS[verdict]
    return html`<span class="badge ${w.tone}" data-verdict=${verdict} title=${detail || w.word}><span class="icon" aria-hidden="true">${w.symbol}</span>${w.word}</span>${detail
        ? this.showDetail
          ? html`<span class="detail">${detail}</span>`
          : html`<span class="sr-only">: ${detail}</span>`
        : null}`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-readiness-badge': YsReadinessBadge
  }
}
