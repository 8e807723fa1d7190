/**
 * POST /api/v1/events: one event, `{"events": [...]}`, or NDJSON. Parse at the boundary, decide in
 * metrics/, store in db/. All-or-nothing: any bad event means a 422 listing every problem and nothing
 * stored; 202 only after the commit.
 */
import express, { Router, type Request, type RequestHandler } from 'express'
import type { Db } from '../../db/connection.js'
import type { EventRow } from '../../db/queries/events.js'
import { parseEvent, type ParsedEvent } from '../../metrics/kinds.js'
import { canUseInitiative, requirePermission } from '../auth/actor.js'
import type { Config } from '../config.js'
import { badRequest, forbidden, HttpError, unprocessable, type ErrorDetail } from '../errors.js'
import type { EventSink } from '../ingest/event-writer.js'
import { rateLimitPerKey } from '../rate-limit.js'
import { eventsAccepted } from '../../metrics/api/schemas.js'
import { answerText } from './answer.js'
import { EventPreparer } from '../ingest/prepare-events.js'

const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines']

/**
 * Reads the body as a list of raw events: a JSON object (one event), `{"events": [...]}`, a JSON
 * array, or NDJSON lines. Throws 400/413/415 errors that say what to fix.
 */
export function readEventBatch(req: Request, maxEvents: number): unknown[] {
  const body: unknown = req.body
  let events: unknown[]
  if (typeof body === 'string') {
    events = []
    const lines = body.split('\n')
    const bad: ErrorDetail[] = []
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim()
      if (line === '') continue
      try {
        events.push(JSON.parse(line))
      } catch (e) {
        bad.push({ index: events.length, field: null, message: `line ${i + 1} is not valid JSON: ${(e as Error).message.slice(0, 120)}` })
        events.push(undefined)
      }
      if (events.length > maxEvents) break
    }
    if (bad.length > 0) throw badRequest(`${bad.length} NDJSON line(s) could not be read; nothing was stored`, bad)
  } else if (Array.isArray(body)) {
    events = body
  } else if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) {
    if (Object.prototype.hasOwnProperty.call(body, 'events')) {
      const list = (body as { events: unknown }).events
      if (!Array.isArray(list)) throw badRequest('"events" must be an array of event objects')
      const extra = Object.keys(body).filter((k) => k !== 'events')
      if (extra.length > 0) throw badRequest(`a batch body has only "events"; unexpected: ${extra.slice(0, 5).join(', ')}`)
      events = list
    } else {
      events = [body]
    }
  } else if (req.headers['content-type'] === undefined || (req.headers['content-length'] === '0' && body === undefined)) {
    throw badRequest('the request has no body; send an event as JSON with Content-Type: application/json')
  } else {
    throw new HttpError(415, 'unsupported_media_type', `Content-Type must be application/json or application/x-ndjson, got "${req.headers['content-type']}"`)
  }
  if (events.length === 0) throw badRequest('the request holds no events; send at least one')
  if (events.length > maxEvents) throw new HttpError(413, 'payload_too_large', `a request may hold at most ${maxEvents} events; split the batch`)
  return events
}

/** What POST /api/v1/events runs after authentication: guards, body parsers, then the handler. */
export interface EventsIngest {
  guards: RequestHandler[]
  handler: RequestHandler
}

/**
 * The one definition of POST /api/v1/events after authentication, run both by the Express route and
 * by the hot path in front of Express (./events-hot-path.ts), so that both answer alike. Every step
 * uses only what node:http gives (headers, statusCode, setHeader, end) plus `req.actor` and `req.body`.
 * @example const { guards, handler } = eventsIngest({ db, config, writer, clock })
 */
export function eventsIngest(deps: { db: Db; config: Config; writer: EventSink; clock: () => number }): EventsIngest {
  const { db, config, writer, clock } = deps
  const preparer = new EventPreparer(db)
  const json = express.json({ limit: config.maxBodyBytes, type: ['application/json', 'application/*+json'] })
  const ndjson = express.text({ limit: config.maxBodyBytes, type: NDJSON_TYPES })

  const handler: RequestHandler = async function ingestEvents(req, res) {
    const actor = req.actor!
    const raws = readEventBatch(req, config.maxEventsPerRequest)
    const now = clock()
    const details: ErrorDetail[] = []
    const parsed: Array<{ index: number; event: ParsedEvent }> = []
    for (let index = 0; index < raws.length; index++) {
      const r = parseEvent(raws[index], now)
      if (r.ok) parsed.push({ index, event: r.event })
      else for (const p of r.problems) details.push({ index, field: p.field, message: p.message })
    }

    const slugs = [...new Set(parsed.map((p) => p.event.initiative))]
    const denied = slugs.filter((s) => !canUseInitiative(actor, s))
    if (denied.length > 0) throw forbidden(`this API key may not write to ${denied.map((s) => `"${s}"`).join(', ')}; nothing was stored`)

    const ctx = await preparer.lookup(slugs)
    const keyId = actor.kind === 'key' ? actor.id : null
    const rows: EventRow[] = []
    for (const { index, event } of parsed) {
      const r = preparer.rowFor(event, ctx, now, keyId)
      if (r.ok) rows.push(r.row)
      else for (const p of r.problems) details.push({ index, ...p })
    }
    if (details.length > 0) {
      details.sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
      const badEvents = new Set(details.map((d) => d.index)).size
      throw unprocessable(`${badEvents} of ${raws.length} event(s) are invalid; nothing was stored. Fix them and send the whole request again.`, details)
    }
    const result = await writer.submit(rows, actor.kind === 'key' ? actor.id : null)
    // Written with node:http's own calls (the hot path has no Express response), and without an ETag
    // or freshness check (what res.json adds), which mean nothing for a POST.
    res.statusCode = 202
    res.setHeader('Content-Type', 'application/json; charset=utf-8')
    res.end(answerText(eventsAccepted, result))
  }
  return { guards: [requirePermission('events:write', 'filtered'), rateLimitPerKey(config.ingestRatePerKey), json, ndjson], handler }
}

/** The Express route; requests with an API key usually take the hot path instead (same steps). */
export function eventsRouter(ingest: EventsIngest): Router {
  const router = Router()
  router.post('/', ...ingest.guards, ingest.handler)
  return router
}
