/**
 * `npm run cli -- <command>`: the admin command line. Every error is one clear line on stderr and a
 * non-zero exit; never a stack trace.
 */
import { parseArgs } from 'node:util'
import { openDatabase, migrateToLatest, writeTransaction, type DbHandle } from '../db/connection.js'
import { createInitiative, findInitiativeFields, listInitiatives } from '../db/queries/initiatives.js'
import { createKey, KEY_ROLES, listKeys, revokeKey, type KeyRole } from '../db/queries/keys.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { parseCreateInitiative } from './routes/initiative-input.js'
import { keyScopeProblem } from './auth/actor.js'
import { textProblem } from '../metrics/text.js'

export class CliError extends Error {}

export interface CliContext {
  config: Config
  out: (line: string) => void
  err: (line: string) => void
  /** Opens (and migrates) the database once, on first use. */
  open(): Promise<DbHandle>
  /** Reads all of stdin (passwords). */
  readStdin(): Promise<string>
}

type Command = { usage: string; summary: string; run: (args: string[], ctx: CliContext) => Promise<number | void> }

function opts<T extends Record<string, { type: 'string' | 'boolean'; short?: string }>>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (e) {
    throw new CliError(`${(e as Error).message.replace(/\. To specify.*$/, '')}\nusage: ${usage}`)
  }
}

const commands: Record<string, Command> = {}

/** Registers a CLI command; other modules add theirs (rollup, users, digest, …) the same way. */
export function registerCommand(name: string, command: Command) {
  commands[name] = command
}

registerCommand('migrate', {
  usage: 'migrate',
  summary: 'brings the database schema up to date',
  async run(_args, ctx) {
    const { db } = await ctx.open()
    const applied = await migrateToLatest(db)
    ctx.out(applied.length ? `applied: ${applied.join(', ')}` : 'the schema is up to date')
  },
})

const initiativeUsage = 'initiatives create --slug S --name N [--owner EMAIL] [--team T] [--stage pilot|scaling|production|retired] [--currency USD] [--hourly-value X] [--upfront-cost X] [--monthly-cost X] [--started-at DATE] [--description D] | initiatives list [--json]'
registerCommand('initiatives', {
  usage: initiativeUsage,
  summary: 'registers and lists initiatives',
  async run(args, ctx) {
    const [sub, ...rest] = args
    if (sub === 'list') {
      const { values } = opts(rest, { json: { type: 'boolean' } }, initiativeUsage)
      const { db } = await ctx.open()
      const all = await listInitiatives(db)
      if (values.json) ctx.out(JSON.stringify(all, null, 2))
      else for (const i of all) ctx.out(`${i.slug}\t${i.stage}\t${i.name}\t${i.owner ?? '(no owner)'}`)
      return
    }
    if (sub !== 'create') throw new CliError(`usage: ${initiativeUsage}`)
    const { values } = opts(
      rest,
      {
        slug: { type: 'string' }, name: { type: 'string' }, owner: { type: 'string' }, team: { type: 'string' }, stage: { type: 'string' },
        currency: { type: 'string' }, 'hourly-value': { type: 'string' }, 'upfront-cost': { type: 'string' }, 'monthly-cost': { type: 'string' },
        'cost-per-error': { type: 'string' }, 'started-at': { type: 'string' }, description: { type: 'string' },
        'baseline-error-rate': { type: 'string' }, 'baseline-latency-seconds': { type: 'string' },
      },
      initiativeUsage,
    )
    if (!values.slug || !values.name) throw new CliError(`--slug and --name are required\nusage: ${initiativeUsage}`)
    const num = (flag: string, v: string | undefined) => {
      if (v === undefined) return undefined
      const n = Number(v)
      if (v.trim() === '' || !Number.isFinite(n)) throw new CliError(`--${flag} must be a number, got "${v}"`)
      return n
    }
    const body: Record<string, unknown> = {
      slug: values.slug, name: values.name, owner: values.owner, team: values.team, stage: values.stage, currency: values.currency,
      hourlyValue: num('hourly-value', values['hourly-value']), upfrontCost: num('upfront-cost', values['upfront-cost']),
      monthlyCost: num('monthly-cost', values['monthly-cost']), costPerError: num('cost-per-error', values['cost-per-error']),
      startedAt: values['started-at'], description: values.description,
    }
    const baselineError = num('baseline-error-rate', values['baseline-error-rate'])
    const baselineLatency = num('baseline-latency-seconds', values['baseline-latency-seconds'])
    if (baselineError !== undefined || baselineLatency !== undefined) body.baselines = { errorRate: baselineError, decisionLatencySeconds: baselineLatency }
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k]
    const parsed = parseCreateInitiative(body, ctx.config.timezone, Date.now())
    if (!parsed.ok) throw new CliError(parsed.details.map((d) => `--${(d.field ?? '').replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}: ${d.message}`).join('\n'))
    const { db } = await ctx.open()
    const created = await writeTransaction(db, async (tx) => {
      if (await findInitiativeFields(tx, parsed.value.slug)) throw new CliError(`an initiative with slug "${parsed.value.slug}" already exists`)
      return createInitiative(tx, parsed.value, { actor: 'cli', at: Date.now() })
    })
    ctx.out(`created initiative ${created.slug} (${created.name}), stage ${created.stage}, currency ${created.currency}`)
  },
})

