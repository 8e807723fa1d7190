/**
 * `npm run bench -- lighthouse`: Lighthouse 12 (mobile, its default simulated throttling) on the
 * signed-in portfolio and initiative pages with the demo data, through Debian's Chromium
 * (CHROME_PATH, default /usr/bin/chromium, `--headless=new --no-sandbox`). Each category score is
 * recorded beside the same category's score for a plain static HTML page served from the same machine in
 * the same run (what Lighthouse gives a page with nothing to load here), so a slow shared machine shows
 * as a low baseline rather than as a regression. Goals (issue 15): performance ≥ 95, accessibility 100,
 * best practices 100.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'
import { startDemoServer } from '../client/e2e/demo-server.js'
import { result, type BenchResult } from './lib.js'

const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const

const PLAIN_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="description" content="A plain page."><title>Plain</title></head><body><main><h1>Plain page</h1><p>Nothing to load.</p></main></body></html>`

type Scores = Record<(typeof CATEGORIES)[number], number> & { lcpMs: number; notes: string[] }

async function score(port: number, url: string, headers?: Record<string, string>): Promise<Scores> {
  const r = await lighthouse(url, { port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES], extraHeaders: headers })
  if (!r) throw new Error(`Lighthouse gave no result for ${url}`)
  const lhr = r.lhr
  if (lhr.runtimeError) throw new Error(`Lighthouse on ${url}: ${lhr.runtimeError.message}`)
  const s = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100)
  // What keeps a score under 100: the failed audits with weight, named, for the note.
  const notes: string[] = []
  for (const id of CATEGORIES) {
    for (const ref of lhr.categories[id]?.auditRefs ?? []) {
      const a = lhr.audits[ref.id]
      if (ref.weight > 0 && a && a.score !== null && a.score < 0.9) notes.push(`${id}: ${ref.id} ${a.displayValue ?? a.score}`)
    }
  }
  return { performance: s('performance'), accessibility: s('accessibility'), 'best-practices': s('best-practices'), lcpMs: Math.round(Number(lhr.audits['largest-contentful-paint']?.numericValue ?? NaN)), notes }
}

export async function runLighthouseBench(log: (m: string) => void): Promise<BenchResult[]> {
  process.env.NODE_ENV = 'production'
  const demo = await startDemoServer()
  const plain = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(PLAIN_PAGE)
  })
  plain.listen(0, '127.0.0.1')
  await new Promise<void>((r) => plain.once('listening', () => r()))
  const plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/`
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const out: BenchResult[] = []
  try {
    const cookie = await demo.signIn()
    // Warm the server's read cache and the OS file cache once, as a returning user would find them.
    await fetch(`${demo.url}/`, { headers: { cookie } })
    const base = await score(chrome.port, plainUrl)
    log(`plain static page: performance ${base.performance}, accessibility ${base.accessibility}, best practices ${base['best-practices']}`)
    for (const [name, pathname] of [['portfolio', '/'], ['initiative', '/initiatives/invoice-processing']] as const) {
      const s = await score(chrome.port, demo.url + pathname, { Cookie: cookie })
      log(`${name}: performance ${s.performance} (LCP ${s.lcpMs} ms), accessibility ${s.accessibility}, best practices ${s['best-practices']}${s.notes.length ? `\n  ${s.notes.join('\n  ')}` : ''}`)
      for (const c of CATEGORIES) {
        out.push(result(`lighthouse ${name} ${c} (mobile)`, s[c], 'score', { name: `lighthouse plain static page ${c}`, value: Math.max(1, base[c]), unit: 'score' }, c === 'performance' ? `LCP ${s.lcpMs} ms; ${s.notes.join('; ')}` : s.notes.filter((n) => n.startsWith(c)).join('; ') || undefined))
      }
    }
  } finally {
    chrome.kill()
    plain.close()
    await demo.close()
  }
  return out
}
