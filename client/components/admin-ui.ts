/**
 * What the governance and email pages share: form and table styles (tables stack into labelled rows
 * below 640 px, so nothing scrolls sideways on a phone) and server errors in plain words.
 */
import { css, html, type TemplateResult } from 'lit'
import { ApiError } from '../api/client.js'

export const forms = css`
  h1 { font-size: 1.5rem; margin: 4px 0 12px; }
  h2 { font-size: 1.15rem; margin: 20px 0 8px; }
  section.card { margin-bottom: 16px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 220px), 1fr)); gap: 12px; align-items: start; }
  .field { min-width: 0; }
  label, .label { display: block; font-weight: 600; margin-bottom: 4px; }
  fieldset { border: 1px solid var(--_border); border-radius: 6px; margin: 0; padding: 8px 12px; min-width: 0; }
  legend { font-weight: 600; padding: 0 4px; }
  fieldset > label { font-weight: 400; display: flex; gap: 6px; align-items: center; margin: 2px 0; }
  fieldset > label input { width: auto; }
  /* Checkboxes at least 20 px on rows 28 px apart: targets easy to hit on a phone (WCAG 2.5.8). */
  fieldset > label { min-height: 28px; }
  input[type='checkbox'], input[type='radio'], fieldset > label input[type='checkbox'], fieldset > label input[type='radio'] { width: 20px; height: 20px; margin: 0; flex: none; }
  .scope-field { margin-top: 12px; }
  input, select, textarea { width: 100%; box-sizing: border-box; padding: 8px; border: 1px solid var(--_border); border-radius: 6px; background: #fff; color: inherit; }
  input[type='checkbox'], input[type='radio'] { width: auto; }
  textarea { min-height: 64px; resize: vertical; }
  .hint { display: block; font-size: 0.85em; color: var(--_muted); font-weight: 400; margin-top: 2px; }
  .actions { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 12px; }
  button.primary { padding: 8px 16px; background: var(--_accent); color: #fff; border: 1px solid var(--_accent); border-radius: 6px; }
  button.secondary, a.button { padding: 6px 12px; background: #fff; border: 1px solid var(--_border); border-radius: 6px; color: inherit; text-decoration: none; display: inline-block; }
  button.danger { padding: 6px 12px; background: #fff; border: 1px solid var(--_bad); color: var(--_bad); border-radius: 6px; }
  button[disabled] { opacity: 0.6; cursor: default; }
  a { color: var(--_accent); }
  .ok { border-left: 4px solid var(--_good); padding: 8px 12px; background: #f0faf5; }
  .error p { margin: 0 0 4px; }
  .error ul { margin: 4px 0 0; padding-left: 20px; }
  code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; overflow-wrap: anywhere; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--_border); vertical-align: top; overflow-wrap: break-word; }
  th { font-size: 0.85em; color: var(--_muted); font-weight: 600; }
  @media (max-width: 640px) {
    table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    table.stack tr { display: block; border-bottom: 1px solid var(--_border); padding: 6px 0; }
    table.stack td { display: block; border: 0; padding: 2px 0; overflow-wrap: break-word; }
    table.stack td[data-label]::before { content: attr(data-label) ': '; font-weight: 600; color: var(--_muted); }
  }
`

/** Field paths of the API → the words on the form, for error details. */
export type FieldLabels = Record<string, string>

function sentence(s: string): string {
  const t = s.trim()
  return t ? t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?)]$/.test(t) ? '' : '.') : t
}

/**
 * A server error as a heading and a list of what to fix, in plain words.
 * @example describeError(new ApiError(403, 'forbidden', 'this account (role viewer) may not do this: …'))
 * // { title: 'Your account has the viewer role, which may not do this. …', items: [] }
 */
export function describeError(e: unknown, labels: FieldLabels = {}): { title: string; items: string[] } {
  if (!(e instanceof ApiError)) return { title: sentence(`something went wrong: ${(e as Error)?.message ?? String(e)}`), items: [] }
  if (e.status === 403) {
    const role = /\(role (\w+)\)/.exec(e.message)?.[1]
    if (role) {
      const need = /"([a-z:]+)" permission/.exec(e.message)?.[1]
      const who = need === 'users:manage' || need === 'keys:manage' || need === 'audit:read' || need === 'events:delete' ? 'an admin' : 'an editor or an admin'
      return { title: `Your account has the ${role} role, which may not do this; only ${who} may. Ask an admin if you need it.`, items: [] }
    }
    return { title: sentence(e.message), items: [] }
  }
  if (e.status === 422 && e.code === 'not_ready') {
    return { title: 'Not moved to production: it is not ready to scale yet. Nothing was changed. What is missing:', items: e.details.map((d) => sentence(d.message)) }
  }
  const items = e.details.map((d) => {
    const label = d.field ? labels[d.field] : undefined
    if (!label) return sentence(d.message)
    const msg = d.message.startsWith(`${d.field} `) ? d.message.slice(d.field!.length + 1) : d.message
    return `${label}: ${msg}${/[.!?)]$/.test(msg) ? '' : '.'}`
  })
  return { title: sentence(e.message), items }
}

/** The error block: role=alert, the heading and the list. */
export function errorBlock(e: unknown, labels: FieldLabels = {}): TemplateResult {
  const { title, items } = describeError(e, labels)
  return html`<div class="error" role="alert"><p>${title}</p>${items.length ? html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>` : null}</div>`
}

/** Fires the app's navigation to a same-origin URL (history, not a page load). */
export function navigate(from: HTMLElement, url: string): void {
  from.dispatchEvent(new CustomEvent('ys-navigate-url', { detail: url, bubbles: true, composed: true }))
}

/** A click handler for in-app links: plain clicks navigate in place; modified clicks open as usual. */
export function linkClick(from: HTMLElement) {
  return (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    navigate(from, (e.currentTarget as HTMLAnchorElement).getAttribute('href') ?? '/')
  }
}

/** A date and time in a zone, e.g. "3 Nov 2026 14:05": metrics/format.ts, the one date-time format. */
export { formatDateTime } from '../../metrics/format.js'
