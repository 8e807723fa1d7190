/**
 * <ys-imports>: history from a spreadsheet, without a terminal (editors and admins). Download the
 * template (built from the importer's own column table), choose or drop a CSV file: it is checked at once
 * (the API's dry run) and its bad rows listed by line and column; when every row is valid, one button
 * imports it, with its progress, then the result. Below, the past imports (GET /api/v1/imports).
 */
import { LitElement, html, css, type PropertyValues } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { api } from '../api/client.js'
import { fetchImport, fetchImports, startImport } from '../api/imports.js'
import type { ImportListItem, ImportRecord, Initiative, UserRole } from '../api/types.js'
import { importHeadline, importOutcome, importStep, OUTCOME_LOOK } from '../chart-data/import-status.js'
import { CSV_IMPORT_COLUMN_TABLE, CSV_IMPORT_COLUMNS, importTemplateCsv } from '../../metrics/csv-import.js'
import { errorBlock, formatDateTime, forms, linkClick } from './admin-ui.js'
import { base } from './styles.js'

/** Where the page is with the chosen file. */
type Step =
  | { kind: 'idle' }
  | { kind: 'uploading'; file: File; dryRun: boolean; fraction: number }
  | { kind: 'running'; file: File; record: ImportRecord }
  | { kind: 'finished'; file: File; record: ImportRecord }
  | { kind: 'error'; file: File | null; error: unknown }

const POLL_MS = 300
const n = (x: number) => x.toLocaleString('en-US')
/** A message as a sentence; one that starts with a camelCase column name (occurredAt) keeps its case. */
const sentence = (s: string) => (/^[a-z]+[A-Z]/.test(s) ? s : s.charAt(0).toUpperCase() + s.slice(1)) + (/[.!?)]$/.test(s) ? '' : '.')

@customElement('ys-imports')
export class YsImports extends LitElement {
  static override styles = [
    base,
    forms,
    css`
      :host { display: block; }
      .intro { max-width: 46rem; margin-top: 0; }
      section.card h2 { margin-top: 0; }
      .template { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: end; }
      .template .field { flex: 1 1 16rem; max-width: 24rem; }
      .template a.button { padding: 8px 14px; }
      .drop { border: 2px dashed var(--_border); border-radius: 8px; padding: 16px; background: #fafbfc; }
      .drop.over { border-color: var(--_accent); background: #eef6fc; }
      .drop input[type='file'] { border: 0; padding: 4px 0; background: transparent; max-width: 100%; }
      .progress { margin-top: 12px; }
      .progress p { margin: 0 0 6px; }
      progress { width: 100%; height: 12px; accent-color: var(--_accent); }
      .result { margin-top: 16px; padding: 12px 16px; border-radius: 6px; border-left: 4px solid var(--_border); }
      .result:focus { outline: none; }
      .result:focus-visible { outline: 3px solid var(--_accent); outline-offset: 2px; }
      .result.good { border-left-color: var(--_good); background: #f0faf5; color: inherit; }
      .result.bad { border-left-color: var(--_bad); background: #fff5f5; color: inherit; }
      .result h3 { margin: 0 0 6px; font-size: 1.05rem; }
      .result h3 .good, .result h3 .bad { font-weight: 700; }
      .result p { margin: 4px 0; }
      .problems { margin-top: 8px; background: #fff; }
      .problems td.line, .problems td.col { white-space: nowrap; }
      td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
      .columns td:first-child { white-space: nowrap; }
      details { margin-top: 12px; }
      summary { cursor: pointer; color: var(--_accent); }
      .result .file, .progress .file { overflow-wrap: anywhere; }
      td.file { overflow-wrap: break-word; }
      td.when, td.kind { white-space: nowrap; }
      label.checks { display: flex; gap: 8px; align-items: center; font-weight: 400; margin-bottom: 8px; min-height: 28px; }
      .result .about { color: var(--_muted); margin: 0 0 8px; }
      @media (max-width: 640px) {
        td.num { text-align: left; }
        .problems td.line, .problems td.col, .columns td:first-child { white-space: normal; }
        td.when, td.kind { white-space: normal; }
        /* The four counts side by side, so that an import is a few lines, not nine. */
        table.past td.num { display: inline-block; margin-right: 14px; }
      }
    `,
  ]

