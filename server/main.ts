/**
 * `npm start`: migrate, build the client if needed, serve, run the scheduled jobs, and shut down
 * gracefully on SIGTERM/SIGINT (stop accepting, finish in-flight requests and writes, close the db).
 */
import { createServer, type Server } from 'node:http'
import { openDatabase, migrateToLatest } from '../db/connection.js'
import { createApp } from './app.js'
import { answerClientErrors } from './errors.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { buildClientIfNeeded } from './client-build.js'
import { startJobs } from './jobs/index.js'
import { ensureSetupToken } from './auth/setup.js'
import { DemoDatabaseRefused, prepareLiveDemo } from './demo/live.js'

function fail(message: string): never {
  console.error(`yardstick: ${message}`)
  process.exit(1)
}

async function main() {
  let config: Config
  try {
    config = loadConfig()
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message)
    throw e
  }
  const dev = process.argv.includes('--dev')
  if (!dev) await buildClientIfNeeded((m) => console.log(m))

  const handle = openDatabase(config.database, { sync: config.sync })
  await migrateToLatest(handle.db)
  if (config.demo) await prepareLiveDemo(handle.db, config, { now: Date.now(), log: (m) => console.log(m) }).catch((e) => (e instanceof DemoDatabaseRefused ? fail(e.message) : Promise.reject(e)))
  const { handler, close, ready, writer, reader } = createApp({ db: handle.db, config })
  await ready()
  // The reader thread boots (compiles, opens its connection) before the first request.
  await reader.ready()
  const jobs = startJobs({ db: handle.db, config, log: (m) => console.log(m), writer })

  const server: Server = createServer(handler).listen(config.port, config.host)
  answerClientErrors(server)
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  }).catch((e: NodeJS.ErrnoException) => fail(e.code === 'EADDRINUSE' ? `port ${config.port} is in use; set PORT to another port` : e.message))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  console.log(`Yardstick is serving on http://localhost:${port} (database ${handle.file}, timezone ${config.timezone})`)
  if (config.demo) console.log('Live demo (YARDSTICK_DEMO=1): the demo data, read-only, open to anyone without signing in')
  else await ensureSetupToken(handle.db, (m) => console.log(m), config.port === 0 ? `http://localhost:${port}` : config.publicUrl)
  // On the reader thread, in the background: requests are served meanwhile.
  void reader.warm(Date.now())

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`${signal}: finishing in-flight requests, then stopping`)
    await jobs.stop()
    server.close()
    server.closeIdleConnections()
    const force = setTimeout(() => server.closeAllConnections(), 10_000)
    await new Promise<void>((r) => server.once('close', () => r()))
    clearTimeout(force)
    await close()
    await handle.close()
    console.log('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
}

main().catch((e) => fail(e instanceof Error ? e.message : String(e)))
