/**
 * <ys-share-links slug="…" currency="USD">: make a link that lets another tool's page show one of this
 * initiative's charts (POST /api/v1/share-tokens, with an expiry), as a copyable `<ys-outcome-chart>`
 * snippet; list the links made and revoke one (GET /api/v1/share-tokens, DELETE
 * /api/v1/share-tokens/:id). The list is asked for only when the section is opened.
 */
import { LitElement, html, css } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { ApiError } from '../api/client.js'
import { createShareLink, fetchShareLinks, revokeShareLink, type ShareLink } from '../api/share.js'
import { formatDate } from '../chart-data/format.js'
import { errorBlock, forms } from './admin-ui.js'
import { base } from './styles.js'
import { KINDS, METRICS as ALL_METRICS } from '../../metrics/metric-kinds.js'

const METRICS: Array<[string, string]> = ALL_METRICS.map((m) => [m, KINDS[m].label])
const EXPIRIES: Array<[number, string]> = [
  [1, '1 day'],
  [7, '7 days'],
  [30, '30 days'],
  [90, '90 days'],
  [365, '1 year'],
]

/**
 * The HTML another page pastes to show the chart: the script once, then the element.
 * @example embedSnippet('https://ys.example.com', 'invoices', 'time_saved', 'tok')
 */
export function embedSnippet(origin: string, slug: string, metric: string, token: string): string {
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
  return `<script src="${attr(origin)}/embed.js"></script>\n<ys-outcome-chart initiative="${attr(slug)}" metric="${attr(metric)}" range="90d" share-token="${attr(token)}" style="display:block;height:320px"></ys-outcome-chart>`
}

@customElement('ys-share-links')
export class YsShareLinks extends LitElement {
  static override styles = [
    base,
    forms,
    css`
      :host { display: block; }
      details > summary { cursor: pointer; font-weight: 600; padding: 4px 0; min-height: 24px; }
      h2 { font-size: 1.05rem; display: inline; margin: 0; }
      form { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 180px), 1fr)); gap: 12px; align-items: end; margin-top: 8px; }
      textarea { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85em; min-height: 96px; }
      .snippet { margin-top: 12px; }
      ul.links { padding: 0; list-style: none; margin: 8px 0 0; }
      ul.links li { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: center; padding: 6px 0; border-bottom: 1px solid var(--_border); }
    `,
  ]

  @property() slug = ''
  @property() tz = 'UTC'
  @state() private created: { token: string; expiresAt: string; metric: string } | null = null
  @state() private links: ShareLink[] | null = null
  /** Set when the server cannot list links (an older server): creating still works. */
  @state() private listNote = ''
  @state() private error: unknown = null
  @state() private busy = false
  @state() private copied = ''

  override render() {
    return html`<details class="card" @toggle=${this.onToggle}>
      <summary><h2>Share or embed a chart</h2></summary>
      <p class="hint">A link lets another tool's page (a wiki, an intranet) show one of this initiative's charts without signing in, until it expires or is revoked. It reads this initiative only.</p>
      <form @submit=${this.create} aria-label="New share link">
        <div class="field"><label for="share-metric">Chart</label><select id="share-metric" name="metric">${METRICS.map(([m, w]) => html`<option value=${m}>${w}</option>`)}</select></div>
        <div class="field"><label for="share-expiry">Expires after</label><select id="share-expiry" name="days">${EXPIRIES.map(([d, w]) => html`<option value=${d} ?selected=${d === 30}>${w}</option>`)}</select></div>
        <div class="field"><button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Creating…' : 'Create link'}</button></div>
      </form>
      ${this.error ? errorBlock(this.error) : null}
      ${this.created ? this.renderCreated(this.created) : null}
      ${this.renderList()}
    </details>`
  }

  private renderCreated(c: { token: string; expiresAt: string; metric: string }) {
    const snippet = embedSnippet(location.origin, this.slug, c.metric, c.token)
    return html`<div class="snippet" id="share-created">
      <label for="share-snippet">Paste this into the other page (it works until ${formatDate(c.expiresAt, this.tz)}):</label>
      <textarea id="share-snippet" readonly .value=${snippet} @focus=${(e: Event) => (e.target as HTMLTextAreaElement).select()}></textarea>
      <div class="actions"><button class="secondary" type="button" id="share-copy" @click=${() => this.copy(snippet)}>Copy</button><span role="status">${this.copied}</span></div>
    </div>`
  }

  private renderList() {
    if (this.listNote) return html`<p class="hint" id="share-list-note">${this.listNote}</p>`
    if (!this.links) return null
    if (this.links.length === 0) return html`<p class="hint">No active links for this initiative.</p>`
    return html`<h3 class="label">Active links</h3><ul class="links" id="share-links">${this.links.map((l) => html`<li data-id=${l.id}>
        <span>Link …${String(l.id).slice(-6)}</span>
        <span class="muted">made ${l.createdAt ? formatDate(l.createdAt, this.tz) : ''}${l.createdBy ? ` by ${l.createdBy}` : ''}, expires ${formatDate(l.expiresAt, this.tz)}</span>
        <button class="danger" type="button" @click=${() => this.revoke(l)}>Revoke</button></li>`)}</ul>`
  }

  private onToggle = (e: Event) => {
    if ((e.target as HTMLDetailsElement).open && this.links === null && !this.listNote) void this.loadList()
  }

  private async loadList() {
    try {
      this.links = (await fetchShareLinks(this.slug)).filter((l) => !l.revokedAt && Date.parse(l.expiresAt) > Date.now())
    } catch (e) {
      this.links = null
      this.listNote = e instanceof ApiError && (e.status === 404 || e.status === 405) ? 'This server cannot list or revoke share links yet; each link stops working when it expires.' : `The links could not be listed: ${(e as Error).message}`
    }
  }

  private async create(e: Event) {
    e.preventDefault()
    const data = new FormData(e.target as HTMLFormElement)
    const metric = String(data.get('metric') ?? 'time_saved')
    this.busy = true
    this.error = null
    this.copied = ''
    try {
      const r = await createShareLink({ initiative: this.slug, expiresInDays: Number(data.get('days') ?? 30) })
      this.created = { token: r.token, expiresAt: r.expiresAt, metric }
      if (!this.listNote) await this.loadList()
    } catch (err) {
      this.error = err
    } finally {
      this.busy = false
    }
  }

  private async revoke(l: ShareLink) {
    this.error = null
    try {
      await revokeShareLink(l.id)
      this.links = (this.links ?? []).filter((x) => x.id !== l.id)
    } catch (err) {
      this.error = err
    }
  }

  private async copy(text: string) {
    try {
      await navigator.clipboard.writeText(text)
      this.copied = 'Copied to the clipboard.'
    } catch {
      this.renderRoot.querySelector<HTMLTextAreaElement>('#share-snippet')?.select()
      this.copied = 'Selected: press Ctrl+C (⌘C) to copy.'
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-share-links': YsShareLinks
  }
}
