/**
 * The OTLP/HTTP receiver: POST /v1/metrics and /v1/logs (also under /api/v1/otlp), protobuf or JSON,
 * gzip allowed, authenticated by ingest keys. Answers as the OTLP specification says: 200 with an
 * Export…ServiceResponse (partial success when some points could not be used), and for errors a
 * google.rpc.Status in the request's encoding, with Retry-After on 429/503 (the only retryable ones).
 * docs/OPENTELEMETRY.md is the user's description of the mapping.
 */
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express'
import type { Db } from '../../db/connection.js'
import { canUseInitiative, requirePermission, type Actor } from '../auth/actor.js'
import { authenticateKey } from '../auth/authenticate.js'
import { authenticateSession, requireSameOrigin } from '../auth/governance.js'
import type { Config } from '../config.js'
import { badRequest, forbidden, HttpError, toHttpError } from '../errors.js'
import type { EventSink } from '../ingest/event-writer.js'
import { EventPreparer } from '../ingest/prepare-events.js'
import type { EventRow } from '../../db/queries/events.js'
import { rateLimitPerKey } from '../rate-limit.js'
import { collectLogEvents } from './logs.js'
import { collectMetricPoints, storeMetricPoints } from './metrics.js'
import { decodeRequest, encodeResponse, encodeStatus, type Signal } from './proto.js'
import { Rejections } from './rejections.js'

export const OTLP_PATHS = { metrics: ['/v1/metrics', '/api/v1/otlp/v1/metrics'], logs: ['/v1/logs', '/api/v1/otlp/v1/logs'] } as const

type Encoding = 'protobuf' | 'json'

function encodingOf(req: Request): Encoding | null {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf'
  if (type === 'application/json') return 'json'
  return null
}

/** gRPC status codes for the google.rpc.Status body, by HTTP status. */
function grpcCode(status: number): number {
  if (status === 400 || status === 415 || status === 422) return 3 // INVALID_ARGUMENT
  if (status === 401) return 16 // UNAUTHENTICATED
  if (status === 403) return 7 // PERMISSION_DENIED
  if (status === 404) return 5 // NOT_FOUND
  if (status === 413 || status === 429) return 8 // RESOURCE_EXHAUSTED
  if (status === 503) return 14 // UNAVAILABLE
  return 13 // INTERNAL
}

function readRequest(signal: Signal, req: Request, encoding: Encoding): Record<string, unknown> {
  const body = req.body
  const bytes: Buffer = Buffer.isBuffer(body) ? body : Buffer.alloc(0)
  if (encoding === 'protobuf') {
    try {
      return decodeRequest(signal, bytes)
    } catch (e) {
      throw badRequest(`the body is not a valid OTLP Export${signal === 'metrics' ? 'Metrics' : 'Logs'}ServiceRequest in protobuf: ${(e as Error).message.slice(0, 160)}`)
    }
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(bytes.toString('utf8'))
  } catch (e) {
    throw badRequest(`the body is not valid JSON: ${(e as Error).message.slice(0, 160)}`)
  }
  const field = signal === 'metrics' ? 'resourceMetrics' : 'resourceLogs'
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || ((parsed as Record<string, unknown>)[field] !== undefined && !Array.isArray((parsed as Record<string, unknown>)[field]))) {
    throw badRequest(`the body must be an OTLP/JSON Export${signal === 'metrics' ? 'Metrics' : 'Logs'}ServiceRequest: an object with "${field}": [...]`)
  }
  return parsed as Record<string, unknown>
}

function answer(res: Response, signal: Signal, encoding: Encoding, rejected: Rejections) {
  const message = rejected.message()
  if (encoding === 'protobuf') {
    res.status(200).type('application/x-protobuf').end(Buffer.from(encodeResponse(signal, rejected.count, message)))
    return
  }
  const body = rejected.count === 0 ? {} : { partialSuccess: { [signal === 'metrics' ? 'rejectedDataPoints' : 'rejectedLogRecords']: rejected.count, errorMessage: message } }
  res.status(200).type('application/json').end(JSON.stringify(body))
}

/** The one initiative a key is scoped to, which names the initiative when the data does not. */
function scopedInitiative(actor: Actor): string | null {
  return actor.kind === 'key' && actor.initiatives !== null && actor.initiatives.size === 1 ? [...actor.initiatives][0] : null
}

function requireAllowed(actor: Actor, slugs: Iterable<string>) {
  const denied = [...new Set(slugs)].filter((s) => !canUseInitiative(actor, s))
  if (denied.length > 0) throw forbidden(`this API key may not write to ${denied.map((s) => `"${s}"`).join(', ')}; nothing was stored`)
}

