/**
 * <ys-alerts>: alert rules with their state per initiative (what is firing and why, in words) and
 * their last deliveries with every attempt; editors create and delete rules; admins manage webhooks
 * (the secret is shown once, right after creation).
 */
import { LitElement, html, css } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { api } from '../api/client.js'
import type { Initiative, UserRole } from '../api/types.js'
import { errorBlock, formatDateTime, forms } from './admin-ui.js'
import { base } from './styles.js'
import { KINDS, MONTHLY_METRICS } from '../../metrics/metric-kinds.js'

type Kind = 'trajectory' | 'readiness' | 'payback' | 'silence'

interface Attempt {
  at: string
  durationMs: number
  outcome: string
  statusCode: number | null
  error: string | null
}

interface AlertDelivery {
  id: number
  eventId: string
  type: string
  initiatives: string[]
  channel: 'email' | 'webhook'
  target: string
  status: string
  attempts: Attempt[]
  lastError: string | null
  sentAt: string | null
  nextAttemptAt: string | null
  createdAt: string
}

interface AlertRuleView {
  id: number
  name: string
  initiative: string | null
  kind: Kind
  params: Record<string, unknown>
  emails: string[]
  webhooks: number[]
  webhookTargets: Array<{ id: number; format: string; host: string; disabled: boolean }>
  state: 'firing' | 'resolved' | 'ok'
  firing: number
  states: Array<{ initiative: string; name: string; state: string; since: string | null; message: string | null; evaluatedAt: string }>
  deliveries: AlertDelivery[]
}

interface WebhookView {
  id: number
  url: string
  format: 'json' | 'slack'
  failingSince: string | null
  disabledAt: string | null
  disabledReason: string | null
}

const KIND_WORDS: Record<Kind, string> = {
  trajectory: 'Monthly target off course',
  readiness: 'Readiness change',
  payback: 'Payback slipping',
  silence: 'No events (integration broken)',
}

const STATUS_WORDS: Record<string, { symbol: string; word: string; tone: string }> = {
  sent: { symbol: '✓', word: 'delivered', tone: 'good' },
  uncertain: { symbol: '!', word: 'delivered, maybe twice (same event id)', tone: 'warn' },
  retrying: { symbol: '↻', word: 'retrying', tone: 'warn' },
  pending: { symbol: '…', word: 'waiting', tone: 'muted' },
  sending: { symbol: '…', word: 'sending', tone: 'muted' },
  failed: { symbol: '✕', word: 'failed', tone: 'bad' },
  cancelled: { symbol: '–', word: 'cancelled', tone: 'muted' },
}

/** The rule's parameters in words. */
function paramWords(r: Pick<AlertRuleView, 'kind' | 'params'>): string {
  if (r.kind === 'trajectory') return `the month's projected ${r.params.metric === 'revenue_influenced' ? 'revenue influenced' : 'hours saved'} will miss the monthly target`
  if (r.kind === 'readiness') return `the verdict becomes ${(r.params.on as string[]).map((v) => (v === 'at_risk' ? 'at risk' : 'ready to scale')).join(' or ')}`
  if (r.kind === 'payback') return `the projected payback month moves ${r.params.months} month${r.params.months === 1 ? '' : 's'} later, or out of sight`
  return `no events received for ${r.params.hours} hour${r.params.hours === 1 ? '' : 's'}`
}

@customElement('ys-alerts')
export class YsAlerts extends LitElement {
  static override styles = [
    base,
    forms,
    css`
      :host { display: block; }
      .rules { display: grid; gap: 12px; }
      .rule h2 { margin: 0 0 6px; font-size: 1.1rem; overflow-wrap: anywhere; }
      dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 16px; margin: 0 0 8px; }
      dt { color: var(--_muted); }
      dd { margin: 0; overflow-wrap: anywhere; }
      @media (max-width: 480px) { dl { grid-template-columns: minmax(0, 1fr); } }
      .firing { color: var(--ys-color-warn, #9a6700); font-weight: 600; }
      .good { color: var(--ys-color-good, #1a7f37); }
      .bad { color: var(--ys-color-bad, #cf222e); }
      .warn { color: var(--ys-color-warn, #9a6700); }
      ul { margin: 4px 0; padding-left: 18px; }
      table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
      th, td { text-align: left; padding: 4px 8px 4px 0; border-bottom: 1px solid var(--_border, #d0d7de); vertical-align: top; }
      .secret { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
      details { margin-top: 6px; }
    `,
  ]
  @property({ attribute: false }) userRole: UserRole | null = null
  @property() tz = 'UTC'

