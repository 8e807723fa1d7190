/**
 * Renders a digest (subject, HTML, plain text) from the very summary object behind GET /api/v1/summary.
 * Pure: no I/O, so a test can feed it any summary. HTML: a 600 px table layout with inline styles, no
 * scripts, readable with images off; every user-provided string is escaped. Text: the same numbers,
 * exact (hours in hours), in aligned columns.
 */
import { localDateString } from '../../metrics/time-buckets.js'
import type { InitiativeSummary, Summary, TargetAttainment } from '../outcomes/summary.js'
import { formatMonth } from '../../metrics/format.js'
import { dayLabel, duration, escapeHtml as e, formatPercent, formatPerDollar, hours, instantLabel, money, moneyCompact, monthLabel, NO_CHANGE, NO_EARLIER_PERIOD, percent, relativeChange } from './format.js'
import { isPreset } from './schedule.js'
import { assessmentHtml, assessmentText, type DigestAssessment } from './assessment-block.js'
import { KINDS } from '../../metrics/metric-kinds.js'

export interface DigestStageChange {
  slug: string
  name: string
  from: string | null
  to: string
  at: number
}

export interface DigestChart {
  cid: string
  png: Buffer
  alt: string
  width: number
  height: number
}

/** One initiative's scale-readiness verdict for the digest (server/readiness, metrics/readiness.ts). */
export interface DigestReadiness {
  slug: string
  verdict: 'ready' | 'not_yet' | 'at_risk'
  /** The first thing short of ready (for at_risk: the first risk), in plain words. */
  firstMissing: string | null
  /** How many more things are missing. */
  moreMissing: number
}

const VERDICT: Record<DigestReadiness['verdict'], { icon: string; word: string; color: string }> = {
  ready: { icon: '✓', word: 'ready to scale', color: '#1a7f37' },
  not_yet: { icon: '✕', word: 'not yet ready', color: '#b42318' },
  at_risk: { icon: '!', word: 'at risk', color: '#8a5a00' },
}

/** "✕ not yet ready: no bias review recorded (+2 more)". */
export function readinessText(r: DigestReadiness): string {
  const v = VERDICT[r.verdict]
  return `${v.icon} ${v.word}${r.firstMissing ? `: ${r.firstMissing}${r.moreMissing > 0 ? ` (+${r.moreMissing} more)` : ''}` : ''}`
}

export interface DigestInput {
  subscription: { id: number; name: string; schedule: string; timezone: string; initiatives: string[] }
  period: { from: number; to: number; key: string; kind: 'scheduled' | 'now' }
  summary: Summary
  stageChanges: DigestStageChange[]
  publicUrl: string
  /** Value per initiative, this period beside the previous; null when it could not be rendered. */
  chart: DigestChart | null
  unsubscribeUrl: string
  /** Scale-readiness verdicts of the initiatives in scope (absent: not shown). */
  readiness?: DigestReadiness[]
  /** The organisation's AI-readiness assessment (monthly digests; absent: not shown). */
  assessment?: DigestAssessment
}

export interface RenderedDigest {
  subject: string
  html: string
  text: string
  dashboardUrl: string
}

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif"
const INK = '#1f2328'
const MUTED = '#57606a'
const RULE = '#e3e5e8'
const GOOD = '#1a7f37'
const BAD = '#b42318'
const WARN = '#8a5a00'
const ACCENT = '#0072b2'

const STATUS: Record<string, { icon: string; word: string; color: string }> = {
  on_track: { icon: '✓', word: 'on track', color: GOOD },
  at_risk: { icon: '!', word: 'at risk', color: WARN },
  off_track: { icon: '✕', word: 'off track', color: BAD },
  no_target: { icon: '–', word: 'no target', color: MUTED },
  no_data: { icon: '–', word: 'no data', color: MUTED },
}

