/**
 * <ys-readiness-panel slug="…">: is this initiative ready to move from pilot to production? The verdict,
 * what is missing and what is met (who attested what, and when), the seed's benchmarks beside its own
 * figures, and, for editors and admins, forms to record the use-case fit and to attest checklist items.
 * Emits `ys-readiness-changed` (detail: the new verdict) after a change.
 */
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { Task } from '@lit/task'
import { ATTESTABLE_ITEMS, CATEGORY_LABELS, CHECKLIST_LABELS, FIT_SCALES, USE_CASE_CATEGORIES, VERDICT_WORDS, type AttestableItem, type Finding, type Readiness, type Verdict } from '../../metrics/readiness.js'
import { attest, fetchReadiness, saveFit } from '../api/readiness.js'
import { base } from './styles.js'
import { DAY_HINT, parseDay } from '../chart-data/day-input.js'
import './ys-readiness-badge.js'
import { formatDate } from '../../metrics/format.js'

const PHASES: Record<number, string> = { 1: 'Phase 1 · use case', 2: 'Phase 2 · integration', 3: 'Phase 3 · governance', 4: 'Phase 4 · evidence' }

@customElement('ys-readiness-panel')
export class YsReadinessPanel extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; }
      h2 { margin: 0 0 4px; font-size: 1.15rem; }
      h3 { font-size: 0.95rem; margin: 14px 0 6px; }
      .head { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; }
      .lead { margin: 6px 0 0; }
      ul.items { list-style: none; padding: 0; margin: 0; }
      ul.items li { display: grid; grid-template-columns: 1.4em 1fr; gap: 4px; padding: 3px 0; }
      .who { font-size: 0.85em; color: var(--_muted); }
      .phase { font-size: 0.75em; color: var(--_muted); text-transform: uppercase; letter-spacing: 0.03em; }
      .bench { display: grid; gap: 6px; margin: 0; padding: 0; list-style: none; }
      .bench li { border-left: 3px solid var(--_border); padding-left: 8px; }
      .source { font-size: 0.8em; color: var(--_muted); }
      form { display: grid; gap: 8px; margin-top: 8px; max-width: 560px; }
      label { display: grid; gap: 2px; font-size: 0.9em; }
      select, input, textarea { padding: 5px; border: 1px solid var(--_border); border-radius: 6px; background: #fff; }
      textarea { min-height: 3em; }
      button[type='submit'] { justify-self: start; padding: 6px 14px; border-radius: 6px; border: 1px solid var(--_accent); background: var(--_accent); color: #fff; }
      details { margin-top: 12px; }
      summary { cursor: pointer; font-weight: 600; }
      .msg { font-size: 0.9em; }
      .cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 300px), 1fr)); gap: 4px 24px; }
    `,
  ]

  @property() slug = ''
  @state() private message: { tone: 'good' | 'bad'; text: string } | null = null
  @state() private busy = false
  private reload = 0

  private task = new Task(this, {
    args: () => [this.slug, this.reload] as const,
    task: async ([slug], { signal }) => {
      const readiness = await fetchReadiness(slug, signal)
      return { readiness, canEdit: readiness.permissions.attest }
    },
  })

  override render() {
    return html`<section class="card" aria-labelledby="readiness-h">
      ${this.task.render({
        pending: () => html`<h2 id="readiness-h">Ready to scale?</h2><p role="status" aria-live="polite">Checking readiness…</p>`,
        error: (e) => html`<h2 id="readiness-h">Ready to scale?</h2><p class="error" role="alert">Readiness could not be loaded: ${(e as Error).message}</p>`,
        complete: ({ readiness, canEdit }) => this.renderLoaded(readiness, canEdit),
      })}
    </section>`
  }

  private renderLoaded(r: Readiness, canEdit: boolean) {
    const first = (r.verdict === 'at_risk' ? r.risks[0] : undefined) ?? r.missing[0]
    return html`
      <div class="head"><h2 id="readiness-h">Ready to scale?</h2><ys-readiness-badge verdict=${r.verdict} detail=${first?.message ?? ''}></ys-readiness-badge></div>
      <p class="lead">${lead(r.verdict, r.missing.length, r.stage)}</p>
      ${r.flags.map((f) => html`<p class="warn"><span aria-hidden="true">! </span>${f.message}</p>`)}
      <div class="cols">
        <div>
          <h3>Missing (${r.missing.length})</h3>
          ${r.missing.length === 0 ? html`<p class="muted">Nothing: every rule is met.</p>` : html`<ul class="items" id="missing">${r.missing.map((m) => this.item(m, false))}</ul>`}
        </div>
        <div>
          <h3>Met (${r.met.length})</h3>
          <ul class="items" id="met">${r.met.map((m) => this.item(m, true))}</ul>
        </div>
      </div>
      <h3>Against the seed's benchmarks</h3>
      <ul class="bench" id="benchmarks">
        ${r.benchmarks.map((b) => html`<li data-benchmark=${b.id}><strong>${b.label}</strong>${b.applies ? nothing : html` <span class="muted">(does not apply now)</span>`}<div>${b.comparison}</div><div class="source">${b.source}</div></li>`)}
      </ul>
      ${canEdit ? this.forms(r) : nothing}
      ${this.message ? html`<p class="msg ${this.message.tone}" role="status">${this.message.tone === 'good' ? '✓ ' : '✕ '}${this.message.text}</p>` : nothing}
    `
  }

  private item(m: Finding, met: boolean) {
    return html`<li data-item=${m.item}>
      <span class=${met ? 'good' : 'bad'} aria-hidden="true">${met ? '✓' : '✕'}</span>
      <span><span class="sr-only">${met ? 'met: ' : 'missing: '}</span>${m.message}${m.attestedBy ? html`<div class="who">${m.phase === 1 ? 'recorded' : 'attested'} by ${m.attestedBy}${m.attestedAt ? ` on ${formatDate(m.attestedAt, 'UTC')}` : ''}</div>` : nothing}${m.phase ? html`<div class="phase">${PHASES[m.phase]}</div>` : nothing}</span>
    </li>`
  }

  private forms(r: Readiness) {
    const f = r.fit
    const scale = (dim: 'repetitiveness' | 'clarity' | 'engagement') => html`<label>${FIT_SCALES[dim].label}: ${FIT_SCALES[dim].question}
      <select name=${dim} required>
        ${FIT_SCALES[dim].levels.map((d, i) => html`<option value=${i + 1} ?selected=${(f[dim]?.level ?? 3) === i + 1}>${i + 1} · ${d}</option>`)}
      </select></label>`
    return html`
      <details id="fit-form">
        <summary>Record the use-case fit</summary>
        <p class="muted">Volume is measured from the events: ${f.volume.eventsPerMonth.toLocaleString('en-US')} events ${f.volume.basis === 'last_full_month' ? `in ${f.volume.month}` : 'in the last 30 days'} (level ${f.volume.level} of 4: ${f.volume.description}).</p>
        <form @submit=${(e: SubmitEvent) => this.submitFit(e)}>
          <label>Category
            <select name="category" required>${USE_CASE_CATEGORIES.map((c) => html`<option value=${c} ?selected=${f.category === c}>${CATEGORY_LABELS[c]}</option>`)}</select></label>
          ${scale('repetitiveness')} ${scale('clarity')} ${scale('engagement')}
          <label>Note <textarea name="note" maxlength="2000">${f.note ?? ''}</textarea></label>
          <button type="submit" ?disabled=${this.busy}>Save fit</button>
        </form>
      </details>
      <details id="attest-form">
        <summary>Attest a checklist item</summary>
        <form @submit=${(e: SubmitEvent) => this.submitAttestation(e)}>
          <label>Item
            <select name="item" required>${ATTESTABLE_ITEMS.map((i) => html`<option value=${i}>${CHECKLIST_LABELS[i]}</option>`)}</select></label>
          <label>What was done (note) <textarea name="note" required maxlength="2000" placeholder="e.g. Reviewed outcomes by region and supplier size; no disparity found"></textarea></label>
          <label>Date <span class="muted">(${DAY_HINT}; empty for today)</span> <input name="date" autocomplete="off" /></label>
          <label>Reviewer, if not you <input name="reviewer" maxlength="200" /></label>
          <button type="submit" ?disabled=${this.busy}>Attest</button>
        </form>
        <p class="muted">Recorded under your name with the date, in the audit log.</p>
      </details>`
  }

  private async submitFit(e: SubmitEvent) {
    e.preventDefault()
    const d = new FormData(e.currentTarget as HTMLFormElement)
    await this.change(() =>
      saveFit(this.slug, {
        category: String(d.get('category')) as (typeof USE_CASE_CATEGORIES)[number],
        repetitiveness: Number(d.get('repetitiveness')),
        clarity: Number(d.get('clarity')),
        engagement: Number(d.get('engagement')),
        note: String(d.get('note') ?? ''),
      }), 'Use-case fit saved.')
  }

  private async submitAttestation(e: SubmitEvent) {
    e.preventDefault()
    const form = e.currentTarget as HTMLFormElement
    const d = new FormData(form)
    const date = parseDay(String(d.get('date') ?? ''))
    if (date === null) {
      this.message = { tone: 'bad', text: `Date: write it like ${DAY_HINT.replace('e.g. ', '')} (or 2026-12-06), or leave it empty for today.` }
      return
    }
    const reviewer = String(d.get('reviewer') ?? '').trim()
    const item = String(d.get('item')) as AttestableItem
    const ok = await this.change(() => attest(this.slug, { item, note: String(d.get('note') ?? ''), ...(date ? { date } : {}), ...(reviewer ? { reviewer } : {}) }), `${CHECKLIST_LABELS[item]}: attested.`)
    if (ok) form.reset()
  }

  private async change(run: () => Promise<unknown>, done: string): Promise<boolean> {
    this.busy = true
    this.message = null
    try {
      await run()
      this.message = { tone: 'good', text: done }
      this.reload++
      this.task.run()
      await this.task.taskComplete.catch(() => undefined)
      const v = this.task.value?.readiness.verdict
      this.dispatchEvent(new CustomEvent<{ verdict: Verdict | undefined }>('ys-readiness-changed', { detail: { verdict: v }, bubbles: true, composed: true }))
      return true
    } catch (err) {
      this.message = { tone: 'bad', text: (err as Error).message }
      return false
    } finally {
      this.busy = false
    }
  }
}

function lead(v: Verdict, missing: number, stage: string): string {
  const w = VERDICT_WORDS[v]
  if (v === 'ready') return stage === 'production' ? 'Ready: every rule of the gate is met in production.' : 'Ready to move from pilot to production: every rule is met.'
  if (v === 'at_risk') return `At risk: ${missing} thing${missing === 1 ? '' : 's'} short of ready, including a result going the wrong way.`
  return `${w.word.charAt(0).toUpperCase()}${w.word.slice(1)}: ${missing} thing${missing === 1 ? '' : 's'} to do before it can scale.`
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-readiness-panel': YsReadinessPanel
  }
}
