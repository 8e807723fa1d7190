/**
 * The real server with the demo data and a built client, on 127.0.0.1 port 0, with one admin, one
 * editor and a read key: what the accessibility tests, the screenshots and the Lighthouse bench open.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { migrateToLatest, openDatabase, writeTransaction, type DbHandle } from '../../db/connection.js'
import { createKey } from '../../db/queries/keys.js'
import { createUser } from '../../db/queries/users.js'
import { createApp, type App } from '../../server/app.js'
import { hashPassword } from '../../server/auth/password.js'
import { loadConfig, type Config } from '../../server/config.js'
import { loadDemo } from '../../server/demo/load.js'
import { buildClientInto } from './support.js'

export const DEMO_ADMIN = { email: 'admin@example.com', password: 'admin-password-1' }
export const DEMO_EDITOR = { email: 'editor@example.com', password: 'editor-password-1' }

export interface DemoServer {
  url: string
  /** Another origin serving a plain page that embeds an outcome chart with a share token (`/?share=…`). */
  hostUrl: string
  config: Config
  handle: DbHandle
  app: App
  dir: string
  readKey: string
  /** Signs in over HTTP and returns the session cookie (`ys_session=…`). */
  signIn(user?: { email: string; password: string }): Promise<string>
  close(): Promise<void>
}

/**
 * @example const demo = await startDemoServer(); const cookie = await demo.signIn(); await demo.close()
 */
export async function startDemoServer(opts: { clientDir?: string; log?: (m: string) => void } = {}): Promise<DemoServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yardstick-demo-'))
  const clientDir = opts.clientDir ?? (await buildClientInto(dir))
  const config = loadConfig({ YARDSTICK_DB: path.join(dir, 'y.db'), PORT: '0', YARDSTICK_SYNC: 'normal', YARDSTICK_OUTBOX_DIR: path.join(dir, 'outbox') })
  const handle = openDatabase(config.dbFile, { sync: 'normal' })
  await migrateToLatest(handle.db)
  await loadDemo(handle.db, { days: 365, timezone: config.timezone })
  const by = { actor: 'test', at: Date.now() }
  for (const [u, role] of [[DEMO_ADMIN, 'admin'], [DEMO_EDITOR, 'editor']] as const) {
    const passwordHash = await hashPassword(u.password)
    await writeTransaction(handle.db, (tx) => createUser(tx, { email: u.email, role, passwordHash }, by))
  }
  const readKey = (await writeTransaction(handle.db, (tx) => createKey(tx, { name: 'embed read', role: 'read', initiatives: null }, by))).token
  const app = createApp({ db: handle.db, config, log: opts.log ?? (() => {}), clientDir })
  await app.ready()
  const server = app.app.listen(0, '127.0.0.1')
  await new Promise<void>((r) => server.once('listening', () => r()))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const host = http.createServer((req, res) => {
    const share = new URL(req.url ?? '/', 'http://x').searchParams.get('share') ?? ''
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(embedHostPage(url, share))
  })
  host.listen(0, '127.0.0.1')
  await new Promise<void>((r) => host.once('listening', () => r()))
  const hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`
  return {
    url,
    hostUrl,
    config,
    handle,
    app,
    dir,
    readKey,
    async signIn(user = DEMO_ADMIN) {
      const r = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify(user) })
      if (r.status !== 200) throw new Error(`sign-in answered ${r.status}: ${await r.text()}`)
      const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]
      if (!cookie.startsWith('ys_session=')) throw new Error('sign-in set no session cookie')
      return cookie
    },
    async close() {
      host.close()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
      await app.close()
      await handle.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** An internal tool's page embedding one outcome chart through /embed.js and a share token. */
export function embedHostPage(yardstick: string, share: string): string {
  const esc = (s: string) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Finance ops wiki</title>
<script src="${yardstick}/embed.js"></script></head><body><main><h1>Finance ops wiki</h1>
<ys-outcome-chart initiative="invoice-processing" metric="time_saved" range="90d" share-token="${esc(share)}" style="height:320px"></ys-outcome-chart>
</main></body></html>`
}
