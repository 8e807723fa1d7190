/**
 * <ys-app>: the dashboard shell. Reads the view from the URL, keeps it there on every change
 * (history.pushState), and shows the sign-in page whenever the API answers 401 (or the first-run setup
 * page while no user exists). The header's links follow the signed-in user's role (GET /api/v1/session).
 */
import { LitElement, html } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { api, ApiError, fetchSession, fetchSetupNeeded, signOut } from '../api/client.js'
import type { SessionUser } from '../api/types.js'
import { parseView, viewUrl, type ViewState } from '../chart-data/url-state.js'
import './ys-sign-in.js'

/**
 * Each page's code, loaded when the page is first shown (the sign-in page is in the entry): a phone
 * opening the portfolio does not download the initiative page's charts.
 */
const PAGE_MODULES: Record<string, () => Promise<unknown>> = {
  portfolio: () => import('./ys-portfolio.js'),
  initiative: () => import('./ys-initiative.js'),
  setup: () => import('./ys-setup.js'),
  audit: () => import('./ys-audit.js'),
  subscriptions: () => import('./ys-subscriptions.js'),
  admin: () => import('./ys-admin.js'),
  alerts: () => import('./ys-alerts.js'),
  assessment: () => import('./ys-assessment.js'),
  imports: () => import('./ys-imports.js'),
  edit: () => import('./ys-initiative-edit.js'),
  new: () => import('./ys-initiative-edit.js'),
}
const loaded = new Set<string>()
function loadPage(page: string): void {
  if (loaded.has(page) || !PAGE_MODULES[page]) return
  loaded.add(page)
  PAGE_MODULES[page]().catch(() => loaded.delete(page))
}

const TZ_KEY = 'yardstick.timezone'
/** Set while this browser holds a dashboard session it signed in with (API keys and share links have none). */
const SIGNED_IN_KEY = 'yardstick.signedIn'

/** The pages outside the portfolio/initiative views. */
export interface AdminPage {
  page: 'setup' | 'audit' | 'subscriptions' | 'alerts' | 'admin' | 'edit' | 'new' | 'assessment' | 'imports'
  slug?: string
}

/**
 * @example adminRoute('/initiatives/invoices/edit') // { page: 'edit', slug: 'invoices' }
 */
export function adminRoute(pathname: string): AdminPage | null {
  const simple = /^\/(setup|audit|subscriptions|alerts|admin|assessment|imports)\/?$/.exec(pathname)
  if (simple) return { page: simple[1] as AdminPage['page'] }
  if (/^\/initiatives\/new\/?$/.test(pathname)) return { page: 'new' }
  const edit = /^\/initiatives\/([^/]+)\/edit\/?$/.exec(pathname)
  if (edit) {
    try {
      return { page: 'edit', slug: decodeURIComponent(edit[1]) }
    } catch {
      return null
    }
  }
  return null
}

@customElement('ys-app')
export class YsApp extends LitElement {
  /**
   * The shell renders into the page itself (no shadow root), so that the skip link, the banner and the
   * main landmark are in the document where assistive technology and `#main` find them; its styles are
   * inline in index.html. The pages inside keep their own shadow roots.
   */
  protected override createRenderRoot() {
    return this
  }

  @state() private view: ViewState = parseView(location.pathname, location.search)
  @state() private signIn = false
  @state() private tz = readTz()
  @state() private reloadToken = 0
  @state() private extra: AdminPage | null = adminRoute(location.pathname)
  /** undefined: not asked (or asking); null: no dashboard session (an API key, or signed out). */
  @state() private me: SessionUser | null | undefined = undefined
  @state() private sessionAsked = false
  @state() private setupNeeded = false
  @state() private probing = false
  /** The live demo's banner text (GET /api/v1/demo), or null. */
  @state() private demo: string | null = null
  /** Whether this is the live demo, asked once (a demo visitor has no session to ask for). */
  private demoAsked: Promise<boolean> = api
    .get<{ demo: boolean; message: string | null }>('/api/v1/demo')
    .then((d) => {
      this.demo = d.demo ? d.message : null
      return d.demo
    })
    .catch(() => false)

  override connectedCallback() {
    // index.html's static header, painted before any script ran; the app's own takes its place.
    this.querySelector(':scope > header[data-boot]')?.remove()
    super.connectedCallback()
    window.addEventListener('popstate', this.onPop)
    window.addEventListener('ys-unauthorized', this.onUnauthorized)
    // Asked only where it matters or where this browser signed in, so that a page opened with an API
    // key (which has no session) makes no request bound to fail.
    // The page's code downloads while the session is asked for.
    loadPage(this.extra?.page ?? this.view.page)
    // A known session (this browser signed in, or the server saw a session cookie): straight to the page.
    if (readFlag() || this.hasAttribute('data-session')) void this.loadSession()
    else if (this.extra?.page === 'setup') this.sessionAsked = true
    else void this.probe()
  }

