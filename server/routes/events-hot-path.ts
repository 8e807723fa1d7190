/**
 * The hot path for POST /api/v1/events: a node:http handler in front of Express that runs exactly the
 * route's own steps (API-key authentication, the permission guard, the per-key rate limit, the body
 * parsers and the handler from ./events.ts, the very same instances) without Express's router and
 * application middlewares, which cost more than a single event's work (bench/ingest.ts, the profile in
 * docs/PERFORMANCE.md). Every other request, and every error, goes to Express: an error is handed to the
 * app's one error middleware, so error answers are Express's own, byte for byte.
 *
 * Taken only by requests that Express would send down the same steps with nothing else applying: POST to
 * exactly /api/v1/events with an `Authorization` header (a key: session cookies, CSRF checks and the
 * demo visitor do not apply) and no share token; never in the read-only demo.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import type { RequestHandler } from 'express'

/** Errors raised on the hot path, for the app's error middleware (see {@link hotPathErrors}). */
const pending = new WeakMap<IncomingMessage, unknown>()

/**
 * Express middleware, mounted right after the security headers: a request the hot path failed
 * continues as that error, straight to the app's error middleware.
 * @example app.use(hotPathErrors())
 */
export function hotPathErrors(): RequestHandler {
  return function hotPathError(req, _res, next) {
    if (!pending.has(req)) return next()
    const err = pending.get(req)
    pending.delete(req)
    next(err)
  }
}

/** Whether Express would route this request to POST /api/v1/events with an API key and nothing else. */
export function takesHotPath(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false
  const url = req.url ?? ''
  if (url !== '/api/v1/events' && !url.startsWith('/api/v1/events?')) return false
  return req.headers.authorization !== undefined && req.headers['x-yardstick-share'] === undefined
}

/**
 * A node:http request listener: the hot path for the requests {@link takesHotPath} picks, Express for
 * the rest.
 * @example http.createServer(eventsHotPath({ app, steps: [authenticateKey(db), ...ingest.guards, ingest.handler], headers }))
 */
export function eventsHotPath(opts: {
  /** The whole app (Express), for every other request and for errors. */
  app: RequestListener
  /** The route's steps in order, the handler last; each may be async (a rejection is an error). */
  steps: RequestHandler[]
  /** The security headers every answer carries (computed once, as the app's own middleware sets them). */
  headers: ReadonlyArray<readonly [string, string]>
  /** False in the read-only demo: everything goes to Express. */
  enabled: boolean
}): RequestListener & { stats: { hot: number } } {
  const { app, steps, headers, enabled } = opts
  /** Requests the hot path took (whatever their answer), for tests and the bench. */
  const stats = { hot: 0 }
  const listener = function ingestHotPath(req: IncomingMessage, res: ServerResponse) {
    if (!enabled || !takesHotPath(req)) return app(req, res)
    stats.hot++
    for (const [name, value] of headers) res.setHeader(name, value)
    const fail = (err: unknown) => {
      pending.set(req, err)
      app(req, res)
    }
    let i = 0
    const next = (err?: unknown): void => {
      if (err !== undefined && err !== null) return fail(err)
      const step = steps[i++]
      if (!step) return
      try {
        const r = (step as unknown as (q: IncomingMessage, s: ServerResponse, n: typeof next) => unknown)(req, res, next) as Promise<unknown> | undefined
        if (r && typeof r.then === 'function') r.then(undefined, (e: unknown) => next(e ?? new Error('a step rejected without a reason')))
      } catch (e) {
        next(e)
      }
    }
    next()
  }
  return Object.assign(listener, { stats })
}