const keysUsage = 'keys create --name NAME [--initiatives a,b] [--role ingest|read|admin] | keys list [--json] | keys revoke ID'
registerCommand('keys', {
  usage: keysUsage,
  summary: 'creates, lists and revokes API keys',
  async run(args, ctx) {
    const [sub, ...rest] = args
    if (sub === 'create') {
      const { values } = opts(rest, { name: { type: 'string' }, initiatives: { type: 'string' }, role: { type: 'string' } }, keysUsage)
      if (!values.name || values.name.trim() === '') throw new CliError(`--name is required\nusage: ${keysUsage}`)
      const nameProblem = textProblem(values.name.trim(), { max: 200 })
      if (nameProblem) throw new CliError(`--name ${nameProblem}`)
      const role = (values.role ?? 'ingest') as KeyRole
      if (!KEY_ROLES.includes(role)) throw new CliError(`--role must be one of ${KEY_ROLES.join(', ')}, got "${values.role}"`)
      const slugs = values.initiatives ? values.initiatives.split(',').map((s) => s.trim()).filter(Boolean) : null
      const scopeProblem = keyScopeProblem(role, slugs)
      if (scopeProblem) throw new CliError(`--initiatives: ${scopeProblem}`)
      const { db } = await ctx.open()
      const result = await writeTransaction(db, async (tx) => {
        for (const s of slugs ?? []) if (!(await findInitiativeFields(tx, s))) throw new CliError(`no initiative "${s}"; create it first with: npm run cli -- initiatives create --slug ${s} --name "..."`)
        return createKey(tx, { name: values.name!.trim(), role, initiatives: slugs }, { actor: 'cli', at: Date.now() })
      })
      ctx.err(`created key ${result.key.id} "${result.key.name}" (${role}${slugs ? `, initiatives: ${slugs.join(', ')}` : ', all initiatives'}). The token below is shown once; store it now.`)
      ctx.out(result.token)
      return
    }
    if (sub === 'list') {
      const { values } = opts(rest, { json: { type: 'boolean' } }, keysUsage)
      const { db } = await ctx.open()
      const keys = await listKeys(db)
      if (values.json) {
        ctx.out(JSON.stringify(keys.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, role: k.role, initiatives: k.initiatives, lastUsedAt: k.lastUsedAt, createdAt: k.createdAt, revokedAt: k.revokedAt }))))
        return
      }
      if (keys.length === 0) ctx.out('no keys yet; create one with: npm run cli -- keys create --name NAME')
      for (const k of keys) {
        ctx.out([k.id, k.name, k.prefix + '…', k.role, k.initiatives?.join(',') ?? '(all)', `last used ${k.lastUsedAt ?? 'never'}`, k.revokedAt ? `REVOKED ${k.revokedAt}` : ''].join('\t').trimEnd())
      }
      return
    }
    if (sub === 'revoke') {
      const id = Number(rest[0])
      if (rest.length !== 1 || !Number.isInteger(id) || id < 1) throw new CliError(`keys revoke takes one key id (see keys list)\nusage: ${keysUsage}`)
      const { db } = await ctx.open()
      const key = await writeTransaction(db, (tx) => revokeKey(tx, id, { actor: 'cli', at: Date.now() }))
      if (!key) throw new CliError(`no key with id ${id} (see: npm run cli -- keys list)`)
      ctx.out(`revoked key ${key.id} "${key.name}"`)
      return
    }
    throw new CliError(`usage: ${keysUsage}`)
  },
})

function help(): string {
  return ['usage: npm run cli -- <command>', '', ...Object.entries(commands).map(([, c]) => `  ${c.usage}\n      ${c.summary}`)].join('\n')
}

/**
 * Runs one CLI invocation; returns the exit code. Exported so tests can run commands in process.
 * @example await runCli(['keys', 'list'], ctx)
 */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const [name, ...args] = argv
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    ctx.out(help())
    return name ? 0 : 1
  }
  const command = commands[name]
  if (!command) {
    ctx.err(`unknown command "${name}"\n${help()}`)
    return 1
  }
  try {
    return (await command.run(args, ctx)) ?? 0
  } catch (e) {
    if (e instanceof CliError || e instanceof ConfigError) ctx.err(`error: ${e.message}`)
    else ctx.err(`error: ${e instanceof Error ? e.message : String(e)}`)
    return 1
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** The process entry: load config, run, close the database, exit. */
export async function cliMain(argv: string[]): Promise<void> {
  let handle: DbHandle | undefined
  let code = 1
  try {
    const config = loadConfig()
    const ctx: CliContext = {
      config,
      out: (l) => process.stdout.write(l + '\n'),
      err: (l) => process.stderr.write(l + '\n'),
      async open() {
        if (!handle) {
          handle = openDatabase(config.database, { sync: config.sync })
          await migrateToLatest(handle.db)
        }
        return handle
      },
      readStdin,
    }
    code = await runCli(argv, ctx)
  } catch (e) {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`)
  } finally {
    await handle?.close()
  }
  process.exitCode = code
}

// No top-level await: the command modules import this module, and a top-level await here would make
// that import cycle wait on itself (Node exits 13 with no output).
if (process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1])) {
  void import('./cli-commands.js').then(() => cliMain(process.argv.slice(2)))
}