  /**
   * A first visit (no session known in this browser): asks whether this request may read at all before
   * showing a page, so a signed-out visitor gets the sign-in page without a 401 in the console.
   */
  private async probe() {
    this.probing = true
    try {
      const r = await fetchSetupNeeded()
      if (r.canRead === false) {
        this.setupNeeded = r.needed
        this.signIn = true
        this.me = null
      } else if (r.signedIn) {
        this.probing = false
        await this.loadSession()
        return
      }
    } catch {
      // The page itself will say what is wrong.
    } finally {
      this.probing = false
    }
    this.sessionAsked = true
  }

  private async loadSession() {
    this.sessionAsked = false
    try {
      if (await this.demoAsked) {
        this.me = null
        return
      }
      this.me = await fetchSession()
      writeFlag(true)
    } catch (e) {
      // 401 is answered by onUnauthorized (sign-in); 403 means an API key, which has no session.
      this.me = null
      if (e instanceof ApiError && e.status === 401) writeFlag(false)
    } finally {
      this.sessionAsked = true
    }
  }

  override disconnectedCallback() {
    super.disconnectedCallback()
    window.removeEventListener('popstate', this.onPop)
    window.removeEventListener('ys-unauthorized', this.onUnauthorized)
  }

  private onPop = () => {
    this.view = parseView(location.pathname, location.search)
    this.extra = adminRoute(location.pathname)
  }

  private onUnauthorized = () => {
    writeFlag(false)
    this.me = null
    this.signIn = true
    // On an empty user table nobody can sign in: offer the first-run setup instead.
    fetchSetupNeeded()
      .then((r) => (this.setupNeeded = r.needed))
      .catch(() => {})
  }

  private onSignedIn = (e: CustomEvent<SessionUser | undefined>) => {
    this.signIn = false
    this.setupNeeded = false
    writeFlag(true)
    if (e.detail && typeof e.detail === 'object' && 'role' in e.detail) {
      this.me = e.detail
      this.sessionAsked = true
    } else void this.loadSession()
    this.reloadToken++
  }

  private async signOut() {
    try {
      await signOut()
    } finally {
      writeFlag(false)
      this.me = null
      this.signIn = true
    }
  }

  private goUrl(url: string) {
    const u = new URL(url, location.origin)
    if (u.origin !== location.origin) return
    if (u.pathname + u.search !== location.pathname + location.search) history.pushState(null, '', u.pathname + u.search)
    this.view = parseView(location.pathname, location.search)
    this.extra = adminRoute(location.pathname)
    if (this.extra && this.extra.page !== 'setup' && this.me === undefined && this.sessionAsked) void this.loadSession()
    window.scrollTo?.(0, 0)
  }

  private navLink(href: string, label: string, current: boolean) {
    return html`<a href=${href} aria-current=${current ? 'page' : 'false'} @click=${(e: MouseEvent) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
      e.preventDefault()
      this.goUrl(href)
    }}>${label}</a>`
  }

  private renderNav() {
    const me = this.me
    const page = this.extra?.page ?? this.view.page
    if (this.demo && !me) return html`<nav aria-label="Main">${this.navLink('/', 'Portfolio', page === 'portfolio')}${this.navLink('/assessment', 'Assessment', page === 'assessment')}</nav>`
    if (!me || this.signIn) return null
    return html`<nav aria-label="Main">
      ${this.navLink('/', 'Portfolio', page === 'portfolio')}
      ${this.navLink('/assessment', 'Assessment', page === 'assessment')}
      ${this.navLink('/subscriptions', 'Email summaries', page === 'subscriptions')}
      ${this.navLink('/alerts', 'Alerts', page === 'alerts')}
      ${me.role === 'editor' || me.role === 'admin' ? this.navLink('/imports', 'Import', page === 'imports') : null}
      ${me.role === 'admin' ? html`${this.navLink('/audit', 'Audit log', page === 'audit')}${this.navLink('/admin', 'Users & keys', page === 'admin')}` : null}
      <span class="who">${me.email} (${me.role})</span>
      <button type="button" @click=${() => this.signOut()}>Sign out</button>
    </nav>`
  }

