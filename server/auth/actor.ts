/**
 * Who is making a request, and what each role may do.
 */
import type { RequestHandler } from 'express'
import type { KeyRole } from '../../db/queries/keys.js'
import { forbidden, notFound, unauthorized } from '../errors.js'

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
  | 'share:manage'
  | 'alerts:write'
  | 'webhooks:manage'

const ALL: Permission[] = ['events:write', 'read', 'initiatives:write', 'subscriptions:write', 'keys:manage', 'users:manage', 'audit:read', 'events:delete', 'share:manage', 'alerts:write', 'webhooks:manage']

/**
 * The permissions of each role. Keys: ingest writes events, read reads, admin does everything.
 * `share:manage` (minting, listing and revoking share tokens) goes with changing initiatives: a share
 * token publishes an initiative's figures outside the dashboard, which a viewer or a read key may not.
 */
export const ROLE_PERMISSIONS: Record<`key:${KeyRole}` | `user:${UserRole}`, ReadonlySet<Permission>> = {
  'key:ingest': new Set(['events:write']),
  'key:read': new Set(['read']),
  'key:admin': new Set(ALL),
  'user:viewer': new Set(['read']),
  'user:editor': new Set(['read', 'initiatives:write', 'subscriptions:write', 'share:manage', 'alerts:write']),
  'user:admin': new Set(ALL),
}

/**
 * Permissions over things that belong to no initiative (keys, users, the audit log): only a caller
 * that sees every initiative may hold them, whatever its role says.
 */
export const UNSCOPED_ONLY: ReadonlySet<Permission> = new Set(['keys:manage', 'users:manage', 'audit:read', 'webhooks:manage'])

/** The name the audit log records for an actor: the user's email, the key's name, or `cli`. */
export function actorName(a: Actor): string {
  return a.kind === 'key' ? a.name : a.kind === 'user' ? a.email : 'cli'
}

/** The initiatives an actor may see and change: a key's (or share token's) list, or null for every one. */
export function scopeOf(a: Actor): ReadonlySet<string> | null {
  return a.kind === 'key' ? a.initiatives : null
}

export function can(a: Actor, p: Permission): boolean {
  if (a.kind === 'cli') return true
  if (UNSCOPED_ONLY.has(p) && scopeOf(a) !== null) return false
  return ROLE_PERMISSIONS[`${a.kind}:${a.role}` as keyof typeof ROLE_PERMISSIONS].has(p)
}

/** Whether an actor may touch one initiative (keys may be scoped to some). */
export function canUseInitiative(a: Actor, slug: string): boolean {
  const scope = scopeOf(a)
  return scope === null || scope.has(slug)
}

/**
 * Whether an actor may see or change something that reaches the initiatives `slugs`, where an empty
 * list means "every initiative" (a subscription without initiatives, a key without a list): then only
 * an unscoped actor may.
 * @example coversInitiatives(scopedKey, []) // false
 */
export function coversInitiatives(a: Actor, slugs: readonly string[] | null): boolean {
  const scope = scopeOf(a)
  if (scope === null) return true
  if (slugs === null || slugs.length === 0) return false
  return slugs.every((s) => scope.has(s))
}

/**
 * Why a key with this role and scope cannot exist, or null. An admin key manages keys, users and the
 * audit log, which belong to no initiative, so a scoped admin key would either be unscoped in
 * disguise or a second, weaker kind of key: refused (docs/SECURITY.md).
 */
export function keyScopeProblem(role: KeyRole, initiatives: readonly string[] | null): string | null {
  if (role === 'admin' && initiatives !== null) return 'an admin key cannot be scoped to initiatives: it manages keys, users and the audit log, which belong to no initiative. Create an unscoped admin key, or a read or ingest key scoped to these initiatives'
  return null
}

/**
 * Which initiatives a route reaches, stated by every guarded route:
 * - `slug`: the one in the path's `:slug`; the guard answers 404 for one outside the caller's scope;
 * - `filtered`: any; the handler filters what it reads by {@link scopeOf} and checks what it changes
 *   with {@link canUseInitiative} / {@link coversInitiatives};
 * - `unscoped`: all of them, or things of no initiative; the guard answers 403 to a scoped caller.
 */
export type RouteScope = 'slug' | 'filtered' | 'unscoped'

/**
 * Route guard: 401 without credentials, 403 without the permission, and the route's scope rule
 * (see {@link RouteScope}). Tagged with its permission and scope so that tests can list every route's
 * rule from the router itself.
 * @example router.get('/:slug', requirePermission('read', 'slug'), handler)
 */
export function requirePermission(p: Permission, scope: RouteScope): RequestHandler & { permission: Permission; scope: RouteScope } {
  const guard: RequestHandler = function requirePermissionGuard(req, _res, next) {
    const a = req.actor
    if (!a) return next(unauthorized(req.authProblem ?? 'sign in, or send an API key as "Authorization: Bearer ys_live_..."'))
    if (!can(a, p)) {
      const scoped = UNSCOPED_ONLY.has(p) && scopeOf(a) !== null
      return next(forbidden(scoped ? `this ${a.kind === 'key' ? 'API key' : 'account'} is scoped to some initiatives; "${p}" reaches beyond them` : `this ${a.kind === 'key' ? 'API key' : 'account'} (role ${'role' in a ? a.role : 'cli'}) may not do this: it needs the "${p}" permission`))
    }
    if (scope === 'unscoped' && scopeOf(a) !== null) return next(forbidden(`this API key is scoped to ${[...scopeOf(a)!].join(', ')}; this route reaches every initiative, so it needs an unscoped caller`))
    if (scope === 'slug') {
      const slug = String(req.params.slug ?? '')
      if (!canUseInitiative(a, slug)) return next(notFound(`no initiative "${slug.slice(0, 64)}"`))
    }
    next()
  }
  return Object.assign(guard, { permission: p, scope })
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
