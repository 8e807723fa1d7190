/**
 * Password hashing with node:crypto's scrypt. The stored form carries its own parameters and salt:
 * `scrypt$N$r$p$<salt base64url>$<hash base64url>`, so parameters can be raised without a migration.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { dictionary } from '@zxcvbn-ts/language-common'

/** Default cost: N = 2^15, r = 8, p = 1 (32 MiB, about 50–100 ms a hash on a server core). */
export const SCRYPT_DEFAULTS = { N: 1 << 15, r: 8, p: 1 } as const
const KEY_LENGTH = 32
const SALT_BYTES = 16

/** Shortest and longest password accepted (NIST SP 800-63B: at least 8; we ask for 10). */
export const PASSWORD_MIN = 10
export const PASSWORD_MAX = 1024

function derive(password: string, salt: Buffer, p: { N: number; r: number; p: number }): Promise<Buffer> {
  const opts: ScryptOptions = { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r + 1024 * 1024 }
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_LENGTH, opts, (err, key) => (err ? reject(err) : resolve(key))))
}

/**
 * Hashes a password with a fresh random salt.
 * @example const stored = await hashPassword('correct horse battery') // 'scrypt$32768$8$1$...$...'
 */
export async function hashPassword(password: string, params: { N: number; r: number; p: number } = SCRYPT_DEFAULTS): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(password, salt, params)
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/**
 * Whether `password` matches a stored hash, compared in constant time. A malformed stored value is
 * simply no match.
 * @example await verifyPassword('correct horse battery', stored) // true
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number)
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 1 << 20 || r > 32 || p > 16) return false
  const salt = Buffer.from(parts[4], 'base64url')
  const expected = Buffer.from(parts[5], 'base64url')
  if (expected.length !== KEY_LENGTH) return false
  const actual = await derive(password, salt, { N, r, p })
  return timingSafeEqual(actual, expected)
}

let dummy: Promise<string> | undefined
/**
 * Spends the same work as a real check against a hash nobody has, so that an unknown email takes as
 * long to refuse as a wrong password.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'))
  await verifyPassword(password, await dummy)
  return false
}

let common: Set<string> | undefined
/**
 * The ~49,000 most common passwords of breach corpora, lower-cased, from zxcvbn-ts's common list
 * (@zxcvbn-ts/language-common, the list behind zxcvbn's password strength estimate).
 */
function commonPasswords(): Set<string> {
  common ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()))
  return common
}

/**
 * Why a new password is not acceptable, or null (NIST SP 800-63B): at least {@link PASSWORD_MIN} and at
 * most {@link PASSWORD_MAX} characters counted as Unicode code points after NFC (five emoji are five
 * characters, not ten UTF-16 units), valid Unicode, not only spaces, and not a commonly used password.
 * @example passwordProblem('password12') // 'is one of the most commonly used passwords, which attackers try first; choose another'
 */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'must be a string'
  if (!password.isWellFormed()) return 'must be valid Unicode text (it contains a lone surrogate)'
  const length = [...password.normalize('NFC')].length
  if (length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters long`
  if (length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters long`
  if (password.trim() === '') return 'must not be only spaces'
  if (commonPasswords().has(password.toLowerCase())) return 'is one of the most commonly used passwords, which attackers try first; choose another'
  return null
}
