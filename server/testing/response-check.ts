/**
 * Checks every answer of a test server against the OpenAPI document (metrics/api/openapi.ts): the
 * JSON body of each response must match the document's schema for that path, method and status (any
 * 4xx/5xx the one error shape), validated with ajv (JSON Schema draft 2020-12, the document's dialect).
 * Mismatches are collected, and the test server's close() fails with them, so every HTTP test checks
 * the document whichever way it calls the server (s.fetch, fetch(s.url + …), helpers).
 * A request with the header `x-skip-response-check: 1` is not checked (for tests that must see
 * something deliberately off-contract); errors are checked like any answer.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import zlib from 'node:zlib'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import { openApiDocument } from '../../metrics/api/openapi.js'

type Json = Record<string, unknown>
type Operation = { responses: Record<string, { content?: Record<string, { schema: Json }> }> }

export const SKIP_RESPONSE_CHECK = 'x-skip-response-check'
const BASE = 'https://yardstick.invalid/openapi.json'

export interface ResponseChecker {
  /** Problems found so far, one line each. */
  violations: string[]
  /** How many answers were checked. */
  checked: number
  /** The request listener that checks what `handler` answers. */
  wrap(handler: RequestListener): RequestListener
}

let shared: { ajv: Ajv2020; routes: Array<{ method: string; pattern: RegExp; path: string; op: Operation }>; validators: Map<string, ValidateFunction> } | null = null

function compiled() {
  if (shared) return shared
  const doc = openApiDocument() as { paths: Record<string, Record<string, Operation>>; components: Json }
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
  // The document's components, under a base URI, so `#/components/schemas/X` refers inside it.
  ajv.addSchema({ $id: BASE, components: doc.components })
  const routes = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op, pattern: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`) })),
  )
  shared = { ajv, routes, validators: new Map() }
  return shared
}

/** The schema the document gives this answer, `null` for "no JSON body", or a problem. */
function expectedSchema(method: string, pathname: string, status: number): { schema: Json | null; where: string } | string {
  const { routes } = compiled()
  const route = routes.find((r) => r.method === method && r.pattern.test(pathname))
  if (!route) {
    if (status >= 400) return { schema: { $ref: '#/components/schemas/Error' }, where: `${method} ${pathname} (no such route) ${status}` }
    return `${method} ${pathname} answered ${status} but the OpenAPI document has no such route: add it to API_ROUTES in metrics/api/routes.ts`
  }
  const where = `${method} ${route.path} ${status}`
  const answer = route.op.responses[String(status)] ?? (status >= 400 ? route.op.responses.default : undefined)
  if (!answer) return `${where}: the document lists no ${status} answer for this route (add it to its responses in metrics/api/routes.ts)`
  return { schema: answer.content?.['application/json']?.schema ?? null, where }
}

function validatorFor(schema: Json): ValidateFunction {
  const { ajv, validators } = compiled()
  const key = JSON.stringify(schema)
  let v = validators.get(key)
  if (!v) {
    const ref = typeof schema.$ref === 'string' ? { $ref: BASE + schema.$ref } : { $id: `${BASE}-inline-${validators.size}`, ...schema }
    v = ajv.compile(ref)
    validators.set(key, v)
  }
  return v
}

/**
 * Checks one answer; returns the problem, or null when it matches the document.
 * @example checkAnswer('GET', '/healthz', 200, 'application/json', '{"status":"ok"}') // null
 */
export function checkAnswer(method: string, pathname: string, status: number, contentType: string | undefined, body: string): string | null {
  // A CORS preflight answers for the route it asks about; it has no body of its own to check.
  if (method === 'OPTIONS') return null
  const expected = expectedSchema(method, pathname, status)
  if (typeof expected === 'string') return expected
  if (expected.schema === null) {
    // No JSON body in the document: a 204, or an answer that is not JSON (the document itself, HTML).
    return status === 204 && body.length > 0 ? `${expected.where}: expected no body, got ${body.slice(0, 120)}` : null
  }
  if (!contentType?.includes('application/json')) return `${expected.where}: expected JSON, got ${contentType ?? 'no content type'}`
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    return `${expected.where}: the body is not JSON: ${body.slice(0, 120)}`
  }
  const validate = validatorFor(expected.schema)
  if (validate(value)) return null
  const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` "${String(e.params.additionalProperty)}"` : ''}`)
  return `${expected.where}: the answer does not match the OpenAPI document: ${errors.join('; ')}`
}

/** The body as the client reads it: what passes through res.write is already compressed (server/app.ts gzips GET answers). */
function decoded(body: Buffer, encoding: unknown): Buffer {
  const e = String(encoding ?? '').trim().toLowerCase()
  if (body.length === 0 || e === '' || e === 'identity') return body
  if (e === 'gzip') return zlib.gunzipSync(body)
  if (e === 'deflate') return zlib.inflateSync(body)
  if (e === 'br') return zlib.brotliDecompressSync(body)
  throw new Error(`unknown content-encoding ${e}`)
}

/** @example const checker = responseChecker(); http.createServer(checker.wrap(app)) */
export function responseChecker(): ResponseChecker {
  const checker: ResponseChecker = {
    violations: [],
    checked: 0,
    wrap(handler) {
      return function checkedRequest(req: IncomingMessage, res: ServerResponse) {
        const pathname = (req.url ?? '/').split('?')[0]
        const watched = (pathname.startsWith('/api/') || pathname === '/healthz') && req.headers[SKIP_RESPONSE_CHECK] === undefined
        if (watched) {
          const chunks: Buffer[] = []
          const write = res.write.bind(res) as (...a: unknown[]) => boolean
          const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse
          const keep = (chunk: unknown, encoding: unknown) => {
            if (chunk === undefined || chunk === null || typeof chunk === 'function') return
            chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array))
          }
          res.write = ((chunk: unknown, ...rest: unknown[]) => {
            keep(chunk, rest[0])
            return write(chunk, ...rest)
          }) as typeof res.write
          res.end = ((chunk?: unknown, ...rest: unknown[]) => {
            keep(chunk, rest[0])
            return end(chunk, ...rest)
          }) as typeof res.end
          res.on('finish', () => {
            checker.checked++
            const ct = res.getHeader('content-type')
            let problem: string | null
            try {
              problem = checkAnswer(req.method ?? 'GET', pathname, res.statusCode, ct === undefined ? undefined : String(ct), decoded(Buffer.concat(chunks), res.getHeader('content-encoding')).toString('utf8'))
            } catch (e) {
              problem = `${req.method} ${pathname}: the answer could not be checked: ${(e as Error).message}`
            }
            if (problem) checker.violations.push(problem)
          })
        }
        handler(req, res)
      }
    },
  }
  return checker
}
