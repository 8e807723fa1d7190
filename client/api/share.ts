/**
 * Share links (signed, expiring tokens an embed on another page uses to read one initiative):
 * POST /api/v1/share-tokens creates one; GET lists them and DELETE /:id revokes one where the server
 * keeps them (docs/API.md).
 */
import { api, type ApiClient } from './client.js'

export interface ShareLink {
  id: string | number
  initiative: string
  metric?: string | null
  createdAt?: string
  createdBy?: string | null
  expiresAt: string
  revokedAt?: string | null
}

/** POST /api/v1/share-tokens → the token (shown once) and when it expires. */
export function createShareLink(body: { initiative: string; expiresInDays: number }, client: ApiClient = api): Promise<{ token: string; initiative: string; expiresAt: string; id?: string | number }> {
  return client.post('/api/v1/share-tokens', body)
}

/** GET /api/v1/share-tokens?initiative=slug → this initiative's links. */
export async function fetchShareLinks(slug: string, client: ApiClient = api): Promise<ShareLink[]> {
  const r = await client.get<{ tokens?: ShareLink[]; shareTokens?: ShareLink[] } | ShareLink[]>('/api/v1/share-tokens', { initiative: slug })
  const all = Array.isArray(r) ? r : r.tokens ?? r.shareTokens ?? []
  return all.filter((l) => l.initiative === slug)
}

/** DELETE /api/v1/share-tokens/:id. */
export function revokeShareLink(id: string | number, client: ApiClient = api): Promise<unknown> {
  return client.request('DELETE', `/api/v1/share-tokens/${encodeURIComponent(String(id))}`)
}
