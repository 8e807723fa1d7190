/**
 * Typed fetchers for scale readiness (GET /api/v1/readiness, /initiatives/:slug/readiness, fit and
 * attestations), over the dashboard's one API client.
 */
import { api, type ApiClient } from './client.js'
import type { AttestationInput, FitInput, InitiativeReadiness, PortfolioReadiness } from './types.js'

export type { AttestationInput, FitInput, InitiativeReadiness, PortfolioReadiness }

let shared: { at: number; client: ApiClient; promise: Promise<PortfolioReadiness> } | null = null

/**
 * Every initiative's verdict. Calls within a few seconds share one request, so a table of badges costs
 * one round trip.
 * @example const all = await fetchAllReadiness()
 */
export function fetchAllReadiness(client: ApiClient = api, maxAgeMs = 5000): Promise<PortfolioReadiness> {
  const now = Date.now()
  if (shared && shared.client === client && now - shared.at < maxAgeMs) return shared.promise
  const promise = client.get<PortfolioReadiness>('/api/v1/readiness')
  shared = { at: now, client, promise }
  promise.catch(() => {
    if (shared?.promise === promise) shared = null
  })
  return promise
}

/** Forgets the shared answer (after a change). */
export function forgetReadiness(): void {
  shared = null
}

export function fetchReadiness(slug: string, signal?: AbortSignal, client: ApiClient = api): Promise<InitiativeReadiness> {
  return client.get<InitiativeReadiness>(`/api/v1/initiatives/${encodeURIComponent(slug)}/readiness`, undefined, signal)
}

export function saveFit(slug: string, body: FitInput, client: ApiClient = api): Promise<unknown> {
  forgetReadiness()
  return client.request('PUT', `/api/v1/initiatives/${encodeURIComponent(slug)}/fit`, { body })
}

export function attest(slug: string, body: AttestationInput, client: ApiClient = api): Promise<unknown> {
  forgetReadiness()
  return client.post(`/api/v1/initiatives/${encodeURIComponent(slug)}/attestations`, body)
}
