/**
 * The AI-readiness assessment's block in a monthly digest: the organisation's score, its change since
 * the previous taking, how many answers the data contradicts, and the first next step, in text and in
 * HTML (inline styles, readable with images off). Pure: the figures come from server/assessment/facts.ts.
 */
import type { AssessmentView } from '../../metrics/assessment.js'
import { escapeHtml as e } from './format.js'

/** What a digest shows of the assessment. */
export interface DigestAssessment {
  score: number | null
  word: string | null
  change: { delta: number; previous: number; since: string } | null
  disagreements: number
  nextStep: string | null
  /** The dashboard's assessment page. */
  url: string
}

/**
 * @example digestAssessment(view, 'https://yardstick.example.com')
 */
export function digestAssessment(v: AssessmentView, publicUrl: string): DigestAssessment {
  return { score: v.overall.score, word: v.overall.word, change: v.overall.change, disagreements: v.disagreements.filter((d) => d.kind === 'overstated').length, nextStep: v.nextSteps[0]?.action ?? null, url: `${publicUrl}/assessment` }
}

/** "2.7 of 4 (established), ▲ +0.9 since 2026-09-03". */
export function assessmentHeadline(a: DigestAssessment): string {
  if (a.score === null) return 'not taken yet: an editor can answer it on the assessment page'
  const c = a.change
  const change = c === null ? 'no earlier assessment to compare' : `${c.delta > 0 ? '▲ +' : c.delta < 0 ? '▼ ' : '= '}${c.delta.toFixed(1)} since ${c.since.slice(0, 10)} (was ${c.previous.toFixed(1)})`
  return `${a.score.toFixed(1)} of 4 (${a.word}), ${change}`
}

function details(a: DigestAssessment): string[] {
  const out: string[] = []
  if (a.disagreements > 0) out.push(`The data contradicts ${a.disagreements} answer${a.disagreements === 1 ? '' : 's'}.`)
  if (a.nextStep) out.push(`Next step: ${a.nextStep}.`)
  return out
}

/** The text part's lines. */
export function assessmentText(a: DigestAssessment): string[] {
  return ['', 'AI READINESS (the organisation\'s assessment)', `  Score                      ${assessmentHeadline(a)}`, ...details(a).map((l) => `  ${l}`), `  ${a.url}`]
}

/** One row of the 600 px table. */
export function assessmentHtml(a: DigestAssessment): string {
  const tone = a.change === null || a.change.delta === 0 ? '#57606a' : a.change.delta > 0 ? '#1a7f37' : '#b42318'
  return `<tr><td style="padding:14px 28px 4px;"><h2 style="margin:0 0 6px;font-size:15px;color:#1f2328;">AI readiness</h2><div style="font-size:14px;color:#1f2328;line-height:1.5;"><span style="font-size:20px;font-weight:700;font-variant-numeric:tabular-nums;">${a.score === null ? '—' : e(a.score.toFixed(1))}</span> <span style="color:#57606a;">of 4${a.word ? ` · ${e(a.word)}` : ''}</span> <span style="color:${tone};">${e(assessmentHeadline(a).replace(/^[^,]*,\s*/, ''))}</span>${details(a).map((l) => `<div>${e(l)}</div>`).join('')}<div><a href="${e(a.url)}" style="color:#0072b2;">Open the assessment</a></div></div></td></tr>`
}
