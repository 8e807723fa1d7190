/**
 * One error class and one error middleware produce every error body:
 * `{"error": {"code", "message", "details"}}`. No stack trace ever reaches a client.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express'

export interface ErrorDetail {
  index?: number
  field?: string | null
  message: string
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

export const badRequest = (message: string, details: ErrorDetail[] = []) => new HttpError(400, 'bad_request', message, details)
export const unprocessable = (message: string, details: ErrorDetail[]) => new HttpError(422, 'validation_failed', message, details)
export const notFound = (message: string) => new HttpError(404, 'not_found', message)
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message)
export const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message)
export const conflict = (message: string) => new HttpError(409, 'conflict', message)

/** Maps what body parsers and the database throw to clear HTTP errors. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err
  const e = err as { type?: string; status?: number; code?: string; message?: string; limit?: number }
  if (e?.type === 'entity.too.large') return new HttpError(413, 'payload_too_large', `the request body is larger than the limit of ${e.limit} bytes; split it into smaller batches`)
  if (e?.type === 'entity.parse.failed') return badRequest(`the request body is not valid JSON: ${String(e.message ?? '').slice(0, 200)}`)
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new HttpError(415, 'unsupported_media_type', 'the request body must be UTF-8 encoded')
  if (e?.type === 'request.aborted') return badRequest('the request was aborted before the body was read')
  if (e?.status === 400 && typeof e.type === 'string') return badRequest(`the request body could not be read (${e.type})`)
  if (err instanceof URIError && e.status === 400) return badRequest('the URL is not valid percent-encoded UTF-8; encode each parameter with encodeURIComponent')
  if (e?.status === 400 && typeof e.code === 'string' && (e.code.startsWith('Z_') || e.code.startsWith('ERR__ERROR_FORMAT'))) {
    return badRequest('the request body could not be decompressed: it does not match its Content-Encoding')
  }
  if (e?.code === 'SQLITE_FULL' || (e as NodeJS.ErrnoException)?.code === 'ENOSPC') {
    return new HttpError(503, 'storage_full', 'the server is out of disk space; nothing from this request was stored, retry later', [], { 'Retry-After': '30' })
  }
  if (typeof e?.code === 'string' && (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_IOERR' || e.code.startsWith('SQLITE_IOERR') || e.code === 'SQLITE_READONLY' || e.code === 'SQLITE_CANTOPEN')) {
    return new HttpError(503, 'storage_unavailable', 'the database is busy or unavailable; nothing from this request was stored, retry later', [], { 'Retry-After': '5' })
  }
  return new HttpError(500, 'internal', 'an internal error occurred; it has been logged')
}

export function errorBody(err: HttpError) {
  return { error: { code: err.code, message: err.message, details: err.details } }
}

/** The one place every error becomes a response. Logs unexpected ones without exposing them. */
export function errorMiddleware(log: (msg: string) => void = (m) => console.error(m)): ErrorRequestHandler {
  return function handleError(err, req, res, _next) {
    const http = toHttpError(err)
    if (http.status >= 500) log(`${req.method} ${req.path}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)
    if (res.headersSent) {
      res.end()
      return
    }
    for (const [k, v] of Object.entries(http.headers)) res.setHeader(k, v)
    res.status(http.status).json(errorBody(http))
  }
}

/**
 * Answers what Node's HTTP parser refuses before Express sees it (headers too large, malformed
 * request lines or chunk sizes) in the same JSON error shape, instead of a bare status line.
 * @example answerClientErrors(app.listen(port))
 */
export function answerClientErrors(server: import('node:http').Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: import('node:stream').Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy()
      return
    }
    const [status, code, message] =
      err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'headers_too_large', 'the request line or headers are too large; send long parameters in a POST body'] as const
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'request_timeout', 'the request took too long to arrive; send it again'] as const
      : [400, 'bad_request', 'the request is not valid HTTP/1.1'] as const
    const body = JSON.stringify(errorBody(new HttpError(status, code, message)))
    socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`)
  })
}

/** 404 in the error shape for unknown API routes. */
export const notFoundHandler: RequestHandler = function apiNotFound(req, _res, next) {
  next(notFound(`no such endpoint: ${req.method} ${req.path}`))
}
