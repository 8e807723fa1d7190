/**
 * <ys-alerts>: alert rules with their state per initiative (what is firing and why, in words) and
 * their last deliveries with every attempt; editors create and delete rules; admins manage webhooks
 * (the secret is shown once, right after creation).
 */
import { LitElement, html, css } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { api } from '../api/client.js'
import type { AlertAttempt, AlertDelivery, AlertRule as AlertRuleView, Initiative, UserRole, Webhook as WebhookView, WebhookTarget } from '../api/types.js'
import { errorBlock, formatDateTime, forms } from './admin-ui.js'
import { base } from './styles.js'
import { KINDS, MONTHLY_METRICS } from '../../metrics/metric-kinds.js'

type Kind = AlertRuleView['kind']
type Tone = AlertRuleView['states'][number]['tone']
type Attempt = AlertAttempt

const KIND_WORDS: Record<Kind, string> = {
  trajectory: 'Monthly target off course',
  readiness: 'Readiness change',
  payback: 'Payback slipping',
  silence: 'No events (integration broken)',
}

/** What each kind watches, in a line under the form's "When". */
const KIND_HINTS: Record<Kind, string> = {
  trajectory: "Fires when the month's projected total will miss the initiative's monthly target; says by how much and since which day.",
  readiness: 'Fires when an initiative becomes ready to scale (good news, shown in green) or falls to at risk, with the main reasons.',
  payback: 'Fires when the projected payback month moves this many months later than when the rule first saw it, or out of sight.',
  silence: 'Fires when no event has arrived from an initiative for this long (a broken integration); resolves when one arrives.',
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
  return `no events received for ${hoursWords(Number(r.params.hours))}`
}

/** A number of hours in the largest sensible unit: "6 hours", "1.5 hours", "30 minutes", "1 second". */
function hoursWords(hours: number): string {
  const unit = (n: number, one: string) => `${Number(n.toFixed(n < 10 ? 2 : 1))} ${one}${n === 1 ? '' : 's'}`
  if (hours >= 48) return unit(hours / 24, 'day')
  if (hours >= 1) return unit(hours, 'hour')
  if (hours * 60 >= 1) return unit(hours * 60, 'minute')
  return unit(Math.round(hours * 3600 * 100) / 100, 'second')
}

const TONE_SYMBOL: Record<Tone, string> = { good: '✓', warn: '!', neutral: '·' }

/** A webhook as anyone who reads rules may see it: its kind and host, never the URL. */
function hookWords(w: { format: string; host: string }): string {
  return `${w.format === 'slack' ? 'Slack/Teams' : 'JSON webhook'} ${w.host}`
}

/** One attempt in words: "HTTP 200 in 13 ms: delivered", "HTTP 500 in 76 ms: will retry (down for maintenance)". */
function attemptWords(channel: 'email' | 'webhook', a: Attempt): string {
  const code = a.statusCode === null ? 'no answer' : `${channel === 'email' ? 'SMTP' : 'HTTP'} ${a.statusCode}`
  const took = a.durationMs === null ? '' : ` in ${a.durationMs < 1000 ? `${Math.round(a.durationMs)} ms` : `${(a.durationMs / 1000).toFixed(1)} s`}`
  const outcome = a.outcome === 'retry' ? 'will retry' : a.outcome
  // The error repeats the status code; say it once.
  const error = a.error?.replace(/^HTTP \d{3}(: )?/, '').trim()
  return `${code}${took}: ${outcome}${error ? ` (${error})` : ''}`
}

const SUMMARY_WORDS: Record<string, string> = { sent: 'delivered', uncertain: 'delivered maybe twice', retrying: 'retrying', pending: 'waiting', sending: 'sending', failed: 'failed', cancelled: 'cancelled' }

