/**
 * Typed fetchers for scale readiness (GET /api/v1/readiness, /initiatives/:slug/readiness, fit and
 * attestations), over the dashboard's one API client.
 */
import type { AttestableItem, Readiness, UseCaseCategory } from '../../metrics/readiness.js'
import { api, type ApiClient } from './client.js'

export interface PortfolioReadiness {
  asOf: string
  consecutiveMonths: number
  counts: { ready: number; not_yet: number; at_risk: number }
  initiatives: Readiness[]
}

export interface FitInput {
  category: UseCaseCategory
  repetitiveness: number
  clarity: number
  engagement: number
  note?: string
}

export interface AttestationInput {
  item: AttestableItem
  note: string
  /** YYYY-MM-DD; default today. */
  date?: string
  reviewer?: string
}

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

/** One initiative's readiness, with what the caller may do about it. */
export type InitiativeReadiness = Readiness & { permissions: { attest: boolean; recordFit: boolean; override: boolean } }

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
