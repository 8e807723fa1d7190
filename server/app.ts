/**
 * createApp({ db, config, clock }): the whole HTTP surface, without listening. Tests boot it on port 0.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import compression from 'compression'
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
import { eventsIngest, eventsRouter } from './routes/events.js'
import { eventsHotPath, hotPathErrors } from './routes/events-hot-path.js'
import { initiativesRouter } from './routes/initiatives.js'
import { subscriptionsRouter, unsubscribeRouter } from './routes/subscriptions.js'
import { outcomesRouter } from './routes/outcomes.js'
import { readinessRouter } from './routes/readiness.js'
import { authenticateShareToken, embedCors } from './auth/share-token.js'
import { SESSION_COOKIE } from './auth/cookies.js'
import { shareRouter } from './routes/share.js'
import { demoRouter } from './demo/route.js'
import { apiDocsRouter } from './routes/api-docs.js'
import { health, healthDown } from '../metrics/api/schemas.js'
import { send } from './routes/answer.js'
import { otlpRouter } from './otlp/receiver.js'
import { importsRouter } from './import/route.js'
import { alertRulesRouter, webhooksRouter, webhookTargetsRouter } from './routes/alerts.js'
import { assessmentRouter } from './routes/assessment.js'
import { demoReadOnly, demoVisitor } from './demo/read-only.js'

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
  /** Express alone (every route; what the route listings read). */
  app: Express
  /** What to serve: the POST /api/v1/events hot path in front of {@link App.app} (routes/events-hot-path.ts). */
  handler: RequestListener & { stats: { hot: number } }
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
function onceComputedHeaders(middleware: (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void): RequestHandler & { headers: ReadonlyArray<readonly [string, string]> } {
  const headers: Array<[string, string]> = []
  const recorder = {
    setHeader(name: string, value: string) {
      headers.push([name, String(value)])
    },
    removeHeader() {},
  }
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, () => {})
  const securityHeaders: RequestHandler = function securityHeaders(_req, res, next) {
    for (const [name, value] of headers) res.setHeader(name, value)
    next()
  }
  return Object.assign(securityHeaders, { headers })
}

/**
 * gzip for what browsers read (the dashboard's files, GET answers over 1 KiB); ingest requests pass
 * straight through, so a single-event POST pays nothing for it.
 */
function readsCompressed(): RequestHandler {
  const gzip = compression()
  return function compressReads(req, res, next) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next()
    gzip(req, res, next)
  }
}

/** Which page's code a path opens (client/components/ys-app.ts loads the same on demand). */
const PAGE_MODULES: Array<[RegExp, string]> = [
  [/^\/$/, 'components/ys-portfolio.ts'],
  [/^\/initiatives\/(new|[^/]+\/edit)\/?$/, 'components/ys-initiative-edit.ts'],
  [/^\/initiatives\/[^/]+\/?$/, 'components/ys-initiative.ts'],
  [/^\/(audit|subscriptions|admin|setup|imports)\/?$/, 'components/ys-$1.ts'],
]

/**
 * The dashboard's index.html, read again only when the file changes, with two additions per request:
 * - `<link rel="modulepreload">` for the page's own code and what it imports (from Vite's manifest), so
 *   the browser fetches it beside the entry script instead of after it;
 * - with `session` (the request carries a session cookie, not yet checked) `<ys-app data-session>`: the
 *   shell asks for the page's data at once instead of first asking whether it may read, one round trip
 *   less for a signed-in user on a fresh browser (a stale cookie just ends on the sign-in page).
 */