  @property({ attribute: false }) userRole: UserRole | null = null
  @property() tz = 'UTC'

  @state() private initiatives: Initiative[] = []
  @state() private templateFor = ''
  @state() private past: ImportListItem[] | null = null
  @state() private listError: unknown = null
  @state() private step: Step = { kind: 'idle' }
  @state() private dragging = false
  /** Whether the list shows checks (dry runs) beside imports. */
  @state() private showChecks = false
  /** The screen-reader announcement: only phase changes and every quarter, not every poll. */
  @state() private announce = ''
  @query('.result') private resultEl?: HTMLElement
  private focusResult = false
  private aborter = new AbortController()

  private get canImport() {
    return this.userRole !== 'viewer'
  }

  override connectedCallback() {
    super.connectedCallback()
    this.aborter = new AbortController()
    void this.load()
  }

  override disconnectedCallback() {
    super.disconnectedCallback()
    this.aborter.abort()
  }

  private async load() {
    this.removeAttribute('data-ready')
    if (!this.canImport) {
      this.setAttribute('data-ready', 'true')
      return
    }
    const [list, inits] = await Promise.allSettled([fetchImports(this.aborter.signal), api.initiatives(this.aborter.signal)])
    if (list.status === 'fulfilled') {
      this.past = list.value.imports
      this.listError = null
    } else this.listError = list.reason
    if (inits.status === 'fulfilled') {
      this.initiatives = inits.value.initiatives.filter((i) => i.stage !== 'retired').concat(inits.value.initiatives.filter((i) => i.stage === 'retired'))
      if (!this.initiatives.some((i) => i.slug === this.templateFor)) this.templateFor = this.initiatives[0]?.slug ?? ''
    }
    this.setAttribute('data-ready', this.listError ? 'error' : 'true')
  }

  private async refreshList() {
    try {
      this.past = (await fetchImports(this.aborter.signal)).imports
      this.listError = null
    } catch (e) {
      if ((e as Error).name !== 'AbortError') this.listError = e
    }
  }

  protected override updated(changed: PropertyValues) {
    super.updated(changed)
    if (this.focusResult && this.resultEl) {
      this.focusResult = false
      this.resultEl.focus()
    }
  }

  // ---- the file

  private onFileInput(e: Event) {
    const input = e.target as HTMLInputElement
    const file = input.files?.[0]
    // Cleared so that choosing the same file again (after fixing it) starts a new check.
    input.value = ''
    if (file) void this.check(file)
  }

  private onDragOver(e: DragEvent) {
    if (!e.dataTransfer?.types.includes('Files')) return
    e.preventDefault()
    e.dataTransfer.dropEffect = 'copy'
    this.dragging = true
  }

  private onDrop(e: DragEvent) {
    e.preventDefault()
    this.dragging = false
    const file = e.dataTransfer?.files?.[0]
    if (file) void this.check(file)
  }

  private busy(): boolean {
    return this.step.kind === 'uploading' || this.step.kind === 'running'
  }

  /** Checks the file (dry run): every row, nothing stored. */
  private async check(file: File) {
    if (this.busy()) return
    if (!/\.(csv|txt)$/i.test(file.name)) {
      this.step = { kind: 'error', file, error: new Error(`“${file.name}” is not a CSV file. In Excel or Google Sheets, save or download the sheet as “CSV (UTF-8)”, then choose that file`) }
      this.focusResult = true
      return
    }
    await this.run(file, true)
  }