/** How the period is named in the subject and heading. */
export function periodLabel(p: DigestInput['period'], schedule: string, zone: string): { short: string; long: string } {
  const range = `${instantLabel(p.from, zone)} – ${instantLabel(p.to, zone)}`
  if (p.kind === 'now') {
    const what = schedule === 'daily' ? 'today' : schedule === 'weekly' ? 'this week' : schedule === 'monthly' ? 'this month' : 'this period'
    return { short: `${what} so far (${dayLabel(p.from, zone)} – ${dayLabel(p.to, zone)})`, long: range }
  }
  if (schedule === 'daily') return { short: dayLabel(p.from, zone, true), long: range }
  if (schedule === 'weekly') return { short: `week of ${dayLabel(p.from, zone)}`, long: range }
  if (schedule === 'monthly') return { short: monthLabel(p.from, zone), long: range }
  return { short: `${dayLabel(p.from, zone)} – ${dayLabel(p.to - 1, zone)}`, long: range }
}

function offTarget(i: InitiativeSummary): boolean {
  return Object.values(i.targets).some((t) => t.status === 'off_track')
}

function hasTargets(i: InitiativeSummary): boolean {
  return Object.values(i.targets).some((t) => t.status !== 'no_target')
}

interface MetricLine {
  label: string
  value: string
  /** The change against the previous period, in words and symbol. */
  change: { text: string; tone: 'good' | 'bad' | 'neutral' }
  target: string
  status: { icon: string; word: string; color: string }
  note: string | null
}

function changeOf(current: number | null, previous: number | null, better: 'higher' | 'lower', unit: 'relative' | 'points'): MetricLine['change'] {
  if (current === null || previous === null) return { text: NO_EARLIER_PERIOD, tone: 'neutral' }
  // Points: the difference of two rates (0.021 − 0.018 = 0.3 pts); relative: metrics/format.ts relativeChange.
  const delta = unit === 'points' ? current - previous : relativeChange(current, previous)
  if (delta === null) return { text: current === 0 ? 'no change' : NO_EARLIER_PERIOD, tone: 'neutral' }
  if (Math.abs(delta) < NO_CHANGE) return { text: 'no change', tone: 'neutral' }
  const up = delta > 0
  const good = better === 'higher' ? up : !up
  const size = unit === 'points' ? `${(Math.abs(delta) * 100).toFixed(1)} pts` : formatPercent(Math.abs(delta))
  return { text: `${up ? '▲' : '▼'} ${size} ${good ? 'better' : 'worse'}`, tone: good ? 'good' : 'bad' }
}

function targetText(t: TargetAttainment, fmt: (n: number) => string): string {
  return t.target === null ? '—' : fmt(t.target)
}

function metricLines(i: InitiativeSummary): MetricLine[] {
  const cur = (n: number) => money(n, i.currency)
  return [
    {
      label: KINDS.time_saved.label,
      value: hours(i.timeSavedHours),
      change: changeOf(i.timeSavedHours, i.previous.timeSavedHours, KINDS.time_saved.direction, 'relative'),
      target: targetText(i.targets.timeSaved, hours),
      status: STATUS[i.targets.timeSaved.status],
      note: i.timeSavedValue === null ? null : `worth ${cur(i.timeSavedValue)}`,
    },
    {
      label: KINDS.error_rate.label,
      value: i.errorRate === null ? 'no data' : percent(i.errorRate),
      change: changeOf(i.errorRate, i.previous.errorRate, KINDS.error_rate.direction, 'points'),
      target: targetText(i.targets.errorRate, percent),
      status: STATUS[i.targets.errorRate.status],
      note: i.errorRate === null ? 'no error-rate events in this period' : i.errorsAvoided === null ? `${i.errors} errors in ${i.total}` : `${i.errorsAvoided.toLocaleString('en-US', { maximumFractionDigits: 1 })} errors avoided`,
    },
    {
      label: KINDS.revenue_influenced.label,
      value: cur(i.revenueInfluenced),
      change: changeOf(i.revenueInfluenced, i.previous.revenueInfluenced, KINDS.revenue_influenced.direction, 'relative'),
      target: targetText(i.targets.revenueInfluenced, cur),
      status: STATUS[i.targets.revenueInfluenced.status],
      note: null,
    },
    {
      label: `${KINDS.decision_latency.label} (median)`,
      value: i.decisionLatencyP50 === null ? 'no data' : duration(i.decisionLatencyP50),
      change: changeOf(i.decisionLatencyP50, i.previous.decisionLatencyP50, KINDS.decision_latency.direction, 'relative'),
      target: targetText(i.targets.decisionLatency, duration),
      status: STATUS[i.targets.decisionLatency.status],
      note: i.decisionLatencyP50 === null ? 'no decision-latency events in this period' : i.decisionLatencyP90 === null ? null : `p90 ${duration(i.decisionLatencyP90)}, ${i.decisionCount} decisions`,
    },
  ]
}

