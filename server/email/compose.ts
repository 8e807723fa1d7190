/**
 * Builds a subscription's digest for a period from the same summary function as GET /api/v1/summary
 * (server/outcomes/summary.ts), so the email's numbers are the API's numbers for that period.
 */
import type { Db } from '../../db/connection.js'
import { listInitiatives } from '../../db/queries/initiatives.js'
import type { Subscription } from '../../db/queries/subscriptions.js'
import type { Config } from '../config.js'
import { findSummary } from '../outcomes/summary.js'
import { renderValueChart } from './charts.js'
import type { ComposedMessage, Composer } from './delivery.js'
import { renderDigest, type DigestInput, type DigestReadiness, type DigestStageChange } from './render.js'
import { findReadiness } from '../readiness/facts.js'
import { DEFAULT_CONSECUTIVE_MONTHS } from '../../metrics/readiness.js'
import type { DigestPeriod } from './schedule.js'
import { signUnsubscribe, unsubscribeSecret } from './tokens.js'
import { findAssessment } from '../assessment/facts.js'
import { digestAssessment } from './assessment-block.js'

/** Everything a digest shows except the recipient's unsubscribe link. */
export async function buildDigestInput(db: Db, config: Pick<Config, 'timezone' | 'publicUrl'> & Partial<Pick<Config, 'readinessMonths'>>, sub: Subscription, period: DigestPeriod & { kind: 'scheduled' | 'now' }, now: number): Promise<Omit<DigestInput, 'unsubscribeUrl'>> {
  const all = await listInitiatives(db)
  const known = new Set(all.map((i) => i.slug))
  // An initiative named by the subscription may have been removed since: the digest covers the rest.
  const scope = sub.initiatives.length === 0 ? null : sub.initiatives.filter((s) => known.has(s))
  const summary = await findSummary(db, { timezone: config.timezone }, { from: period.from, to: period.to, initiatives: scope, now })
  const inScope = new Set(summary.initiatives.map((i) => i.slug))
  const stageChanges: DigestStageChange[] = []
  for (const i of all) {
    if (!inScope.has(i.slug)) continue
    for (const c of i.stageHistory) {
      const at = Date.parse(c.at)
      if (c.from !== null && at >= period.from && at < period.to) stageChanges.push({ slug: i.slug, name: i.name, from: c.from, to: c.to, at })
    }
  }
  const chart = await renderValueChart(summary, `value-chart.${sub.id}@yardstick`)
  // Readiness is a state, not a period figure: as of when the digest is built.
  const readiness: DigestReadiness[] = (await findReadiness(db, { timezone: config.timezone, now: Math.min(period.to, now), slugs: [...inScope] }, config.readinessMonths ?? DEFAULT_CONSECUTIVE_MONTHS)).map((r) => {
    const first = (r.verdict === 'at_risk' ? r.risks[0] : undefined) ?? r.missing[0]
    return { slug: r.slug, verdict: r.verdict, firstMissing: first?.message ?? null, moreMissing: Math.max(0, r.missing.length - 1) }
  })
  // Monthly digests carry the organisation's assessment as it stands when the digest is built.
  const assessment = sub.schedule === 'monthly' ? digestAssessment(await findAssessment(db, { timezone: config.timezone, readinessMonths: config.readinessMonths ?? DEFAULT_CONSECUTIVE_MONTHS }, { now, historyLimit: 2 }), config.publicUrl) : undefined
  return {
    subscription: { id: sub.id, name: sub.name, schedule: sub.schedule, timezone: sub.timezone, initiatives: sub.initiatives },
    period,
    summary,
    stageChanges,
    publicUrl: config.publicUrl,
    chart,
    readiness,
    assessment,
  }
}

/** The unsubscribe link of one recipient. */
export function unsubscribeUrl(publicUrl: string, secret: string, subscriptionId: number, recipient: string): string {
  return `${publicUrl}/unsubscribe?token=${signUnsubscribe(secret, subscriptionId, recipient)}`
}

/**
 * The Composer the delivery engine uses: one summary and chart per (subscription, period), one
 * message per recipient (their own unsubscribe link).
 * @example const compose = createComposer(db, config); const forRecipient = await compose(sub, period)
 */
export function createComposer(db: Db, config: Pick<Config, 'timezone' | 'publicUrl'> & Partial<Pick<Config, 'readinessMonths'>>, clock: () => number = Date.now): Composer {
  return async (sub, period) => {
    const input = await buildDigestInput(db, config, sub, period, clock())
    const secret = await unsubscribeSecret(db)
    return (recipient: string): ComposedMessage => {
      const url = unsubscribeUrl(config.publicUrl, secret, sub.id, recipient)
      const r = renderDigest({ ...input, unsubscribeUrl: url })
      return {
        subject: r.subject,
        html: r.html,
        text: r.text,
        attachments: input.chart ? [{ filename: 'value-per-initiative.png', content: input.chart.png, cid: input.chart.cid, contentType: 'image/png' }] : [],
        headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      }
    }
  }
}

/** Inlines CID images as data: URIs, for previews opened in a browser. */
export function inlineImages(html: string, chart: { cid: string; png: Buffer } | null): string {
  if (!chart) return html
  return html.split(`cid:${chart.cid}`).join(`data:image/png;base64,${chart.png.toString('base64')}`)
}
