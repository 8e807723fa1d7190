/**
 * The live demo's guards (YARDSTICK_DEMO=1): every change refused with 403 `read_only_demo`, whatever
 * the route or credentials; anonymous readers of the API get the rights of a read key over every
 * initiative, so the dashboard and the read API open without signing in. Keys, users and the audit log
 * need permissions a read key lacks, so they stay closed.
 */
import type { RequestHandler } from 'express'
import type { Actor } from '../auth/actor.js'
import { HttpError } from '../errors.js'

export const READ_ONLY_DEMO_MESSAGE = 'this is a read-only demo: nothing can be changed here. Install Yardstick (npm install && npm start) to track your own initiatives'

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Refuses every request that could change something. Mounted before every route. */
export function demoReadOnly(): RequestHandler {
  return function demoReadOnlyGuard(req, _res, next) {
    if (SAFE.has(req.method)) return next()
    next(new HttpError(403, 'read_only_demo', READ_ONLY_DEMO_MESSAGE))
  }
}

/** Who an anonymous demo visitor is: a read key over every initiative (it never touches the keys table). */
export const DEMO_VISITOR: Actor = { kind: 'key', id: 0, name: 'demo visitor', role: 'read', initiatives: null }

/** Lets anonymous requests read as {@link DEMO_VISITOR}. Mounted after authentication. */
export function demoVisitor(): RequestHandler {
  return function demoVisitorActor(req, _res, next) {
    if (!req.actor) req.actor = DEMO_VISITOR
    next()
  }
}