  private async run(file: File, dryRun: boolean) {
    const signal = this.aborter.signal
    this.step = { kind: 'uploading', file, dryRun, fraction: 0 }
    this.announce = `${dryRun ? 'Checking' : 'Importing'} ${file.name}: sending the file`
    let record: ImportRecord
    try {
      record = await startImport(file, {
        dryRun,
        signal,
        onUpload: (fraction) => {
          if (this.step.kind === 'uploading') this.step = { ...this.step, fraction }
        },
      })
    } catch (e) {
      if ((e as Error).name === 'AbortError') return
      this.step = { kind: 'error', file, error: e }
      this.announce = ''
      this.focusResult = true
      return
    }
    let lastQuarter = -1
    while (record.status === 'running') {
      this.step = { kind: 'running', file, record }
      const s = importStep(record)
      const quarter = Math.floor(s.percent / 25) + (record.progress >= 0.5 && !record.dryRun ? 10 : 0)
      if (quarter !== lastQuarter) {
        lastQuarter = quarter
        this.announce = `${s.words}, ${s.percent}%`
      }
      await new Promise((r) => setTimeout(r, POLL_MS))
      if (signal.aborted) return
      try {
        record = await fetchImport(record.id, signal)
      } catch (e) {
        if ((e as Error).name === 'AbortError') return
        this.step = { kind: 'error', file, error: e }
        this.focusResult = true
        return
      }
    }
    this.step = { kind: 'finished', file, record }
    this.announce = ''
    this.focusResult = true
    void this.refreshList()
    if (!dryRun && record.accepted > 0) this.dispatchEvent(new CustomEvent('ys-data-changed', { bubbles: true, composed: true }))
  }