  private renderExtra(x: AdminPage) {
    if (x.page === 'setup') return html`<ys-setup></ys-setup>`
    if (!this.sessionAsked) return html`<p class="muted" role="status">Loading…</p>`
    const role = this.me?.role ?? null
    switch (x.page) {
      case 'audit':
        return html`<ys-audit .search=${location.search} .tz=${this.tz}></ys-audit>`
      case 'subscriptions':
        return html`<ys-subscriptions .userRole=${role} .tz=${this.tz}></ys-subscriptions>`
      case 'alerts':
        return html`<ys-alerts .userRole=${role} .tz=${this.tz}></ys-alerts>`
      case 'assessment':
        return html`<ys-assessment .tz=${this.tz}></ys-assessment>`
      case 'imports':
        return html`<ys-imports .userRole=${role} .tz=${this.tz}></ys-imports>`
      case 'admin':
        return html`<ys-admin .me=${this.me ?? null} .tz=${this.tz}></ys-admin>`
      case 'edit':
        return html`<ys-initiative-edit .slug=${x.slug ?? ''} .userRole=${role}></ys-initiative-edit>`
      case 'new':
        return html`<ys-initiative-edit create .userRole=${role}></ys-initiative-edit>`
    }
  }

  private go(v: ViewState) {
    const url = viewUrl(v)
    if (url !== location.pathname + location.search) history.pushState(null, '', url)
    this.view = parseView(location.pathname, location.search)
    this.extra = adminRoute(location.pathname)
    window.scrollTo?.(0, 0)
  }

  override render() {
    const titles = { assessment: 'AI-readiness assessment', setup: 'First run', audit: 'Audit log', subscriptions: 'Email summaries', alerts: 'Alerts', imports: 'Import history', admin: 'Users & keys', edit: `Edit ${this.extra?.slug}`, new: 'New initiative' }
    if (this.probing) return html`<main id="main" tabindex="-1"><p class="muted" role="status">Loading…</p></main>`
    loadPage(this.signIn ? (this.setupNeeded || this.extra?.page === 'setup' ? 'setup' : 'sign-in') : this.extra?.page ?? this.view.page)
    document.title = this.extra ? `${titles[this.extra.page]} · Yardstick` : this.view.page === 'initiative' ? `${this.view.slug} · Yardstick` : 'AI outcomes · Yardstick'
    const canEdit = this.me?.role === 'editor' || this.me?.role === 'admin'
    return html`<a class="skip" href="#main">Skip to content</a>
      ${this.demo ? html`<p class="demo-banner" role="note"><strong>Live demo.</strong> ${this.demo}</p>` : null}
      <header><a href="/" @click=${(e: MouseEvent) => { e.preventDefault(); this.go({ page: 'portfolio', range: this.view.range, from: this.view.from, to: this.view.to }) }}>Yardstick</a>
        <span class="muted tagline">AI outcomes in business terms</span>${this.renderNav()}</header>
      <main id="main" tabindex="-1"
        @ys-navigate=${(e: CustomEvent<ViewState>) => this.go(e.detail)}
        @ys-navigate-url=${(e: CustomEvent<string>) => this.goUrl(e.detail)}
        @ys-timezone=${(e: CustomEvent<string>) => this.setTz(e.detail)}
        @ys-data-changed=${() => this.reloadToken++}
        @ys-signed-in=${this.onSignedIn}>
        ${this.signIn && (this.setupNeeded || this.extra?.page === 'setup')
          ? html`<ys-setup></ys-setup>`
          : this.signIn
          ? html`<ys-sign-in></ys-sign-in>`
          : this.extra
            ? this.renderExtra(this.extra)
          : this.view.page === 'initiative'
            ? html`${canEdit ? html`<p class="page-actions"><a href=${`/initiatives/${encodeURIComponent(this.view.slug ?? '')}/edit`} @click=${(e: MouseEvent) => { e.preventDefault(); this.goUrl((e.currentTarget as HTMLAnchorElement).getAttribute('href')!) }}>Edit owner, stage, costs, baselines and targets</a></p>` : null}<ys-initiative .view=${this.view} .tz=${this.tz} .userRole=${this.me?.role ?? null} .reloadToken=${this.reloadToken}></ys-initiative>`
            : html`${canEdit ? html`<p class="page-actions"><a href="/initiatives/new" id="new-initiative" @click=${(e: MouseEvent) => { e.preventDefault(); this.goUrl('/initiatives/new') }}>+ New initiative</a></p>` : null}<ys-portfolio .view=${this.view} .tz=${this.tz} .reloadToken=${this.reloadToken}></ys-portfolio>`}
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

function readFlag(): boolean {
  try {
    return localStorage.getItem(SIGNED_IN_KEY) === '1'
  } catch {
    return false
  }
}

function writeFlag(on: boolean): void {
  try {
    if (on) localStorage.setItem(SIGNED_IN_KEY, '1')
    else localStorage.removeItem(SIGNED_IN_KEY)
  } catch {
    // Private mode: the session is asked for again where a page needs it.
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
