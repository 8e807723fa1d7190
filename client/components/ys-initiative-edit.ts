/**
 * <ys-initiative-edit create>: editors register a new initiative (POST /api/v1/initiatives) with every
 * field, the stage gate's rules explained beside the stage.
 * <ys-initiative-edit slug="…">: editors change an initiative's owner, team, stage, costs, hourly value,
 * baselines and targets. Only changed fields are sent; the server's refusals (a move to production
 * that is not ready, a bad number) are shown in plain words, and admins may override the gate with a
 * reason.
 */
import { LitElement, html, css } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { api, ApiError, createInitiative, updateInitiative } from '../api/client.js'
import type { Initiative, InitiativeInput, InitiativePatch, Stage, UserRole } from '../api/types.js'
import { errorBlock, forms, linkClick, navigate } from './admin-ui.js'
import { DAY_HINT, formatDay, parseDay } from '../chart-data/day-input.js'
import { base } from './styles.js'
import { STAGES } from '../../metrics/stages.js'

/** The currencies offered first; the server takes any ISO 4217 code. */
const CURRENCIES = ['USD', 'EUR', 'GBP', 'CHF', 'CAD', 'AUD', 'JPY', 'SEK', 'NOK', 'DKK', 'INR', 'SGD']

const LABELS: Record<string, string> = {
  slug: 'Short name in links',
  name: 'Name',
  description: 'Description',
  currency: 'Currency',
  startedAt: 'Started on',
  owner: 'Owner',
  team: 'Team',
  stage: 'Stage',
  reason: 'Reason',
  hourlyValue: 'Value of an hour saved',
  upfrontCost: 'Upfront cost',
  monthlyCost: 'Monthly cost',
  costPerError: 'Cost of one error',
  'baselines.errorRate': 'Baseline error rate',
  'baselines.decisionLatencySeconds': 'Baseline decision time',
  'targets.timeSavedHoursPerMonth': 'Target hours saved per month',
  'targets.errorRate': 'Target error rate',
  'targets.revenueInfluencedPerMonth': 'Target revenue influenced per month',
  'targets.decisionLatencySeconds': 'Target decision time',
  'override.reason': 'Reason for the override',
}

type Num = number | null

/** Form values in the units people think in: rates in percent. */
interface FormValues {
  owner: string | null
  team: string | null
  stage: Stage
  hourlyValue: Num
  upfrontCost: number
  monthlyCost: number
  costPerError: Num
  baselineErrorPct: Num
  baselineLatency: Num
  targetHours: Num
  targetErrorPct: Num
  targetRevenue: Num
  targetLatency: Num
}

/** Durations are typed in minutes, hours or days and stored in seconds. */
const DURATION_UNITS = [
  { unit: 'minutes', seconds: 60 },
  { unit: 'hours', seconds: 3600 },
  { unit: 'days', seconds: 86_400 },
] as const
type DurationUnit = (typeof DURATION_UNITS)[number]['unit']

/**
 * The largest unit in which a stored duration is a whole-ish number, for showing it back.
 * @example durationField(86400) // { value: 1, unit: 'days' }
 */
export function durationField(seconds: number | null): { value: number | null; unit: DurationUnit } {
  if (seconds === null) return { value: null, unit: 'hours' }
  for (const u of [...DURATION_UNITS].reverse()) {
    if (seconds >= u.seconds && Math.abs(seconds / u.seconds - Math.round((seconds / u.seconds) * 100) / 100) < 1e-9) return { value: Math.round((seconds / u.seconds) * 100) / 100, unit: u.unit }
  }
  return { value: Math.round((seconds / 60) * 1e4) / 1e4, unit: 'minutes' }
}

const secondsOf = (value: number | null, unit: string) => (value === null ? null : Math.round(value * (DURATION_UNITS.find((u) => u.unit === unit)?.seconds ?? 1) * 1000) / 1000)

/** Lowercase letters, digits and hyphens from a name, as the server's slug rule wants. */
export function slugFrom(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60)
}

