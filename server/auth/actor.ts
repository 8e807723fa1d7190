/**
 * Who is making a request, and what each role may do.
 */
import type { RequestHandler } from 'express'
import type { KeyRole } from '../../db/queries/keys.js'
import { forbidden, unauthorized } from '../errors.js'

export type UserRole = 'viewer' | 'editor' | 'admin'

export type Actor =
  | { kind: 'key'; id: number; name: string; role: KeyRole; initiatives: Set<string> | null }
  | { kind: 'user'; id: number; email: string; role: UserRole }
  | { kind: 'cli' }

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      actor?: Actor
      /** The cookie session behind a user actor. */
      sessionId?: number
      /** Why a presented session did not count (expired, disabled), for the 401 message. */
      authProblem?: string
    }
  }
}

/** What a route may require. */
export type Permission =
  | 'events:write'
  | 'read'
  | 'initiatives:write'
  | 'subscriptions:write'
  | 'keys:manage'
  | 'users:manage'
  | 'audit:read'
  | 'events:delete'
  | 'alerts:write'
  | 'webhooks:manage'

const ALL: Permission[] = ['events:write', 'read', 'initiatives:write', 'subscriptions:write', 'keys:manage', 'users:manage', 'audit:read', 'events:delete', 'alerts:write', 'webhooks:manage']

/** The permissions of each role. Keys: ingest writes events, read reads, admin does everything. */
export const ROLE_PERMISSIONS: Record<`key:${KeyRole}` | `user:${UserRole}`, ReadonlySet<Permission>> = {
  'key:ingest': new Set(['events:write']),
  'key:read': new Set(['read']),
  'key:admin': new Set(ALL),
  'user:viewer': new Set(['read']),
  'user:editor': new Set(['read', 'initiatives:write', 'subscriptions:write', 'alerts:write']),
  'user:admin': new Set(ALL),
}

/** The name the audit log records for an actor: the user's email, the key's name, or `cli`. */
export function actorName(a: Actor): string {
  return a.kind === 'key' ? a.name : a.kind === 'user' ? a.email : 'cli'
}

export function can(a: Actor, p: Permission): boolean {
  if (a.kind === 'cli') return true
  return ROLE_PERMISSIONS[`${a.kind}:${a.role}` as keyof typeof ROLE_PERMISSIONS].has(p)
}

/** Whether an actor may touch one initiative (keys may be scoped to some). */
export function canUseInitiative(a: Actor, slug: string): boolean {
  return a.kind !== 'key' || a.initiatives === null || a.initiatives.has(slug)
}

/**
 * Route guard: 401 without credentials, 403 without the permission. Tagged with its permission so
 * that tests can list every route's rule from the router itself.
 * @example router.get('/', requirePermission('read'), handler)
 */
export function requirePermission(p: Permission): RequestHandler & { permission: Permission } {
  const guard: RequestHandler = function requirePermissionGuard(req, _res, next) {
    if (!req.actor) return next(unauthorized(req.authProblem ?? 'sign in, or send an API key as "Authorization: Bearer ys_live_..."'))
    if (!can(req.actor, p)) return next(forbidden(`this ${req.actor.kind === 'key' ? 'API key' : 'account'} (role ${'role' in req.actor ? req.actor.role : 'cli'}) may not do this: it needs the "${p}" permission`))
    next()
  }
  return Object.assign(guard, { permission: p })
}

/** Marks a route as open to anonymous callers (health, sign-in), for the route × role audit. */
export function publicRoute(): RequestHandler & { permission: 'public' } {
  const open: RequestHandler = function publicRouteGuard(_req, _res, next) {
    next()
  }
  return Object.assign(open, { permission: 'public' as const })
}

/**
 * Route guard for what only a signed-in dashboard user has (their own session): 401 when anonymous,
 * 403 for API keys. Tagged `signed-in` for the route × role audit.
 */
export function requireSignedIn(): RequestHandler & { permission: 'signed-in' } {
  const guard: RequestHandler = function requireSignedInGuard(req, _res, next) {
    if (!req.actor) return next(unauthorized(req.authProblem ?? 'sign in first (POST /api/v1/session)'))
    if (req.actor.kind !== 'user') return next(forbidden('this needs a dashboard sign-in; an API key has no session'))
    next()
  }
  return Object.assign(guard, { permission: 'signed-in' as const })
}
