/**
 * Test helpers for governance: users and sessions made through the real queries, and a route
 * listing read from the router itself.
 */
import { randomBytes } from 'node:crypto'
import type { Express } from 'express'
import { writeTransaction, type Db } from '../../db/connection.js'
import { hashToken } from '../../db/queries/keys.js'
import { createSession } from '../../db/queries/sessions.js'
import { createUser, type UserRole } from '../../db/queries/users.js'
import { hashPassword } from './password.js'
import { SESSION_COOKIE } from './cookies.js'

/** Creates a user through the same query as the CLI and the API (audited at `at`); returns its id. */
export async function makeUser(db: Db, email: string, role: UserRole, password: string, at = Date.now()): Promise<number> {
  const passwordHash = await hashPassword(password)
  const u = await writeTransaction(db, (tx) => createUser(tx, { email, role, passwordHash }, { actor: 'test', at }))
  return u.id
}

/** A fresh session for a user, stored as sign-in stores it; returns the Cookie header value. */
export async function sessionCookie(db: Db, userId: number, at = Date.now(), maxMs = 7 * 86_400_000): Promise<string> {
  const token = randomBytes(32).toString('base64url')
  await createSession(db, { userId, tokenHash: hashToken(token), at, expiresAt: at + maxMs })
  return `${SESSION_COOKIE}=${token}`
}

/** The `ys_session=...` pair from a response's Set-Cookie, or undefined. */
export function cookieFrom(res: Response): string | undefined {
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))
  return set?.split(';')[0]
}

export interface RouteRule {
  method: string
  path: string
  /** The guard's tag (`read`, `users:manage`, `public`, `signed-in`, …), or undefined without a guard. */
  permission: string | undefined
  /** The guard's scope rule (`slug`, `filtered`, `unscoped`), or undefined for public and signed-in routes. */
  scope?: string
}

type Layer = { route?: { path: unknown; methods: Record<string, boolean>; stack: Layer[] }; handle: { stack?: Layer[]; permission?: string; scope?: string }; rawPath?: unknown }

/**
 * Every route of the app with the permission of its guard: the guard inside the route, or a guard
 * mounted with `router.use` earlier in an enclosing router.
 */
export function listRoutes(app: Express): RouteRule[] {
  const out: RouteRule[] = []
  const walk = (stack: Layer[], prefix: string, inherited: string | undefined) => {
    let guard = inherited
    for (const layer of stack) {
      if (layer.route) {
        const ownLayer = layer.route.stack.find((l) => l.handle.permission !== undefined)
        const own = ownLayer?.handle.permission
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) {
          out.push({ method: method.toUpperCase(), path: (prefix + String(layer.route.path)).replace(/(.)\/$/, '$1'), permission: own ?? guard, scope: ownLayer?.handle.scope })
        }
      } else if (Array.isArray(layer.handle.stack)) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''
        walk(layer.handle.stack, prefix + mount, guard)
      } else if (layer.handle.permission !== undefined) {
        guard = layer.handle.permission
      }
    }
  }
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', undefined)
  return out
}