function paybackText(i: Pick<InitiativeSummary, 'paybackMonth'>): string {
  if (!i.paybackMonth) return 'payback not yet in sight'
  // The month as the dashboard names it ("Feb 2027"), from the one formatting module.
  const month = formatMonth(i.paybackMonth.month, 'UTC')
  return i.paybackMonth.projected ? `payback projected for ${month}` : `paid back in ${month}`
}

function returnText(r: number | null, currency: string, what: string): string {
  if (r === null) return `no cost ${what}`
  return formatPerDollar(r, currency, what)
}

function movers(s: Summary): Array<{ i: InitiativeSummary; delta: number; pct: number | null }> {
  return s.initiatives
    .map((i) => ({ i, delta: i.valueTotal - i.previous.valueTotal, pct: relativeChange(i.valueTotal, i.previous.valueTotal) }))
    .filter((m) => Math.abs(m.delta) > 0)
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta))
    .slice(0, 3)
}

function signedMoney(n: number, currency: string): string {
  return `${n >= 0 ? '+' : '−'}${moneyCompact(Math.abs(n), currency)}`
}

/**
 * Subject, HTML and text of one digest for one recipient.
 * @example const { subject, html, text } = renderDigest(input)
 */
export function renderDigest(input: DigestInput): RenderedDigest {
  const { summary: s, subscription: sub, period } = input
  const zone = sub.timezone
  const label = periodLabel(period, sub.schedule, zone)
  const currency = s.portfolio.currency ?? 'USD'
  const p = s.portfolio
  const off = s.initiatives.filter(offTarget).length
  const targeted = s.initiatives.filter(hasTargets).length
  const headline = `${moneyCompact(p.valueTotal, currency)} delivered${targeted === 0 ? '' : off === 0 ? ', all initiatives on target' : `, ${off} initiative${off === 1 ? '' : 's'} off target`}`
  const subject = `AI outcomes, ${label.short}: ${headline}`.replace(/[\r\n]+/g, ' ')
  // The same period's value over the same period's cost (CONTRACT.md, "Money"); the return to date beside it.
  const toDate = p.returnToDate === null ? '' : ` To date: ${moneyCompact(p.valueToDate, currency)} on ${moneyCompact(p.costToDate, currency)}, ${formatPerDollar(p.returnToDate, currency)}.`
  const answer =
    p.returnPerDollar === null
      ? `${money(p.valueTotal, currency)} delivered in the ${label.short.startsWith('week') ? label.short : `period ${label.short}`}; no cost in the period.${toDate}`
      : `${moneyCompact(p.valueTotal, currency)} delivered on ${moneyCompact(p.cost, currency)} spent, ${label.short}: ${returnText(p.returnPerDollar, currency, 'this period')}.${toDate}`
  // The dashboard's custom range takes local dates, the last one inclusive.
  const dashboardUrl = `${input.publicUrl}/?range=custom&from=${localDateString(period.from, zone)}&to=${localDateString(period.to - 1, zone)}`
  const scopeNames = sub.initiatives.length === 0 ? `all initiatives (${s.initiatives.length})` : s.initiatives.map((i) => i.name).join(', ')
  const freshness = `Figures include every event received up to ${instantLabel(Date.parse(s.generatedAt), zone)}${s.freshness.rolledUpAt ? ` (rollups through ${instantLabel(Date.parse(s.freshness.rolledUpAt), zone)}, ${s.freshness.tailEvents} newer events read directly)` : ''}.`
  const changesBySlug = new Map<string, DigestStageChange[]>()
  for (const c of input.stageChanges) changesBySlug.set(c.slug, [...(changesBySlug.get(c.slug) ?? []), c])
  const stageText = (c: DigestStageChange) => `${c.from ?? 'new'} → ${c.to}, ${dayLabel(c.at, zone)}`
  const portfolioChange = changeOf(p.valueTotal, p.previous.valueTotal, 'higher', 'relative')
  const readinessBySlug = new Map((input.readiness ?? []).map((r) => [r.slug, r]))

  // ---- text part ----
  const t: string[] = []
  const row = (a: string, b: string, c = '', d = '', f = '') => `  ${a.padEnd(27)}${b.padStart(16)}   ${c.padEnd(22)}${d ? `target ${d}`.padEnd(22) : ''.padEnd(22)}${f}`.trimEnd()
  t.push(subject, '='.repeat(Math.min(subject.length, 78)), '', answer, '', `Period: ${label.long} (${zone})`, '')
  t.push('PORTFOLIO')
  t.push(row('Value delivered', money(p.valueTotal, currency), portfolioChange.text))
  t.push(row('Cost in the period', money(p.cost, currency)))
  t.push(row('Return per $1, period', p.returnPerDollar === null ? 'n/a' : formatPerDollar(p.returnPerDollar, currency)))
  t.push(row('Value to date', money(p.valueToDate, currency)))
  t.push(row('Cost to date', money(p.costToDate, currency)))
  t.push(row('Return per $1, to date', p.returnToDate === null ? 'n/a' : formatPerDollar(p.returnToDate, currency)))
  t.push(row('Payback', paybackText(p).replace(/^payback /, '')))
  t.push(row('Time saved', hours(p.timeSavedHours), changeOf(p.timeSavedHours, p.previous.timeSavedHours, 'higher', 'relative').text))
  t.push(row('Revenue influenced', money(p.revenueInfluenced, currency), changeOf(p.revenueInfluenced, p.previous.revenueInfluenced, 'higher', 'relative').text))
  t.push(row('Errors avoided', p.errorsAvoided.toLocaleString('en-US', { maximumFractionDigits: 2 })))
  if (p.currencyNote) t.push(`  Note: ${p.currencyNote}`)
  const mv = movers(s)
  if (mv.length) {
    t.push('', 'BIGGEST MOVERS (value vs previous period)')
    for (const m of mv) t.push(`  ${m.i.name.padEnd(40)}${signedMoney(m.delta, m.i.currency).padStart(10)}${m.pct === null ? '' : `  (${m.pct >= 0 ? '+' : '−'}${formatPercent(Math.abs(m.pct))})`}`)
  }
  if (input.assessment) t.push(...assessmentText(input.assessment))
  for (const i of s.initiatives) {
    t.push('', `${i.name.toUpperCase()} [${i.slug}], ${i.stage}${offTarget(i) ? ', OFF TARGET' : ''}`)
    for (const m of metricLines(i)) t.push(row(m.label, m.value, m.change.text, m.target === '—' ? '' : m.target, `${m.status.icon} ${m.status.word}`))
    t.push(row('Value delivered', money(i.valueTotal, i.currency), changeOf(i.valueTotal, i.previous.valueTotal, 'higher', 'relative').text))
    t.push(row('Cost in the period', money(i.cost, i.currency)))
    t.push(row('Return per $1, period', i.returnPerDollar === null ? 'n/a' : formatPerDollar(i.returnPerDollar, i.currency)))
    t.push(row('Return per $1, to date', i.returnToDate === null ? 'n/a' : formatPerDollar(i.returnToDate, i.currency)))
    t.push(row('Payback', paybackText(i).replace(/^payback /, '')))
    const ready = readinessBySlug.get(i.slug)
    if (ready) t.push(`  ${'Readiness'.padEnd(27)}${readinessText(ready)}`)
    for (const c of changesBySlug.get(i.slug) ?? []) t.push(row('Stage change', stageText(c)))
  }
  if (s.initiatives.length === 0) t.push('', 'No initiatives in scope.')
  t.push('', '--', `Scope: ${scopeNames}; timezone ${zone}; subscription "${sub.name}".`, freshness, `Dashboard for this period: ${dashboardUrl}`, `Unsubscribe: ${input.unsubscribeUrl}`, '')
  const text = t.join('\n')

  // ---- HTML part ----
  const tone = (x: 'good' | 'bad' | 'neutral') => (x === 'good' ? GOOD : x === 'bad' ? BAD : MUTED)
  const tile = (title: string, value: string, sub2: string, color = MUTED) =>
    `<td width="25%" valign="top" style="padding:12px 10px;border-right:1px solid ${RULE};"><div style="font-size:12px;color:${MUTED};">${e(title)}</div><div style="font-size:20px;font-weight:700;color:${INK};font-variant-numeric:tabular-nums;padding-top:2px;">${e(value)}</div><div style="font-size:12px;color:${color};padding-top:2px;">${e(sub2)}</div></td>`
  const h: string[] = []
  h.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light"><title>${e(subject)}</title></head>`)
  h.push(`<body style="margin:0;padding:0;background:#f4f5f7;"><div style="display:none;max-height:0;overflow:hidden;">${e(answer)}</div>`)
  h.push(`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f5f7;"><tr><td align="center" style="padding:24px 12px;">`)
  h.push(`<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:600px;max-width:600px;background:#ffffff;border:1px solid ${RULE};border-radius:8px;font-family:${FONT};color:${INK};">`)
  h.push(`<tr><td style="padding:24px 28px 4px;"><div style="font-size:12px;letter-spacing:.06em;text-transform:uppercase;color:${ACCENT};font-weight:700;">Yardstick · AI outcomes</div><h1 style="margin:6px 0 0;font-size:22px;line-height:1.3;color:${INK};">${e(label.short.charAt(0).toUpperCase() + label.short.slice(1))}</h1><div style="font-size:13px;color:${MUTED};padding-top:2px;">${e(label.long)} (${e(zone)})</div></td></tr>`)
  h.push(`<tr><td style="padding:14px 28px 8px;"><p style="margin:0;font-size:17px;line-height:1.45;color:${INK};">${e(answer)}</p>${off > 0 ? `<p style="margin:8px 0 0;font-size:14px;color:${BAD};">✕ ${off} initiative${off === 1 ? ' is' : 's are'} off target: ${e(s.initiatives.filter(offTarget).map((i) => i.name).join(', '))}</p>` : ''}</td></tr>`)
  h.push(`<tr><td style="padding:10px 18px;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border:1px solid ${RULE};border-radius:6px;"><tr>`)
  h.push(tile('Value delivered', moneyCompact(p.valueTotal, currency), portfolioChange.text, tone(portfolioChange.tone)))
  h.push(tile('Cost in the period', moneyCompact(p.cost, currency), `${moneyCompact(p.costToDate, currency)} to date`))
  h.push(tile('Per $1 this period', p.returnPerDollar === null ? 'n/a' : formatPerDollar(p.returnPerDollar, currency), p.returnToDate === null ? 'no cost to date' : `${formatPerDollar(p.returnToDate, currency)} to date`))
  const tsChange = changeOf(p.timeSavedHours, p.previous.timeSavedHours, 'higher', 'relative')
  h.push(tile('Time saved', `${Math.round(p.timeSavedHours).toLocaleString('en-US')} h`, tsChange.text, tone(tsChange.tone)).replace(`border-right:1px solid ${RULE};`, ''))
  h.push(`</tr></table>${p.currencyNote ? `<div style="font-size:12px;color:${MUTED};padding:6px 4px 0;">${e(p.currencyNote)}</div>` : ''}</td></tr>`)

  if (s.initiatives.length > 0) {
    h.push(`<tr><td style="padding:14px 28px 4px;"><h2 style="margin:0 0 6px;font-size:15px;color:${INK};">Value delivered per initiative</h2>`)
    if (input.chart) {
      h.push(`<img src="cid:${e(input.chart.cid)}" width="${input.chart.width}" height="${input.chart.height}" alt="${e(input.chart.alt)}" style="display:block;width:${input.chart.width}px;max-width:100%;height:auto;border:0;font-size:13px;color:${MUTED};">`)
    } else {
      const max = Math.max(1e-9, ...s.initiatives.map((i) => Math.max(i.valueTotal, i.previous.valueTotal, 0)))
      h.push(`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="font-size:12px;">`)
      for (const i of [...s.initiatives].sort((a, b) => b.valueTotal - a.valueTotal)) {
        const w = Math.max(1, Math.round((Math.max(0, i.valueTotal) / max) * 300))
        const wp = Math.max(1, Math.round((Math.max(0, i.previous.valueTotal) / max) * 300))
        h.push(`<tr><td width="170" style="padding:3px 8px 3px 0;color:${INK};">${e(i.name)}</td><td style="padding:3px 0;"><table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr><td width="${w}" height="10" style="background:${ACCENT};font-size:0;line-height:0;">&nbsp;</td></tr><tr><td width="${wp}" height="5" style="background:#9ecae1;font-size:0;line-height:0;">&nbsp;</td></tr></table></td><td align="right" style="padding:3px 0 3px 8px;font-variant-numeric:tabular-nums;white-space:nowrap;">${e(moneyCompact(i.valueTotal, i.currency))}</td></tr>`)
      }
      h.push(`</table><div style="font-size:11px;color:${MUTED};padding-top:4px;">Dark bar: this period; light bar: previous period.</div>`)
    }
    h.push(`</td></tr>`)
  }

  if (mv.length) {
    h.push(`<tr><td style="padding:14px 28px 4px;"><h2 style="margin:0 0 6px;font-size:15px;color:${INK};">Biggest movers</h2><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="font-size:14px;">`)
    for (const m of mv) {
      const c = m.delta >= 0 ? GOOD : BAD
      h.push(`<tr><td style="padding:4px 0;border-bottom:1px solid ${RULE};">${e(m.i.name)}</td><td align="right" style="padding:4px 0;border-bottom:1px solid ${RULE};color:${c};font-variant-numeric:tabular-nums;white-space:nowrap;">${m.delta >= 0 ? '▲' : '▼'} ${e(signedMoney(m.delta, m.i.currency))}${m.pct === null ? '' : ` (${m.pct >= 0 ? '+' : '−'}${formatPercent(Math.abs(m.pct))})`}</td></tr>`)
    }
    h.push(`</table></td></tr>`)
  }

  if (input.assessment) h.push(assessmentHtml(input.assessment))
  for (const i of [...s.initiatives].sort((a, b) => b.valueTotal - a.valueTotal)) {
    const isOff = offTarget(i)
    h.push(`<tr><td style="padding:18px 28px 4px;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border:1px solid ${RULE};border-radius:6px;border-left:4px solid ${isOff ? BAD : hasTargets(i) ? GOOD : RULE};">`)
    h.push(`<tr><td colspan="4" style="padding:12px 14px 6px;"><span style="font-size:16px;font-weight:700;color:${INK};">${e(i.name)}</span> <span style="display:inline-block;font-size:11px;padding:1px 6px;border:1px solid ${RULE};border-radius:10px;color:${MUTED};text-transform:uppercase;letter-spacing:.04em;">${e(i.stage)}</span>${isOff ? ` <span style="font-size:12px;color:${BAD};font-weight:700;">✕ off target</span>` : ''}<div style="font-size:13px;color:${MUTED};padding-top:4px;">${e(moneyCompact(i.valueTotal, i.currency))} delivered on ${e(moneyCompact(i.cost, i.currency))} · ${e(returnText(i.returnPerDollar, i.currency, 'this period'))} · ${e(returnText(i.returnToDate, i.currency, 'to date'))} · ${e(paybackText(i))}</div></td></tr>`)
    h.push(`<tr style="font-size:11px;color:${MUTED};text-transform:uppercase;letter-spacing:.04em;"><td style="padding:6px 14px 2px;">Outcome</td><td align="right" style="padding:6px 8px 2px;">This period</td><td style="padding:6px 8px 2px;">vs previous</td><td style="padding:6px 14px 2px 8px;">vs target</td></tr>`)
    for (const m of metricLines(i)) {
      h.push(`<tr style="font-size:13px;"><td valign="top" style="padding:6px 14px;border-top:1px solid ${RULE};">${e(m.label)}${m.note ? `<div style="font-size:11px;color:${MUTED};">${e(m.note)}</div>` : ''}</td><td valign="top" align="right" style="padding:6px 8px;border-top:1px solid ${RULE};font-weight:600;font-variant-numeric:tabular-nums;white-space:nowrap;">${e(m.value)}</td><td valign="top" style="padding:6px 8px;border-top:1px solid ${RULE};color:${tone(m.change.tone)};white-space:nowrap;">${e(m.change.text)}</td><td valign="top" style="padding:6px 14px 6px 8px;border-top:1px solid ${RULE};color:${m.status.color};white-space:nowrap;">${e(m.status.icon)} ${e(m.status.word)}${m.target !== '—' ? `<div style="font-size:11px;color:${MUTED};">target ${e(m.target)}</div>` : ''}</td></tr>`)
    }
    const ready = readinessBySlug.get(i.slug)
    if (ready) h.push(`<tr><td colspan="4" style="padding:6px 14px;border-top:1px solid ${RULE};font-size:13px;"><span style="color:${MUTED};">Readiness:</span> <span style="color:${VERDICT[ready.verdict].color};font-weight:700;">${e(VERDICT[ready.verdict].icon)} ${e(VERDICT[ready.verdict].word)}</span>${ready.firstMissing ? ` <span style="color:${INK};">${e(ready.firstMissing)}${ready.moreMissing > 0 ? ` (+${ready.moreMissing} more)` : ''}</span>` : ''}</td></tr>`)
    for (const c of changesBySlug.get(i.slug) ?? []) h.push(`<tr><td colspan="4" style="padding:6px 14px;border-top:1px solid ${RULE};font-size:13px;color:${ACCENT};">Stage change: ${e(stageText(c))}</td></tr>`)
    h.push(`</table></td></tr>`)
  }
  if (s.initiatives.length === 0) h.push(`<tr><td style="padding:14px 28px;font-size:14px;color:${MUTED};">No initiatives in scope.</td></tr>`)

  h.push(`<tr><td align="center" style="padding:22px 28px 6px;"><a href="${e(dashboardUrl)}" style="display:inline-block;background:${ACCENT};color:#ffffff;text-decoration:none;font-weight:700;font-size:14px;padding:10px 18px;border-radius:6px;">Open this period in the dashboard</a></td></tr>`)
  h.push(`<tr><td style="padding:14px 28px 22px;font-size:12px;line-height:1.5;color:${MUTED};border-top:1px solid ${RULE};">Scope: ${e(scopeNames)}; timezone ${e(zone)}; subscription “${e(sub.name)}”.<br>${e(freshness)}<br>Dashboard: <a href="${e(dashboardUrl)}" style="color:${ACCENT};">${e(dashboardUrl)}</a><br><a href="${e(input.unsubscribeUrl)}" style="color:${MUTED};">Unsubscribe from this summary</a></td></tr>`)
  h.push(`</table></td></tr></table></body></html>`)

  return { subject, html: h.join('\n'), text, dashboardUrl }
}
