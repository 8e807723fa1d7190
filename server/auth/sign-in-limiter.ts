/**
 * Failed sign-in throttling that an attacker cannot turn against the real user, shared by every
 * instance through the database (db/queries/sign-in-throttle.ts). Within a window (15 minutes by
 * default), counted from a key's first failure:
 * - an address with `perAddress` failures (20) may not try any account;
 * - an (account, address) pair with `perAccount` failures (5) may not try again;
 * - an account with `perAccount` failures from all addresses together is under attack: then only an
 *   address with fewer than {@link UNDER_ATTACK_PAIR_LIMIT} failures on it may still try it. The real
 *   user, signing in from their own address, is never locked out by guesses from elsewhere; a
 *   distributed attacker gets at most two guesses per address per window.
 * Each attempt is counted before the password is checked, in one transaction, and taken back when it
 * succeeds, so parallel guesses cannot slip past a limit.
 */
import { writeTransaction, type Db } from '../../db/connection.js'
import { clearFailures, countFailure, findFailures, pruneFailures, takeBackFailure, type ThrottleCount } from '../../db/queries/sign-in-throttle.js'

/** Failures an address may have on an account under attack and still try it. */
export const UNDER_ATTACK_PAIR_LIMIT = 2

export interface ThrottleLimits {
  perAccount: number
  perAddress: number
  windowMs: number
}

export type AttemptVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number }

const keys = (account: string, address: string) => ({ account: `account:${account}`, address: `address:${address}`, pair: `pair:${account}|${address}` })

export class SignInThrottle {
  constructor(
    private readonly db: Db,
    readonly limits: ThrottleLimits,
    private readonly clock: () => number = Date.now,
  ) {}

  private wait(c: ThrottleCount, now: number): number {
    return Math.max(1, Math.ceil((c.windowStart + this.limits.windowMs - now) / 1000))
  }

  /**
   * Counts a sign-in attempt for (account, address) and says whether it may go ahead. A refused
   * attempt stays counted (windows are fixed, so that never lengthens one).
   * @example const v = await throttle.attempt('ana@example.com', req.ip)
   */
  async attempt(account: string, address: string): Promise<AttemptVerdict> {
    const now = this.clock()
    const { windowMs, perAccount, perAddress } = this.limits
    const k = keys(account, address)
    return writeTransaction(this.db, async (tx) => {
      await pruneFailures(tx, now, windowMs)
      const byAddress = await countFailure(tx, k.address, now, windowMs)
      const byPair = await countFailure(tx, k.pair, now, windowMs)
      const byAccount = await countFailure(tx, k.account, now, windowMs)
      // Counts include this attempt: the one before it had failures − 1.
      if (byAddress.failures > perAddress) return { allowed: false, retryAfterSeconds: this.wait(byAddress, now) }
      if (byPair.failures > perAccount) return { allowed: false, retryAfterSeconds: this.wait(byPair, now) }
      if (byAccount.failures > perAccount && byPair.failures > UNDER_ATTACK_PAIR_LIMIT) {
        return { allowed: false, retryAfterSeconds: Math.min(this.wait(byPair, now), this.wait(byAccount, now)) }
      }
      return { allowed: true }
    })
  }

  /** The attempt succeeded: its counts are taken back and the pair forgotten. */
  async succeeded(account: string, address: string): Promise<void> {
    const k = keys(account, address)
    await writeTransaction(this.db, async (tx) => {
      await clearFailures(tx, k.pair)
      await takeBackFailure(tx, k.account)
      await takeBackFailure(tx, k.address)
    })
  }

  /** Seconds an address must wait before trying anything (0: it may), without counting. */
  async addressWait(address: string): Promise<number> {
    const now = this.clock()
    const c = await findFailures(this.db, keys('', address).address, now, this.limits.windowMs)
    return c.failures >= this.limits.perAddress ? this.wait(c, now) : 0
  }

  /** Counts one failure for an address alone (a wrong setup token). */
  async failAddress(address: string): Promise<void> {
    await writeTransaction(this.db, (tx) => countFailure(tx, keys('', address).address, this.clock(), this.limits.windowMs))
  }
}
