/**
 * CLI: `alerts run` (evaluate every rule now, send what is due, retrying failed deliveries at once;
 * exits 1 if a delivery failed) and `alerts list [--json]`.
 */
import { parseArgs } from 'node:util'
import { findAlertStates, findRecentAlertDeliveries, listAlertRules } from '../../db/queries/alerts.js'
import { CliError, registerCommand } from '../cli.js'
import { runAlerts } from './run.js'

const usage = 'alerts run | alerts list [--json]'

registerCommand('alerts', {
  usage,
  summary: 'evaluates every alert rule now and sends what is due (retrying failed deliveries at once; exits 1 if any delivery failed), or lists the rules with their state',
  async run(args, ctx) {
    const [sub, ...rest] = args
    let values: { json?: boolean }
    try {
      values = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, strict: true, allowPositionals: false }).values
    } catch (e) {
      throw new CliError(`${(e as Error).message.replace(/\. To specify.*$/, '')}\nusage: ${usage}`)
    }
    if (sub === 'run') {
      const { db } = await ctx.open()
      const result = await runAlerts({ db, config: ctx.config, log: ctx.err }, { immediateRetries: 2, retryDelayMs: 1000, ignoreBackoff: true })
      if (result.skipped) ctx.err(`alerts: evaluation skipped: ${result.skipped}; sending what is due`)
      for (const e of result.evaluated?.errors ?? []) ctx.err(e)
      for (const c of result.evaluated?.changes ?? []) ctx.out(`${c.change}\trule ${c.ruleId} ${c.rule}\t${c.initiative}\t${c.message}`)
      for (const o of result.outcomes) ctx.out(`${o.status}\t${o.channel} ${o.target}\t${o.eventId}${o.error ? `\t${o.error}` : ''}`)
      const count = (s: string) => result.outcomes.filter((o) => o.status === s).length
      ctx.out(`alerts run: ${result.evaluated ? `${result.evaluated.rules} rules evaluated, ${result.evaluated.changes.length} changes; ` : ''}${count('sent')} sent, ${count('uncertain')} uncertain, ${count('retrying')} still retrying, ${count('failed')} failed, ${count('cancelled')} cancelled`)
      return result.failed > 0 || (result.evaluated?.errors.length ?? 0) > 0 ? 1 : 0
    }
    if (sub === 'list') {
      const { db } = await ctx.open()
      const rules = await listAlertRules(db)
      const states = await findAlertStates(db, rules.map((r) => r.id))
      if (values.json) {
        const deliveries = await findRecentAlertDeliveries(db, rules.map((r) => r.id), 20, Date.now())
        ctx.out(JSON.stringify(rules.map((r) => ({ ...r, states: states.filter((s) => s.ruleId === r.id), deliveries: deliveries.get(r.id) ?? [] }))))
        return
      }
      if (rules.length === 0) ctx.out('no alert rules yet; create one with POST /api/v1/alert-rules or on the dashboard\'s Alerts page')
      for (const r of rules) {
        const firing = states.filter((s) => s.ruleId === r.id && s.state === 'firing').length
        ctx.out([r.id, r.name, r.kind, r.initiative ?? '(all)', JSON.stringify(r.params), firing ? `${firing} firing` : 'not firing'].join('\t'))
      }
      return
    }
    throw new CliError(`usage: ${usage}`)
  },
})
