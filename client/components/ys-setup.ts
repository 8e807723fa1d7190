/**
 * <ys-setup>: first run. While no user exists, `npm start` prints a one-time setup token; with it this
 * page creates the first admin, signs them in and fires `ys-signed-in` with the user, then goes to the
 * portfolio (whose empty state offers demo data).
 */
import { LitElement, html, css } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { createFirstAdmin, fetchSetupNeeded } from '../api/client.js'
import { errorBlock, forms, navigate } from './admin-ui.js'
import { base } from './styles.js'

const PASSWORD_MIN = 10

@customElement('ys-setup')
export class YsSetup extends LitElement {
  static override styles = [
    base,
    forms,
    css`
      :host { display: block; max-width: 520px; margin: 32px auto; }
      .field { margin-top: 12px; }
      pre { background: #f6f8fa; border: 1px solid var(--_border); border-radius: 6px; padding: 8px; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.85em; }
    `,
  ]
  @state() private needed: boolean | null = null
  @state() private error: unknown = null
  @state() private busy = false

  override connectedCallback() {
    super.connectedCallback()
    fetchSetupNeeded()
      .then((r) => {
        this.needed = r.needed
        this.setAttribute('data-ready', r.needed ? 'needed' : 'done')
      })
      .catch((e) => {
        this.error = e
        this.setAttribute('data-ready', 'error')
      })
  }

  override render() {
    if (this.needed === false) {
      return html`<section class="card">
        <h1>Setup is done</h1>
        <p>The first admin already exists. Sign in with your email and password; an admin can create more accounts on the Users &amp; keys page.</p>
        <div class="actions"><button class="primary" @click=${() => navigate(this, '/')}>Go to sign-in</button></div>
      </section>`
    }
    return html`<form class="card" @submit=${this.submit} aria-labelledby="setup-title">
      <h1 id="setup-title">Welcome to Yardstick</h1>
      <p>No one can sign in yet. Create the first admin account: it can then add colleagues as viewers, editors or admins.</p>
      <p>You need the one-time <strong>setup token</strong> that <code>npm start</code> printed in the terminal where the server runs:</p>
      <pre>First run: no dashboard users exist yet.
Open …/setup and create the first admin with this one-time setup token:

    Xy7…</pre>
      <div class="field">
        <label for="token">Setup token</label>
        <input id="token" name="token" required autocomplete="off" spellcheck="false" aria-describedby="token-hint" />
        <span class="hint" id="token-hint">Restarting the server prints a new token and voids the old one.</span>
      </div>
      <div class="field">
        <label for="email">Your email</label>
        <input id="email" name="email" type="email" required autocomplete="username" />
      </div>
      <div class="field">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" required minlength=${PASSWORD_MIN} autocomplete="new-password" aria-describedby="pw-hint" />
        <span class="hint" id="pw-hint">At least ${PASSWORD_MIN} characters.</span>
      </div>
      ${this.error ? errorBlock(this.error, { token: 'Setup token', email: 'Email', password: 'Password' }) : null}
      <div class="actions">
        <button class="primary" type="submit" ?disabled=${this.busy || this.needed === null}>${this.busy ? 'Creating…' : 'Create admin and sign in'}</button>
      </div>
    </form>`
  }

  private async submit(e: Event) {
    e.preventDefault()
    const data = new FormData(e.target as HTMLFormElement)
    this.busy = true
    this.error = null
    try {
      const user = await createFirstAdmin({ token: String(data.get('token') ?? '').trim(), email: String(data.get('email') ?? ''), password: String(data.get('password') ?? '') })
      this.dispatchEvent(new CustomEvent('ys-signed-in', { detail: user, bubbles: true, composed: true }))
      navigate(this, '/')
    } catch (err) {
      this.error = err
    } finally {
      this.busy = false
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-setup': YsSetup
  }
}
