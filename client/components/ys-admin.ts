/**
 * <ys-admin>: users and API keys, for admins. Users: create with a role, change the role, disable or
 * enable. Keys: create (the token is shown once, with a copy button and a warning), list with prefix,
 * role, initiatives and last use, revoke.
 */
import { LitElement, html, css } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { api, createApiKey, createUser, fetchKeys, fetchUsers, revokeApiKey, updateUser } from '../api/client.js'
import type { ApiKeyInfo, Initiative, KeyRole, SessionUser, User, UserRole } from '../api/types.js'
import { errorBlock, formatDateTime, forms } from './admin-ui.js'
import { base } from './styles.js'

const USER_ROLES: Array<[UserRole, string]> = [
  ['viewer', 'viewer: reads the dashboard'],
  ['editor', 'editor: also changes initiatives and email summaries'],
  ['admin', 'admin: also manages users and keys'],
]
const KEY_ROLES: Array<[KeyRole, string]> = [
  ['ingest', 'ingest: sends events'],
  ['read', 'read: reads outcomes (embeds, reports)'],
  ['admin', 'admin: everything'],
]
const KEY_POWER: Record<KeyRole, string> = {
  ingest: 'send events for its initiatives',
  read: 'read the outcomes of its initiatives',
  admin: 'do anything an admin can, including creating keys and users',
}

@customElement('ys-admin')
export class YsAdmin extends LitElement {
  static override styles = [
    base,
    forms,
    css`
      :host { display: block; }
      .token { border: 2px solid var(--_warn); background: #fffaf0; border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
      .token-row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
      .token-row input { flex: 1 1 220px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
      .revoked { color: var(--_muted); }
      td select { min-width: 8em; }
    `,
  ]
  @property({ attribute: false }) me: SessionUser | null = null
  @property() tz = 'UTC'

  @state() private users: User[] | null = null
  @state() private keys: ApiKeyInfo[] | null = null
  @state() private initiatives: Initiative[] = []
  @state() private loadError: unknown = null
  @state() private userError: unknown = null
  @state() private keyError: unknown = null
  @state() private rowError: unknown = null
  @state() private userNotice = ''
  @state() private keyNotice = ''
  @state() private newToken: { token: string; key: ApiKeyInfo } | null = null
  @state() private copied = ''
  @state() private confirmRevoke: number | null = null
  @state() private busy = false

  override connectedCallback() {
    super.connectedCallback()
    void this.load()
  }

  private async load() {
    this.removeAttribute('data-ready')
    try {
      const [u, k, i] = await Promise.all([fetchUsers(), fetchKeys(), api.initiatives()])
      this.users = u.users
      this.keys = k.keys
      this.initiatives = i.initiatives
      this.loadError = null
    } catch (e) {
      this.loadError = e
    }
    this.setAttribute('data-ready', this.loadError ? 'error' : 'true')
  }

  override render() {
    return html`<h1>Users &amp; keys</h1>
      ${this.loadError ? errorBlock(this.loadError) : this.users === null ? html`<p class="muted" role="status">Loading…</p>` : html`${this.renderUsers(this.users)}${this.renderKeys(this.keys ?? [])}`}`
  }

