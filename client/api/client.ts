/**
 * The one way the dashboard and the embeds talk to the API: same-origin credentials (the session
 * cookie), or a read key / share token for embeds. A 401 raises a `ys-unauthorized` event on window,
 * which the app answers with the sign-in page; pages never deal with sign-in themselves.
 */
import type { Initiative, Series, Summary } from './types.js'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export interface ApiOptions {
  /** Absolute origin of the Yardstick server (embeds on another site); default: this page's origin. */
  base?: string
  /** A read API key (`ys_live_…`), sent as Bearer. */
  token?: string | null
  /** A signed share token, sent as `X-Yardstick-Share`. */
  shareToken?: string | null
}

export type Query = Record<string, string | number | boolean | null | undefined>

export class ApiClient {
  constructor(readonly opts: ApiOptions = {}) {}

  private url(path: string, query?: Query): string {
    const qs = new URLSearchParams()
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v))
    const s = qs.toString()
    return (this.opts.base ?? '') + path + (s ? `?${s}` : '')
  }

  async request<T>(method: string, path: string, opts: { query?: Query; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`
    if (this.opts.shareToken) headers['x-yardstick-share'] = this.opts.shareToken
    if (opts.body !== undefined) headers['content-type'] = 'application/json'
    let res: Response
    try {
      res = await fetch(this.url(path, opts.query), {
        method,
        headers,
        credentials: 'same-origin',
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: opts.signal,
      })
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e
      throw new ApiError(0, 'network', 'the Yardstick server could not be reached; check your connection and try again')
    }
    const text = await res.text()
    let json: unknown = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      json = null
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } } | null)?.error
      const e = new ApiError(res.status, err?.code ?? 'http_' + res.status, err?.message ?? `the server answered ${res.status}`)
      if (res.status === 401 && !this.opts.token && !this.opts.shareToken && typeof window !== 'undefined') {
        window.dispatchEvent(new CustomEvent('ys-unauthorized', { detail: { message: e.message } }))
      }
      throw e
    }
    return json as T
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, { query, signal })
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, { body: body ?? {} })
  }

  initiatives(signal?: AbortSignal): Promise<{ initiatives: Initiative[] }> {
    return this.get('/api/v1/initiatives', undefined, signal)
  }

  initiative(slug: string, signal?: AbortSignal): Promise<Initiative> {
    return this.get(`/api/v1/initiatives/${encodeURIComponent(slug)}`, undefined, signal)
  }

  summary(q: { from: string; to: string; stage?: string; team?: string; initiatives?: string[] }, signal?: AbortSignal): Promise<Summary> {
    return this.get('/api/v1/summary', { from: q.from, to: q.to, stage: q.stage, team: q.team, initiatives: q.initiatives?.join(',') }, signal)
  }

  series(slug: string, q: { metric: string; from: string; to: string; granularity: string; compare?: boolean }, signal?: AbortSignal): Promise<Series> {
    return this.get(
      `/api/v1/initiatives/${encodeURIComponent(slug)}/series`,
      { metric: q.metric, from: q.from, to: q.to, granularity: q.granularity, compare: q.compare ? 'previous' : undefined },
      signal,
    )
  }
}

/** The dashboard's client: cookie session, this origin. */
export const api = new ApiClient()
