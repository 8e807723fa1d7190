/**
 * In-memory token buckets: `rate` requests a second with a burst of twice that, per key.
 */
import type { RequestHandler } from 'express'
import { HttpError } from './errors.js'

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()
  constructor(
    private readonly rate: number,
    private readonly burst = rate * 2,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes a token for `id`; returns 0 when allowed, else the seconds until one is available. */
  take(id: string): number {
    const now = this.clock()
    let b = this.buckets.get(id)
    if (!b) {
      b = { tokens: this.burst, at: now }
      this.buckets.set(id, b)
      if (this.buckets.size > 100_000) this.buckets.delete(this.buckets.keys().next().value!)
    }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rate)
    b.at = now
    if (b.tokens >= 1) {
      b.tokens -= 1
      return 0
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.rate))
  }
}

/**
 * Limits requests per API key (or per client address without one): 429 with Retry-After.
 * @example router.post('/', rateLimitPerKey(config.ingestRatePerKey), handler)
 */
export function rateLimitPerKey(rate: number): RequestHandler {
  const buckets = new TokenBuckets(rate)
  return function rateLimitPerKeyMiddleware(req, _res, next) {
    const id = req.actor?.kind === 'key' ? `key:${req.actor.id}` : `ip:${req.ip}`
    const wait = buckets.take(id)
    if (wait > 0) return next(new HttpError(429, 'rate_limited', `too many requests for this key: the limit is ${rate} a second; retry after ${wait} s, or send events in batches`, [], { 'Retry-After': String(wait) }))
    next()
  }
}
