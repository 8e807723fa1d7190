/**
 * How the built dashboard is served: gzip for text, a year of immutable caching for content-hashed assets
 * and revalidation for the rest, robots.txt as text, the session hint in index.html, and GET /setup's
 * answer that lets the dashboard skip a request bound to fail.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, tempDir, type TestServer } from './testing/test-server.js'

describe('serving the built dashboard', () => {
  let s: TestServer
  const script = `export const x = ${JSON.stringify('y'.repeat(5000))}\n`

  beforeAll(async () => {
    const dir = tempDir()
    const client = path.join(dir, 'no-client')
    fs.mkdirSync(path.join(client, 'assets'), { recursive: true })
    fs.mkdirSync(path.join(client, '.vite'))
    fs.writeFileSync(path.join(client, '.vite', 'manifest.json'), JSON.stringify({
      'index.html': { file: 'assets/main-B8EHAWbe.js', isEntry: true },
      'components/ys-portfolio.ts': { file: 'assets/ys-portfolio-1.js', imports: ['index.html', '_task-2.js'] },
      'components/ys-initiative.ts': { file: 'assets/ys-initiative-3.js', imports: ['index.html', '_task-2.js'] },
      '_task-2.js': { file: 'assets/task-2.js' },
    }))
    fs.writeFileSync(path.join(client, 'index.html'), '<!doctype html><html><head></head><body><ys-app></ys-app><p>' + 'text '.repeat(400) + '</p></body></html>')
    fs.writeFileSync(path.join(client, 'assets', 'main-B8EHAWbe.js'), script)
    fs.writeFileSync(path.join(client, 'embed.js'), script)
    s = await startTestServer({ dir })
  })

  afterAll(async () => {
    await s?.close()
  })

  it('sends hashed assets gzipped and cacheable for a year, unchanged', async () => {
    const r = await s.fetch('/assets/main-B8EHAWbe.js', { headers: { 'accept-encoding': 'gzip' } })
    expect(r.status).toBe(200)
    expect(r.headers.get('content-encoding')).toBe('gzip')
    expect(r.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(await r.text()).toBe(script)
  })

  it('makes unhashed files and the page revalidate', async () => {
    expect((await s.fetch('/embed.js')).headers.get('cache-control')).toBe('public, max-age=0')
    const page = await s.fetch('/initiatives/x')
    expect(page.headers.get('cache-control')).toBe('no-cache')
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
  })

  it('preloads the code of the page a path opens, and its imports, beside the entry script', async () => {
    const links = async (p: string) => [...(await (await s.fetch(p)).text()).matchAll(/<link rel="modulepreload" crossorigin href="([^"]+)">/g)].map((m) => m[1])
    expect(await links('/')).toEqual(['/assets/ys-portfolio-1.js', '/assets/task-2.js'])
    expect(await links('/initiatives/invoice-processing')).toEqual(['/assets/ys-initiative-3.js', '/assets/task-2.js'])
    expect(await links('/no-such-page')).toEqual([])
  })

  it('answers a missing asset with 404, not the page', async () => {
    const r = await s.fetch('/assets/gone-123.js')
    expect(r.status).toBe(404)
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('not_found')
  })

  it('serves robots.txt as text that keeps crawlers out', async () => {
    const r = await s.fetch('/robots.txt')
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await r.text()).toBe('User-agent: *\nDisallow: /\n')
  })

  it('tells the shell when the request carries a session cookie', async () => {
    expect(await (await s.fetch('/')).text()).toContain('<ys-app></ys-app>')
    expect(await (await s.fetch('/', { headers: { cookie: 'ys_session=abc' } })).text()).toContain('<ys-app data-session></ys-app>')
  })

  it('says on GET /setup whether the request may read, without a 401', async () => {
    const anonymous = await s.fetch('/api/v1/setup')
    expect(anonymous.status).toBe(200)
    expect(await anonymous.json()).toEqual({ needed: true, signedIn: false, canRead: false })
    const reader = await s.fetch('/api/v1/setup', { token: await s.key('read') })
    expect(await reader.json()).toEqual({ needed: true, signedIn: false, canRead: true })
    const ingest = await s.fetch('/api/v1/setup', { token: await s.key('ingest') })
    expect(await ingest.json()).toEqual({ needed: true, signedIn: false, canRead: false })
  })

  it('leaves ingest answers uncompressed', async () => {
    const token = await s.key('ingest')
    // A refused batch whose answer (one detail per bad event) is well over the 1 KiB gzip threshold.
    const events = Array.from({ length: 60 }, (_, i) => ({ id: `e${i}`, initiative: 'nope', metric: 'no_such_metric', value: 1, occurredAt: new Date().toISOString() }))
    const r = await s.fetch('/api/v1/events', { method: 'POST', token, headers: { 'accept-encoding': 'gzip' }, json: { events } })
    expect(r.status).toBe(422)
    expect((await r.clone().text()).length).toBeGreaterThan(2048)
    expect(r.headers.get('content-encoding')).toBeNull()
  })
})
