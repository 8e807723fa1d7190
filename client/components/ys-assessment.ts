/**
 * <ys-assessment>: where the organisation stands on AI readiness (GET /api/v1/assessment). First the
 * answer (the overall score in words and its change), then where the answers and the data disagree, the
 * three next steps with the initiatives concerned, the organisation's figures against the framework's,
 * each phase question by question (the answer beside what the data says), the history of takings, and,
 * for editors, the questionnaire (POST /api/v1/assessment). Every figure is the API's; nothing is
 * computed here. Links to initiatives emit `ys-navigate-url`.
 */
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { Task } from '@lit/task'
import { PHASE_LABELS, type AssessmentView, type Comparison, type ScoredPhase, type ScoredQuestion } from '../../metrics/assessment.js'
import { api, ApiError } from '../api/client.js'
import { base } from './styles.js'

const WORDS: Record<string, string> = { starting: 'Starting', developing: 'Developing', established: 'Established', leading: 'Leading' }
const MEANING: Record<string, string> = {
  starting: 'AI is tried here and there; little of it is measured or governed yet.',
  developing: 'Some initiatives are chosen, connected and governed well; most are not yet.',
  established: 'Most initiatives are chosen well, connected, governed and measured.',
  leading: 'Nearly every initiative is chosen well, reports on its own, is governed and meets its targets.',
}

