/**
 * <ys-sign-in>: the sign-in page shown whenever the API answers 401. Posts to /api/v1/session and
 * fires `ys-signed-in`; the app then reloads the current view.
 */
import { LitElement, html, css } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { api, ApiError } from '../api/client.js'
import { base } from './styles.js'

@customElement('ys-sign-in')
export class YsSignIn extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; max-width: 380px; margin: 48px auto; }
      label { display: block; margin: 12px 0 4px; font-weight: 600; }
      input { width: 100%; box-sizing: border-box; padding: 8px; border: 1px solid var(--_border); border-radius: 6px; }
      button { margin-top: 16px; padding: 8px 16px; background: var(--_accent); color: #fff; border: 0; border-radius: 6px; }
      code { overflow-wrap: break-word; }
    `,
  ]
  @state() private error = ''
  @state() private busy = false

  override render() {
    return html`<form class="card" @submit=${this.submit}>
      <h1>Sign in to Yardstick</h1>
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" required />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required />
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Signing in…' : 'Sign in'}</button>
      <p class="muted">No account yet? An administrator creates one with
        <code>npm run cli -- users create --email you@example.com --role viewer</code>.</p>
    </form>`
  }

  private async submit(e: Event) {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const data = new FormData(form)
    this.busy = true
    this.error = ''
    try {
      await api.post('/api/v1/session', { email: String(data.get('email') ?? ''), password: String(data.get('password') ?? '') })
      this.dispatchEvent(new CustomEvent('ys-signed-in', { bubbles: true, composed: true }))
    } catch (err) {
      this.error = err instanceof ApiError ? err.message : 'sign-in failed; try again'
    } finally {
      this.busy = false
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-sign-in': YsSignIn
  }
}
