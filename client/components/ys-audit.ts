/**
 * <ys-audit>: the audit log for admins: who changed what and when, with before → after for each
 * changed field. Filters (kind of thing, date range in the organisation's zone) live in the URL.
 */
import { LitElement, html, css } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { Task, TaskStatus } from '@lit/task'
import { fetchAudit } from '../api/client.js'
import type { AuditEntry } from '../api/types.js'
import { auditChanges, auditSentence, overrideSummary } from '../chart-data/audit-diff.js'
import { localDateString, startOfLocalDate } from '../../metrics/time-buckets.js'
import { errorBlock, formatDateTime, forms, navigate } from './admin-ui.js'
import { DAY_HINT, formatDay, parseDay } from '../chart-data/day-input.js'
import { base } from './styles.js'
import { AUDIT_ENTITY_TABLE } from '../../metrics/audit-entities.js'

const LIMIT = 500
const CHANGES_SHOWN = 6
const ENTITIES: Array<[string, string]> = [['', 'Everything'], ...Object.entries(AUDIT_ENTITY_TABLE).map(([k, w]): [string, string] => [k, w.filter])]
const DATE = /^\d{4}-\d{2}-\d{2}$/

interface Filters {
  entity: string
  from: string
  to: string
}

function readFilters(search: string): Filters {
  const q = new URLSearchParams(search)
  const entity = q.get('entity') ?? ''
  const from = q.get('from') ?? ''
  const to = q.get('to') ?? ''
  return { entity: ENTITIES.some(([k]) => k === entity) ? entity : '', from: DATE.test(from) ? from : '', to: DATE.test(to) ? to : '' }
}

function nextDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

@customElement('ys-audit')
export class YsAudit extends LitElement {
  static override styles = [
    base,
    forms,
    css`
      :host { display: block; }
      form.grid { align-items: end; }
      .what { font-weight: 600; }
      ul.changes { list-style: none; margin: 0; padding: 0; }
      ul.changes li { margin: 1px 0; }
      .old { color: var(--_muted); text-decoration: line-through; text-decoration-color: #9aa4ae; }
      .new { font-weight: 600; }
      .field { color: var(--_muted); }
      td.when { white-space: nowrap; }
      details summary { cursor: pointer; color: var(--_accent); }
    `,
  ]
  /** The page's query string (?entity=&from=&to=). */
  @property() search = ''
  @property() tz = 'UTC'

  private task = new Task(this, {
    args: () => [this.search, this.tz] as const,
    task: async ([search, tz], { signal }) => {
      this.removeAttribute('data-ready')
      const f = readFilters(search)
      const from = f.from ? new Date(startOfLocalDate(f.from, tz)).toISOString() : undefined
      const to = f.to ? new Date(startOfLocalDate(nextDate(f.to), tz)).toISOString() : undefined
      const { entries } = await fetchAudit({ from, to, entity: f.entity || undefined, limit: LIMIT }, signal)
      return entries
    },
  })

  override updated() {
    const s = this.task.status
    if (s === TaskStatus.COMPLETE) this.setAttribute('data-ready', 'true')
    else if (s === TaskStatus.ERROR) this.setAttribute('data-ready', 'error')
  }

