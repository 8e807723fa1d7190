/**
 * The one way the dashboard and the embeds talk to the API: same-origin credentials (the session
 * cookie), or a read key / share token for embeds. A 401 raises a `ys-unauthorized` event on window,
 * which the app answers with the sign-in page; pages never deal with sign-in themselves.
 */
import type { ApiKeyInfo, AuditEntry, Initiative, InitiativeInput, InitiativePatch, KeyRole, PaybackCurve, PortfolioSeries, Series, SessionUser, Subscription, SubscriptionInput, Summary, User, UserRole } from './types.js'

/** One item of an error body's `details`: the field at fault (or null) and what to fix. */
export interface ApiErrorDetail {
  field: string | null
  message: string
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ApiErrorDetail[] = [],
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
      const err = (json as { error?: { code?: string; message?: string; details?: ApiErrorDetail[] } } | null)?.error
      const details = Array.isArray(err?.details) ? err.details.filter((d) => d && typeof d.message === 'string') : []
      const e = new ApiError(res.status, err?.code ?? 'http_' + res.status, err?.message ?? `the server answered ${res.status}`, details)
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

  /** The payback curve (GET /api/v1/initiatives/:slug/payback), as of `to` or now, whichever is earlier. */
  payback(slug: string, q: { to?: string } = {}, signal?: AbortSignal): Promise<PaybackCurve> {
    return this.get(`/api/v1/initiatives/${encodeURIComponent(slug)}/payback`, { to: q.to }, signal)
  }

  /** One metric's series for several initiatives in one request (GET /api/v1/series). */
  portfolioSeries(q: { metric: string; from: string; to: string; granularity: string; initiatives?: string[] }, signal?: AbortSignal): Promise<PortfolioSeries> {
    return this.get('/api/v1/series', { metric: q.metric, from: q.from, to: q.to, granularity: q.granularity, initiatives: q.initiatives?.join(',') }, signal)
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

// Governance and email: typed fetchers over the same client (docs/API.md, docs/EMAIL.md).

/** GET /api/v1/setup: whether the first admin still has to be created. */
export function fetchSetupNeeded(client: ApiClient = api): Promise<{ needed: boolean; signedIn?: boolean; canRead?: boolean }> {
  return client.get('/api/v1/setup')
}

/** POST /api/v1/setup: creates the first admin with the setup token `npm start` printed; signs in. */
export function createFirstAdmin(body: { token: string; email: string; password: string }, client: ApiClient = api): Promise<SessionUser> {
  return client.post('/api/v1/setup', body)
}

/** GET /api/v1/session: who is signed in (401 when nobody, 403 for an API key). */
export function fetchSession(client: ApiClient = api): Promise<SessionUser> {
  return client.get('/api/v1/session')
}

/** DELETE /api/v1/session: signs out. */
export function signOut(client: ApiClient = api): Promise<unknown> {
  return client.request('DELETE', '/api/v1/session')
}

/** GET /api/v1/audit (admins): newest first. `from`/`to` are ISO instants, `to` exclusive. */
export function fetchAudit(q: { from?: string; to?: string; entity?: string; entityId?: string; limit?: number }, signal?: AbortSignal, client: ApiClient = api): Promise<{ entries: AuditEntry[] }> {
  return client.get('/api/v1/audit', { from: q.from, to: q.to, entity: q.entity, entityId: q.entityId, limit: q.limit }, signal)
}

export function fetchUsers(signal?: AbortSignal, client: ApiClient = api): Promise<{ users: User[] }> {
  return client.get('/api/v1/users', undefined, signal)
}

export function createUser(body: { email: string; password: string; role: UserRole }, client: ApiClient = api): Promise<User> {
  return client.post('/api/v1/users', body)
}

export function updateUser(id: number, body: { role?: UserRole; disabled?: boolean; password?: string }, client: ApiClient = api): Promise<User> {
  return client.request('PATCH', `/api/v1/users/${id}`, { body })
}

export function fetchKeys(signal?: AbortSignal, client: ApiClient = api): Promise<{ keys: ApiKeyInfo[] }> {
  return client.get('/api/v1/keys', undefined, signal)
}

/** POST /api/v1/keys: the token is in this answer only. */
export function createApiKey(body: { name: string; role: KeyRole; initiatives: string[] | null }, client: ApiClient = api): Promise<{ key: ApiKeyInfo; token: string }> {
  return client.post('/api/v1/keys', body)
}

export function revokeApiKey(id: number, client: ApiClient = api): Promise<{ key: ApiKeyInfo }> {
  return client.request('DELETE', `/api/v1/keys/${id}`)
}

export function fetchSubscriptions(signal?: AbortSignal, client: ApiClient = api): Promise<{ subscriptions: Subscription[] }> {
  return client.get('/api/v1/subscriptions', undefined, signal)
}

export function createSubscription(body: SubscriptionInput, client: ApiClient = api): Promise<Subscription> {
  return client.post('/api/v1/subscriptions', body)
}

export function updateSubscription(id: number, body: Partial<SubscriptionInput>, client: ApiClient = api): Promise<Subscription> {
  return client.request('PATCH', `/api/v1/subscriptions/${id}`, { body })
}

export function deleteSubscription(id: number, client: ApiClient = api): Promise<unknown> {
  return client.request('DELETE', `/api/v1/subscriptions/${id}`)
}

/** POST /api/v1/initiatives (editors): registers an initiative; 409 when the slug is taken. */
export function createInitiative(body: InitiativeInput, client: ApiClient = api): Promise<Initiative> {
  return client.request('POST', '/api/v1/initiatives', { body })
}

/** PATCH /api/v1/initiatives/:slug (editors). A refused move to production answers 422 with details. */
export function updateInitiative(slug: string, body: InitiativePatch, client: ApiClient = api): Promise<Initiative> {
  return client.request('PATCH', `/api/v1/initiatives/${encodeURIComponent(slug)}`, { body })
}
