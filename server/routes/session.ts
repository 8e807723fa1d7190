/**
 * Sign-in, the current user, sign-out, and the first-run setup of the first admin.
 *   POST   /api/v1/session {email, password} → 200 {id, email, role, expiresAt} + cookie ys_session
 *   GET    /api/v1/session → 200 {id, email, role} or 401
 *   DELETE /api/v1/session → 204 (always; clears the cookie)
 *   GET    /api/v1/setup → {needed}
 *   POST   /api/v1/setup {token, email, password} → 201 {id, email, role, expiresAt} + cookie
 */
import { Router, type Request, type Response } from 'express'
import { writeTransaction, type Db } from '../../db/connection.js'
import { countUsers, createUser, findUserForAuth, isEmail, normalizeEmail } from '../../db/queries/users.js'
import { can, publicRoute, requireSignedIn, type Actor } from '../auth/actor.js'
import { hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from '../auth/password.js'
import { endSession, startSession } from '../auth/session-auth.js'
import { setupTokenMatches, voidSetupToken } from '../auth/setup.js'
import { SignInThrottle } from '../auth/sign-in-limiter.js'
import type { Config } from '../config.js'
import { conflict, forbidden, HttpError, unauthorized, unprocessable, type ErrorDetail } from '../errors.js'
import { sessionUser, setupState } from '../../metrics/api/schemas.js'
import { send } from './answer.js'

export type SignInLimits = SignInThrottle

export function signInLimits(db: Db, config: Config, clock: () => number): SignInLimits {
  return new SignInThrottle(db, { perAccount: config.signInFailuresPerAccount, perAddress: config.signInFailuresPerIp, windowMs: config.signInWindowMs }, clock)
}

function tooMany(seconds: number, what: string): HttpError {
  return new HttpError(429, 'rate_limited', `too many failed ${what}; try again in ${seconds} s`, [], { 'Retry-After': String(seconds) })
}

function credentials(body: unknown, fields: string[]): Record<string, string> {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const details: ErrorDetail[] = []
  const out: Record<string, string> = {}
  for (const f of fields) {
    if (typeof b[f] !== 'string' || b[f] === '') details.push({ field: f, message: `"${f}" is required (a string)` })
    else out[f] = b[f] as string
  }
  if (details.length > 0) throw unprocessable(`send JSON with ${fields.map((f) => `"${f}"`).join(', ')}`, details)
  return out
}

function noStore(res: Response) {
  res.setHeader('Cache-Control', 'no-store')
}

export function sessionRouter(deps: { db: Db; config: Config; clock: () => number; limits: SignInLimits }): Router {
  const { db, limits } = deps
  const router = Router()

  router.post('/', publicRoute(), async (req: Request, res: Response) => {
    noStore(res)
    const { email, password } = credentials(req.body, ['email', 'password'])
    const account = normalizeEmail(email).slice(0, 320)
    const ip = req.ip ?? 'unknown'
    // Counted before the check (one transaction), so that parallel guesses cannot all pass the limit;
    // taken back on success.
    const verdict = await limits.attempt(account, ip)
    if (!verdict.allowed) throw tooMany(verdict.retryAfterSeconds, 'sign-ins')
    const user = await findUserForAuth(db, account)
    const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDummy(password)
    if (!user || !ok) throw unauthorized('the email or password is not right')
    await limits.succeeded(account, ip)
    if (user.disabled) throw forbidden('this account is disabled; ask an admin to enable it')
    const { expiresAt } = await startSession(deps, req, res, user.id)
    send(res, sessionUser, { id: user.id, email: user.email, role: user.role, expiresAt: new Date(expiresAt).toISOString() })
  })

  router.get('/', requireSignedIn(), (req, res) => {
    noStore(res)
    const a = req.actor as Extract<Actor, { kind: 'user' }>
    send(res, sessionUser, { id: a.id, email: a.email, role: a.role })
  })

  router.delete('/', publicRoute(), async (req, res) => {
    noStore(res)
    await endSession(deps, req, res)
    res.status(204).end()
  })

  return router
}

export function setupRouter(deps: { db: Db; config: Config; clock: () => number; limits: SignInLimits }): Router {
  const { db, clock, limits } = deps
  const router = Router()

  // Also says whether this request may read and is signed in, so the dashboard's first paint can choose
  // between the sign-in page and the portfolio without a request bound to answer 401.
  router.get('/', publicRoute(), async (req, res) => {
    noStore(res)
    send(res, setupState, { needed: (await countUsers(db)) === 0, signedIn: req.actor?.kind === 'user', canRead: !!req.actor && can(req.actor, 'read') })
  })

  router.post('/', publicRoute(), async (req, res) => {
    noStore(res)
    const { token, email, password } = credentials(req.body, ['token', 'email', 'password'])
    const details: ErrorDetail[] = []
    if (!isEmail(normalizeEmail(email))) details.push({ field: 'email', message: 'must be an email address, e.g. ana@example.com' })
    const pw = passwordProblem(password)
    if (pw) details.push({ field: 'password', message: pw })
    if (details.length > 0) throw unprocessable('the first admin is invalid; nothing was stored', details)
    const ip = req.ip ?? 'unknown'
    const wait = await limits.addressWait(ip)
    if (wait > 0) throw tooMany(wait, 'attempts')
    const passwordHash = await hashPassword(password)
    const user = await writeTransaction(db, async (tx) => {
      if ((await countUsers(tx)) > 0) throw conflict('setup is already done: users exist; sign in instead (POST /api/v1/session)')
      if (!(await setupTokenMatches(tx, token))) return null
      const created = await createUser(tx, { email, role: 'admin', passwordHash }, { actor: normalizeEmail(email), at: clock() })
      await voidSetupToken(tx)
      return created
    })
    if (!user) {
      await limits.failAddress(ip)
      throw forbidden('the setup token does not match; use the one printed by the most recent `npm start`')
    }
    const { expiresAt } = await startSession(deps, req, res, user.id)
    send(res, sessionUser, { id: user.id, email: user.email, role: user.role, expiresAt: new Date(expiresAt).toISOString() }, 201)
  })

  return router
}
