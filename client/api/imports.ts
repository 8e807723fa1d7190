/**
 * CSV imports (docs/API.md, "CSV import"): upload a file, follow its progress, list past imports.
 * The upload goes through XMLHttpRequest, the one browser API that reports upload progress; its
 * answer is read exactly as ApiClient reads one (same errors, same 401 → sign-in event).
 */
import { api, ApiError, type ApiClient, type ApiErrorDetail } from './client.js'
import type { ImportListItem, ImportRecord } from './types.js'

/**
 * POST /api/v1/imports: sends the file as the body (text/csv). Resolves with the started import (202);
 * `onUpload` receives the share of the file sent so far (0…1).
 * @example const started = await startImport(file, { dryRun: true, onUpload: (f) => console.log(f) })
 */
export function startImport(file: Blob & { name?: string }, o: { dryRun: boolean; onUpload?: (fraction: number) => void; signal?: AbortSignal }): Promise<ImportRecord> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    const qs = new URLSearchParams({ dryRun: String(o.dryRun), name: file.name ?? 'upload.csv' })
    xhr.open('POST', `/api/v1/imports?${qs}`)
    xhr.withCredentials = true
    xhr.setRequestHeader('content-type', 'text/csv')
    xhr.setRequestHeader('accept', 'application/json')
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) o.onUpload?.(e.loaded / e.total)
    }
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the Yardstick server could not be reached; check your connection and choose the file again'))
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'))
    xhr.onload = () => {
      let json: unknown = null
      try {
        json = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        json = null
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(json as ImportRecord)
      const err = (json as { error?: { code?: string; message?: string; details?: ApiErrorDetail[] } } | null)?.error
      const details = Array.isArray(err?.details) ? err.details.filter((d) => d && typeof d.message === 'string') : []
      const e = new ApiError(xhr.status, err?.code ?? 'http_' + xhr.status, err?.message ?? `the server answered ${xhr.status}`, details)
      if (xhr.status === 401) window.dispatchEvent(new CustomEvent('ys-unauthorized', { detail: { message: e.message } }))
      reject(e)
    }
    o.signal?.addEventListener('abort', () => xhr.abort())
    xhr.send(file)
  })
}

/** GET /api/v1/imports/:id: the import's progress, and its bad rows (the first 1,000). */
export function fetchImport(id: number, signal?: AbortSignal, client: ApiClient = api): Promise<ImportRecord> {
  return client.get(`/api/v1/imports/${id}`, undefined, signal)
}

/** GET /api/v1/imports: the latest imports, newest first (a scoped caller: its own). */
export function fetchImports(signal?: AbortSignal, client: ApiClient = api): Promise<{ imports: ImportListItem[] }> {
  return client.get('/api/v1/imports', undefined, signal)
}
