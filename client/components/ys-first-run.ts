/**
 * <ys-first-run>: what an empty database shows: how to register an initiative and post the first
 * event (the README's commands, chart-data/first-run.ts, with this server's URL), and a button that
 * loads the demo data.
 */
import { LitElement, html, css } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { api, ApiError } from '../api/client.js'
import { firstRunCommands } from '../chart-data/first-run.js'
import { base } from './styles.js'

@customElement('ys-first-run')
export class YsFirstRun extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; max-width: 860px; }
      pre { background: #f6f8fa; border: 1px solid var(--_border); border-radius: 6px; padding: 10px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.85em; }
      button { padding: 8px 16px; background: var(--_accent); color: #fff; border: 0; border-radius: 6px; }
      ol > li { margin-bottom: 12px; }
    `,
  ]
  @state() private status: 'idle' | 'loading' | 'done' = 'idle'
  @state() private error = ''

  override render() {
    const now = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString().replace('.000Z', 'Z')
    const c = firstRunCommands(location.origin, now)
    return html`<section class="card" aria-labelledby="fr-title">
      <h1 id="fr-title">No initiatives yet</h1>
      <p>Yardstick shows what each AI initiative delivers once it reports outcomes. Register an initiative (an editor can also use <a href="/initiatives/new" @click=${this.newInitiative}>New initiative</a>) and send its first event, from the project folder in a terminal:</p>
      <ol>
        <li>Register the initiative:
          <pre>${c.register}</pre></li>
        <li>Create an ingest key and keep its token (printed on the last line) in <code>$TOKEN</code>:
          <pre>${c.key}</pre></li>
        <li>Post the first event (sent twice, it counts once: it has an <code>id</code>):
          <pre>${c.event}</pre></li>
      </ol>
      <h2>Or look around with demo data</h2>
      <p>Seven made-up initiatives with a year of events: one pays back early, one never does, one is stuck in pilot.</p>
      <button @click=${this.loadDemo} ?disabled=${this.status !== 'idle'}>${this.status === 'loading' ? 'Loading demo data…' : 'Load demo data'}</button>
      <span role="status" aria-live="polite">${this.status === 'loading' ? ' This takes a few seconds.' : ''}</span>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      <p class="muted">From the command line: <code>npm run cli -- demo</code></p>
    </section>`
  }

  private newInitiative = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return
    e.preventDefault()
    this.dispatchEvent(new CustomEvent('ys-navigate-url', { detail: '/initiatives/new', bubbles: true, composed: true }))
  }

  private async loadDemo() {
    this.status = 'loading'
    this.error = ''
    try {
      await api.post('/api/v1/demo', {})
      this.status = 'done'
      this.dispatchEvent(new CustomEvent('ys-data-changed', { bubbles: true, composed: true }))
    } catch (e) {
      this.status = 'idle'
      this.error =
        e instanceof ApiError && e.status === 403 ? 'Only administrators can load demo data. Ask one, or run: npm run cli -- demo' : e instanceof Error ? e.message : 'loading the demo data failed'
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-first-run': YsFirstRun
  }
}
