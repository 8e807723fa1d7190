/**
 * <ys-app>: the dashboard shell. Reads the view from the URL, keeps it there on every change
 * (history.pushState), and shows the sign-in page whenever the API answers 401.
 */
import { LitElement, html, css } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { parseView, viewUrl, type ViewState } from '../chart-data/url-state.js'
import { base } from './styles.js'
import './ys-portfolio.js'
import './ys-initiative.js'
import './ys-sign-in.js'

const TZ_KEY = 'yardstick.timezone'

@customElement('ys-app')
export class YsApp extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; max-width: 1400px; margin: 0 auto; padding: 12px 16px 40px; box-sizing: border-box; }
      header { display: flex; align-items: baseline; gap: 12px; border-bottom: 1px solid var(--_border); padding-bottom: 8px; margin-bottom: 12px; }
      header a { color: inherit; text-decoration: none; font-weight: 700; font-size: 1.1rem; }
      .skip { position: absolute; left: -999px; }
      .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; }
    `,
  ]
  @state() private view: ViewState = parseView(location.pathname, location.search)
  @state() private signIn = false
  @state() private tz = readTz()
  @state() private reloadToken = 0

  override connectedCallback() {
    super.connectedCallback()
    window.addEventListener('popstate', this.onPop)
    window.addEventListener('ys-unauthorized', this.onUnauthorized)
  }

  override disconnectedCallback() {
    super.disconnectedCallback()
    window.removeEventListener('popstate', this.onPop)
    window.removeEventListener('ys-unauthorized', this.onUnauthorized)
  }

  private onPop = () => {
    this.view = parseView(location.pathname, location.search)
  }

  private onUnauthorized = () => {
    this.signIn = true
  }

  private go(v: ViewState) {
    const url = viewUrl(v)
    if (url !== location.pathname + location.search) history.pushState(null, '', url)
    this.view = parseView(location.pathname, location.search)
    window.scrollTo?.(0, 0)
  }

  override render() {
    document.title = this.view.page === 'initiative' ? `${this.view.slug} · Yardstick` : 'AI outcomes · Yardstick'
    return html`<a class="skip" href="#main">Skip to content</a>
      <header><a href="/" @click=${(e: MouseEvent) => { e.preventDefault(); this.go({ page: 'portfolio', range: this.view.range, from: this.view.from, to: this.view.to }) }}>Yardstick</a>
        <span class="muted">AI outcomes in business terms</span></header>
      <main id="main"
        @ys-navigate=${(e: CustomEvent<ViewState>) => this.go(e.detail)}
        @ys-navigate-url=${(e: CustomEvent<string>) => { const u = new URL(e.detail, location.origin); this.go(parseView(u.pathname, u.search)) }}
        @ys-timezone=${(e: CustomEvent<string>) => this.setTz(e.detail)}
        @ys-data-changed=${() => this.reloadToken++}
        @ys-signed-in=${() => { this.signIn = false; this.reloadToken++ }}>
        ${this.signIn
          ? html`<ys-sign-in></ys-sign-in>`
          : this.view.page === 'initiative'
            ? html`<ys-initiative .view=${this.view} .tz=${this.tz} .reloadToken=${this.reloadToken}></ys-initiative>`
            : html`<ys-portfolio .view=${this.view} .tz=${this.tz} .reloadToken=${this.reloadToken}></ys-portfolio>`}
      </main>`
  }

  private setTz(tz: string) {
    try {
      localStorage.setItem(TZ_KEY, tz)
    } catch {
      // Private mode: the zone is asked for again on the next visit.
    }
    this.tz = tz
  }
}

function readTz(): string {
  try {
    return localStorage.getItem(TZ_KEY) || 'UTC'
  } catch {
    return 'UTC'
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-app': YsApp
  }
}