  @state() private rules: AlertRuleView[] | null = null
  @state() private hooks: WebhookView[] | null = null
  @state() private initiatives: Initiative[] = []
  @state() private loadError: unknown = null
  @state() private formError: unknown = null
  @state() private creating = false
  @state() private kind: Kind = 'trajectory'
  @state() private notice = ''
  @state() private newSecret: { id: number; secret: string } | null = null

  private get canEdit() {
    return this.userRole !== 'viewer'
  }
  private get isAdmin() {
    return this.userRole === 'admin' || this.userRole === null
  }

  override connectedCallback() {
    super.connectedCallback()
    void this.load()
  }

  private async load() {
    this.removeAttribute('data-ready')
    try {
      const [r, i] = await Promise.all([api.request<{ alertRules: AlertRuleView[] }>('GET', '/api/v1/alert-rules'), api.initiatives()])
      this.rules = r.alertRules
      this.initiatives = i.initiatives
      this.loadError = null
      if (this.isAdmin) {
        try {
          this.hooks = (await api.request<{ webhooks: WebhookView[] }>('GET', '/api/v1/webhooks')).webhooks
        } catch {
          this.hooks = null
        }
      }
    } catch (e) {
      this.loadError = e
    }
    this.setAttribute('data-ready', this.loadError ? 'error' : 'true')
  }

  override render() {
    return html`<h1>Alerts</h1>
      <p class="muted">Be told, by email or webhook, when an initiative is heading off its monthly target, changes readiness, its payback slips, or its events stop. Each alert is sent once when it fires and once when it resolves.</p>
      ${this.notice ? html`<p class="ok" role="status">${this.notice}</p>` : null}
      ${this.canEdit ? (this.creating ? this.renderForm() : html`<div class="actions"><button class="primary" id="new" @click=${() => (this.creating = true)}>New alert rule</button></div>`) : html`<p class="muted">Your account has the viewer role: you can see the rules but not change them.</p>`}
      ${this.loadError ? errorBlock(this.loadError) : this.rules === null ? html`<p class="muted" role="status">Loading…</p>` : this.renderRules(this.rules)}
      ${this.isAdmin && this.hooks ? this.renderWebhooks(this.hooks) : null}`
  }

  private renderRules(rules: AlertRuleView[]) {
    if (rules.length === 0) return html`<p class="empty">No alert rules yet.${this.canEdit ? ' Create one above.' : ''}</p>`
    return html`<div class="rules" role="list">${rules.map((r) => html`<section class="card rule" role="listitem" data-id=${r.id} aria-labelledby=${`rule-${r.id}`}>
      <h2 id=${`rule-${r.id}`}>${r.name}</h2>
      <dl>
        <dt>State</dt><dd class="state">${r.firing > 0 ? html`<span class="firing">! firing for ${r.firing} initiative${r.firing === 1 ? '' : 's'}</span>` : html`<span class="good">✓ not firing</span>`}</dd>
        <dt>When</dt><dd>${KIND_WORDS[r.kind]}: ${paramWords(r)}</dd>
        <dt>Scope</dt><dd>${r.initiative === null ? 'All initiatives' : (this.initiatives.find((i) => i.slug === r.initiative)?.name ?? r.initiative)}</dd>
        <dt>Sends to</dt><dd>${[...r.emails, ...r.webhookTargets.map((w) => `${w.format === 'slack' ? 'Slack/Teams' : 'webhook'} ${w.host}${w.disabled ? ' (disabled)' : ''}`)].join(', ') || '–'}</dd>
      </dl>
      ${r.states.filter((s) => s.state === 'firing').length ? html`<ul class="firing-list">${r.states.filter((s) => s.state === 'firing').map((s) => html`<li><strong>${s.name}</strong> (since ${formatDateTime(s.since, this.tz)}): ${s.message}</li>`)}</ul>` : null}
      <details><summary>Last deliveries (${r.deliveries.length})</summary>${this.renderDeliveries(r.deliveries)}</details>
      ${this.canEdit ? html`<div class="actions"><button class="danger" @click=${() => this.removeRule(r)} aria-label=${`Delete ${r.name}`}>Delete</button></div>` : null}
    </section>`)}</div>`
  }

