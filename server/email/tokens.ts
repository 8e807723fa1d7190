/**
 * Message-IDs derived from (subscription, period, recipient), and HMAC-signed unsubscribe tokens.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Tx } from '../../db/connection.js'
import { findOrCreateSecret } from '../../db/queries/subscriptions.js'

/**
 * The Message-ID of one digest for one recipient: the same inputs always give the same id, so a resend
 * after a crash is the same message to the mail client.
 * @example messageIdFor(3, '2026-W47', 'cfo@x.com') // '<3f1c…@yardstick>'
 */
export function messageIdFor(subscriptionId: number, periodKey: string, recipient: string): string {
  const hash = createHash('sha256').update(`${subscriptionId}\n${periodKey}\n${recipient.toLowerCase()}`).digest('hex').slice(0, 40)
  return `<${hash}.${subscriptionId}@yardstick>`
}

/** The key that signs unsubscribe links, created at random on first use and kept in the database. */
export async function unsubscribeSecret(tx: Tx): Promise<string> {
  return findOrCreateSecret(tx, 'unsubscribe', () => randomBytes(32).toString('hex'), Date.now())
}

/**
 * `<subscription id>.<recipient, base64url>.<HMAC-SHA256, base64url>`: who may be removed from which
 * subscription, unforgeable without the secret.
 * @example signUnsubscribe(secret, 3, 'cfo@x.com')
 */
export function signUnsubscribe(secret: string, subscriptionId: number, recipient: string): string {
  const payload = `${subscriptionId}.${Buffer.from(recipient.toLowerCase()).toString('base64url')}`
  const mac = createHmac('sha256', secret).update(payload).digest('base64url')
  return `${payload}.${mac}`
}

/** The subscription and recipient of a valid token, or null for a malformed or forged one. */
export function verifyUnsubscribe(secret: string, token: string): { subscriptionId: number; recipient: string } | null {
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/.exec(token)
  if (!m) return null
  const expected = createHmac('sha256', secret).update(`${m[1]}.${m[2]}`).digest()
  const given = Buffer.from(m[3], 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
  return { subscriptionId: Number(m[1]), recipient: Buffer.from(m[2], 'base64url').toString('utf8') }
}
