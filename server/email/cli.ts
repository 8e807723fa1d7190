/**
 * CLI: `subscriptions create|list|delete` and `digest run|preview`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { writeTransaction } from '../../db/connection.js'
import { listInitiatives } from '../../db/queries/initiatives.js'
import { findRecentDeliveries } from '../../db/queries/outbox.js'
import { createSubscription, deleteSubscription, findSubscription, listSubscriptions } from '../../db/queries/subscriptions.js'
import { CliError, registerCommand } from '../cli.js'
import { buildDigestInput, createComposer, inlineImages, unsubscribeUrl } from './compose.js'
import { runDigests } from './delivery.js'
import { renderDigest } from './render.js'
import { currentPeriod, lastCompletedPeriod } from './schedule.js'
import { parseSubscription } from './subscription-input.js'
import { unsubscribeSecret } from './tokens.js'
import { createMailTransport } from './transport.js'

function opts<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (e) {
    throw new CliError(`${(e as Error).message.replace(/\. To specify.*$/, '')}\nusage: ${usage}`)
  }
}

function subscriptionId(raw: string | undefined, usage: string): number {
  const id = Number(raw)
  if (raw === undefined || !Number.isInteger(id) || id < 1) throw new CliError(`give a subscription id (see: npm run cli -- subscriptions list)\nusage: ${usage}`)
  return id
}

const subsUsage =
  'subscriptions create --name N --recipients a@x.com,b@y.com --schedule daily|weekly|monthly|"CRON" [--initiatives a,b] [--timezone ZONE] | subscriptions list [--json] | subscriptions delete ID'

registerCommand('subscriptions', {
  usage: subsUsage,
  summary: 'subscribes recipients to email summaries (prints the new id on the last line), lists and deletes subscriptions',
  async run(args, ctx) {
    const [sub, ...rest] = args
    if (sub === 'create') {
      const { values } = opts(rest, { name: { type: 'string' }, recipients: { type: 'string' }, schedule: { type: 'string' }, initiatives: { type: 'string' }, timezone: { type: 'string' } }, subsUsage)
      const { db } = await ctx.open()
      const known = new Set((await listInitiatives(db)).map((i) => i.slug))
      const body: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(values)) if (v !== undefined) body[k] = v
      const parsed = parseSubscription(body, { defaultTimezone: ctx.config.timezone, knownInitiatives: known })
      if (!parsed.ok) throw new CliError(parsed.details.map((d) => `--${d.field ?? 'input'}: ${d.message}`).join('\n') + `\nusage: ${subsUsage}`)
      const created = await writeTransaction(db, (tx) => createSubscription(tx, parsed.value as Required<typeof parsed.value>, { actor: 'cli', at: Date.now() }))
      const first = lastCompletedPeriod(Date.now(), created.schedule, created.timezone)
      ctx.err(`created subscription ${created.id} "${created.name}": ${created.schedule} (${created.timezone}) to ${created.recipients.join(', ')}; first digest covers ${new Date(first.from).toISOString()} – ${new Date(first.to).toISOString()} and is due now`)
      ctx.out(String(created.id))
      return
    }
    if (sub === 'list') {
      const { values } = opts(rest, { json: { type: 'boolean' } }, subsUsage)
      const { db } = await ctx.open()
      const subs = await listSubscriptions(db)
      const deliveries = await findRecentDeliveries(db, subs.map((s) => s.id), 10, Date.now())
      if (values.json) {
        ctx.out(JSON.stringify(subs.map((s) => ({ ...s, deliveries: deliveries.get(s.id) ?? [] }))))
        return
      }
      if (subs.length === 0) ctx.out('no subscriptions yet; create one with: npm run cli -- subscriptions create --name N --recipients a@x.com --schedule weekly')
      for (const s of subs) {
        const last = deliveries.get(s.id)?.[0]
        ctx.out([s.id, s.name, s.schedule, s.timezone, s.initiatives.length ? s.initiatives.join(',') : '(all)', s.recipients.join(','), last ? `last: ${last.period.key} ${last.status}` : 'nothing sent yet'].join('\t'))
      }
      return
    }
    if (sub === 'delete') {
      const id = subscriptionId(rest[0], subsUsage)
      const { db } = await ctx.open()
      const gone = await writeTransaction(db, (tx) => deleteSubscription(tx, id, { actor: 'cli', at: Date.now() }))
      if (!gone) throw new CliError(`no subscription with id ${id} (see: npm run cli -- subscriptions list)`)
      ctx.out(`deleted subscription ${id} "${gone.name}"`)
      return
    }
    throw new CliError(`usage: ${subsUsage}`)
  },
})

const digestUsage = 'digest run [--now] [--subscription ID] | digest preview --subscription ID [--out FILE] [--now]'

registerCommand('digest', {
  usage: digestUsage,
  summary: 'sends the digests that are due (retrying temporary failures at once; exits 1 if any delivery failed), or renders one to HTML',
  async run(args, ctx) {
    const [sub, ...rest] = args
    if (sub === 'run') {
      const { values } = opts(rest, { now: { type: 'boolean' }, subscription: { type: 'string' } }, digestUsage)
      const id = values.subscription === undefined ? undefined : subscriptionId(values.subscription, digestUsage)
      if (values.now && id === undefined) throw new CliError(`--now needs --subscription ID\nusage: ${digestUsage}`)
      const { db } = await ctx.open()
      if (id !== undefined && !(await findSubscription(db, id))) throw new CliError(`no subscription with id ${id} (see: npm run cli -- subscriptions list)`)
      const transport = createMailTransport(ctx.config, ctx.err)
      try {
        const result = await runDigests(
          { db, config: ctx.config, transport, compose: createComposer(db, ctx.config), log: ctx.err },
          { subscriptionId: id, extraNow: values.now ?? false, immediateRetries: 2, retryDelayMs: 1000, ignoreBackoff: true },
        )
        for (const o of result.outcomes) ctx.out(`${o.status}\tsubscription ${o.subscriptionId}\t${o.periodKey}\t${o.recipient}${o.error ? `\t${o.error}` : ''}`)
        const count = (s: string) => result.outcomes.filter((o) => o.status === s).length
        ctx.out(`digest run: ${count('sent')} sent, ${count('uncertain')} uncertain, ${count('retrying')} still retrying, ${count('failed')} failed, ${count('cancelled')} cancelled`)
        return result.failed > 0 ? 1 : 0
      } finally {
        transport.close()
      }
    }
    if (sub === 'preview') {
      const { values } = opts(rest, { subscription: { type: 'string' }, out: { type: 'string' }, now: { type: 'boolean' } }, digestUsage)
      const id = subscriptionId(values.subscription, digestUsage)
      const { db } = await ctx.open()
      const s = await findSubscription(db, id)
      if (!s) throw new CliError(`no subscription with id ${id} (see: npm run cli -- subscriptions list)`)
      const now = Date.now()
      const period = values.now ? { ...currentPeriod(now, s.schedule, s.timezone), kind: 'now' as const } : { ...lastCompletedPeriod(now, s.schedule, s.timezone), kind: 'scheduled' as const }
      const input = await buildDigestInput(db, ctx.config, s, period, now)
      const recipient = s.recipients[0] ?? 'preview@example.com'
      const r = renderDigest({ ...input, unsubscribeUrl: unsubscribeUrl(ctx.config.publicUrl, await unsubscribeSecret(db), s.id, recipient) })
      const html = inlineImages(r.html, input.chart)
      if (values.out) {
        fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true })
        fs.writeFileSync(values.out, html)
        ctx.err(`subject: ${r.subject}`)
        ctx.out(`wrote ${values.out}`)
      } else ctx.out(html)
      return
    }
    throw new CliError(`usage: ${digestUsage}`)
  },
})