const BLANK: Initiative = {
  id: 0,
  createdAt: '',
  updatedAt: '',
  slug: '',
  name: '',
  description: '',
  owner: null,
  team: null,
  stage: 'pilot',
  currency: 'USD',
  hourlyValue: null,
  upfrontCost: 0,
  monthlyCost: 0,
  costPerError: null,
  startedAt: new Date().toISOString(),
  baselines: { errorRate: null, decisionLatencySeconds: null },
  targets: { timeSavedHoursPerMonth: null, errorRate: null, revenueInfluencedPerMonth: null, decisionLatencySeconds: null },
  stageHistory: [],
}

const pct = (rate: number | null) => (rate === null ? null : Math.round(rate * 100 * 1e6) / 1e6)
const rate = (p: number | null) => (p === null ? null : Math.round((p / 100) * 1e9) / 1e9)

function fromInitiative(i: Initiative): FormValues {
  return {
    owner: i.owner,
    team: i.team,
    stage: i.stage,
    hourlyValue: i.hourlyValue,
    upfrontCost: i.upfrontCost,
    monthlyCost: i.monthlyCost,
    costPerError: i.costPerError,
    baselineErrorPct: pct(i.baselines.errorRate),
    baselineLatency: i.baselines.decisionLatencySeconds,
    targetHours: i.targets.timeSavedHoursPerMonth,
    targetErrorPct: pct(i.targets.errorRate),
    targetRevenue: i.targets.revenueInfluencedPerMonth,
    targetLatency: i.targets.decisionLatencySeconds,
  }
}

/** The PATCH body for what differs between the stored values and the form. */
function patchFor(was: FormValues, now: FormValues): InitiativePatch {
  const p: InitiativePatch = {}
  if (now.owner !== was.owner) p.owner = now.owner
  if (now.team !== was.team) p.team = now.team
  if (now.stage !== was.stage) p.stage = now.stage
  for (const k of ['hourlyValue', 'costPerError'] as const) if (now[k] !== was[k]) p[k] = now[k]
  for (const k of ['upfrontCost', 'monthlyCost'] as const) if (now[k] !== was[k]) p[k] = now[k]
  const baselines: NonNullable<InitiativePatch['baselines']> = {}
  if (now.baselineErrorPct !== was.baselineErrorPct) baselines.errorRate = rate(now.baselineErrorPct)
  if (now.baselineLatency !== was.baselineLatency) baselines.decisionLatencySeconds = now.baselineLatency
  if (Object.keys(baselines).length) p.baselines = baselines
  const targets: NonNullable<InitiativePatch['targets']> = {}
  if (now.targetHours !== was.targetHours) targets.timeSavedHoursPerMonth = now.targetHours
  if (now.targetErrorPct !== was.targetErrorPct) targets.errorRate = rate(now.targetErrorPct)
  if (now.targetRevenue !== was.targetRevenue) targets.revenueInfluencedPerMonth = now.targetRevenue
  if (now.targetLatency !== was.targetLatency) targets.decisionLatencySeconds = now.targetLatency
  if (Object.keys(targets).length) p.targets = targets
  return p
}

@customElement('ys-initiative-edit')
export class YsInitiativeEdit extends LitElement {
  static override styles = [
    base,
    forms,
    css`
      :host { display: block; max-width: 960px; }
      fieldset { margin-top: 12px; }
      fieldset .grid { margin-top: 4px; }
      .unit { color: var(--_muted); font-weight: 400; }
      .pair { display: flex; gap: 6px; }
      .pair input { flex: 1 1 auto; min-width: 0; }
      .field.wide { grid-column: 1 / -1; }
      #gate-rules { margin: 8px 0 0; max-width: 70ch; }
    `,
  ]
  @property() slug = ''
  /** A form for a new initiative instead of an existing one's. */
  @property({ type: Boolean }) create = false
  /** The signed-in user's role; null when unknown (an API key), then the server decides. */
  @property({ attribute: false }) userRole: UserRole | null = null