@customElement('ys-assessment')
export class YsAssessment extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; }
      h1 { font-size: 1.4rem; margin: 4px 0 2px; }
      h2 { font-size: 1.1rem; margin: 0 0 8px; }
      h3 { font-size: 1rem; margin: 0; }
      section { margin: 14px 0; }
      .answer { display: flex; flex-wrap: wrap; gap: 8px 28px; align-items: baseline; }
      .score { font-size: 2.6rem; font-weight: 700; line-height: 1.1; }
      .score small { font-size: 1rem; font-weight: 500; color: var(--_muted); }
      .word { font-size: 1.3rem; font-weight: 600; }
      .lead { font-size: 1.05rem; margin: 6px 0 0; max-width: 70ch; }
      .change.up { color: var(--_good); }
      .change.down { color: var(--_bad); }
      .callout { border-left: 4px solid var(--_warn); background: #fffaf0; }
      .callout ul, ol.steps { margin: 0; padding-left: 1.3em; }
      .callout li, ol.steps li { margin: 6px 0; }
      ol.steps .gain { font-size: 0.85em; color: var(--_muted); }
      .links { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 0.92em; }
      .links a { display: inline-block; min-height: 24px; line-height: 24px; }
      a { color: var(--_accent); }
      .grid3 { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 260px), 1fr)); gap: 12px; }
      .grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr)); gap: 12px; }
      .tile .big { font-size: 1.5rem; font-weight: 700; }
      .tile .vs { color: var(--_muted); font-size: 0.9em; }
      .source { font-size: 0.8em; color: var(--_muted); margin-top: 6px; }
      .phase-head { display: flex; justify-content: space-between; gap: 8px; align-items: baseline; }
      .phase-score { font-weight: 700; white-space: nowrap; }
      .bar { height: 6px; background: #eef0f2; border-radius: 3px; margin: 6px 0 8px; }
      .bar span { display: block; height: 100%; background: var(--_accent); border-radius: 3px; }
      .q { border-top: 1px solid var(--_border); padding: 8px 0; }
      .q p { margin: 2px 0; }
      .q .text { font-weight: 600; }
      .label { color: var(--_muted); font-size: 0.85em; min-width: 5.5em; display: inline-block; }
      .flag { font-weight: 600; }
      table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
      th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--_border); }
      td.num, th.num { text-align: right; }
      .table-wrap { overflow-x: auto; }
      @media (max-width: 600px) {
        /* On a phone each taking is a small block of label: value lines, nothing off screen. */
        table, tbody, tr, td { display: block; }
        thead { display: none; }
        tr { border-bottom: 1px solid var(--_border); padding: 6px 0; }
        td { border: 0; padding: 1px 0; display: flex; justify-content: space-between; gap: 8px; text-align: right; }
        td::before { content: attr(data-label); color: var(--_muted); text-align: left; }
        td.num { text-align: right; }
      }
      form fieldset { border: 1px solid var(--_border); border-radius: 6px; margin: 8px 0; padding: 6px 10px; }
      form legend { font-weight: 600; padding: 0 4px; }
      form label { display: grid; grid-template-columns: auto 1fr; gap: 8px; padding: 4px 0; font-size: 0.92em; align-items: start; }
      form input[type=radio] { width: 20px; height: 20px; margin: 2px; }
      textarea { width: 100%; box-sizing: border-box; min-height: 3em; border: 1px solid var(--_border); border-radius: 6px; padding: 5px; }
      button[type='submit'] { padding: 6px 14px; border-radius: 6px; border: 1px solid var(--_accent); background: var(--_accent); color: #fff; }
      details > summary { cursor: pointer; font-weight: 600; }
    `,
  ]

  /** The organisation's timezone, for dates. */
  @property() tz = 'UTC'
  @state() private message: { tone: 'good' | 'bad'; text: string } | null = null
  @state() private busy = false
  @state() private reload = 0

  private task = new Task(this, {
    args: () => [this.reload] as const,
    task: ([], { signal }) => api.get<AssessmentView>('/api/v1/assessment', undefined, signal),
  })

  override render() {
    return this.task.render({
      pending: () => html`<h1>Where the organisation stands</h1><p role="status" aria-live="polite">Weighing the answers against the data…</p>`,
      error: (e) => html`<h1>Where the organisation stands</h1><p class="error" role="alert">The assessment could not be loaded: ${(e as Error).message}</p>`,
      complete: (v) => this.renderView(v),
    })
  }

  private date(iso: string): string {
    try {
      return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: this.tz }).format(new Date(iso))
    } catch {
      return iso.slice(0, 10)
    }
  }

  private link(slug: string, name: string) {
    const href = `/initiatives/${encodeURIComponent(slug)}`
    return html`<a href=${href} @click=${(e: MouseEvent) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
      e.preventDefault()
      this.dispatchEvent(new CustomEvent('ys-navigate-url', { detail: href, bubbles: true, composed: true }))
    }}>${name}</a>`
  }

  private renderView(v: AssessmentView) {
    const names = new Map(v.initiatives.map((i) => [i.slug, i.name]))
    return html`
      <h1>Where the organisation stands</h1>
      <p class="muted">AI readiness across ${v.initiatives.length} active initiative${v.initiatives.length === 1 ? '' : 's'}, along the four phases: your answers, checked against what the data shows (last 30 days, as of ${this.date(v.asOf)}).</p>
      ${this.renderAnswer(v)}
      ${v.disagreements.length > 0
        ? html`<section class="card callout" aria-labelledby="dis-h"><h2 id="dis-h"><span aria-hidden="true">! </span>Where the answers and the data disagree (${v.disagreements.length})</h2>
            <ul>${v.disagreements.map((d) => html`<li><strong>${v.phases.find((p) => p.phase === d.phase)?.title}:</strong> ${d.message}</li>`)}</ul></section>`
        : nothing}
      <section class="card" aria-labelledby="steps-h"><h2 id="steps-h">Next steps that would move the score most</h2>
        ${v.nextSteps.length === 0
          ? html`<p class="empty">Nothing the data can point to: every data-backed question is at level 4.</p>`
          : html`<ol class="steps">${v.nextSteps.map((s) => html`<li><span>${s.action}</span> <span class="gain">(up to +${s.gain.toFixed(2)} on the overall score)</span>
              <div class="links">${s.initiatives.map((i) => this.link(i.slug, names.get(i.slug) ?? i.name))}</div></li>`)}</ol>`}
      </section>
      <section aria-labelledby="fw-h"><h2 id="fw-h">Against the framework</h2>
        <div class="grid3">${v.framework.map((c) => this.renderComparison(c))}</div></section>
      <section aria-labelledby="ph-h"><h2 id="ph-h">Phase by phase</h2>
        <div class="grid2">${v.phases.map((p) => this.renderPhase(p))}</div></section>
      ${this.renderHistory(v)}
      ${v.permissions?.answer ? this.renderForm(v) : nothing}
    `
  }

  private renderAnswer(v: AssessmentView) {
    const o = v.overall
    if (o.score === null || o.word === null) {
      return html`<section class="card" aria-labelledby="ans-h"><h2 id="ans-h">Not assessed yet</h2>
        <p class="lead">Nobody has answered the questionnaire yet. Below is what the data alone says for each phase${v.permissions?.answer ? '; answer the questions at the end of the page to get a score' : '; an editor can answer the questionnaire'}.</p></section>`
    }
    const c = o.change
    return html`<section class="card" aria-labelledby="ans-h">
      <h2 id="ans-h" class="sr-only">Overall score</h2>
      <div class="answer">
        <div class="score num">${o.score.toFixed(1)} <small>of 4</small></div>
        <div class="word">${WORDS[o.word]}</div>
        ${c
          ? html`<div class="change num ${c.delta > 0 ? 'up' : c.delta < 0 ? 'down' : ''}"><span aria-hidden="true">${c.delta > 0 ? '▲' : c.delta < 0 ? '▼' : '='}</span> ${c.delta > 0 ? '+' : ''}${c.delta.toFixed(1)} since ${this.date(c.since)} (was ${c.previous.toFixed(1)})</div>`
          : html`<div class="muted">first assessment: no change to show yet</div>`}
      </div>
      <p class="lead">${MEANING[o.word]} ${v.disagreements.filter((d) => d.kind === 'overstated').length > 0 ? `The data does not bear out ${v.disagreements.filter((d) => d.kind === 'overstated').length} of the answers, so they count at the level the data supports.` : 'The data bears out the answers.'}</p>
      ${v.taken ? html`<p class="muted">Answered by ${v.taken.takenBy} on ${this.date(v.taken.takenAt)}${v.taken.note ? ` · ${v.taken.note}` : ''}.</p>` : nothing}
    </section>`
  }

  private renderComparison(c: Comparison) {
    const good = c.standing === 'above' || c.standing === 'within' || c.standing === 'faster'
    const tone = c.standing === null ? 'none' : good ? 'good' : 'bad'
    const vs = c.id === 'return_to_date' ? 'per $1 to date · framework $1.41' : c.id === 'pilots_scaled' ? 'of pilots scaled within six months · framework 82%' : 'to payback · framework 2–4 years'
    const word = c.standing === null ? 'no figure yet' : good ? (c.standing === 'faster' ? 'faster than the framework' : c.standing === 'within' ? 'within the framework' : 'at or above the framework') : c.standing === 'slower' ? 'slower than the framework' : 'below the framework'
    return html`<div class="card tile"><h3>${c.label}</h3>
      <div class="big num">${c.figure}</div><div class="vs">${vs}</div>
      <p class=${tone}><span aria-hidden="true">${tone === 'good' ? '✓ ' : tone === 'bad' ? '✕ ' : '– '}</span>${word}</p>
      <p>${c.text}</p><p class="source">${c.source}</p></div>`
  }

  private renderPhase(p: ScoredPhase) {
    const shown = p.score ?? p.dataScore
    return html`<div class="card"><div class="phase-head"><h3>${p.title}</h3><span class="phase-score num">${p.score !== null ? `${p.score.toFixed(1)} of 4` : p.dataScore !== null ? `data: ${p.dataScore.toFixed(1)} of 4` : '—'}</span></div>
      <div class="bar" role="img" aria-label=${shown === null ? 'no score' : `${shown.toFixed(1)} of 4`}><span style=${`width:${shown === null ? 0 : (shown / 4) * 100}%`}></span></div>
      <p class="muted">${p.summary}</p>
      ${p.questions.map((q) => this.renderQuestion(q))}</div>`
  }

  private renderQuestion(q: ScoredQuestion) {
    return html`<div class="q">
      <p class="text">${q.text}</p>
      <p><span class="label">Answer</span> ${q.answer === null ? html`<span class="muted">not answered</span>` : html`<strong class="num">${q.answer} of 4</strong> · ${q.answerText}`}</p>
      <p><span class="label">The data</span> ${q.data ? html`${q.data.level === null ? html`<span class="muted">nothing to judge yet</span>` : html`<strong class="num">${q.data.level} of 4</strong>`} · ${q.data.text}` : html`<span class="muted">not measurable from the data; your answer counts as given</span>`}</p>
      ${q.disagreement === 'overstated' ? html`<p class="warn flag"><span aria-hidden="true">! </span>Overstated: counts as ${q.counted} of 4</p>` : q.disagreement === 'understated' ? html`<p class="good flag"><span aria-hidden="true">✓ </span>The data is better than your answer</p>` : nothing}
    </div>`
  }

  private renderHistory(v: AssessmentView) {
    if (v.history.length === 0) return nothing
    const cell = (label: string, x: number | null) => html`<td class="num" data-label=${label}>${x === null ? '—' : x.toFixed(1)}</td>`
    return html`<section class="card" aria-labelledby="hist-h"><h2 id="hist-h">History</h2><div class="table-wrap"><table>
      <thead><tr><th>Taken</th><th>By</th><th class="num">Overall</th>${v.phases.map((p) => html`<th class="num">${PHASE_LABELS[p.phase].short}</th>`)}</tr></thead>
      <tbody>${v.history.map((h) => html`<tr><td data-label="Taken"><strong>${this.date(h.takenAt)}</strong></td><td data-label="By">${h.takenBy}</td>${cell('Overall', h.overall)}${v.phases.map((p) => cell(PHASE_LABELS[p.phase].short, h.phases[p.phase]))}</tr>`)}</tbody>
    </table></div><p class="source">Scores as computed from the answers and the data on the day each was taken.</p></section>`
  }

  private renderForm(v: AssessmentView) {
    return html`<section class="card" aria-labelledby="form-h"><details ?open=${v.taken === null}>
      <summary id="form-h">${v.taken ? 'Take the assessment again' : 'Take the assessment'}</summary>
      <form @submit=${(e: Event) => this.submit(e)}>
        ${v.phases.map((p) => html`<h3>${p.title}</h3>${p.questions.map((q) => html`<fieldset><legend>${q.text}</legend>
          ${q.levels.map((l) => html`<label><input type="radio" name=${q.id} value=${l.level} required ?checked=${q.answer === l.level}><span><strong>${l.level}</strong> · ${l.description}</span></label>`)}</fieldset>`)}`)}
        <label for="note" style="display:block">Note (optional)</label><textarea id="note" name="note" maxlength="2000"></textarea>
        <p><button type="submit" ?disabled=${this.busy}>${this.busy ? 'Saving…' : 'Save answers'}</button></p>
        ${this.message ? html`<p class=${this.message.tone} role="status">${this.message.text}</p>` : nothing}
      </form></details></section>`
  }

  private async submit(e: Event) {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const data = new FormData(form)
    const answers: Record<string, number> = {}
    for (const [k, val] of data.entries()) if (k !== 'note') answers[k] = Number(val)
    const note = String(data.get('note') ?? '').trim()
    this.busy = true
    this.message = null
    try {
      await api.post('/api/v1/assessment', { answers, ...(note ? { note } : {}) })
      this.message = { tone: 'good', text: 'Saved.' }
      this.reload++
    } catch (err) {
      const details = err instanceof ApiError && err.details.length > 0 ? `: ${err.details.map((d) => d.message).join('; ')}` : ''
      this.message = { tone: 'bad', text: `${(err as Error).message}${details}` }
    } finally {
      this.busy = false
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ys-assessment': YsAssessment
  }
}
