/**
 * Audit entries in plain words: which fields changed between `before` and `after`, as short
 * "label: before → after" lines a non-engineer can read. Pure; tested in node.
 */
import { AUDIT_ENTITY_TABLE } from '../../metrics/audit-entities.js'
import { formatDateTime } from '../../metrics/format.js'

export interface FieldChange {
  /** Dotted path, e.g. `targets.timeSavedHoursPerMonth`. */
  field: string
  /** Words, e.g. `target: time saved hours per month`. */
  label: string
  /** The old value as text (`—` when there was none). */
  before: string
  after: string
}

const NONE = '—'
/** Bookkeeping fields that change with every write and say nothing to a reader. */
const IGNORED = new Set(['id', 'updatedAt'])
const MAX_TEXT = 80

type Flat = Map<string, unknown>

function flatten(value: unknown, prefix: string, out: Flat): Flat {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (IGNORED.has(k)) continue
      flatten(v, prefix ? `${prefix}.${k}` : k, out)
    }
  } else if (prefix) out.set(prefix, value)
  return out
}

/**
 * A value as short text: null/undefined → `—`, booleans → yes/no, arrays of plain values joined,
 * arrays of objects counted, long text cut with `…`.
 * @example valueText(['a@x.com', 'b@x.com']) // 'a@x.com, b@x.com'
 */
export function valueText(v: unknown): string {
  if (v === null || v === undefined || v === '') return NONE
  if (typeof v === 'boolean') return v ? 'yes' : 'no'
  if (typeof v === 'number') return Number.isFinite(v) ? String(Math.round(v * 1e6) / 1e6) : NONE
  if (Array.isArray(v)) {
    if (v.length === 0) return 'none'
    if (v.every((x) => x === null || typeof x !== 'object')) return cut(v.map((x) => valueText(x)).join(', '))
    return `${v.length} ${v.length === 1 ? 'entry' : 'entries'}`
  }
  if (typeof v === 'object') return cut(JSON.stringify(v))
  return cut(String(v))
}

function cut(s: string): string {
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s
}

/**
 * An instant field (`…At`, epoch ms or ISO) as `25 Nov 2026 09:48 UTC` (the audit page's times are UTC);
 * anything else as valueText.
 * @example instantText(1795600098463) // '25 Nov 2026 09:48 UTC'
 */
export function instantText(v: unknown): string {
  const ms = typeof v === 'number' ? v : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN
  if (!Number.isFinite(ms) || ms < 0 || ms > 8.64e15) return valueText(v)
  return `${formatDateTime(ms, 'UTC')} UTC`
}

const PART_WORDS: Record<string, string> = { targets: 'target', baselines: 'baseline', hourlyValue: 'hourly value', stageHistory: 'stage history' }

/**
 * A dotted camelCase path in words.
 * @example fieldLabel('targets.timeSavedHoursPerMonth') // 'target: time saved hours per month'
 */
export function fieldLabel(path: string): string {
  return path
    .split('.')
    .map((p) => PART_WORDS[p] ?? p.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase())
    .join(': ')
}

/**
 * The fields that differ between two snapshots (compared as JSON per leaf), in the order of `after`
 * then `before`. A creation lists what was set; a deletion lists what was there.
 * @example auditChanges({ targets: { errorRate: 0.05 } }, { targets: { errorRate: 0.03 } })
 * // [{ field: 'targets.errorRate', label: 'target: error rate', before: '0.05', after: '0.03' }]
 */
export function auditChanges(before: unknown, after: unknown): FieldChange[] {
  const b = flatten(before, '', new Map())
  const a = flatten(after, '', new Map())
  const keys = [...new Set([...a.keys(), ...b.keys()])]
  const out: FieldChange[] = []
  for (const k of keys) {
    const bv = b.get(k)
    const av = a.get(k)
    if (JSON.stringify(bv ?? null) === JSON.stringify(av ?? null)) continue
    // A creation or deletion: empty fields on the missing side are not news.
    if ((before == null && valueText(av) === NONE) || (after == null && valueText(bv) === NONE)) continue
    const text = /At$/.test(k) ? instantText : valueText
    out.push({ field: k, label: fieldLabel(k), before: text(bv), after: text(av) })
  }
  return out
}

const ACTION_WORDS: Record<string, string> = {
  create: 'created',
  update: 'changed',
  stage_change: 'moved to another stage',
  delete: 'deleted',
  revoke: 'revoked',
  stage_override: 'moved to production over the readiness gate:',
  attest: 'attested a check for',
  record_fit: 'recorded use-case fit for',
  unsubscribe: 'unsubscribed from',
  prune: 'pruned old events of',
}

const ENTITY_WORDS: Record<string, string> = Object.fromEntries(Object.entries(AUDIT_ENTITY_TABLE).map(([k, w]) => [k, w.one]))

/**
 * "who did what to which thing" in words.
 * @example auditSentence({ action: 'update', entity: 'initiative', entityId: 'invoices' }) // 'changed initiative invoices'
 */
export function auditSentence(e: { action: string; entity: string; entityId: string }): string {
  const verb = ACTION_WORDS[e.action] ?? e.action.replace(/_/g, ' ')
  const what = ENTITY_WORDS[e.entity] ?? e.entity
  return `${verb} ${what} ${e.entityId}`
}

/** What an admin's override of the readiness gate recorded: the gaps that were overridden, not fixed. */
export interface OverrideSummary {
  /** The stage it moved from. */
  from: string
  /** The verdict at the time, in words ("not yet", "at risk"). */
  verdict: string
  /** What was missing at the time, in plain words. */
  missing: string[]
  reason: string
}

const VERDICT_TEXT: Record<string, string> = { ready: 'ready', not_yet: 'not yet', at_risk: 'at risk' }

/**
 * Reads a `stage_override` audit entry (before: `{stage, verdict, missing}`, after: `{stage, verdict,
 * reason}`); null for any other entry or a malformed one.
 * @example overrideSummary({ action: 'stage_override', before: { stage: 'scaling', verdict: 'not_yet', missing: [{ item: 'bias', message: 'no bias review' }] }, after: { stage: 'production', reason: 'board decision' } })
 * // { from: 'scaling', verdict: 'not yet', missing: ['no bias review'], reason: 'board decision' }
 */
export function overrideSummary(e: { action: string; before: unknown; after: unknown }): OverrideSummary | null {
  if (e.action !== 'stage_override') return null
  const b = (e.before ?? {}) as { stage?: unknown; verdict?: unknown; missing?: unknown }
  const a = (e.after ?? {}) as { reason?: unknown }
  const missing = Array.isArray(b.missing) ? b.missing.map((m) => (m && typeof m === 'object' && typeof (m as { message?: unknown }).message === 'string' ? (m as { message: string }).message : valueText(m))) : []
  return {
    from: typeof b.stage === 'string' ? b.stage : NONE,
    verdict: typeof b.verdict === 'string' ? VERDICT_TEXT[b.verdict] ?? b.verdict : NONE,
    missing,
    reason: typeof a.reason === 'string' && a.reason ? a.reason : NONE,
  }
}
