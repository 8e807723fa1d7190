/**
 * `GET /api/v1/demo` (anyone): whether this server is the read-only live demo.
 * `POST /api/v1/demo` (admins): loads the demo portfolio, as `npm run cli -- demo` does, for the
 * dashboard's first-run page. Body (optional): `{"days": N}`. Answers 201 with what was loaded, 409
 * when the demo initiatives already exist.
 */
import { Router } from 'express'
import type { Db } from '../../db/connection.js'
import { actorName, publicRoute, requirePermission } from '../auth/actor.js'
import type { Config } from '../config.js'
import { unprocessable } from '../errors.js'
import { loadDemo, MAX_DEMO_DAYS } from './load.js'
import { demoLoaded, demoStatus } from '../../metrics/api/schemas.js'
import { send } from '../routes/answer.js'

export function demoRouter(deps: { db: Db; config: Config; clock: () => number }): Router {
  const router = Router()
  let loading: Promise<unknown> | null = null
  // Whether this server is the read-only live demo (YARDSTICK_DEMO=1), for the dashboard's banner.
  router.get('/', publicRoute(), (_req, res) => {
    send(res, demoStatus, { demo: deps.config.demo, readOnly: deps.config.demo, message: deps.config.demo ? 'Sample data for a fictional company, read-only: nothing you do here is saved. Its events keep arriving, so the figures are always current.' : null })
  })
  router.post('/', requirePermission('users:manage', 'unscoped'), async (req, res) => {
    const body = (req.body ?? {}) as { days?: unknown }
    const days = body.days === undefined ? 365 : body.days
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_DEMO_DAYS) {
      throw unprocessable('the demo request is invalid', [{ field: 'days', message: `must be a whole number from 1 to ${MAX_DEMO_DAYS}` }])
    }
    // One load at a time: a double click must not race two loaders past the existing-slug check.
    while (loading) await loading.catch(() => {})
    const run = loadDemo(deps.db, { days, timezone: deps.config.timezone, now: deps.clock(), actor: actorName(req.actor!) })
    loading = run
    try {
      const result = await run
      send(res, demoLoaded, { initiatives: result.initiatives, events: result.events, rolledUp: result.rolledUp }, 201)
    } finally {
      loading = null
    }
  })
  return router
}