function dashboardPage(clientDir: string): (pathname: string, session: boolean) => string {
  const file = path.join(clientDir, 'index.html')
  const manifestFile = path.join(clientDir, '.vite', 'manifest.json')
  let cached: { mtimeMs: number; html: string; manifest: Record<string, { file: string; imports?: string[] }>; pages: Map<string, string> } | null = null
  const preloads = (key: string, manifest: NonNullable<typeof cached>['manifest']): string[] => {
    const files: string[] = []
    const walk = (k: string) => {
      const e = manifest[k]
      if (!e || k === 'index.html' || files.includes(e.file)) return
      files.push(e.file)
      for (const i of e.imports ?? []) walk(i)
    }
    walk(key)
    return files
  }
  return (pathname, session) => {
    const mtimeMs = fs.statSync(file).mtimeMs
    if (!cached || cached.mtimeMs !== mtimeMs) {
      let manifest = {}
      try {
        manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'))
      } catch {
        // Built without a manifest: no preloads.
      }
      cached = { mtimeMs, html: fs.readFileSync(file, 'utf8'), manifest, pages: new Map() }
    }
    const match = PAGE_MODULES.find(([re]) => re.test(pathname))
    const key = `${match ? pathname.replace(match[0], match[1]) : ''}|${session}`
    let page = cached.pages.get(key)
    if (page === undefined) {
      const links = match ? preloads(key.split('|')[0], cached.manifest).map((f) => `<link rel="modulepreload" crossorigin href="/${f}">`).join('') : ''
      page = cached.html.replace('</head>', `${links}</head>`)
      if (session) page = page.replace('<ys-app>', '<ys-app data-session>')
      if (cached.pages.size < 64) cached.pages.set(key, page)
    }
    return page
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
  const securityHeaders = onceComputedHeaders(helmet({
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
    }))
  app.use(securityHeaders)
  // A request the hot path failed continues here as its error, so Express answers every error alike.
  app.use(hotPathErrors())

  app.use(readsCompressed())
  app.use(embedCors())
  // The live demo refuses every change, on every route, before anything else runs.
  if (config.demo) app.use(demoReadOnly())

  app.get('/healthz', publicRoute(), async (_req, res) => {
    try {
      await sql`select 1`.execute(db)
      send(res, health, { status: 'ok' })
    } catch {
      send(res, healthDown, { status: 'unavailable', error: { code: 'storage_unavailable', message: 'the database does not answer', details: [] } }, 503)
    }
  })

  app.use(apiDocsRouter())
  app.use(otlpRouter({ db, config, writer, clock }))

  const api = express.Router()
  const keyAuth = authenticateKey(db)
  const ingest = eventsIngest({ db, config, writer, clock })
  api.use(keyAuth)
  api.use(authenticateShareToken(db, clock))
  api.use(authenticateSession({ db, config, clock }))
  api.use(requireSameOrigin(config))
  if (config.demo) api.use(demoVisitor())
  api.use('/events', eventsRouter(ingest))
  api.use('/imports', importsRouter({ db, writer, clock, log }))
  api.use(express.json({ limit: '1mb' }))
  api.use(governanceRouter({ db, config, clock }))
  api.use(outcomesRouter({ reader, config, clock }))
  api.use(readinessRouter({ db, config, clock }))
  api.use('/assessment', assessmentRouter({ db, config, clock }))
  api.use('/share-tokens', shareRouter({ db, clock }))
  api.use('/demo', demoRouter({ db, config, clock }))
  api.use('/initiatives', initiativesRouter({ db, config, clock }))
  api.use('/subscriptions', subscriptionsRouter({ db, config, clock }))
  api.use('/webhooks', webhooksRouter({ db, clock, disableDays: config.webhookDisableDays }))
  api.use('/webhook-targets', webhookTargetsRouter({ db }))
  api.use('/alert-rules', alertRulesRouter({ db, clock }))
  api.use(notFoundHandler)
  app.use('/api/v1', api)
  app.use(unsubscribeRouter({ db, clock }))

  const clientDir = deps.clientDir ?? path.resolve('dist/client')
  if (fs.existsSync(path.join(clientDir, 'index.html'))) {
    app.get('/robots.txt', (_req, res) => res.type('text/plain').send('User-agent: *\nDisallow: /\n'))
    // Vite names every file under assets/ by its content hash: a changed file is a new URL, so those
    // are cached for a year; the rest (index.html, /embed.js) revalidate.
    app.use('/assets', express.static(path.join(clientDir, 'assets'), { index: false, immutable: true, maxAge: '365d' }))
    app.use('/assets', notFoundHandler)
    app.use(express.static(clientDir, { index: false, maxAge: 0 }))
    const page = dashboardPage(clientDir)
    app.get(/^\/(?!api\/).*/, (req, res) => {
      res.setHeader('cache-control', 'no-cache')
      res.setHeader('vary', 'Cookie')
      res.type('html').send(page(req.path, String(req.headers.cookie ?? '').includes(`${SESSION_COOKIE}=`)))
    })
  }
  app.use(notFoundHandler)
  app.use(errorMiddleware(log))

  const handler = eventsHotPath({ app, steps: [keyAuth, ...ingest.guards, ingest.handler], headers: securityHeaders.headers, enabled: !config.demo })
  return {
    app,
    handler,
    writer,
    reader,
    ready: () => writer.ready(),
    async close() {
      await reader.close()
      await writer.close()
    },
  }
}
