/**
 * <ys-subscriptions>: the email summaries: schedule, recipients, scope, time zone and how the last
 * digest went (word + symbol); editors and admins create, edit and delete them.
 */
import { LitElement, html, css } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { api, createSubscription, deleteSubscription, fetchSubscriptions, updateSubscription } from '../api/client.js'
import type { Initiative, Subscription, SubscriptionInput, UserRole } from '../api/types.js'
import { scheduleWords, summarizeDeliveries } from '../chart-data/delivery-status.js'
import { errorBlock, formatDateTime, forms } from './admin-ui.js'
import { base } from './styles.js'

const LABELS = { name: 'Name', recipients: 'Recipients', schedule: 'Schedule', initiatives: 'Initiatives', timezone: 'Time zone' }
const PRESETS = ['daily', 'weekly', 'monthly']

function zones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? []
  } catch {
    return []
  }
}

@customElement('ys-subscriptions')
export class YsSubscriptions extends LitElement {
  static override styles = [
    base,
    forms,
    css`
      :host { display: block; }
      .subs { display: grid; gap: 12px; }
      .sub h2 { margin: 0 0 6px; font-size: 1.1rem; overflow-wrap: anywhere; }
      dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 16px; margin: 0; }
      dt { color: var(--_muted); }
      dd { margin: 0; overflow-wrap: anywhere; }
      @media (max-width: 480px) { dl { grid-template-columns: minmax(0, 1fr); } dd { margin-bottom: 6px; } }
      .status { font-weight: 600; }
      .confirm { margin-top: 8px; }
    `,
  ]
  /** The signed-in user's role; null when unknown (an API key), then the server decides. */
  @property({ attribute: false }) userRole: UserRole | null = null
  @property() tz = 'UTC'

  @state() private subs: Subscription[] | null = null
  @state() private initiatives: Initiative[] = []
  @state() private loadError: unknown = null
  /** 'new', a subscription id being edited, or null. */
  @state() private editing: 'new' | number | null = null
  @state() private formError: unknown = null
  @state() private busy = false
  @state() private notice = ''
  @state() private confirmDelete: number | null = null
  @state() private custom = false

  private get canEdit(): boolean {
    return this.userRole !== 'viewer'
  }

  override connectedCallback() {
    super.connectedCallback()
    void this.load()
  }

  private async load() {
    this.removeAttribute('data-ready')
    try {
      const [s, i] = await Promise.all([fetchSubscriptions(), api.initiatives()])
      this.subs = s.subscriptions
      this.initiatives = i.initiatives
      this.loadError = null
    } catch (e) {
      this.loadError = e
    }
    this.setAttribute('data-ready', this.loadError ? 'error' : 'true')
  }

  override render() {
    return html`<h1>Email summaries</h1>
      <p class="muted">Digests of each initiative's outcomes, emailed on a schedule to people who do not open the dashboard. Each covers the last completed period in its own time zone and goes to every recipient once.</p>
      ${this.notice ? html`<p class="ok" role="status">${this.notice}</p>` : null}
      ${this.canEdit
        ? this.editing === 'new'
          ? this.renderForm(null)
          : html`<div class="actions"><button class="primary" id="new" @click=${() => this.startEdit('new')}>New email summary</button></div>`
        : html`<p class="muted" id="read-only">Your account has the viewer role: you can see the summaries but not change them. Ask an admin to make you an editor.</p>`}
      ${this.loadError ? errorBlock(this.loadError) : this.subs === null ? html`<p class="muted" role="status">Loading…</p>` : this.renderList(this.subs)}`
  }

  private renderList(subs: Subscription[]) {
    if (subs.length === 0) return html`<p class="empty">No email summaries yet.${this.canEdit ? ' Create one above: a name, the recipients and how often.' : ''}</p>`
    return html`<div class="subs" role="list">${subs.map((s) => html`<section class="card sub" role="listitem" data-id=${s.id} aria-labelledby=${`sub-${s.id}`}>
      <h2 id=${`sub-${s.id}`}>${s.name}</h2>
      ${this.editing === s.id ? this.renderForm(s) : html`<dl>
        <dt>Schedule</dt><dd class="schedule">${scheduleWords(s.schedule)}</dd>
        <dt>Recipients</dt><dd class="recipients">${s.recipients.join(', ')}</dd>
        <dt>Scope</dt><dd class="scope">${s.initiatives.length === 0 ? 'All initiatives' : s.initiatives.map((slug) => this.initiatives.find((i) => i.slug === slug)?.name ?? slug).join(', ')}</dd>
        <dt>Time zone</dt><dd class="timezone">${s.timezone}</dd>
        <dt>Last digest</dt><dd class="last">${this.renderStatus(s)}</dd>
      </dl>
      ${this.canEdit ? html`<div class="actions">
        <button class="secondary" @click=${() => this.startEdit(s.id)} aria-label=${`Edit ${s.name}`}>Edit</button>
        <button class="danger" @click=${() => (this.confirmDelete = s.id)} aria-label=${`Delete ${s.name}`}>Delete</button>
      </div>
      ${this.confirmDelete === s.id ? html`<div class="confirm" role="alertdialog" aria-label="Confirm deletion">
        <p>Delete “${s.name}”? Its recipients get no more digests.</p>
        <div class="actions"><button class="danger confirm-delete" @click=${() => this.removeSub(s)}>Yes, delete</button><button class="secondary" @click=${() => (this.confirmDelete = null)}>Cancel</button></div>
      </div>` : null}` : null}`}
    </section>`)}</div>`
  }

