/**
 * `npm run cli -- demo [--days N]`: loads the demo portfolio with progress output.
 */
import { parseArgs } from 'node:util'
import { CliError, registerCommand } from '../cli.js'
import { DemoAlreadyLoaded, loadDemo, MAX_DEMO_DAYS } from './load.js'

const usage = 'demo [--days N]'

registerCommand('demo', {
  usage,
  summary: 'loads realistic demo initiatives and events (default: one year)',
  async run(args, ctx) {
    let days = 365
    try {
      const { values, positionals } = parseArgs({ args, options: { days: { type: 'string' } }, allowPositionals: true, strict: true })
      if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`)
      if (values.days !== undefined) {
        days = Number(values.days)
        if (!/^\d+$/.test(values.days) || days < 1 || days > MAX_DEMO_DAYS) throw new Error(`--days must be a whole number from 1 to ${MAX_DEMO_DAYS}, got "${values.days}"`)
      }
    } catch (e) {
      throw new CliError(`${(e as Error).message.replace(/\. To specify.*$/, '')}\nusage: ${usage}`)
    }
    const { db, file } = await ctx.open()
    ctx.out(`loading ${days} days of demo data into ${file} (timezone ${ctx.config.timezone})…`)
    try {
      await loadDemo(db, { days, timezone: ctx.config.timezone, log: ctx.out, actor: 'cli' })
    } catch (e) {
      if (e instanceof DemoAlreadyLoaded) throw new CliError(e.message)
      throw e
    }
    ctx.out(`open the dashboard: ${ctx.config.publicUrl}/`)
  },
})