  private renderDeliveries(list: AlertDelivery[]) {
    if (list.length === 0) return html`<p class="muted">Nothing sent yet: the rule has not fired.</p>`
    return html`<table><thead><tr><th scope="col">What</th><th scope="col">To</th><th scope="col">Status</th><th scope="col">Attempts</th></tr></thead><tbody>${list.map((d) => {
      const w = STATUS_WORDS[d.status] ?? { symbol: '', word: d.status, tone: 'muted' }
      return html`<tr data-status=${d.status}><td>${d.type.replace('alert.', '')}${d.initiatives.length ? `, ${d.initiatives.join(', ')}` : ''}<br><span class="muted">${d.eventId}</span></td><td>${d.channel === 'webhook' ? `webhook ${d.target}` : d.target}</td><td class=${w.tone}>${w.symbol} ${w.word}${d.nextAttemptAt ? html`<br><span class="muted">next ${formatDateTime(d.nextAttemptAt, this.tz)}</span>` : null}</td>
        <td>${d.attempts.length === 0 ? '–' : html`<ul>${d.attempts.map((a) => html`<li>${formatDateTime(a.at, this.tz)}: ${a.statusCode ?? ''} ${a.outcome}${a.error ? ` (${a.error})` : ''}, ${a.durationMs} ms</li>`)}</ul>`}</td></tr>`
    })}</tbody></table>`
  }

  private renderForm() {
    const k = this.kind
    return html`<form class="card" @submit=${(e: Event) => this.createRule(e)} aria-label="New alert rule">
      ${this.formError ? errorBlock(this.formError, { name: 'Name', initiative: 'Initiative', kind: 'Kind', emails: 'Emails', webhooks: 'Webhooks', 'params.hours': 'Hours', 'params.months': 'Months', 'params.metric': 'Target' }) : null}
      <label>Name <input name="name" required maxlength="200"></label>
      <label>When <select name="kind" @change=${(e: Event) => (this.kind = (e.target as HTMLSelectElement).value as Kind)}>${(Object.keys(KIND_WORDS) as Kind[]).map((x) => html`<option value=${x} ?selected=${x === k}>${KIND_WORDS[x]}</option>`)}</select></label>
      ${k === 'trajectory' ? html`<label>Target <select name="metric">${MONTHLY_METRICS.map((m) => html`<option value=${m}>${KINDS[m].noun} per month</option>`)}</select></label>` : null}
      ${k === 'readiness' ? html`<fieldset><legend>Tell me when an initiative</legend><label><input type="checkbox" name="on" value="ready" checked> becomes ready to scale</label><label><input type="checkbox" name="on" value="at_risk" checked> falls to at risk</label></fieldset>` : null}
      ${k === 'payback' ? html`<label>Months later <input name="months" type="number" min="1" max="120" step="1" value="2"></label>` : null}
      ${k === 'silence' ? html`<label>Hours without events <input name="hours" type="number" min="0.01" step="any" value="6"></label>` : null}
      <label>Initiative <select name="initiative"><option value="">All initiatives</option>${this.initiatives.map((i) => html`<option value=${i.slug}>${i.name}</option>`)}</select></label>
      <label>Email to (comma-separated) <input name="emails" type="text" placeholder="cfo@example.com"></label>
      ${this.hooks && this.hooks.length ? html`<fieldset><legend>Webhooks</legend>${this.hooks.filter((w) => !w.disabledAt).map((w) => html`<label><input type="checkbox" name="webhooks" value=${w.id}> ${w.format} ${w.url}</label>`)}</fieldset>` : null}
      <div class="actions"><button class="primary" type="submit">Create rule</button><button class="secondary" type="button" @click=${() => ((this.creating = false), (this.formError = null))}>Cancel</button></div>
    </form>`
  }