  private renderUsers(users: User[]) {
    return html`<section class="card" aria-labelledby="users-title">
      <h2 id="users-title">Dashboard users</h2>
      ${this.userNotice ? html`<p class="ok" role="status">${this.userNotice}</p>` : null}
      ${this.rowError ? errorBlock(this.rowError) : null}
      <table class="stack" id="users">
        <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Last sign-in</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${users.map((u) => html`<tr data-email=${u.email}>
          <td data-label="Email">${u.email}${this.me?.id === u.id ? html` <span class="muted">(you)</span>` : null}</td>
          <td data-label="Role"><label class="sr-only" for=${`role-${u.id}`}>Role of ${u.email}</label>
            <select id=${`role-${u.id}`} class="role" @change=${(e: Event) => this.changeUser(u, { role: (e.target as HTMLSelectElement).value as UserRole })}>
              ${USER_ROLES.map(([r]) => html`<option value=${r} ?selected=${r === u.role}>${r}</option>`)}
            </select></td>
          <td data-label="Status" class="status">${u.disabled ? '✕ disabled' : '✓ active'}</td>
          <td data-label="Last sign-in">${u.lastSignInAt ? formatDateTime(u.lastSignInAt, this.tz) : 'never'}</td>
          <td>${u.disabled
            ? html`<button class="secondary toggle" @click=${() => this.changeUser(u, { disabled: false })}>Enable</button>`
            : html`<button class="danger toggle" @click=${() => this.changeUser(u, { disabled: true })} aria-label=${`Disable ${u.email}`}>Disable</button>`}</td>
        </tr>`)}</tbody>
      </table>
      <h3>Add a user</h3>
      <form class="grid" id="new-user" @submit=${this.addUser}>
        <div class="field"><label for="u-email">Email</label><input id="u-email" name="email" type="email" required autocomplete="off" /></div>
        <div class="field"><label for="u-role">Role</label><select id="u-role" name="role">${USER_ROLES.map(([r, d]) => html`<option value=${r}>${d}</option>`)}</select></div>
        <div class="field"><label for="u-password">Password</label><input id="u-password" name="password" type="password" required minlength="10" autocomplete="new-password" aria-describedby="u-pw-hint" />
          <span class="hint" id="u-pw-hint">At least 10 characters; give it to them in person, not by email.</span></div>
        <div class="field"><button class="primary" type="submit" ?disabled=${this.busy}>Add user</button></div>
      </form>
      ${this.userError ? errorBlock(this.userError, { email: 'Email', role: 'Role', password: 'Password' }) : null}
    </section>`
  }

  private renderKeys(keys: ApiKeyInfo[]) {
    const name = (slug: string) => this.initiatives.find((i) => i.slug === slug)?.name ?? slug
    return html`<section class="card" aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <p class="muted">Keys let systems send events (ingest), read outcomes (read, e.g. for embeds) or administer Yardstick (admin). Only a hash is stored: a token is shown once, when it is created.</p>
      ${this.newToken ? html`<div class="token" role="alert" id="new-token">
        <p><strong>Copy this token now: it will not be shown again.</strong> Anyone who has it can ${KEY_POWER[this.newToken.key.role]}${this.newToken.key.initiatives ? ` (${this.newToken.key.initiatives.map(name).join(', ')})` : ''}. Store it in your secret manager; if it leaks, revoke the key.</p>
        <div class="token-row">
          <label class="sr-only" for="token-value">Token for ${this.newToken.key.name}</label>
          <input id="token-value" readonly .value=${this.newToken.token} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
          <button class="primary" id="copy" @click=${this.copy}>Copy</button>
          <button class="secondary" id="done" @click=${() => { this.newToken = null; this.copied = '' }}>I have stored it</button>
        </div>
        <span role="status" aria-live="polite">${this.copied}</span>
      </div>` : null}
      ${this.keyNotice ? html`<p class="ok" role="status">${this.keyNotice}</p>` : null}
      ${keys.length === 0 ? html`<p class="empty">No keys yet.</p>` : html`<table class="stack" id="keys">
        <thead><tr><th scope="col">Name</th><th scope="col">Token starts with</th><th scope="col">Role</th><th scope="col">Initiatives</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${keys.map((k) => html`<tr data-id=${k.id} class=${k.revokedAt ? 'revoked' : ''}>
          <td data-label="Name">${k.name}</td>
          <td data-label="Token starts with"><code>${k.prefix}…</code></td>
          <td data-label="Role">${k.role}</td>
          <td data-label="Initiatives">${k.initiatives === null ? 'all' : k.initiatives.map(name).join(', ')}</td>
          <td data-label="Last used">${k.lastUsedAt ? formatDateTime(k.lastUsedAt, this.tz) : 'never'}</td>
          <td data-label="Status" class="status">${k.revokedAt ? `✕ revoked ${formatDateTime(k.revokedAt, this.tz)}` : '✓ active'}</td>
          <td>${k.revokedAt ? null : this.confirmRevoke === k.id
            ? html`<span>Revoke “${k.name}”? Systems using it stop at once.</span> <button class="danger confirm-revoke" @click=${() => this.revoke(k)}>Yes, revoke</button> <button class="secondary" @click=${() => (this.confirmRevoke = null)}>Cancel</button>`
            : html`<button class="danger revoke" @click=${() => (this.confirmRevoke = k.id)} aria-label=${`Revoke ${k.name}`}>Revoke</button>`}</td>
        </tr>`)}</tbody>
      </table>`}
      <h3>Create a key</h3>
      <form id="new-key" @submit=${this.addKey}>
        <div class="grid">
          <div class="field"><label for="k-name">Name</label><input id="k-name" name="name" required maxlength="200" placeholder="invoice bot" /></div>
          <div class="field"><label for="k-role">Role</label><select id="k-role" name="role">${KEY_ROLES.map(([r, d]) => html`<option value=${r}>${d}</option>`)}</select></div>
        </div>
        <fieldset class="scope-field"><legend>Initiatives it may use (none ticked: all)</legend>
          ${this.initiatives.map((i) => html`<label><input type="checkbox" name="initiatives" value=${i.slug} />${i.name}</label>`)}
        </fieldset>
        <div class="actions"><button class="primary" type="submit" ?disabled=${this.busy}>Create key</button></div>
      </form>
      ${this.keyError ? errorBlock(this.keyError, { name: 'Name', role: 'Role', initiatives: 'Initiatives' }) : null}
    </section>`
  }

