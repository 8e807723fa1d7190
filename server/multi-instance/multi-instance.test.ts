/**
 * Three server processes on one PostgreSQL database (the postgres test project only): the same
 * batches posted through all of them at once count once; kill -9 of one instance mid-stream loses no
 * acknowledged event; a rollup lease left by a dead holder passes on when it expires; digests sent by
 * several senders at once reach each recipient once per period; a change made through one instance
 * is seen at once through the others.
 */
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, writeTransaction, type DbHandle } from '../../db/connection.js'
import { createInitiative } from '../../db/queries/initiatives.js'
import { createKey } from '../../db/queries/keys.js'
import { startSmtpSink, type SmtpSink } from '../email/testing-smtp.js'
import { spawnChild } from '../faults/child-server.js'
import { parseCreateInitiative } from '../routes/initiative-input.js'
import { startServerProcess } from '../testing/crash-ingest.js'
import { tempDir, testDatabase, type TestDatabase } from '../testing/test-server.js'

const LEASE_S = 2
let dir: string
let tdb: TestDatabase
let handle: DbHandle
let smtp: SmtpSink
const instances: Array<{ child: ChildProcess; url: string }> = []
let ingest: string
let admin: string
let reader: string

function post(url: string, path: string, token: string, body: unknown, method = 'POST'): Promise<Response> {
  return fetch(url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
}

const countEvents = async () => Number((await handle.db.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
const HOUR = 3_600_000
const base = Date.parse('2026-11-02T00:00:00Z')
const event = (id: string, k: number) => ({ id, initiative: 'shared', metric: 'revenue_influenced', value: 1 + (k % 7), occurredAt: new Date(base + (k % 500) * HOUR).toISOString() })

beforeAll(async () => {
  dir = tempDir('yardstick-multi-')
  tdb = await testDatabase(dir)
  handle = openDatabase(tdb.target)
  const init = parseCreateInitiative({ slug: 'shared', name: 'Shared', startedAt: '2026-01-01' }, 'UTC', Date.now())
  if (!init.ok) throw new Error('bad initiative')
  await writeTransaction(handle.db, (tx) => createInitiative(tx, init.value, { actor: 'test', at: Date.now() }))
  const mk = async (role: 'ingest' | 'admin' | 'read') => (await writeTransaction(handle.db, (tx) => createKey(tx, { name: role, role, initiatives: null }, { actor: 'test', at: Date.now() }))).token
  ingest = await mk('ingest')
  admin = await mk('admin')
  reader = await mk('read')
  smtp = await startSmtpSink()
  const env = { ...tdb.env, YARDSTICK_ROLLUP_CRON: '* * * * * *', YARDSTICK_ROLLUP_LEASE_SECONDS: String(LEASE_S), SMTP_URL: smtp.url, YARDSTICK_OUTBOX_DIR: `${dir}/outbox` }
  const started = await Promise.all([0, 1, 2].map(() => startServerProcess(`${dir}/unused.db`, env)))
  for (const s of started) instances.push({ child: s.child, url: `http://127.0.0.1:${s.port}` })
}, 120_000)

afterAll(async () => {
  for (const i of instances) i.child.kill('SIGKILL')
  await handle?.close()
  await smtp?.close()
  await tdb?.drop()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('three instances on one PostgreSQL', () => {
  it('counts the same batches posted through every instance at once exactly once', async () => {
    const before = await countEvents()
    const batches = Array.from({ length: 8 }, (_, b) => Array.from({ length: 400 }, (_, k) => event(`same-${b}-${k}`, b * 400 + k)))
    // Each batch to all three at once, each instance given its events in another order (forwards,
    // backwards, odd then even), and the batches themselves concurrently.
    const orders = [(e: unknown[]) => e, (e: unknown[]) => [...e].reverse(), (e: unknown[]) => [...e.filter((_, k) => k % 2), ...e.filter((_, k) => k % 2 === 0)]]
    const answers = await Promise.all(batches.flatMap((events) => instances.map((i, n) => post(i.url, '/api/v1/events', ingest, { events: orders[n](events) }))))
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as Array<{ accepted: number; duplicates: number }>
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 202))
    expect(bodies.reduce((n, b) => n + b.accepted, 0)).toBe(8 * 400)
    expect(bodies.reduce((n, b) => n + b.duplicates, 0)).toBe(2 * 8 * 400)
    expect((await countEvents()) - before).toBe(8 * 400)
  })

  it('sees a change made through one instance at once through the others', async () => {
    const [a, b, c] = instances
    // A new initiative through A: B takes events for it and C reads them, straight away.
    expect((await post(a.url, '/api/v1/initiatives', admin, { slug: 'late', name: 'Late', startedAt: '2026-01-01' })).status).toBe(201)
    const sent = await post(b.url, '/api/v1/events', ingest, { events: [{ initiative: 'late', metric: 'revenue_influenced', value: 12.34, occurredAt: '2026-11-20T10:00:00Z' }] })
    expect(sent.status).toBe(202)
    const summary = (await (await fetch(`${c.url}/api/v1/summary?from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z&initiatives=late`, { headers: { authorization: `Bearer ${reader}` } })).json()) as { initiatives: Array<{ slug: string; revenueInfluenced: number }> }
    expect(summary.initiatives.find((x) => x.slug === 'late')?.revenueInfluenced).toBe(12.34)
    // A key revoked through A is refused by B and C at once (each used it just before).
    const victim = (await writeTransaction(handle.db, (tx) => createKey(tx, { name: 'victim', role: 'ingest', initiatives: null }, { actor: 'test', at: Date.now() })))
    for (const i of [b, c]) expect((await post(i.url, '/api/v1/events', victim.token, event(`victim-${i.url}`, 1))).status).toBe(202)
    expect((await post(a.url, `/api/v1/keys/${victim.key.id}`, admin, undefined, 'DELETE')).status).toBeLessThan(300)
    for (const i of [b, c]) expect((await post(i.url, '/api/v1/events', victim.token, event('after-revoke', 2))).status).toBe(401)
  })

  it('loses no acknowledged event when an instance is killed -9 mid-stream', async () => {
    const victim = instances[2]
    const acked: string[] = []
    let n = 0
    const stream = (async () => {
      for (;;) {
        const ids = Array.from({ length: 50 }, () => `kill-${n++}`)
        try {
          const r = await post(victim.url, '/api/v1/events', ingest, { events: ids.map((id, k) => event(id, k)) })
          if (r.status === 202) acked.push(...ids)
        } catch {
          return
        }
      }
    })()
    while (acked.length < 1000) await new Promise((r) => setTimeout(r, 20))
    victim.child.kill('SIGKILL')
    await stream
    const stored = new Set((await handle.db.selectFrom('events').select('client_id').where('client_id', 'like', 'kill-%').execute()).map((r) => r.client_id))
    expect(acked.filter((id) => !stored.has(id))).toEqual([])
    instances.pop()
  })

  it('passes a rollup lease left by a dead holder to a live instance once it expires', async () => {
    // A holder that died mid-rollup: its lease row stays behind, unexpired.
    const deadUntil = Date.now() + LEASE_S * 1000
    await handle.db
      .insertInto('job_state')
      .values({ name: 'rollup', watermark: 0, lease_owner: 'dead-instance', lease_until: deadUntil, updated_at: 0, info: null })
      .onConflict((oc) => oc.column('name').doUpdateSet({ lease_owner: 'dead-instance', lease_until: deadUntil }))
      .execute()
    const sent = await post(instances[0].url, '/api/v1/events', ingest, { events: Array.from({ length: 100 }, (_, k) => event(`lease-${k}`, k)) })
    expect(sent.status).toBe(202)
    const maxId = async () => Number((await handle.db.selectFrom('events').select((eb) => eb.fn.max('id').as('m')).executeTakeFirstOrThrow()).m)
    const mark = async () => (await handle.db.selectFrom('job_state').select(['watermark', 'lease_owner']).where('name', '=', 'rollup').executeTakeFirstOrThrow())
    const target = await maxId()
    // While the dead holder's lease lasts, nobody folds.
    expect(Number((await mark()).watermark)).toBeLessThan(target)
    let m = await mark()
    while (Number(m.watermark) < target && Date.now() < deadUntil + 15_000) {
      await new Promise((r) => setTimeout(r, 200))
      m = await mark()
    }
    expect(Number(m.watermark)).toBeGreaterThanOrEqual(target)
    // Taken over no sooner than the lease allowed, and within a few cron ticks after.
    expect(Date.now()).toBeGreaterThanOrEqual(deadUntil)
    expect(m.lease_owner).not.toBe('dead-instance')
  }, 30_000)

  it('sends one digest per recipient and period with several senders at once', async () => {
    const recipients = ['cfo@example.com', 'coo@example.com', 'ceo@example.com']
    const res = await post(instances[0].url, '/api/v1/subscriptions', admin, { name: 'Board weekly', recipients, schedule: 'weekly' })
    expect(res.status).toBe(201)
    const before = smtp.messages.length
    // Three senders at once (what every instance's scheduler runs each minute), plus the instances' own.
    const runs = [0, 1, 2].map(() => spawnChild('server/cli.ts', ['digest', 'run'], { ...tdb.env, SMTP_URL: smtp.url, YARDSTICK_OUTBOX_DIR: `${dir}/outbox` }))
    const exits = await Promise.all(runs.map((r) => r.exited))
    expect(exits.map((e) => e.code), runs.map((r) => r.output()).join('\n')).toEqual([0, 0, 0])
    const got = smtp.messages.slice(before).flatMap((m) => m.recipients).filter((r) => recipients.includes(r)).sort()
    expect(got).toEqual([...recipients].sort())
  }, 60_000)

  it('never folds past an event whose insert commits after a later id (ids drawn out of commit order)', async () => {
    await new Promise((r) => setTimeout(r, 1500))
    const rolled = async () => Number((await handle.db.selectFrom('rollups').select((eb) => eb.fn.sum('count').as('n')).where('grain', '=', 'month').executeTakeFirstOrThrow()).n)
    const stored = await countEvents()
    // A slow insert: it draws its id, then waits before committing, while a later insert commits.
    const other = openDatabase(tdb.target, { poolSize: 2 })
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    let drawn!: () => void
    const idDrawn = new Promise<void>((r) => (drawn = r))
    const slow = other.db.transaction().execute(async (tx) => {
      await tx.insertInto('events').values({ initiative_id: 1, metric: 'revenue_influenced', client_id: 'slow', quantity: 100, errors: null, total: null, occurred_at: base, received_at: Date.now(), key_id: null, stage: 'pilot', attributes: null }).execute()
      drawn()
      await held
    })
    await idDrawn
    expect((await post(instances[0].url, '/api/v1/events', ingest, event('fast', 3))).status).toBe(202)
    // The instances' rollups run every second meanwhile; let them try, then let the slow insert commit.
    await new Promise((r) => setTimeout(r, 2500))
    release()
    await slow
    await other.close()
    let n = await rolled()
    for (let k = 0; k < 50 && n < stored + 2; k++) {
      await new Promise((r) => setTimeout(r, 200))
      n = await rolled()
    }
    expect(n).toBe(stored + 2)
  }, 60_000)

  // Sign-in throttling across instances (one count in the database) is tested in the sign-in throttle
  // suite: two servers on one database (startTestServer({ sameDatabaseAs })), on SQLite and PostgreSQL.
})
