/**
 * The API client of an embedded element: the Yardstick origin (the `api-base` attribute, else where
 * /embed.js was loaded from) and its credentials (a read key or a share token).
 */
import { LitElement } from 'lit'
import { property } from 'lit/decorators.js'
import { ApiClient } from '../api/client.js'

let scriptOrigin: string | null = null
if (typeof document !== 'undefined') {
  const src = (document.currentScript as HTMLScriptElement | null)?.src
  if (src) scriptOrigin = new URL(src).origin
}

/** Records where the embed bundle came from (module scripts have no currentScript). */
export function setEmbedOrigin(url: string): void {
  scriptOrigin = new URL(url).origin
}

export function embedClient(el: { apiBase?: string | null; token?: string | null; shareToken?: string | null }): ApiClient {
  const base = (el.apiBase || scriptOrigin || location.origin).replace(/\/+$/, '')
  return new ApiClient({ base, token: el.token || null, shareToken: el.shareToken || null })
}

/**
 * What every embeddable element takes from its host page: the initiative, the range, the credentials
 * (a read key or a share token) and where Yardstick is. Subclasses add their `metric`.
 */
export class EmbedElement extends LitElement {
  @property() initiative = ''
  @property() range = '90d'
  @property() token: string | null = null
  @property({ attribute: 'share-token' }) shareToken: string | null = null
  @property({ attribute: 'api-base' }) apiBase: string | null = null
  @property() timezone: string | null = null
}
