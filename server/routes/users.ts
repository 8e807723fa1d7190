/**
 * Dashboard users, for admins (permission `users:manage`):
 *   GET   /api/v1/users → {users: [{id, email, role, disabled, createdAt, lastSignInAt}]}
 *   POST  /api/v1/users {email, password, role} → 201 user
 *   PATCH /api/v1/users/:id {role?, disabled?, password?} → user
 * Every change is audited (never with a password or its hash). The last enabled admin cannot be
 * demoted or disabled; disabling a user or changing a password ends that user's other sessions.
 */
import { Router } from 'express'
import { writeTransaction, type Db } from '../../db/connection.js'
import { deleteUserSessions } from '../../db/queries/sessions.js'
import { countActiveAdmins, createUser, findUser, findUserByEmail, isEmail, listUsers, normalizeEmail, updateUser, USER_ROLES, type UserRole } from '../../db/queries/users.js'
import { actorName, requirePermission } from '../auth/actor.js'
import { hashPassword, passwordProblem } from '../auth/password.js'
import type { Config } from '../config.js'
import { conflict, notFound, unprocessable, type ErrorDetail } from '../errors.js'
import { user as userSchema, userList } from '../../metrics/api/schemas.js'
import { send } from './answer.js'

function objectBody(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {}
}

function checkRole(v: unknown, details: ErrorDetail[]): UserRole | undefined {
  if (typeof v === 'string' && (USER_ROLES as readonly string[]).includes(v)) return v as UserRole
  details.push({ field: 'role', message: `must be one of ${USER_ROLES.join(', ')}` })
  return undefined
}

export function usersRouter(deps: { db: Db; config: Config; clock: () => number }): Router {
  const { db, clock } = deps
  const router = Router()

  router.get('/', requirePermission('users:manage', 'unscoped'), async (_req, res) => {
    send(res, userList, { users: await listUsers(db) })
  })

  router.post('/', requirePermission('users:manage', 'unscoped'), async (req, res) => {
    const b = objectBody(req.body)
    const details: ErrorDetail[] = []
    const email = typeof b.email === 'string' ? normalizeEmail(b.email) : ''
    if (!isEmail(email)) details.push({ field: 'email', message: 'must be an email address, e.g. ana@example.com' })
    const role = checkRole(b.role, details)
    const pw = passwordProblem(b.password)
    if (pw) details.push({ field: 'password', message: pw })
    const unknown = Object.keys(b).filter((k) => !['email', 'role', 'password'].includes(k))
    for (const k of unknown) details.push({ field: k, message: 'is not a user field (email, role, password)' })
    if (details.length > 0) throw unprocessable('the user is invalid; nothing was stored', details)
    const passwordHash = await hashPassword(b.password as string)
    const user = await writeTransaction(db, async (tx) => {
      if (await findUserByEmail(tx, email)) throw conflict(`a user with email ${email} already exists; PATCH /api/v1/users/:id changes it`)
      return createUser(tx, { email, role: role!, passwordHash }, { actor: actorName(req.actor!), at: clock() })
    })
    send(res, userSchema, user, 201)
  })

  router.patch('/:id', requirePermission('users:manage', 'unscoped'), async (req, res) => {
    const id = Number(req.params.id)
    if (!Number.isInteger(id) || id < 1) throw notFound(`no user "${String(req.params.id)}"; ids are whole numbers (see GET /api/v1/users)`)
    const b = objectBody(req.body)
    const details: ErrorDetail[] = []
    const patch: { role?: UserRole; disabled?: boolean; passwordHash?: string } = {}
    if (b.role !== undefined) patch.role = checkRole(b.role, details)
    if (b.disabled !== undefined) {
      if (typeof b.disabled !== 'boolean') details.push({ field: 'disabled', message: 'must be true or false' })
      else patch.disabled = b.disabled
    }
    if (b.password !== undefined) {
      const pw = passwordProblem(b.password)
      if (pw) details.push({ field: 'password', message: pw })
    }
    for (const k of Object.keys(b).filter((k) => !['role', 'disabled', 'password'].includes(k))) details.push({ field: k, message: 'cannot be changed here (role, disabled, password)' })
    if (details.length === 0 && Object.keys(b).length === 0) details.push({ field: null, message: 'send at least one of role, disabled, password' })
    if (details.length > 0) throw unprocessable('the change is invalid; nothing was changed', details)
    if (typeof b.password === 'string') patch.passwordHash = await hashPassword(b.password)
    const user = await writeTransaction(db, async (tx) => {
      const before = await findUser(tx, id)
      if (!before) throw notFound(`no user with id ${id} (see GET /api/v1/users)`)
      const losesAdmin = before.role === 'admin' && !before.disabled && ((patch.role !== undefined && patch.role !== 'admin') || patch.disabled === true)
      if (losesAdmin && (await countActiveAdmins(tx)) <= 1) throw conflict('this is the last enabled admin; make another user admin first')
      const after = (await updateUser(tx, id, patch, { actor: actorName(req.actor!), at: clock() }))!
      if (patch.disabled === true || patch.passwordHash !== undefined) {
        await deleteUserSessions(tx, id)
      }
      return after
    })
    send(res, userSchema, user)
  })

  return router
}
