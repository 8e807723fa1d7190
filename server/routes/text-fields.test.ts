/**
 * Every name and note field follows the text rule events follow (issue "Close the scope holes",
 * finding 6): a lone surrogate is refused with a 422 saying so, and nothing is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/test-server.js'

let s: TestServer
let admin = ''
let subscription = 0
beforeAll(async () => {
  s = await startTestServer()
  await s.initiative({ slug: 'alpha', name: 'Alpha' })
  admin = await s.key('admin')
  const created = await s.fetch('/api/v1/subscriptions', { method: 'POST', token: admin, json: { name: 'Weekly', recipients: ['a@example.com'], schedule: 'weekly' } })
  subscription = ((await created.json()) as { id: number }).id
})
afterAll(async () => {
  await s?.close()
})

const LONE = 'Invoice \uD800 bot'

describe('a lone surrogate in a name or note field', () => {
  it.each<[string, string, string, Record<string, unknown>, string]>([
    ['initiative name (create)', 'POST', '/api/v1/initiatives', { slug: 'lone', name: LONE }, 'name'],
    ['initiative name (change)', 'PATCH', '/api/v1/initiatives/alpha', { name: LONE }, 'name'],
    ['initiative description', 'PATCH', '/api/v1/initiatives/alpha', { description: LONE }, 'description'],
    ['initiative team', 'PATCH', '/api/v1/initiatives/alpha', { team: LONE }, 'team'],
    ['key name', 'POST', '/api/v1/keys', { name: LONE, role: 'read' }, 'name'],
    ['subscription name (create)', 'POST', '/api/v1/subscriptions', { name: LONE, recipients: ['a@example.com'], schedule: 'weekly' }, 'name'],
    ['subscription name (change)', 'PATCH', '/api/v1/subscriptions/:sub', { name: LONE }, 'name'],
    ['attestation note', 'POST', '/api/v1/initiatives/alpha/attestations', { item: 'bias_review', note: LONE }, 'note'],
    ['use-case fit note', 'PUT', '/api/v1/initiatives/alpha/fit', { category: 'other', repetitiveness: 3, clarity: 3, engagement: 3, note: LONE }, 'note'],
    ['event deletion reason', 'POST', '/api/v1/events/delete', { initiative: 'alpha', from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z', reason: LONE }, 'reason'],
  ])('%s: 422 naming the field, nothing stored', async (_what, method, path, body, field) => {
    const before = await (await s.fetch('/api/v1/audit?limit=10000', { token: admin })).text()
    const res = await s.fetch(path.replace(':sub', String(subscription)), { method, token: admin, json: body })
    expect(res.status).toBe(422)
    const details = ((await res.json()) as { error: { details: Array<{ field: string; message: string }> } }).error.details
    expect(details.some((d) => d.field === field && /lone surrogate/.test(d.message))).toBe(true)
    expect(await (await s.fetch('/api/v1/audit?limit=10000', { token: admin })).text()).toBe(before)
  })

  it('keeps the name as it was', async () => {
    const alpha = (await (await s.fetch('/api/v1/initiatives/alpha', { token: admin })).json()) as { name: string }
    expect(alpha.name).toBe('Alpha')
    expect((await s.fetch('/api/v1/initiatives/lone', { token: admin })).status).toBe(404)
  })
})
