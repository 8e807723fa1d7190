/**
 * The API's reference, public (no credentials), both generated from metrics/api:
 *   GET /api/v1/openapi.json → the OpenAPI 3.1 document (metrics/api/openapi.ts)
 *   GET /api/docs            → the same document as a readable HTML page, rendered here on the server
 *                              (no scripts, no external assets: the CSP allows neither)
 */
import { Router } from 'express'
import { openApiDocument } from '../../metrics/api/openapi.js'
import { publicRoute } from '../auth/actor.js'
import { escapeHtml } from '../email/format.js'

type Json = Record<string, unknown>
type Doc = Json & { info: { title: string; version: string; description: string }; paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> } }

const REF = '#/components/schemas/'
const METHOD_ORDER = ['get', 'post', 'put', 'patch', 'delete']

function anchor(id: string): string {
  return `schema-${id.replace(/[^A-Za-z0-9_-]/g, '-')}`
}

/** A short type label: `string`, `integer | null`, `Summary` (a link), `array of SeriesPoint`, an enum's values. */
function typeLabel(s: Json | undefined): string {
  if (!s) return 'any'
  if (typeof s.$ref === 'string') {
    const id = s.$ref.slice(REF.length)
    return `<a href="#${anchor(id)}">${escapeHtml(id)}</a>`
  }
  if (Array.isArray(s.anyOf)) return (s.anyOf as Json[]).map(typeLabel).join(' | ')
  if (Array.isArray(s.oneOf)) return (s.oneOf as Json[]).map(typeLabel).join(' | ')
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map((v) => `<code>${escapeHtml(JSON.stringify(v))}</code>`).join(' | ')
  if (s.const !== undefined) return `<code>${escapeHtml(JSON.stringify(s.const))}</code>`
  const types = Array.isArray(s.type) ? (s.type as string[]) : s.type ? [String(s.type)] : []
  if (types.includes('array')) return `array of ${typeLabel(s.items as Json)}`
  if (types.includes('object') && !s.properties && s.additionalProperties && typeof s.additionalProperties === 'object') return `map of string → ${typeLabel(s.additionalProperties as Json)}`
  if (types.length === 0) return 'any'
  return escapeHtml(types.join(' | ') + (s.format ? ` (${String(s.format)})` : ''))
}

/** What a value must be, beyond its type: patterns, bounds. */
function constraints(s: Json): string {
  const out: string[] = []
  if (s.pattern) out.push(`pattern <code>${escapeHtml(String(s.pattern))}</code>`)
  for (const [k, label] of [['minimum', '≥'], ['maximum', '≤'], ['exclusiveMinimum', '>'], ['exclusiveMaximum', '<'], ['minLength', 'length ≥'], ['maxLength', 'length ≤'], ['minItems', 'items ≥'], ['maxItems', 'items ≤']] as const) {
    if (typeof s[k] === 'number') out.push(`${label} ${s[k]}`)
  }
  return out.join(', ')
}