  @state() private initiative: Initiative | null = null
  @state() private loadError: unknown = null
  @state() private error: unknown = null
  @state() private notice = ''
  @state() private busy = false
  /** The last refused body, kept for an admin override. */
  @state() private refused: InitiativePatch | null = null

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('create') && this.create) {
      this.initiative = { ...BLANK, startedAt: new Date().toISOString() }
      this.setAttribute('data-ready', 'true')
    } else if (changed.has('slug') && this.slug) void this.load()
  }

  private async load() {
    this.removeAttribute('data-ready')
    try {
      this.initiative = await api.initiative(this.slug)
      this.loadError = null
    } catch (e) {
      this.loadError = e
    }
    this.setAttribute('data-ready', this.loadError ? 'error' : 'true')
  }

  override render() {
    const back = this.create ? '/' : `/initiatives/${encodeURIComponent(this.slug)}`
    const i = this.initiative
    const head = html`<p><a href=${back} @click=${linkClick(this)}>← Back to ${this.create ? 'the portfolio' : i?.name ?? this.slug}</a></p>`
    if (this.loadError) return html`${head}${errorBlock(this.loadError)}`
    if (!i) return html`${head}<p class="muted" role="status">Loading…</p>`
    if (this.userRole === 'viewer') {
      return html`${head}<h1>${this.create ? 'New initiative' : i.name}</h1>
        <div class="error" role="alert" id="read-only"><p>Your account has the viewer role: you can read ${this.create ? 'initiatives' : 'this initiative'} but not ${this.create ? 'register one' : 'change it'}. Only editors and admins register initiatives and change owners, stages, costs, baselines and targets; ask an admin if you need to.</p></div>`
    }
    const v = fromInitiative(i)
    const cur = this.create ? this.currency : i.currency
    const num = (id: string, label: string, value: Num, opts: { unit?: string; step?: string; required?: boolean; max?: string; hint?: string } = {}) =>
      html`<div class="field"><label for=${id}>${label}${opts.unit ? html` <span class="unit">(${opts.unit})</span>` : null}</label>
        <input id=${id} name=${id} type="number" inputmode="decimal" min="0" step=${opts.step ?? 'any'} max=${opts.max ?? ''} ?required=${opts.required === true} .value=${value === null ? '' : String(value)} aria-describedby=${opts.hint ? `${id}-hint` : ''} />
        ${opts.hint ? html`<span class="hint" id=${`${id}-hint`}>${opts.hint}</span>` : null}</div>`
    const duration = (id: string, label: string, seconds: Num) => {
      const d = durationField(seconds)
      return html`<div class="field"><label for=${id}>${label}</label>
        <span class="pair"><input id=${id} name=${id} type="number" inputmode="decimal" min="0" step="any" .value=${d.value === null ? '' : String(d.value)} />
        <select name=${`${id}Unit`} aria-label=${`${label}: unit`}>${DURATION_UNITS.map((u) => html`<option value=${u.unit} ?selected=${u.unit === d.unit}>${u.unit}</option>`)}</select></span></div>`
    }
    const title = this.create ? 'New initiative' : `Edit ${i.name}`
    return html`${head}<h1>${title}</h1>
      <p class="muted">Every change is recorded in the audit log with your name${this.create ? '' : ', and what it was before'}.</p>
      <form @submit=${this.save} aria-label=${title} novalidate>
        ${this.create ? html`<fieldset><legend>What it is</legend><div class="grid">
          <div class="field"><label for="name">Name</label><input id="name" name="name" required maxlength="200" autocomplete="off" @input=${this.nameInput} /></div>
          <div class="field"><label for="slug">Short name in links <span class="unit">(lowercase, digits, hyphens)</span></label><input id="slug" name="slug" required maxlength="60" pattern="[a-z0-9]+(-[a-z0-9]+)*" autocomplete="off" aria-describedby="slug-hint" @input=${() => (this.slugTouched = true)} /><span class="hint" id="slug-hint">Events name the initiative by it; it cannot change later.</span></div>
          <div class="field wide"><label for="description">Description <span class="unit">(optional)</span></label><input id="description" name="description" maxlength="2000" /></div>
          <div class="field"><label for="currency">Currency</label><select id="currency" name="currency" @change=${(e: Event) => (this.currency = (e.target as HTMLSelectElement).value)}>${CURRENCIES.map((c) => html`<option value=${c} ?selected=${c === this.currency}>${c}</option>`)}</select></div>
          <div class="field"><label for="startedAt">Started on</label><input id="startedAt" name="startedAt" autocomplete="off" .value=${formatDay(i.startedAt.slice(0, 10))} required aria-describedby="startedAt-hint" /><span class="hint" id="startedAt-hint">${DAY_HINT}</span></div>
        </div></fieldset>` : null}
        <fieldset><legend>Accountability and stage</legend><div class="grid">
          <div class="field"><label for="owner">Owner <span class="unit">(email)</span></label><input id="owner" name="owner" type="email" .value=${v.owner ?? ''} autocomplete="off" /></div>
          <div class="field"><label for="team">Team</label><input id="team" name="team" maxlength="100" .value=${v.team ?? ''} /></div>
          <div class="field"><label for="stage">Stage</label><select id="stage" name="stage" aria-describedby="gate-rules">${STAGES.map((s) => html`<option value=${s} ?selected=${s === v.stage}>${s}</option>`)}</select></div>
          ${this.create ? null : html`<div class="field"><label for="reason">Reason for a stage change <span class="unit">(optional)</span></label><input id="reason" name="reason" maxlength="1000" /></div>`}
        </div>
        <p class="hint" id="gate-rules"><strong>The stage gate:</strong> pilot → scaling → production. Moving to <em>production</em> needs an owner, a baseline for each outcome it reports (error rate, decision time), enough recent events, and a “ready” verdict on the initiative page; otherwise the move is refused and says what is missing (an admin may override it, with a reason that is shown on the initiative page). A <em>retired</em> initiative stops accruing cost and is left out of the gate.</p>
        </fieldset>
        <fieldset><legend>Costs and value (${cur})</legend><div class="grid">
          ${num('hourlyValue', 'Value of an hour saved', v.hourlyValue, { unit: cur })}
          ${num('upfrontCost', 'Upfront cost', v.upfrontCost, { unit: cur, required: true })}
          ${num('monthlyCost', 'Monthly cost', v.monthlyCost, { unit: cur, required: true })}
          ${num('costPerError', 'Cost of one error', v.costPerError, { unit: cur })}
        </div></fieldset>
        <fieldset><legend>Baselines (before AI)</legend><div class="grid">
          ${num('baselineErrorPct', 'Error rate', v.baselineErrorPct, { unit: '%', max: '100' })}
          ${duration('baselineLatency', 'Decision time', v.baselineLatency)}
        </div></fieldset>
        <fieldset><legend>Targets</legend><div class="grid">
          ${num('targetHours', 'Hours saved per month', v.targetHours, { unit: 'hours' })}
          ${num('targetErrorPct', 'Error rate', v.targetErrorPct, { unit: '%', max: '100' })}
          ${num('targetRevenue', 'Revenue influenced per month', v.targetRevenue, { unit: cur })}
          ${duration('targetLatency', 'Decision time', v.targetLatency)}
        </div></fieldset>
        <p class="hint">Leave a field empty for “not set”.</p>
        ${this.error ? errorBlock(this.error, LABELS) : null}
        ${this.notice ? html`<p class="ok" role="status">${this.notice}</p>` : null}
        ${this.refused && this.userRole === 'admin' ? this.renderOverride() : null}
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Saving…' : this.create ? 'Create initiative' : 'Save changes'}</button>
          <a class="button" href=${back} @click=${linkClick(this)}>Cancel</a>
        </div>
      </form>`
  }

  @state() private currency = 'USD'
  private slugTouched = false

  private nameInput = (e: Event) => {
    if (this.slugTouched) return
    const slug = this.renderRoot.querySelector<HTMLInputElement>('#slug')
    if (slug) slug.value = slugFrom((e.target as HTMLInputElement).value)
  }

  private renderOverride() {
    return html`<div class="card" id="override">
      <label for="override-reason">As an admin, you may move it to production anyway. Say why (recorded in the audit log):</label>
      <input id="override-reason" maxlength="1000" />
      <div class="actions"><button class="danger" type="button" @click=${this.override}>Move to production anyway</button></div>
    </div>`
  }

  private read(form: HTMLFormElement): FormValues | string {
    const data = new FormData(form)
    const text = (k: string) => {
      const s = String(data.get(k) ?? '').trim()
      return s === '' ? null : s
    }
    const n = (k: string): Num => {
      const s = String(data.get(k) ?? '').trim()
      return s === '' ? null : Number(s)
    }
    const upfront = n('upfrontCost')
    const monthly = n('monthlyCost')
    if (upfront === null || monthly === null) return 'Upfront cost and monthly cost are needed (0 when there is none).'
    return {
      owner: text('owner'),
      team: text('team'),
      stage: String(data.get('stage')) as Stage,
      hourlyValue: n('hourlyValue'),
      upfrontCost: upfront,
      monthlyCost: monthly,
      costPerError: n('costPerError'),
      baselineErrorPct: n('baselineErrorPct'),
      baselineLatency: secondsOf(n('baselineLatency'), String(data.get('baselineLatencyUnit') ?? 'hours')),
      targetHours: n('targetHours'),
      targetErrorPct: n('targetErrorPct'),
      targetRevenue: n('targetRevenue'),
      targetLatency: secondsOf(n('targetLatency'), String(data.get('targetLatencyUnit') ?? 'hours')),
    }
  }

  private async save(e: Event) {
    e.preventDefault()
    if (!this.initiative) return
    const form = e.target as HTMLFormElement
    const values = this.read(form)
    this.notice = ''
    this.refused = null
    if (typeof values === 'string') {
      this.error = new ApiError(422, 'invalid', values)
      return
    }
    if (this.create) {
      await this.register(form, values)
      return
    }
    const patch = patchFor(fromInitiative(this.initiative), values)
    const reason = String(new FormData(form).get('reason') ?? '').trim()
    if (patch.stage && reason) patch.reason = reason
    if (Object.keys(patch).length === 0) {
      this.error = null
      this.notice = 'Nothing changed, so nothing was saved.'
      return
    }
    await this.send(patch)
  }

  private async register(form: HTMLFormElement, v: FormValues) {
    const data = new FormData(form)
    const text = (k: string) => String(data.get(k) ?? '').trim()
    const startedAt = parseDay(text('startedAt'))
    if (startedAt === null) {
      this.error = new ApiError(422, 'invalid', 'the initiative is invalid; nothing was stored', [{ field: 'startedAt', message: `write the start date like ${DAY_HINT.replace('e.g. ', '')} (or 2026-12-06)` }])
      return
    }
    const body: InitiativeInput = {
      slug: text('slug'),
      name: text('name'),
      description: text('description'),
      currency: text('currency') || 'USD',
      startedAt: startedAt || undefined,
      owner: v.owner,
      team: v.team,
      stage: v.stage,
      hourlyValue: v.hourlyValue,
      upfrontCost: v.upfrontCost,
      monthlyCost: v.monthlyCost,
      costPerError: v.costPerError,
      baselines: { errorRate: rate(v.baselineErrorPct), decisionLatencySeconds: v.baselineLatency },
      targets: { timeSavedHoursPerMonth: v.targetHours, errorRate: rate(v.targetErrorPct), revenueInfluencedPerMonth: v.targetRevenue, decisionLatencySeconds: v.targetLatency },
    }
    this.busy = true
    this.error = null
    try {
      const created = await createInitiative(body)
      this.dispatchEvent(new CustomEvent('ys-data-changed', { bubbles: true, composed: true }))
      navigate(this, `/initiatives/${encodeURIComponent(created.slug)}`)
    } catch (err) {
      this.error = err
    } finally {
      this.busy = false
    }
  }

  private async override() {
    const reason = this.renderRoot.querySelector<HTMLInputElement>('#override-reason')?.value.trim() ?? ''
    if (!this.refused) return
    // The stage history then reads "override: <why>", which the initiative page marks.
    const { reason: _typed, ...rest } = this.refused
    await this.send({ ...rest, override: { reason } } as InitiativePatch)
  }

  private async send(patch: InitiativePatch) {
    this.busy = true
    this.error = null
    try {
      this.initiative = await updateInitiative(this.slug, patch)
      this.refused = null
      this.notice = `Saved. The change is in the audit log.`
      this.dispatchEvent(new CustomEvent('ys-data-changed', { bubbles: true, composed: true }))
    } catch (err) {
      this.error = err
      if (err instanceof ApiError && err.code === 'not_ready') {
        const { override: _drop, ...rest } = patch as InitiativePatch & { override?: unknown }
        this.refused = rest
      }
    } finally {
      this.busy = false
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-initiative-edit': YsInitiativeEdit
  }
}
