/**
 * createApp({ db, config, clock }): the whole HTTP surface, without listening. Tests boot it on port 0.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'
import express, { type Express, type RequestHandler } from 'express'
import helmet from 'helmet'
import { sql } from 'kysely'
import type { Db } from '../db/connection.js'
import { dialectOf } from '../db/dialect.js'
import { authenticateKey } from './auth/authenticate.js'
import { authenticateSession, governanceRouter, requireSameOrigin } from './auth/governance.js'
import { publicRoute } from './auth/actor.js'
import type { Config } from './config.js'
import { errorMiddleware, notFoundHandler } from './errors.js'
import { EventWriter, type EventSink } from './ingest/event-writer.js'
import { ThreadedEventWriter } from './ingest/threaded-writer.js'
import { InlineOutcomeReader, ThreadedOutcomeReader, type OutcomeReader } from './outcomes/reader.js'
import { eventsRouter } from './routes/events.js'
import { initiativesRouter } from './routes/initiatives.js'
import { subscriptionsRouter, unsubscribeRouter } from './routes/subscriptions.js'
import { outcomesRouter } from './routes/outcomes.js'
import { readinessRouter } from './routes/readiness.js'
import { authenticateShareToken, embedCors } from './auth/share-token.js'
import { shareRouter } from './routes/share.js'
import { demoRouter } from './demo/route.js'

export interface AppDeps {
  db: Db
  config: Config
  clock?: () => number
  log?: (msg: string) => void
  /** Commit events and read outcomes on this thread instead of the writer and reader threads. */
  inlineWriter?: boolean
  /** Where the built dashboard lives (default dist/client). */
  clientDir?: string
}

export interface App {
  app: Express
  writer: EventSink
  /** Outcome reads (/summary, /series), on the reader thread. */
  reader: OutcomeReader
  /** Resolves once the app can take events (call before listening). */
  ready(): Promise<void>
  /** Finishes queued writes; call after the HTTP server stopped accepting. */
  close(): Promise<void>
}

/**
 * Helmet's headers do not depend on the request here (a fixed policy, no nonces), so they are computed
 * once and set in one step: helmet runs thirteen small middlewares per request otherwise, a measurable
 * share of a single-event ingest request.
 */
function onceComputedHeaders(middleware: (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void): RequestHandler {
  const headers: Array<[string, string]> = []
  const recorder = {
    setHeader(name: string, value: string) {
      headers.push([name, String(value)])
    },
    removeHeader() {},
  }
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, () => {})
  return function securityHeaders(_req, res, next) {
    for (const [name, value] of headers) res.setHeader(name, value)
    next()
  }
}

export function createApp(deps: AppDeps): App {
  const { db, config } = deps
  const clock = deps.clock ?? Date.now
  const log = deps.log ?? ((m: string) => console.error(m))
  // On SQLite commits happen on a writer thread, so fsync waits do not stall request handling; an
  // in-memory database (one connection only) or `inlineWriter` keeps them on this thread. On
  // PostgreSQL the pool's queries never block this thread, so it commits (with group commit) and reads here.
  const inline = deps.inlineWriter || config.database === ':memory:' || dialectOf(db) === 'postgres'
  const writer: EventSink = inline ? new EventWriter(db, clock) : new ThreadedEventWriter({ file: config.dbFile, sync: config.sync })
  // Likewise outcome reads run on a reader thread, so a long read never delays acknowledging events.
  const reader: OutcomeReader = inline ? new InlineOutcomeReader(db, config, log) : new ThreadedOutcomeReader({ file: config.dbFile, sync: config.sync, timezone: config.timezone, log })
  const app = express()

  app.disable('x-powered-by')
  app.set('trust proxy', config.trustProxy)
  app.set('query parser', 'simple')
  app.use(
    onceComputedHeaders(helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'self'"],
        },
      },
      crossOriginEmbedderPolicy: false,
    })),
  )

  app.use(embedCors())

  app.get('/healthz', publicRoute(), async (_req, res) => {
    try {
      await sql`select 1`.execute(db)
      res.json({ status: 'ok' })
    } catch {
      res.status(503).json({ status: 'unavailable', error: { code: 'storage_unavailable', message: 'the database does not answer', details: [] } })
    }
  })

  const api = express.Router()
  api.use(authenticateKey(db))
  api.use(authenticateShareToken(db, clock))
  api.use(authenticateSession({ db, config, clock }))
  api.use(requireSameOrigin(config))
  api.use('/events', eventsRouter({ db, config, writer, clock }))
  api.use(express.json({ limit: '1mb' }))
  api.use(governanceRouter({ db, config, clock }))
  api.use(outcomesRouter({ reader, config, clock }))
  api.use(readinessRouter({ db, config, clock }))
  api.use('/share-tokens', shareRouter({ db, clock }))
  api.use('/demo', demoRouter({ db, config, clock }))
  api.use('/initiatives', initiativesRouter({ db, config, clock }))
  api.use('/subscriptions', subscriptionsRouter({ db, config, clock }))
  api.use(notFoundHandler)
  app.use('/api/v1', api)
  app.use(unsubscribeRouter({ db, clock }))

  const clientDir = deps.clientDir ?? path.resolve('dist/client')
  if (fs.existsSync(path.join(clientDir, 'index.html'))) {
    app.use(express.static(clientDir, { index: false, maxAge: '1h' }))
    app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(path.join(clientDir, 'index.html')))
  }
  app.use(notFoundHandler)
  app.use(errorMiddleware(log))

  return {
    app,
    writer,
    reader,
    ready: () => writer.ready(),
    async close() {
      await reader.close()
      await writer.close()
    },
  }
}
