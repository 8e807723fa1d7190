/**
 * Shared bench helpers: a keep-alive HTTP load generator, child servers, percentiles.
 */
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { spawn, type ChildProcess } from 'node:child_process'

export interface BenchResult {
  name: string
  value: number
  unit: string
  baseline: { name: string; value: number; unit: string }
  ratio: number
  /** Free-form detail (sizes, p99s, how it was measured). */
  note?: string
  /** The goal this figure is held to (e.g. "ratio ≥ 0.8"), and whether this run met it. */
  goal?: { text: string; met: boolean }
}

/** A goal on the ratio to the baseline (`min`: at least, `max`: at most) or on the value itself. */
export type Goal = { ratioAtLeast: number } | { valueAtLeast: number } | { valueAtMost: number }

export function result(name: string, value: number, unit: string, baseline: { name: string; value: number; unit: string }, note?: string, goal?: Goal): BenchResult {
  const ratio = round(value / baseline.value, 3)
  const g = goal === undefined ? undefined
    : 'ratioAtLeast' in goal ? { text: `ratio ≥ ${goal.ratioAtLeast}`, met: ratio >= goal.ratioAtLeast }
    : 'valueAtLeast' in goal ? { text: `≥ ${goal.valueAtLeast} ${unit}`, met: value >= goal.valueAtLeast }
    : { text: `≤ ${goal.valueAtMost} ${unit}`, met: value <= goal.valueAtMost }
  return { name, value: round(value), unit, baseline: { ...baseline, value: round(baseline.value) }, ratio, note, goal: g }
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN
  const r = q * (sorted.length - 1)
  const lo = Math.floor(r)
  const hi = Math.ceil(r)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (r - lo)
}

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')

export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  await new Promise<void>((r) => child.once('exit', () => r()))
}

export interface LoadResult {
  requests: number
  errors: number
  seconds: number
  perSecond: number
  p50: number
  p99: number
  statuses: Record<number, number>
}

/**
 * Sends requests with `concurrency` keep-alive connections for `durationMs` (or until `maxRequests`):
 * request i goes to `path(i)` with `body(i)` (POST) or no body (GET). Latencies in ms.
 * @example await httpLoad({ port, method: 'GET', path: () => '/healthz', concurrency: 4, durationMs: 5000 })
 */
export async function httpLoad(opts: { port: number; method: 'GET' | 'POST'; path: (i: number) => string; body?: (i: number) => string | Buffer; concurrency: number; durationMs: number; headers?: Record<string, string>; maxRequests?: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency })
  const latencies: number[] = []
  const statuses: Record<number, number> = {}
  let i = 0
  let errors = 0
  const start = performance.now()
  const deadline = start + opts.durationMs
  const one = (path: string, body: string | Buffer | undefined) =>
    new Promise<number>((resolve) => {
      const headers = body === undefined ? opts.headers : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...opts.headers }
      const req = http.request({ host: '127.0.0.1', port: opts.port, path, method: opts.method, agent, headers }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
      req.on('error', () => resolve(0))
      req.end(body)
    })
  const worker = async () => {
    while (performance.now() < deadline && (opts.maxRequests === undefined || i < opts.maxRequests)) {
      const k = i++
      const body = opts.body?.(k)
      const t = performance.now()
      const status = await one(opts.path(k), body)
      latencies.push(performance.now() - t)
      statuses[status] = (statuses[status] ?? 0) + 1
      if (status < 200 || status >= 300) errors++
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, worker))
  const seconds = (performance.now() - start) / 1000
  agent.destroy()
  latencies.sort((a, b) => a - b)
  return { requests: latencies.length, errors, seconds, perSecond: latencies.length / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), statuses }
}

/**
 * POSTs `body(i)` to one path (see {@link httpLoad}).
 * @example await postLoad({ port, path: '/api/v1/events', concurrency: 32, durationMs: 5000, body: () => one })
 */
export function postLoad(opts: { port: number; path: string; concurrency: number; durationMs: number; body: (i: number) => string | Buffer; headers?: Record<string, string>; maxRequests?: number }): Promise<LoadResult> {
  return httpLoad({ ...opts, method: 'POST', path: () => opts.path })
}

/**
 * Starts a child on a free port (PORT=0) and returns the port it prints as
 * "serving on http://localhost:PORT" (server/main.ts and bench/hello-server.ts both do).
 */
export async function startOnFreePort(entry: string, args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, entry), ...args], { cwd: root, env: { ...process.env, ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${entry} did not start within 60 s: ${out}`))
    }, 60_000)
    child.stdout!.on('data', (d) => {
      out += d
      const m = /serving on http:\/\/localhost:(\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    })
    child.stderr!.on('data', (d) => (out += d))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${entry} exited (${code}): ${out}`))
    })
  })
  return { child, port }
}
