/**
 * `users create --email E --role viewer|editor|admin` (password on stdin) and `users list [--json]`.
 */
import { parseArgs } from 'node:util'
import { writeTransaction } from '../../db/connection.js'
import { createUser, findUserByEmail, isEmail, listUsers, normalizeEmail, USER_ROLES, type UserRole } from '../../db/queries/users.js'
import { CliError, registerCommand } from '../cli.js'
import { hashPassword, passwordProblem } from './password.js'

const usage = 'users create --email E --role viewer|editor|admin  (password on stdin, e.g. printf %s "$PW" | npm run cli -- users create ...) | users list [--json]'

function options<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], opts: T) {
  try {
    return parseArgs({ args, options: opts, allowPositionals: false, strict: true })
  } catch (e) {
    throw new CliError(`${(e as Error).message.replace(/\. To specify.*$/, '')}\nusage: ${usage}`)
  }
}

registerCommand('users', {
  usage,
  summary: 'creates and lists dashboard users',
  async run(args, ctx) {
    const [sub, ...rest] = args
    if (sub === 'create') {
      const { values } = options(rest, { email: { type: 'string' }, role: { type: 'string' } })
      const email = normalizeEmail(String(values.email ?? ''))
      if (!isEmail(email)) throw new CliError(`--email must be an email address, e.g. ana@example.com\nusage: ${usage}`)
      const role = values.role as UserRole
      if (!USER_ROLES.includes(role)) throw new CliError(`--role must be one of ${USER_ROLES.join(', ')}${values.role === undefined ? '' : `, got "${values.role}"`}`)
      // One trailing newline (from echo or a here-string) is not part of the password.
      const password = (await ctx.readStdin()).replace(/\r?\n$/, '')
      const problem = passwordProblem(password)
      if (problem) throw new CliError(`the password (read from stdin) ${problem}`)
      const passwordHash = await hashPassword(password)
      const { db } = await ctx.open()
      const user = await writeTransaction(db, async (tx) => {
        if (await findUserByEmail(tx, email)) throw new CliError(`a user with email ${email} already exists`)
        return createUser(tx, { email, role, passwordHash }, { actor: 'cli', at: Date.now() })
      })
      ctx.out(`created user ${user.id} ${user.email} (${user.role})`)
      return
    }
    if (sub === 'list') {
      const { values } = options(rest, { json: { type: 'boolean' } })
      const { db } = await ctx.open()
      const users = await listUsers(db)
      if (values.json) {
        ctx.out(JSON.stringify(users))
        return
      }
      if (users.length === 0) ctx.out('no users yet; create one with: npm run cli -- users create --email E --role admin (password on stdin)')
      for (const u of users) ctx.out([u.id, u.email, u.role, u.disabled ? 'DISABLED' : 'active', `last sign-in ${u.lastSignInAt ?? 'never'}`].join('\t'))
      return
    }
    throw new CliError(`usage: ${usage}`)
  },
})