  private async addUser(e: Event) {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const data = new FormData(form)
    this.busy = true
    this.userError = null
    this.userNotice = ''
    try {
      const u = await createUser({ email: String(data.get('email') ?? ''), role: String(data.get('role') ?? 'viewer') as UserRole, password: String(data.get('password') ?? '') })
      form.reset()
      this.userNotice = `Added ${u.email} as ${u.role}.`
      await this.load()
    } catch (err) {
      this.userError = err
    } finally {
      this.busy = false
    }
  }

  private async changeUser(u: User, patch: { role?: UserRole; disabled?: boolean }) {
    this.rowError = null
    this.userNotice = ''
    try {
      const after = await updateUser(u.id, patch)
      this.userNotice = patch.role ? `${after.email} is now ${after.role}.` : `${after.email} is ${after.disabled ? 'disabled and signed out everywhere' : 'enabled again'}.`
    } catch (err) {
      this.rowError = err
    }
    // Reload either way, so a refused change shows the stored role again.
    await this.load()
  }

  private async addKey(e: Event) {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const data = new FormData(form)
    const initiatives = data.getAll('initiatives').map(String)
    this.busy = true
    this.keyError = null
    this.keyNotice = ''
    try {
      const r = await createApiKey({ name: String(data.get('name') ?? ''), role: String(data.get('role') ?? 'ingest') as KeyRole, initiatives: initiatives.length ? initiatives : null })
      form.reset()
      this.newToken = { token: r.token, key: r.key }
      this.copied = ''
      await this.load()
      // Keyboard and screen-reader users land on the token they must copy now.
      await this.updateComplete
      this.renderRoot.querySelector<HTMLInputElement>('#token-value')?.focus()
    } catch (err) {
      this.keyError = err
    } finally {
      this.busy = false
    }
  }

  private async copy() {
    if (!this.newToken) return
    try {
      await navigator.clipboard.writeText(this.newToken.token)
      this.copied = 'Copied to the clipboard.'
    } catch {
      const input = this.renderRoot.querySelector<HTMLInputElement>('#token-value')
      input?.focus()
      input?.select()
      this.copied = 'Selected: press Ctrl+C (⌘C on a Mac) to copy.'
    }
  }

  private async revoke(k: ApiKeyInfo) {
    this.keyError = null
    try {
      await revokeApiKey(k.id)
      this.keyNotice = `Revoked “${k.name}”: it no longer works.`
      this.confirmRevoke = null
      await this.load()
    } catch (err) {
      this.keyError = err
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-admin': YsAdmin
  }
}
