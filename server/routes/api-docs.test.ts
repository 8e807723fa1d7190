import SwaggerParser from '@apidevtools/swagger-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApiDocument } from '../../metrics/api/openapi.js'
import { listRoutes } from '../auth/test-helpers.js'
import { checkAnswer } from '../testing/response-check.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'

let s: TestServer
beforeAll(async () => {
  s = await startTestServer()
})
afterAll(async () => {
  await s?.close()
})

describe('the OpenAPI document', () => {
  it('passes an OpenAPI 3.1 validator', async () => {
    const doc = openApiDocument()
    expect(doc.openapi).toBe('3.1.0')
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy()
    await expect(SwaggerParser.validate({ ...structuredClone(doc), paths: { '/x': { get: { responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Nope' } } } } } } } } } as never)).rejects.toThrow()
  })

  it('is served at /api/v1/openapi.json and rendered at /api/docs without credentials', async () => {
    const res = await fetch(s.url + '/api/v1/openapi.json')
    expect(res.status).toBe(200)
    expect(((await res.json()) as { paths: object }).paths).toHaveProperty(['/api/v1/summary'])
    const page = await fetch(s.url + '/api/docs')
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('/api/v1/initiatives/{slug}/payback')
    expect(html).toContain('id="schema-Summary"')
    expect(html).not.toMatch(/<script|https?:\/\/(?!json-schema)/)
  })

  it('documents every /api/v1 route of the app, with its guard (add new ones to metrics/api/routes.ts)', () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, { description: string }>> }
    const missing = listRoutes(s.app.app)
      .filter((r) => r.path.startsWith('/api/v1') || r.path === '/healthz')
      .filter((r) => {
        const op = doc.paths[r.path.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()]
        return !op || !op.description.includes(r.permission === 'public' ? 'anyone' : r.permission === 'signed-in' ? 'signed-in' : `\`${r.permission}\``)
      })
      .map((r) => `${r.method} ${r.path} (${r.permission})`)
    expect(missing).toEqual([])
  })

  it('tells a renamed or missing field from a matching answer', () => {
    expect(checkAnswer('GET', '/healthz', 200, 'application/json', '{"status":"ok"}')).toBeNull()
    expect(checkAnswer('GET', '/api/v1/setup', 200, 'application/json', '{"needed":true,"signedIn":false,"canRead":false}')).toBeNull()
    expect(checkAnswer('GET', '/api/v1/setup', 200, 'application/json', '{"need":true,"signedIn":false,"canRead":false}')).toMatch(/does not match/)
    expect(checkAnswer('GET', '/api/v1/setup', 200, 'application/json', '{"needed":true,"signedIn":false}')).toMatch(/canRead/)
    expect(checkAnswer('GET', '/api/v1/setup', 400, 'application/json', '{"error":{"code":"x","message":"m"}}')).toMatch(/details/)
    expect(checkAnswer('GET', '/api/v1/nowhere', 200, 'application/json', '{}')).toMatch(/no such route/)
  })
})
