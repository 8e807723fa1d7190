/**
 * First run: while no user exists, `npm start` prints a one-time setup token; whoever holds it may
 * create the first admin (as Metabase's setup does). Only the token's SHA-256 is stored.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Db, Tx } from '../../db/connection.js'
import { hashToken } from '../../db/queries/keys.js'
import { deleteSetting, getSetting, putSetting } from '../../db/queries/settings.js'
import { countUsers } from '../../db/queries/users.js'

export const SETUP_TOKEN_SETTING = 'setup_token_sha256'

/**
 * When the users table is empty, makes a new setup token (voiding any earlier one), stores its hash,
 * and logs it with the URL to open; returns the token, or null when users exist (and then removes any
 * leftover token).
 * @example await ensureSetupToken(handle.db, (m) => console.log(m), config.publicUrl)
 */
export async function ensureSetupToken(db: Db, log: (msg: string) => void, publicUrl = 'http://localhost:3000', clock: () => number = Date.now): Promise<string | null> {
  if ((await countUsers(db)) > 0) {
    await deleteSetting(db, SETUP_TOKEN_SETTING)
    return null
  }
  const token = randomBytes(18).toString('base64url')
  await putSetting(db, SETUP_TOKEN_SETTING, hashToken(token), clock())
  log(
    [
      '',
      'First run: no dashboard users exist yet.',
      `Open ${publicUrl.replace(/\/+$/, '')}/setup and create the first admin with this one-time setup token:`,
      '',
      `    ${token}`,
      '',
      '(or, from a shell: npm run cli -- users create --email YOU@EXAMPLE.COM --role admin, password on stdin)',
      '',
    ].join('\n'),
  )
  return token
}

/**
 * Whether `token` is the live setup token, compared in constant time (hashes of equal length).
 * False when no token is active.
 */
export async function setupTokenMatches(tx: Tx, token: string): Promise<boolean> {
  const stored = await getSetting(tx, SETUP_TOKEN_SETTING)
  if (stored === undefined) return false
  const a = createHash('sha256').update(hashToken(token)).digest()
  const b = createHash('sha256').update(stored).digest()
  return timingSafeEqual(a, b)
}

/** Voids the setup token (the first admin exists). */
export async function voidSetupToken(tx: Tx): Promise<void> {
  await deleteSetting(tx, SETUP_TOKEN_SETTING)
}
