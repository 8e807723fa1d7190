/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the route table (routes.ts) and its zod
 * schemas with zod's own JSON Schema (draft 2020-12) output: served at GET /api/v1/openapi.json,
 * rendered at /api/docs, and used by the HTTP tests to validate every answer.
 */
import { z } from 'zod'
import * as alerts from './alerts.js'
import * as assessment from './assessment.js'
import * as common from './common.js'
import * as governance from './governance.js'
import * as initiatives from './initiatives.js'
import * as outcomes from './outcomes.js'
import * as readiness from './readiness.js'
import { API_ROUTES, type ApiRoute } from './routes.js'

/** Every named schema of metrics/api (exported with `.meta({ id })`): one component each. */
const NAMED: z.ZodType[] = [common, alerts, assessment, governance, initiatives, outcomes, readiness].flatMap((m) => Object.values(m).filter((v): v is z.ZodType => v instanceof z.ZodType && idOf(v) !== undefined))

type Json = Record<string, unknown>

const REF = '#/components/schemas/'

/** The id a schema is registered under (`.meta({ id })`), if any. */
function idOf(schema: z.ZodType): string | undefined {
  return z.globalRegistry.get(schema)?.id as string | undefined
}

/** Strips what JSON Schema documents carry but an embedded OpenAPI schema must not. */
function embedded(s: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = s
  return rest
}

/**
 * Converts every schema the routes use in one pass, so that each registered schema (`.meta({ id })`)
 * becomes one component and the others refer to it. Schemas without an id get a temporary one here
 * and are returned inline.
 */
function convert(routes: ApiRoute[]): { components: Record<string, Json>; inline: Map<z.ZodType, Json> } {
  const registry = z.registry<{ id: string }>()
  const temporary = new Map<z.ZodType, string>()
  const add = (schema: z.ZodType | undefined) => {
    if (!schema || registry.has(schema)) return
    const id = idOf(schema)
    if (id) registry.add(schema, { id })
    else if (!temporary.has(schema)) {
      const t = `__inline${temporary.size}`
      temporary.set(schema, t)
      registry.add(schema, { id: t })
    }
  }
  for (const s of NAMED) add(s)
  for (const r of routes) {
    add(r.body)
    add(r.query)
    for (const p of Object.values(r.params ?? {})) add(p)
    for (const a of Object.values(r.responses)) add(a.schema)
    add(r.errors)
  }
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'output', uri: (id) => REF + id, unrepresentable: 'any' }) as unknown as { schemas: Record<string, Json> }
  const components: Record<string, Json> = {}
  const byTemp = new Map([...temporary].map(([schema, t]) => [t, schema]))
  const inline = new Map<z.ZodType, Json>()
  for (const [id, s] of Object.entries(schemas)) {
    const schema = byTemp.get(id)
    if (schema) inline.set(schema, embedded(s))
    else components[id] = embedded(s)
  }
  // A schema without an id that is also used inside others (e.g. `slug`) is referred to by its
  // temporary id there: put it in place, so the document names only real components.
  const resolve = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(resolve)
    if (typeof v !== 'object' || v === null) return v
    const o = v as Json
    if (typeof o.$ref === 'string' && o.$ref.startsWith(REF + '__inline')) {
      const { $ref, ...rest } = o
      return { ...embedded(resolve(schemas[$ref.slice(REF.length)]) as Json), ...rest }
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolve(x)]))
  }
  for (const [k, s] of Object.entries(components)) components[k] = embedded(resolve(s) as Json)
  for (const [k, s] of inline) inline.set(k, embedded(resolve(s) as Json))
  return { components, inline }
}

function schemaRef(schema: z.ZodType, inline: Map<z.ZodType, Json>): Json {
  const id = idOf(schema)
  return id ? { $ref: REF + id } : (inline.get(schema) ?? {})
}

/** Path parameters from `{name}` segments, typed by `route.params` where given. */
function pathParameters(route: ApiRoute, inline: Map<z.ZodType, Json>): Json[] {
  return [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
    const p = route.params?.[name]
    return { name, in: 'path', required: true, schema: p ? schemaRef(p, inline) : { type: 'string' } }
  })
}

function queryParameters(route: ApiRoute, inline: Map<z.ZodType, Json>): Json[] {
  if (!route.query) return []
  const object = inline.get(route.query) ?? {}
  const props = (object.properties ?? {}) as Record<string, Json>
  const required = new Set((object.required ?? []) as string[])
  return Object.entries(props).map(([name, s]) => {
    const { description, ...schema } = s
    return { name, in: 'query', required: required.has(name), ...(description ? { description } : {}), schema }
  })
}

const SECURITY = {
  apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer <token>` (created with `npm run cli -- keys create` or POST /api/v1/keys).' },
  session: { type: 'apiKey', in: 'cookie', name: 'ys_session', description: "The dashboard's session cookie (POST /api/v1/session). Changes made with it must be same-origin." },
  shareToken: { type: 'apiKey', in: 'header', name: 'X-Yardstick-Share', description: 'A share token (POST /api/v1/share-tokens): read access to one initiative, for embedded charts.' },
}

/**
 * The OpenAPI 3.1 document of `routes` (default: every route of the API).
 * @example const doc = openApiDocument(); doc.paths['/api/v1/summary'].get
 */
export function openApiDocument(routes: ApiRoute[] = API_ROUTES, info: { version?: string; serverUrl?: string } = {}): Json {
  const { components, inline } = convert(routes)
  const paths: Record<string, Record<string, Json>> = {}
  for (const r of routes) {
    const responses: Record<string, Json> = {}
    for (const [status, a] of Object.entries(r.responses)) {
      responses[status] = a.schema ? { description: a.description, content: { 'application/json': { schema: schemaRef(a.schema, inline) } } } : { description: a.description }
    }
    responses.default = r.errors
      ? { description: 'an error in the protocol\'s shape, with `error` as everywhere else', content: { 'application/json': { schema: schemaRef(r.errors, inline) } } }
      : { description: 'an error: `{"error": {"code", "message", "details"}}` with a message that says what to fix', content: { 'application/json': { schema: { $ref: REF + 'Error' } } } }
    const parameters = [...pathParameters(r, inline), ...queryParameters(r, inline)]
    const op: Json = {
      operationId: `${r.method}${r.path.replace(/^\/api\/v1/, '').replace(/\{(\w+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: r.summary,
      tags: [r.tag],
      description: `Access: ${r.access === 'public' ? 'anyone (no credentials)' : r.access === 'signed-in' ? 'a signed-in dashboard user' : `permission \`${r.access}\``}.`,
      ...(r.access === 'public' ? { security: [] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(r.body
        ? { requestBody: { required: true, content: Object.fromEntries(['application/json', ...(r.bodyTypes ?? [])].map((t) => [t, t === 'application/json' ? { schema: schemaRef(r.body!, inline) } : { schema: { type: 'string' } }])) } }
        : {}),
      responses,
    }
    ;(paths[r.path] ??= {})[r.method] = op
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Yardstick API',
      version: info.version ?? '1',
      description: 'What each AI initiative delivers, in business terms. JSON over HTTP; every error is `{"error": {"code", "message", "details"}}`. Instants are ISO 8601 with offset; money is in the initiative\'s currency units.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    security: [{ apiKey: [] }, { session: [] }, { shareToken: [] }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: { schemas: components, securitySchemes: SECURITY },
  }
}