  private reset() {
    this.step = { kind: 'idle' }
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('#file')?.focus())
  }

  // ---- rendering

  override render() {
    if (!this.canImport) {
      return html`<h1>Import history</h1><p class="error" role="alert">Your account has the viewer role: importing events needs an editor or an admin. Ask an admin if you need it.</p>`
    }
    return html`<h1>Import history</h1>
      <p class="intro muted">Bring past outcomes in from a spreadsheet saved as CSV: one event per row. Every row is checked first and its problems listed; one bad row means nothing is stored, and importing the same file twice counts nothing twice.</p>
      ${this.renderTemplate()} ${this.renderUpload()} ${this.renderPast()}`
  }

  private renderTemplate() {
    const init = this.initiatives.find((i) => i.slug === this.templateFor)
    const slug = init?.slug ?? 'your-initiative'
    const csv = importTemplateCsv({ initiative: slug, currency: init?.currency ?? null, now: Date.now() })
    return html`<section class="card" aria-labelledby="template-h">
      <h2 id="template-h">1. Start from the template</h2>
      <p>The first line names the columns; <code>initiative</code>, <code>metric</code> and <code>occurredAt</code> are required. The template has one example row per metric: replace them with your own.</p>
      <div class="template">
        <div class="field">
          <label for="template-initiative">Initiative for the example rows</label>
          <select id="template-initiative" @change=${(e: Event) => (this.templateFor = (e.target as HTMLSelectElement).value)}>
            ${this.initiatives.length === 0 ? html`<option value="">No initiative yet</option>` : null}
            ${this.initiatives.map((i) => html`<option value=${i.slug} ?selected=${i.slug === this.templateFor}>${i.name} (${i.slug})</option>`)}
          </select>
        </div>
        <a class="button" id="template" href=${`data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`} download=${`yardstick-import-${slug}.csv`}>Download the template (CSV)</a>
      </div>
      <details>
        <summary>What each column holds</summary>
        <table class="stack columns">
          <thead><tr><th scope="col">Column</th><th scope="col">Required</th><th scope="col">What it holds</th></tr></thead>
          <tbody>${CSV_IMPORT_COLUMNS.map((c) => html`<tr><td data-label="Column"><code>${c}</code></td><td data-label="Required">${CSV_IMPORT_COLUMN_TABLE[c].required ? 'yes' : 'no'}</td><td data-label="What it holds">${sentence(CSV_IMPORT_COLUMN_TABLE[c].help)}</td></tr>`)}</tbody>
        </table>
      </details>
    </section>`
  }

  private renderUpload() {
    const busy = this.busy()
    return html`<section class="card" aria-labelledby="upload-h">
      <h2 id="upload-h">2. Check and import your file</h2>
      <div class="drop ${this.dragging ? 'over' : ''}" @dragover=${this.onDragOver} @dragenter=${this.onDragOver} @dragleave=${() => (this.dragging = false)} @drop=${this.onDrop}>
        <label for="file">CSV file <span class="hint">Drag the file here or choose it. It is checked at once; nothing is stored until you press Import.</span></label>
        <input id="file" type="file" accept=".csv,text/csv" ?disabled=${busy} @change=${this.onFileInput}>
      </div>
      <p class="sr-only" aria-live="polite" aria-atomic="true">${this.announce}</p>
      ${this.renderStep()}
    </section>`
  }

  private renderStep() {
    const s = this.step
    switch (s.kind) {
      case 'idle':
        return null
      case 'uploading': {
        const pct = Math.floor(s.fraction * 100)
        return html`<div class="progress" data-phase="upload">
          <p><strong class="file">${s.file.name}</strong>: sending the file (${pct}%)</p>
          <progress max="100" value=${pct} aria-label="Sending the file"></progress>
        </div>`
      }
      case 'running': {
        const st = importStep(s.record)
        return html`<div class="progress" data-phase="running">
          <p><strong class="file">${s.file.name}</strong>: ${st.words.charAt(0).toLowerCase() + st.words.slice(1)} (${st.percent}%)</p>
          <progress max="100" value=${st.percent} aria-label=${s.record.dryRun ? 'Checking the file' : 'Importing the file'}></progress>
        </div>`
      }
      case 'error':
        return html`<div class="result bad" tabindex="-1" data-outcome="error">
          <h3><span class="bad">✕</span> ${s.file ? html`<span class="file">${s.file.name}</span> was not read` : 'Not read'}</h3>
          ${errorBlock(s.error)}
          <div class="actions"><button class="secondary" type="button" @click=${() => this.reset()}>Choose another file</button></div>
        </div>`
      case 'finished':
        return this.renderResult(s.file, s.record)
    }
  }

  private renderResult(file: File, r: ImportRecord) {
    const outcome = importOutcome(r)
    const look = OUTCOME_LOOK[outcome]
    const tone = look.tone === 'good' ? 'good' : 'bad'
    return html`<div class="result ${tone}" tabindex="-1" data-outcome=${outcome} aria-labelledby="result-h">
      <h3 id="result-h"><span class=${tone} aria-hidden="true">${look.symbol}</span> ${importHeadline(r)}</h3>
      <p class="about">${r.dryRun ? 'Checked' : 'Imported from'} <span class="file">${file.name}</span>.</p>
      ${outcome === 'valid' && r.rowsRead > 0
        ? html`<div class="actions"><button class="primary" id="import" type="button" @click=${() => this.run(file, false)}>Import ${n(r.rowsRead)} row${r.rowsRead === 1 ? '' : 's'}</button><button class="secondary" type="button" @click=${() => this.reset()}>Choose another file</button></div>`
        : null}
      ${outcome === 'invalid' ? this.renderProblems(r) : null}
      ${outcome === 'imported'
        ? html`<p>${r.accepted > 0 ? `The figures include ${r.accepted === 1 ? 'it' : 'them'} now.` : 'Every row was already there: nothing changed.'} <a href="/" @click=${linkClick(this)}>See the portfolio</a></p>
            <div class="actions"><button class="secondary" type="button" @click=${() => this.reset()}>Import another file</button></div>`
        : null}
      ${outcome === 'failed' ? html`<div class="actions"><button class="secondary" type="button" @click=${() => this.run(file, false)}>Import it again</button><button class="secondary" type="button" @click=${() => this.reset()}>Choose another file</button></div>` : null}
    </div>`
  }

  private renderProblems(r: ImportRecord) {
    return html`<p>Fix these rows in your spreadsheet (line 1 is the header), save it as CSV again and choose it again.</p>
      ${r.badRows > r.problems.length && r.problems.length > 0 ? html`<p class="muted">The first ${n(r.problems.length)} problems are shown.</p>` : null}
      <table class="stack problems">
        <caption class="sr-only">Rows to fix</caption>
        <thead><tr><th scope="col">Line</th><th scope="col">Column</th><th scope="col">What to fix</th></tr></thead>
        <tbody>${r.problems.map((p) => html`<tr data-line=${p.line}><td class="line num" data-label="Line">${p.line}</td><td class="col" data-label="Column">${p.column ? html`<code>${p.column}</code>` : 'whole row'}</td><td data-label="What to fix">${sentence(p.message)}</td></tr>`)}</tbody>
      </table>
      ${r.problems.some((p) => p.column === 'initiative' && /is not registered/.test(p.message))
        ? html`<p>An initiative must be registered before events can be imported for it: <a href="/initiatives/new" @click=${linkClick(this)}>register a new initiative</a>, or correct the slug (it is the last part of the initiative's address).</p>`
        : null}
      <div class="actions"><button class="secondary" type="button" @click=${() => this.reset()}>Choose another file</button></div>`
  }

  private renderPast() {
    const all = this.past ?? []
    const shown = this.showChecks ? all : all.filter((i) => !i.dryRun)
    const checks = all.length - all.filter((i) => !i.dryRun).length
    return html`<section aria-labelledby="past-h">
      <h2 id="past-h">Past imports</h2>
      ${checks > 0 ? html`<label class="checks"><input type="checkbox" id="show-checks" .checked=${this.showChecks} @change=${(e: Event) => (this.showChecks = (e.target as HTMLInputElement).checked)}> Show checks too (${n(checks)}, nothing stored)</label>` : null}
      ${this.listError
        ? errorBlock(this.listError)
        : this.past === null
          ? html`<p class="muted" role="status">Loading…</p>`
          : shown.length === 0
            ? html`<p class="empty">${all.length === 0 ? 'No imports yet.' : 'No imports yet, only checks.'}</p>`
            : html`<table class="stack past">
                <thead><tr><th scope="col">When</th><th scope="col">File</th><th scope="col">By</th><th scope="col">Kind</th><th scope="col" class="num">Rows</th><th scope="col" class="num">Stored</th><th scope="col" class="num">Already there</th><th scope="col" class="num">Bad rows</th><th scope="col">Status</th></tr></thead>
                <tbody>${shown.map((i) => {
                  const outcome = importOutcome(i)
                  const look = OUTCOME_LOOK[outcome]
                  return html`<tr data-id=${i.id} data-outcome=${outcome}>
                    <td data-label="When" class="when">${formatDateTime(i.startedAt, this.tz)}</td>
                    <td data-label="File" class="file">${i.fileName}</td>
                    <td data-label="By" class="file">${i.actor}</td>
                    <td data-label="Kind" class="kind">${i.dryRun ? 'check only' : 'import'}</td>
                    <td data-label="Rows" class="num">${n(i.rowsRead)}</td>
                    <td data-label="Stored" class="num">${n(i.accepted)}</td>
                    <td data-label="Already there" class="num">${n(i.duplicates)}</td>
                    <td data-label="Bad rows" class="num">${n(i.badRows)}</td>
                    <td data-label="Status" class=${look.tone}>${look.symbol} ${outcome === 'running' ? `running, ${importStep(i).percent}%` : look.word}</td>
                  </tr>`
                })}</tbody>
              </table>`}
    </section>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-imports': YsImports
  }
}