  private async createRule(e: Event) {
    e.preventDefault()
    const f = new FormData(e.target as HTMLFormElement)
    const kind = this.kind
    const params = kind === 'trajectory' ? { metric: f.get('metric') } : kind === 'readiness' ? { on: f.getAll('on') } : kind === 'payback' ? { months: Number(f.get('months')) } : { hours: Number(f.get('hours')) }
    const body = {
      name: String(f.get('name') ?? ''),
      kind,
      params,
      initiative: f.get('initiative') ? String(f.get('initiative')) : null,
      emails: String(f.get('emails') ?? '').split(',').map((x) => x.trim()).filter(Boolean),
      webhooks: f.getAll('webhooks').map(Number),
    }
    try {
      await api.request('POST', '/api/v1/alert-rules', { body })
      this.creating = false
      this.formError = null
      this.notice = `Created “${body.name}”; it is evaluated within five minutes (or now with npm run cli -- alerts run).`
      await this.load()
    } catch (err) {
      this.formError = err
    }
  }

  private async removeRule(r: AlertRuleView) {
    if (!confirm(`Delete “${r.name}”? No more alerts are sent for it.`)) return
    try {
      await api.request('DELETE', `/api/v1/alert-rules/${r.id}`)
      this.notice = `Deleted “${r.name}”.`
      await this.load()
    } catch (err) {
      this.loadError = err
    }
  }

  private renderWebhooks(hooks: WebhookView[]) {
    return html`<h2>Webhooks</h2>
      <p class="muted">Each POST is signed with the webhook's secret (see docs/ALERTS.md). A webhook failing for days on end is disabled, and its rules' owners are told by email.</p>
      ${this.newSecret ? html`<p class="ok" role="status">Webhook ${this.newSecret.id} created. Its signing secret, shown only now: <span class="secret">${this.newSecret.secret}</span></p>` : null}
      ${hooks.length ? html`<table><thead><tr><th scope="col">Id</th><th scope="col">URL</th><th scope="col">Format</th><th scope="col">Health</th><th scope="col"></th></tr></thead><tbody>${hooks.map((w) => html`<tr><td>${w.id}</td><td style="overflow-wrap:anywhere">${w.url}</td><td>${w.format}</td><td>${w.disabledAt ? html`<span class="bad">✕ disabled ${formatDateTime(w.disabledAt, this.tz)}: ${w.disabledReason}</span>` : w.failingSince ? html`<span class="warn">! failing since ${formatDateTime(w.failingSince, this.tz)}</span>` : html`<span class="good">✓ healthy</span>`}</td><td><button class="danger" @click=${() => this.removeHook(w)} aria-label=${`Delete webhook ${w.id}`}>Delete</button></td></tr>`)}</tbody></table>` : html`<p class="empty">No webhooks yet.</p>`}
      <form class="card" @submit=${(e: Event) => this.createHook(e)} aria-label="New webhook">
        <label>URL <input name="url" type="url" required placeholder="https://hooks.slack.com/services/…"></label>
        <label>Format <select name="format"><option value="json">JSON</option><option value="slack">Slack / Teams incoming webhook</option></select></label>
        <div class="actions"><button class="primary" type="submit">Add webhook</button></div>
      </form>`
  }

  private async createHook(e: Event) {
    e.preventDefault()
    const f = new FormData(e.target as HTMLFormElement)
    try {
      const created = await api.request<{ id: number; secret: string }>('POST', '/api/v1/webhooks', { body: { url: String(f.get('url') ?? ''), format: String(f.get('format') ?? 'json') } })
      this.newSecret = { id: created.id, secret: created.secret }
      await this.load()
    } catch (err) {
      this.loadError = err
    }
  }

  private async removeHook(w: WebhookView) {
    if (!confirm(`Delete webhook ${w.id}? Rules stop posting to it.`)) return
    try {
      await api.request('DELETE', `/api/v1/webhooks/${w.id}`)
      await this.load()
    } catch (err) {
      this.loadError = err
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-alerts': YsAlerts
  }
}