/** "Deliveries (3): all delivered" or "Deliveries (4): 3 delivered, 1 retrying". */
function deliverySummary(list: AlertDelivery[]): string {
  if (list.length === 0) return 'Deliveries: none yet'
  const counts = new Map<string, number>()
  for (const d of list) {
    const w = SUMMARY_WORDS[d.status] ?? d.status
    counts.set(w, (counts.get(w) ?? 0) + 1)
  }
  const parts = [...counts].map(([w, n]) => (counts.size === 1 ? `${n === 1 ? '' : 'all '}${w}` : `${n} ${w}`))
  return `Deliveries and attempts (${list.length}${list.length >= 20 ? ', latest' : ''}): ${parts.join(', ')}`
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
      .head { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: baseline; margin-bottom: 6px; }
      .head h2 { margin: 0; }
      .badge { display: inline-block; font-weight: 600; border-radius: 4px; padding: 0 6px; border: 1px solid currentColor; white-space: nowrap; }
      .badge.good { color: var(--ys-color-good, #1a7f37); background: #f0faf5; }
      .badge.warn { color: var(--ys-color-warn, #9a6700); background: #fff8e6; }
      .badge.neutral { color: var(--_muted); background: #f6f8fa; }
      .pairs, .delivery-list { list-style: none; padding: 0; margin: 8px 0; display: grid; gap: 8px; }
      .pair { border-left: 3px solid var(--_border, #d0d7de); padding-left: 8px; overflow-wrap: anywhere; }
      .pair[data-tone='good'] { border-left-color: var(--ys-color-good, #1a7f37); }
      .pair[data-tone='warn'] { border-left-color: var(--ys-color-warn, #9a6700); }
      .why { margin: 2px 0 0; }
      .delivery { border-top: 1px solid var(--_border, #d0d7de); padding-top: 6px; overflow-wrap: anywhere; }
      .attempts { margin: 2px 0; font-variant-numeric: tabular-nums; }
      .event { font-size: 0.85em; }
      summary { cursor: pointer; min-height: 24px; }
      ul.rules, ul.hooks { list-style: none; padding: 0; margin: 0; }
      ul.rules { display: grid; gap: 12px; }
      .hook { display: flex; gap: 8px 16px; justify-content: space-between; align-items: flex-start; padding: 8px 0; border-bottom: 1px solid var(--_border, #d0d7de); overflow-wrap: anywhere; }
      .hook-main { min-width: 0; }
      .hook button { flex: none; }
      h3 { font-size: 1rem; margin: 16px 0 8px; }
      form.card { margin-bottom: 16px; }
      .when { white-space: nowrap; }
      @media (max-width: 480px) { dd + dt { margin-top: 6px; } }
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
  /** The webhooks a rule may post to, as editors see them (GET /api/v1/webhook-targets). */
  @state() private targets: WebhookTarget[] = []
  @state() private initiatives: Initiative[] = []
  @state() private loadError: unknown = null
  @state() private formError: unknown = null
  @state() private creating = false
  /** The id of the rule whose form is open in its place. */
  @state() private editing: number | null = null
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
      if (this.canEdit) {
        try {
          this.targets = (await api.request<{ webhooks: WebhookTarget[] }>('GET', '/api/v1/webhook-targets')).webhooks
        } catch {
          this.targets = []
        }
      }
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
      ${this.canEdit ? (this.creating ? this.renderForm() : html`<div class="actions"><button class="primary" id="new" @click=${() => ((this.creating = true), (this.editing = null), (this.kind = 'trajectory'), (this.formError = null))}>New alert rule</button></div>`) : html`<p class="muted">Your account has the viewer role: you can see the rules but not change them.</p>`}
      ${this.loadError ? errorBlock(this.loadError) : this.rules === null ? html`<p class="muted" role="status">Loading…</p>` : this.renderRules(this.rules)}
      ${this.isAdmin && this.hooks ? this.renderWebhooks(this.hooks) : null}`
  }

  private renderRules(rules: AlertRuleView[]) {
    if (rules.length === 0) return html`<p class="empty">No alert rules yet.${this.canEdit ? ' Create one with “New alert rule” above.' : ' An editor can create them.'}</p>`
    return html`<ul class="rules" aria-label="Alert rules">${rules.map((r) => {
      const shown = r.states.filter((s) => s.state !== 'ok').sort((a, b) => Number(b.state === 'firing') - Number(a.state === 'firing') || (b.since ?? '').localeCompare(a.since ?? ''))
      if (this.editing === r.id) return html`<li>${this.renderForm(r)}</li>`
      return html`<li><section class="card rule" data-id=${r.id} data-state=${r.state} aria-labelledby=${`rule-${r.id}`}>
      <div class="head"><h2 id=${`rule-${r.id}`}>${r.name}</h2><span class="state">${this.ruleSummary(r)}</span></div>
      <dl>
        <dt>When</dt><dd>${KIND_WORDS[r.kind]}: ${paramWords(r)}</dd>
        <dt>Watches</dt><dd>${r.initiative === null ? 'All initiatives' : (this.initiatives.find((i) => i.slug === r.initiative)?.name ?? r.initiative)}</dd>
        <dt>Owner</dt><dd>${r.owner ?? r.createdBy}${r.webhookTargets.length ? html` <span class="muted">(emailed if a webhook fails for days and is disabled)</span>` : null}</dd>
        <dt>Sends to</dt><dd>${[...r.emails, ...r.webhookTargets.map((w) => `${hookWords(w)}${w.disabled ? ' (disabled)' : ''}`)].join(', ') || 'nobody yet: add an email or a webhook'}</dd>
      </dl>
      ${shown.length ? html`<ul class="pairs" aria-label=${`Alerts of ${r.name}`}>${shown.map((s) => html`<li class="pair" data-initiative=${s.initiative} data-state=${s.state} data-tone=${s.tone}>
          <span class=${`badge ${s.tone}`}>${TONE_SYMBOL[s.tone]} ${s.headline}</span> <strong>${s.name}</strong> <span class="muted">${s.state === 'firing' ? 'since' : 'at'} <span class="when">${formatDateTime(s.since, this.tz)}</span></span>
          ${s.message ? html`<p class="why">${s.message}</p>` : null}
        </li>`)}</ul>` : null}
      ${r.deliveries.length === 0
        ? html`<p class="muted">No deliveries yet: a message goes out when the rule fires and again when it resolves.</p>`
        : html`<details class="deliveries" ?open=${r.deliveries.some((d) => d.status === 'failed' || d.status === 'retrying')}><summary>${deliverySummary(r.deliveries)}</summary>${this.renderDeliveries(r, r.deliveries)}</details>`}
      ${this.canEdit ? html`<div class="actions"><button class="secondary" @click=${() => this.startEditing(r)} aria-label=${`Change ${r.name}`}>Change</button><button class="danger" @click=${() => this.removeRule(r)} aria-label=${`Delete ${r.name}`}>Delete</button></div>` : null}
    </section></li>`
    })}</ul>`
  }

  /** The rule's state in a line: what fires (by its tone and words), or that nothing does. */
  private ruleSummary(r: AlertRuleView) {
    const firing = r.states.filter((s) => s.state === 'firing')
    if (firing.length === 0) {
      const last = r.states.filter((s) => s.state === 'resolved').map((s) => s.since ?? '').sort().pop()
      return last ? html`<span class="badge good">✓ Not firing</span> <span class="muted">last resolved <span class="when">${formatDateTime(last, this.tz)}</span></span>` : html`<span class="badge neutral">· Not fired yet</span>`
    }
    const groups = new Map<string, { tone: Tone; headline: string; n: number }>()
    for (const s of firing) {
      const g = groups.get(s.headline) ?? { tone: s.tone, headline: s.headline, n: 0 }
      g.n++
      groups.set(s.headline, g)
    }
    return [...groups.values()].sort((a, b) => Number(b.tone === 'warn') - Number(a.tone === 'warn')).map((g) => html`<span class=${`badge ${g.tone}`}>${TONE_SYMBOL[g.tone]} ${g.headline}: ${g.n} initiative${g.n === 1 ? '' : 's'}</span> `)
  }

  private renderDeliveries(r: AlertRuleView, list: AlertDelivery[]) {
    if (list.length === 0) return html`<p class="muted">Nothing sent yet: a message goes out when the rule fires and when it resolves.</p>`
    const names = (slugs: string[]) => slugs.map((x) => r.states.find((s) => s.initiative === x)?.name ?? this.initiatives.find((i) => i.slug === x)?.name ?? x).join(', ')
    const to = (d: AlertDelivery) => {
      if (d.channel === 'email') return d.target
      const w = r.webhookTargets.find((x) => String(x.id) === d.target)
      return w ? hookWords(w) : `webhook ${d.target} (removed)`
    }
    return html`<ol class="delivery-list">${list.map((d) => {
      const w = STATUS_WORDS[d.status] ?? { symbol: '', word: d.status, tone: 'muted' }
      return html`<li class="delivery" data-status=${d.status} data-channel=${d.channel}>
        <div class="line"><span class=${`badge ${d.tone}`}>${TONE_SYMBOL[d.tone]} ${d.headline}</span>${d.initiatives.length ? html` <strong>${names(d.initiatives)}</strong>` : null} → ${to(d)}: <span class=${w.tone}>${w.symbol} ${w.word}</span>${d.nextAttemptAt ? html` <span class="muted">(next try ${formatDateTime(d.nextAttemptAt, this.tz)})</span>` : null}</div>
        ${d.attempts.length === 0 ? html`<p class="muted attempt">No attempt yet.</p>` : html`<ul class="attempts">${d.attempts.map((a) => html`<li class="attempt" data-outcome=${a.outcome}>${formatDateTime(a.at, this.tz)} · ${attemptWords(d.channel, a)}</li>`)}</ul>`}
        <div class="muted event">event ${d.eventId}</div>
      </li>`
    })}</ol>`
  }

  /** The rule form: empty to create one, or filled with `rule` to change it (PATCH; states start afresh only when kind, scope or parameters change). */
  private renderForm(rule?: AlertRuleView) {
    const k = this.kind
    const p = rule && rule.kind === k ? rule.params : {}
    const on = (p.on as string[] | undefined) ?? ['ready', 'at_risk']
    return html`<form class="card" @submit=${(e: Event) => this.saveRule(e, rule)} aria-label=${rule ? `Change ${rule.name}` : 'New alert rule'}>
      ${this.formError ? errorBlock(this.formError, { name: 'Name', initiative: 'Initiative', kind: 'Kind', emails: 'Emails', webhooks: 'Webhooks', 'params.hours': 'Hours', 'params.months': 'Months', 'params.metric': 'Target' }) : null}
      <label>Name <input name="name" required maxlength="200" .value=${rule?.name ?? ''}></label>
      <label>When <select name="kind" @change=${(e: Event) => (this.kind = (e.target as HTMLSelectElement).value as Kind)}>${(Object.keys(KIND_WORDS) as Kind[]).map((x) => html`<option value=${x} ?selected=${x === k}>${KIND_WORDS[x]}</option>`)}</select><span class="hint">${KIND_HINTS[k]}</span></label>
      ${k === 'trajectory' ? html`<label>Target <select name="metric">${MONTHLY_METRICS.map((m) => html`<option value=${m} ?selected=${p.metric === m}>${KINDS[m].noun} per month</option>`)}</select></label>` : null}
      ${k === 'readiness' ? html`<fieldset><legend>Tell me when an initiative</legend><label><input type="checkbox" name="on" value="ready" ?checked=${on.includes('ready')}> becomes ready to scale</label><label><input type="checkbox" name="on" value="at_risk" ?checked=${on.includes('at_risk')}> falls to at risk</label></fieldset>` : null}
      ${k === 'payback' ? html`<label>Months later <input name="months" type="number" min="1" max="120" step="1" .value=${String(p.months ?? 2)}></label>` : null}
      ${k === 'silence' ? html`<label>Hours without events <input name="hours" type="number" min="0.0001" step="any" .value=${String(p.hours ?? 6)}></label>` : null}
      <label>Initiative <select name="initiative"><option value="">All initiatives</option>${this.initiatives.map((i) => html`<option value=${i.slug} ?selected=${rule?.initiative === i.slug}>${i.name}</option>`)}</select></label>
      <label>Email to (comma-separated) <input name="emails" type="text" placeholder="cfo@example.com" .value=${rule?.emails.join(', ') ?? ''}></label>
      ${this.targets.some((w) => !w.disabled) ? html`<fieldset><legend>Webhooks</legend>${this.targets.filter((w) => !w.disabled).map((w) => html`<label><input type="checkbox" name="webhooks" value=${w.id} ?checked=${rule?.webhooks.includes(w.id) ?? false}> ${hookWords(w)}</label>`)}</fieldset>` : html`<p class="muted">No webhooks to post to yet${this.isAdmin ? ': add one under Webhooks below' : ': an admin can add one'}.</p>`}
      ${rule ? html`<p class="hint">Changing what it watches (when, target, initiative) starts its alerts afresh; changing the name or where it sends does not.</p>` : null}
      <div class="actions"><button class="primary" type="submit">${rule ? 'Save changes' : 'Create rule'}</button><button class="secondary" type="button" @click=${() => ((this.creating = false), (this.editing = null), (this.formError = null))}>Cancel</button></div>
    </form>`
  }

  private startEditing(r: AlertRuleView) {
    this.creating = false
    this.formError = null
    this.kind = r.kind
    this.editing = r.id
  }

  private async saveRule(e: Event, rule?: AlertRuleView) {
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
      if (rule) await api.request('PATCH', `/api/v1/alert-rules/${rule.id}`, { body })
      else await api.request('POST', '/api/v1/alert-rules', { body })
      this.creating = false
      this.editing = null
      this.formError = null
      this.notice = rule ? `Saved “${body.name}”.` : `Created “${body.name}”; it is evaluated within five minutes (or now with npm run cli -- alerts run).`
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
      <p class="muted">Each POST is signed with the webhook's secret (see docs/ALERTS.md) and retried on 5xx, 429 and timeouts. A webhook whose every attempt fails for days on end is disabled on the date shown, and the owners of its rules are told by email.</p>
      ${this.newSecret ? html`<p class="ok" role="status">Webhook ${this.newSecret.id} created. Its signing secret, shown only now: <span class="secret">${this.newSecret.secret}</span></p>` : null}
      ${hooks.length ? html`<ul class="hooks" aria-label="Webhooks">${hooks.map((w) => html`<li class="hook" data-id=${w.id}><div class="hook-main"><strong>${w.format === 'slack' ? 'Slack/Teams' : 'JSON'}</strong> <span class="mono">${w.url}</span><br>${w.disabledAt ? html`<span class="bad">✕ disabled ${formatDateTime(w.disabledAt, this.tz)}: ${w.disabledReason}</span>` : w.failingSince ? html`<span class="warn">! failing since ${formatDateTime(w.failingSince, this.tz)}; disabled ${formatDateTime(w.disablesAt, this.tz)} unless an attempt succeeds first</span>` : html`<span class="good">✓ healthy</span>`}</div><button class="danger" @click=${() => this.removeHook(w)} aria-label=${`Delete webhook ${w.id}`}>Delete</button></li>`)}</ul>` : html`<p class="empty">No webhooks yet: add one below to post alerts to Slack, Teams or your own endpoint.</p>`}
      <h3>Add a webhook</h3>
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
