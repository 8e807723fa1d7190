/**
 * kill -9 of `digest run` at random moments, with three subscriptions of six recipients each, against a
 * real SMTP server. After a final run every recipient has their digest, and nobody has two, except in
 * the one window the contract allows (killed after the mail server accepted a message and before that
 * was recorded): then exactly two, with the same Message-ID, and the delivery marked uncertain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listOutbox } from '../../db/queries/outbox.js'
import { startSmtpSink, type SmtpSink } from '../email/testing-smtp.js'
import { startTestServer, type TestServer } from '../testing/test-server.js'
import { spawnChild } from './child-server.js'

let s: TestServer
let smtp: SmtpSink

beforeAll(async () => {
  smtp = await startSmtpSink()
  s = await startTestServer({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://ys.example.com' } })
  await s.initiative({ slug: 'invoices', name: 'Invoices', currency: 'USD', hourlyValue: 80, startedAt: '2026-06-01', stage: 'production' })
  const ingest = await s.key('ingest')
  const events = Array.from({ length: 400 }, (_, k) => ({ initiative: 'invoices', metric: k % 2 ? 'time_saved' : 'decision_latency', value: 5 + (k % 30), occurredAt: new Date(Date.now() - (k + 1) * 3 * 3_600_000).toISOString() }))
  expect((await s.fetch('/api/v1/events', { method: 'POST', token: ingest, json: { events } })).status).toBe(202)
})
afterAll(async () => {
  await s?.close()
  await smtp?.close()
})

describe('kill -9 during a digest run', () => {
  it('gives every recipient one digest, or two identical ones flagged uncertain, never more', async () => {
    const admin = await s.key('admin')
    const subs: Array<{ id: number; recipients: string[] }> = []
    for (const schedule of ['daily', 'weekly', 'monthly']) {
      const recipients = Array.from({ length: 6 }, (_, k) => `${schedule}${k}@example.com`)
      const res = await s.fetch('/api/v1/subscriptions', { method: 'POST', token: admin, json: { name: `Crash ${schedule}`, recipients, schedule } })
      expect(res.status).toBe(201)
      subs.push({ id: ((await res.json()) as { id: number }).id, recipients })
    }
    const env = { YARDSTICK_DB: s.config.dbFile, SMTP_URL: smtp.url, PUBLIC_URL: 'https://ys.example.com', YARDSTICK_DIGEST_LEASE_SECONDS: '1' }
    let killedMidRun = 0
    for (let round = 0; round < 5; round++) {
      const before = smtp.messages.length
      const child = spawnChild('server/cli.ts', ['digest', 'run'], env)
      const delay = 300 + Math.random() * 2500
      await new Promise((r) => setTimeout(r, delay))
      child.process.kill('SIGKILL')
      const exit = await child.exited
      if (exit.signal === 'SIGKILL') killedMidRun++
      process.stderr.write(`digest round ${round + 1}: killed after ${Math.round(delay)} ms (${exit.signal ?? `exit ${exit.code}`}), ${smtp.messages.length - before} messages accepted\n`)
      // Let the killed sender's 1 s leases run out.
      await new Promise((r) => setTimeout(r, 1100))
    }
    expect(killedMidRun).toBeGreaterThan(0)
    // The killed runs' 1 s leases have run out; the final runs hold the default lease, so that a slow
    // (loaded) machine does not see their own leases expire mid-send.
    const finalEnv = { ...env, YARDSTICK_DIGEST_LEASE_SECONDS: '300' }
    const final = spawnChild('server/cli.ts', ['digest', 'run'], finalEnv)
    const exit = await final.exited
    expect(exit.code, final.output()).toBe(0)
    const again = spawnChild('server/cli.ts', ['digest', 'run'], finalEnv)
    expect((await again.exited).code).toBe(0)

    let resent = 0
    for (const sub of subs) {
      const rows = await listOutbox(s.handle.db, sub.id)
      for (const recipient of sub.recipients) {
        const got = smtp.messages.filter((m) => m.headers.get('x-yardstick-subscription') === String(sub.id) && m.recipients.includes(recipient))
        const row = rows.filter((r) => r.recipient === recipient)
        expect(row, recipient).toHaveLength(1)
        expect(row[0].status, recipient).toBe('sent')
        if (row[0].handoffs >= 2 && got.length !== 1) {
          // Handed to the mail server twice and interrupted twice: closed without a third try (never
          // more than two copies), shown as uncertain.
          expect(row[0].uncertain, recipient).toBe(1)
          expect(got.length, recipient).toBeLessThanOrEqual(2)
        } else if (got.length === 2) {
          resent++
          expect(row[0].uncertain, `${recipient} got two messages: the delivery must be marked uncertain`).toBe(1)
          expect(got[1].messageId).toBe(got[0].messageId)
        } else {
          expect(got, recipient).toHaveLength(1)
        }
      }
    }
    process.stderr.write(`digest crash: ${subs.length * 6} recipients, ${killedMidRun} runs killed, ${resent} resent in the acceptance window (same Message-ID, marked uncertain)\n`)
  }, 180_000)
})
