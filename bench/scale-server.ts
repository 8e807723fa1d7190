/**
 * The server of `npm run bench -- scale`, in its own process so that its memory is measured apart from
 * the loader's: as server/main.ts (migrate, createApp, reader thread ready, listen) on 127.0.0.1:0 with
 * the built client from argv[2], without the scheduled jobs and without the startup warm-up, which the
 * bench asks for over IPC. Messages: `{op: 'clear'}` empties the rollup read cache, `{op: 'warm'}` runs
 * the startup warm-up, `{op: 'rss'}` answers `{rss, maxRss}` in bytes (maxRSS: the process's peak,
 * reader and writer threads included).
 */
import type { AddressInfo } from 'node:net'
import { migrateToLatest, openDatabase } from '../db/connection.js'
import { createApp } from '../server/app.js'
import { answerClientErrors } from '../server/errors.js'
import { loadConfig } from '../server/config.js'

type Request = { id: number; op: 'clear' | 'warm' | 'rss' }

async function main() {
  const config = loadConfig()
  const handle = openDatabase(config.database, { sync: config.sync })
  await migrateToLatest(handle.db)
  const { app, ready, reader, close } = createApp({ db: handle.db, config, log: () => {}, clientDir: process.argv[2] })
  await ready()
  await reader.ready()
  const server = app.listen(0, '127.0.0.1')
  answerClientErrors(server)
  await new Promise<void>((r) => server.once('listening', () => r()))
  process.on('message', (m: Request) => {
    const answer = async (): Promise<unknown> => {
      if (m.op === 'clear') return reader.cacheStats(true)
      if (m.op === 'warm') return reader.warm(Date.now())
      return { rss: process.memoryUsage().rss, maxRss: process.resourceUsage().maxRSS * 1024 }
    }
    answer().then(
      (value) => process.send!({ id: m.id, value }),
      (e) => process.send!({ id: m.id, error: String(e) }),
    )
  })
  process.on('SIGTERM', () => {
    server.closeAllConnections()
    server.close(() => void close().then(() => handle.close()).then(() => process.exit(0)))
  })
  process.send!({ port: (server.address() as AddressInfo).port })
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
