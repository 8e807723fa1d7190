/**
 * The governance surface in one router, mounted by createApp under /api/v1 after the JSON body parser:
 * /session, /setup, /users, /keys, /audit, and the event corrections under /events.
 */
import { Router } from 'express'
import type { Db } from '../../db/connection.js'
import type { Config } from '../config.js'
import { auditRouter } from '../routes/audit.js'
import { eventCorrectionsRouter } from '../routes/event-corrections.js'
import { keysRouter } from '../routes/keys.js'
import { sessionRouter, setupRouter, signInLimits } from '../routes/session.js'
import { usersRouter } from '../routes/users.js'

export { authenticateSession } from './session-auth.js'
export { requireSameOrigin } from './same-origin.js'
export { ensureSetupToken } from './setup.js'

/** @example api.use(governanceRouter({ db, config, clock })) */
export function governanceRouter(deps: { db: Db; config: Config; clock: () => number }): Router {
  const limits = signInLimits(deps.db, deps.config, deps.clock)
  const router = Router()
  router.use('/session', sessionRouter({ ...deps, limits }))
  router.use('/setup', setupRouter({ ...deps, limits }))
  router.use('/users', usersRouter(deps))
  router.use('/keys', keysRouter(deps))
  router.use('/audit', auditRouter(deps))
  router.use('/events', eventCorrectionsRouter(deps))
  return router
}