/** An object's fields as a table (nested objects inline, one level deeper). */
function fieldsTable(s: Json, depth = 0): string {
  if (typeof s.$ref === 'string' || !s.properties) {
    const alts = (s.anyOf ?? s.oneOf) as Json[] | undefined
    if (alts && depth === 0) return `<p>One of:</p><ul>${alts.map((a) => `<li>${typeLabel(a)}${a.properties ? fieldsTable(a, depth + 1) : ''}</li>`).join('')}</ul>`
    return `<p>${typeLabel(s)}${s.description ? ` — ${escapeHtml(String(s.description))}` : ''}</p>`
  }
  const required = new Set((s.required ?? []) as string[])
  const rows = Object.entries(s.properties as Record<string, Json>).map(([name, p]) => {
    const nested = p.properties && depth < 3 ? fieldsTable(p, depth + 1) : ''
    const notes = [p.description ? escapeHtml(String(p.description)) : '', constraints(p)].filter(Boolean).join('; ')
    return `<tr><td><code>${escapeHtml(name)}</code>${required.has(name) ? '' : ' <span class="opt">optional</span>'}</td><td>${p.properties ? 'object' : typeLabel(p)}</td><td>${notes}${nested}</td></tr>`
  })
  return `<table><thead><tr><th>field</th><th>type</th><th>notes</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
}

function operationHtml(path: string, method: string, op: Json): string {
  const params = (op.parameters ?? []) as Json[]
  const body = (op.requestBody as { content: Record<string, { schema: Json }> } | undefined)?.content
  const responses = op.responses as Record<string, { description: string; content?: { 'application/json': { schema: Json } } }>
  const id = `op-${String(op.operationId)}`
  return `<section class="op" id="${escapeHtml(id)}">
<h3><span class="method m-${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(String(op.summary ?? ''))}. ${escapeHtml(String(op.description ?? ''))}</p>
${params.length ? `<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>type</th><th>notes</th></tr></thead><tbody>${params.map((p) => `<tr><td><code>${escapeHtml(String(p.name))}</code>${p.required ? '' : ' <span class="opt">optional</span>'}</td><td>${escapeHtml(String(p.in))}</td><td>${typeLabel(p.schema as Json)}</td><td>${[p.description ? escapeHtml(String(p.description)) : '', constraints(p.schema as Json)].filter(Boolean).join('; ')}</td></tr>`).join('')}</tbody></table>` : ''}
${body ? `<h4>Body</h4>${Object.entries(body).map(([type, c]) => `<p class="ct">${escapeHtml(type)}</p>${type === 'application/json' ? fieldsTable(c.schema) : ''}`).join('')}` : ''}
<h4>Answers</h4><table><thead><tr><th>status</th><th>body</th><th>meaning</th></tr></thead><tbody>${Object.entries(responses).map(([status, r]) => `<tr><td>${escapeHtml(status)}</td><td>${r.content ? typeLabel(r.content['application/json'].schema) : '—'}</td><td>${escapeHtml(r.description)}</td></tr>`).join('')}</tbody></table>
</section>`
}

/**
 * The reference page of an OpenAPI document: operations grouped by tag, then every schema's fields.
 * @example renderApiReference(openApiDocument()) // '<!doctype html>…'
 */
export function renderApiReference(doc: Doc): string {
  const ops: Array<{ tag: string; path: string; method: string; op: Json }> = []
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHOD_ORDER) if (item[method]) ops.push({ tag: ((item[method].tags as string[]) ?? ['Other'])[0], path, method, op: item[method] })
  }
  const tags = [...new Set(ops.map((o) => o.tag))]
  const toc = tags.map((t) => `<li>${escapeHtml(t)}<ul>${ops.filter((o) => o.tag === t).map((o) => `<li><a href="#op-${escapeHtml(String(o.op.operationId))}"><span class="method m-${o.method}">${o.method.toUpperCase()}</span> ${escapeHtml(o.path)}</a></li>`).join('')}</ul></li>`).join('')
  const sections = tags.map((t) => `<h2>${escapeHtml(t)}</h2>${ops.filter((o) => o.tag === t).map((o) => operationHtml(o.path, o.method, o.op)).join('\n')}`).join('\n')
  const schemas = Object.entries(doc.components.schemas)
    .map(([id, s]) => `<section class="schema" id="${anchor(id)}"><h3>${escapeHtml(id)}</h3>${s.description ? `<p>${escapeHtml(String(s.description))}</p>` : ''}${fieldsTable(s)}</section>`)
    .join('\n')
  const auth = Object.entries(doc.components.securitySchemes).map(([k, v]) => `<li><strong>${escapeHtml(k)}</strong>: ${escapeHtml(String(v.description ?? ''))}</li>`).join('')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(doc.info.title)} reference</title>
<style>
body{font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Arial,sans-serif;color:#1f2328;line-height:1.5;margin:0;display:flex}
nav{width:320px;flex:none;height:100vh;position:sticky;top:0;overflow:auto;border-right:1px solid #d0d7de;padding:16px;box-sizing:border-box;font-size:13px}
nav ul{list-style:none;padding-left:8px;margin:4px 0 12px}nav a{color:#0969da;text-decoration:none}
main{padding:24px 32px;max-width:1000px;min-width:0}
table{border-collapse:collapse;margin:8px 0 16px;font-size:14px;width:100%}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}
td table{margin:6px 0 0}code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px}
.method{display:inline-block;min-width:52px;font:600 12px ui-monospace,monospace;border-radius:4px;padding:1px 4px;text-align:center;color:#fff;background:#57606a}
.m-get{background:#1a7f37}.m-post{background:#0969da}.m-put,.m-patch{background:#9a6700}.m-delete{background:#cf222e}
.opt{color:#57606a;font-size:12px}.op,.schema{border-top:1px solid #d0d7de;padding-top:8px;margin-top:16px}.ct{font-family:ui-monospace,monospace;font-size:13px;color:#57606a}
</style></head><body>
<nav aria-label="Operations"><p><strong>${escapeHtml(doc.info.title)}</strong> ${escapeHtml(doc.info.version)}</p><p><a href="/api/v1/openapi.json">openapi.json</a> · <a href="#schemas">Schemas</a></p><ul>${toc}</ul></nav>
<main><h1>${escapeHtml(doc.info.title)} reference</h1><p>${escapeHtml(doc.info.description)}</p>
<p>The machine-readable document: <a href="/api/v1/openapi.json"><code>GET /api/v1/openapi.json</code></a> (OpenAPI 3.1).</p>
<h2>Authentication</h2><ul>${auth}</ul>
${sections}
<h2 id="schemas">Schemas</h2>
${schemas}
</main></body></html>`
}

/** @example app.use(apiDocsRouter()) */
export function apiDocsRouter(): Router {
  const router = Router()
  // Built once: the document depends only on the code.
  const doc = openApiDocument() as Doc
  const json = JSON.stringify(doc)
  const html = renderApiReference(doc)
  router.get('/api/v1/openapi.json', publicRoute(), (_req, res) => {
    res.type('application/json').send(json)
  })
  router.get('/api/docs', publicRoute(), (_req, res) => {
    res.type('html').send(html)
  })
  return router
}