  private renderStatus(s: Subscription) {
    const d = summarizeDeliveries(s.deliveries)
    if (!d) {
      const p = s.latestPeriod
      return html`<span class="status none" data-status="none">– not sent yet</span>${p ? html`<span class="muted">; the first digest covers ${formatDateTime(p.from, s.timezone)} to ${formatDateTime(p.to, s.timezone)} and goes out within a minute.</span>` : null}`
    }
    return html`<span class=${`status ${d.tone}`} data-status=${d.status}>${d.symbol} ${d.word}</span><span class="muted">: ${d.delivered} of ${d.total} recipient${d.total === 1 ? '' : 's'}, period ${formatDateTime(d.period.from, s.timezone)} to ${formatDateTime(d.period.to, s.timezone)}${d.status === 'uncertain' ? '; the mail server may have received it twice (same message id, mail programs show it once)' : ''}${d.status === 'retrying' && d.nextAttemptAt ? `; next attempt ${formatDateTime(d.nextAttemptAt, this.tz)}` : ''}</span>
      ${d.lastError && d.status !== 'sent' ? html`<div class="muted">Mail server said: <code>${d.lastError}</code></div>` : null}`
  }

  private renderForm(s: Subscription | null) {
    const id = s ? `e${s.id}` : 'new'
    const schedule = s?.schedule ?? 'weekly'
    const custom = this.custom
    return html`<form class="card" @submit=${(e: Event) => this.save(e, s)} aria-label=${s ? `Edit ${s.name}` : 'New email summary'}>
      ${s ? null : html`<h2>New email summary</h2>`}
      <div class="grid">
        <div class="field"><label for=${`${id}-name`}>Name</label><input id=${`${id}-name`} name="name" required maxlength="200" .value=${s?.name ?? ''} placeholder="Leadership weekly" /></div>
        <div class="field"><label for=${`${id}-recipients`}>Recipients</label>
          <textarea id=${`${id}-recipients`} name="recipients" required aria-describedby=${`${id}-rhint`} .value=${s?.recipients.join(', ') ?? ''}></textarea>
          <span class="hint" id=${`${id}-rhint`}>Email addresses, separated by commas or new lines.</span></div>
        <div class="field"><label for=${`${id}-schedule`}>Schedule</label>
          <select id=${`${id}-schedule`} name="preset" @change=${(e: Event) => (this.custom = (e.target as HTMLSelectElement).value === 'custom')}>
            <option value="daily" ?selected=${!custom && schedule === 'daily'}>Daily (the day before)</option>
            <option value="weekly" ?selected=${!custom && schedule === 'weekly'}>Weekly (Monday to Monday)</option>
            <option value="monthly" ?selected=${!custom && schedule === 'monthly'}>Monthly (the month before)</option>
            <option value="custom" ?selected=${custom}>Custom cron expression</option>
          </select>
          ${custom ? html`<label for=${`${id}-cron`}>Cron expression</label><input id=${`${id}-cron`} name="cron" required .value=${PRESETS.includes(schedule) ? '0 8 * * 1' : schedule} aria-describedby=${`${id}-chint`} /><span class="hint" id=${`${id}-chint`}>minute hour day month weekday, e.g. 0 8 * * 1 (Mondays 08:00)</span>` : null}</div>
        <div class="field"><label for=${`${id}-tz`}>Time zone</label>
          <input id=${`${id}-tz`} name="timezone" required list="zones" .value=${s?.timezone ?? this.tz} autocomplete="off" />
          <datalist id="zones">${zones().map((z) => html`<option value=${z}></option>`)}</datalist>
          <span class="hint">Periods start at midnight here.</span></div>
      </div>
      <fieldset class="scope-field"><legend>Initiatives (none ticked: all, including future ones)</legend>
        ${this.initiatives.map((i) => html`<label><input type="checkbox" name="initiatives" value=${i.slug} ?checked=${s?.initiatives.includes(i.slug) ?? false} />${i.name}</label>`)}
      </fieldset>
      ${this.formError ? errorBlock(this.formError, LABELS) : null}
      <div class="actions">
        <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Saving…' : s ? 'Save changes' : 'Create summary'}</button>
        <button class="secondary" type="button" @click=${() => { this.editing = null; this.formError = null }}>Cancel</button>
      </div>
    </form>`
  }

  private startEdit(which: 'new' | number) {
    const s = typeof which === 'number' ? this.subs?.find((x) => x.id === which) : undefined
    this.custom = s ? !PRESETS.includes(s.schedule) : false
    this.editing = which
    this.formError = null
    this.notice = ''
    this.confirmDelete = null
  }

  private async save(e: Event, s: Subscription | null) {
    e.preventDefault()
    const data = new FormData(e.target as HTMLFormElement)
    const preset = String(data.get('preset') ?? 'weekly')
    const body: SubscriptionInput = {
      name: String(data.get('name') ?? ''),
      recipients: String(data.get('recipients') ?? '').split(/[,\n;]/).map((r) => r.trim()).filter(Boolean),
      schedule: preset === 'custom' ? String(data.get('cron') ?? '') : preset,
      timezone: String(data.get('timezone') ?? '').trim(),
      initiatives: data.getAll('initiatives').map(String),
    }
    this.busy = true
    this.formError = null
    try {
      const saved = s ? await updateSubscription(s.id, body) : await createSubscription(body)
      this.notice = s ? `Saved “${saved.name}”.` : `Created “${saved.name}”. The first digest goes out within a minute.`
      this.editing = null
      await this.load()
    } catch (err) {
      this.formError = err
    } finally {
      this.busy = false
    }
  }

  private async removeSub(s: Subscription) {
    this.busy = true
    try {
      await deleteSubscription(s.id)
      this.notice = `Deleted “${s.name}”.`
      this.confirmDelete = null
      await this.load()
    } catch (err) {
      this.loadError = err
    } finally {
      this.busy = false
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-subscriptions': YsSubscriptions
  }
}