/** Answers errors on the OTLP paths as google.rpc.Status, in the request's encoding. */
const otlpErrors: ErrorRequestHandler = function otlpErrorHandler(err, req, res, next) {
  if (res.headersSent) return next(err)
  const http = toHttpError(err)
  if (http.status >= 500 && http.status !== 503) return next(err)
  for (const [k, v] of Object.entries(http.headers)) res.setHeader(k, v)
  if (encodingOf(req) === 'protobuf') {
    res.status(http.status).type('application/x-protobuf').end(Buffer.from(encodeStatus(grpcCode(http.status), http.message)))
    return
  }
  // A google.rpc.Status in OTLP/JSON, with Yardstick's usual error object beside it.
  res.status(http.status).type('application/json').end(JSON.stringify({ code: grpcCode(http.status), message: http.message, details: [], error: { code: http.code, message: http.message, details: http.details } }))
}

/**
 * The receiver's routes; mounted at the app's root (the OTLP paths are fixed by the protocol).
 * @example app.use(otlpRouter({ db, config, writer, clock }))
 */
export function otlpRouter(deps: { db: Db; config: Config; writer: EventSink; clock: () => number }): Router {
  const { db, config, writer, clock } = deps
  const router = Router()
  const preparer = new EventPreparer(db)
  const body = express.raw({ type: () => true, limit: config.maxBodyBytes, inflate: true })
  // The same authentication as the API (a signed-in admin may send too; a viewer gets 403, not 401).
  const auth = [authenticateKey(db), authenticateSession({ db, config, clock }), requireSameOrigin(config)]
  const contentType = function requireOtlpContentType(req: Request, _res: Response, next: (err?: unknown) => void) {
    if (encodingOf(req) === null) return next(new HttpError(415, 'unsupported_media_type', `Content-Type must be application/x-protobuf or application/json, got "${req.headers['content-type'] ?? ''}"`))
    next()
  }
  // A share token only reads embed data (docs/API.md): here it is refused as on every other write.
  const noShareToken = function refuseShareToken(req: Request, _res: Response, next: (err?: unknown) => void) {
    if (typeof req.headers['x-yardstick-share'] === 'string' && req.headers['x-yardstick-share'] !== '' && !req.actor) return next(forbidden('a share token only reads; send an ingest key as "Authorization: Bearer ys_live_..."'))
    next()
  }
  const guards = [...auth, noShareToken, requirePermission('events:write', 'filtered'), rateLimitPerKey(config.ingestRatePerKey), contentType, body] as const

  const metrics: RequestHandler = async (req, res) => {
    const actor = req.actor!
    const encoding = encodingOf(req)!
    const request = readRequest('metrics', req, encoding)
    const rejected = new Rejections()
    const points = collectMetricPoints(request, scopedInitiative(actor), rejected)
    const slugs = points.map((p) => p.initiative)
    requireAllowed(actor, slugs)
    if (points.length > 0) {
      const ctx = await preparer.lookup(slugs)
      await storeMetricPoints(db, preparer, ctx, points, clock(), actor.kind === 'key' ? actor.id : null, rejected)
    }
    answer(res, 'metrics', encoding, rejected)
  }

  const logs: RequestHandler = async (req, res) => {
    const actor = req.actor!
    const encoding = encodingOf(req)!
    const request = readRequest('logs', req, encoding)
    const rejected = new Rejections()
    const events = collectLogEvents(request, scopedInitiative(actor), rejected)
    requireAllowed(actor, events.map((e) => e.initiative))
    if (events.length > 0) {
      const ctx = await preparer.lookup(events.map((e) => e.initiative))
      const now = clock()
      const keyId = actor.kind === 'key' ? actor.id : null
      const rows: EventRow[] = []
      for (const e of events) {
        const r = preparer.toRow(e.raw, ctx, now, keyId)
        if (r.ok) rows.push(r.row)
        else rejected.add(1, r.problems.map((p) => (p.field && !p.message.includes(p.field) ? `${p.field}: ${p.message}` : p.message)).join('; '))
      }
      if (rows.length > 0) await writer.submit(rows, keyId)
    }
    answer(res, 'logs', encoding, rejected)
  }

  for (const p of OTLP_PATHS.metrics) router.post(p, ...guards, metrics)
  for (const p of OTLP_PATHS.logs) router.post(p, ...guards, logs)
  for (const p of [...OTLP_PATHS.metrics, ...OTLP_PATHS.logs]) router.use(p, otlpErrors)
  return router
}