  override render() {
    const f = readFilters(this.search)
    const today = localDateString(Date.now(), this.tz)
    return html`<h1>Audit log</h1>
      <p class="muted">Every change to initiatives, targets, baselines, costs, email subscriptions, users and API keys, and every deletion of events: who made it, when, and what it was before and after. Nothing here can be edited. Times in ${this.tz}.</p>
      <form class="grid card" @submit=${this.apply} aria-label="Filter the audit log">
        <div class="field"><label for="entity">Show</label>
          <select id="entity" name="entity">${ENTITIES.map(([k, label]) => html`<option value=${k} ?selected=${k === f.entity}>${label}</option>`)}</select></div>
        <div class="field"><label for="from">From</label><input id="from" name="from" autocomplete="off" .value=${formatDay(f.from)} aria-describedby="day-hint" /></div>
        <div class="field"><label for="to">To (inclusive)</label><input id="to" name="to" autocomplete="off" .value=${formatDay(f.to)} aria-describedby="day-hint" /></div>
        <p class="hint" id="day-hint">Dates like ${DAY_HINT.replace('e.g. ', '')}, up to ${formatDay(today)}.</p>
        ${this.dateError ? html`<p class="error" role="alert">${this.dateError}</p>` : null}
        <div class="field"><button class="primary" type="submit">Apply filters</button></div>
      </form>
      ${this.task.render({
        pending: () => html`<p class="muted" role="status">Loading the audit log…</p>`,
        error: (e) => errorBlock(e),
        complete: (entries) => this.renderEntries(entries),
      })}`
  }

  private renderEntries(entries: AuditEntry[]) {
    if (entries.length === 0) return html`<p class="empty">No changes recorded for these filters.</p>`
    return html`<p class="muted" role="status">${entries.length === LIMIT ? `The latest ${LIMIT} changes; narrow the dates to see older ones.` : `${entries.length} change${entries.length === 1 ? '' : 's'}, newest first.`}</p>
      <table class="stack" id="audit">
        <caption class="sr-only">Audit log entries, newest first</caption>
        <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Before → after</th></tr></thead>
        <tbody>${entries.map((e) => this.renderEntry(e))}</tbody>
      </table>`
  }

  private renderEntry(e: AuditEntry) {
    const changes = auditChanges(e.before, e.after)
    const override = overrideSummary(e)
    const line = (c: (typeof changes)[number]) =>
      html`<li><span class="field">${c.label}:</span> ${e.before == null ? html`<span class="new">${c.after}</span>` : e.after == null ? html`<span class="old">${c.before}</span>` : html`<span class="old">${c.before}</span> → <span class="new">${c.after}</span>`}</li>`
    return html`<tr>
      <td class="when num" data-label="When">${formatDateTime(e.at, this.tz)}</td>
      <td data-label="Who">${e.actor}</td>
      <td class="what" data-label="What">${auditSentence(e)}</td>
      <td data-label="Changes">${override
        ? html`<ul class="changes override">
            <li><span class="field">stage:</span> <span class="old">${override.from}</span> → <span class="new">production</span></li>
            <li><span class="field">verdict at the time:</span> ${override.verdict} (overridden, not fixed)</li>
            <li><span class="field">missing at the time:</span> ${override.missing.length ? override.missing.join('; ') : 'nothing listed'}</li>
            <li><span class="field">reason:</span> ${override.reason}</li></ul>`
        : changes.length === 0
        ? html`<span class="muted">no field changed</span>`
        : html`<ul class="changes">${changes.slice(0, CHANGES_SHOWN).map(line)}</ul>${changes.length > CHANGES_SHOWN
            ? html`<details><summary>${changes.length - CHANGES_SHOWN} more</summary><ul class="changes">${changes.slice(CHANGES_SHOWN).map(line)}</ul></details>`
            : null}`}</td>
    </tr>`
  }

  @state() private dateError = ''

  private apply(e: Event) {
    e.preventDefault()
    const data = new FormData(e.target as HTMLFormElement)
    const q = new URLSearchParams()
    const entity = String(data.get('entity') ?? '')
    if (entity) q.set('entity', entity)
    for (const [k, word] of [['from', 'From'], ['to', 'To']] as const) {
      const v = parseDay(String(data.get(k) ?? ''))
      if (v === null) {
        this.dateError = `${word}: write a date like ${DAY_HINT.replace('e.g. ', '')} (or 2026-12-06).`
        return
      }
      if (v) q.set(k, v)
    }
    this.dateError = ''
    const s = q.toString()
    navigate(this, `/audit${s ? `?${s}` : ''}`)
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-audit': YsAudit
  }
}
