/**
 * Failed sign-in counting: at most `limit` failures per key (an account or a client address) within a
 * sliding window. In memory, per process: a restart forgets the counts (documented in the security model).
 */
export class FailureWindow {
  private readonly failures = new Map<string, number[]>()
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const now = this.clock()
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs)
    if (list.length === 0) this.failures.delete(key)
    else this.failures.set(key, list)
    return list
  }

  /** 0 while attempts are allowed, else the whole seconds until the oldest failure leaves the window. */
  retryAfterSeconds(key: string): number {
    const list = this.recent(key)
    if (list.length < this.limit) return 0
    const oldest = list[list.length - this.limit]
    return Math.max(1, Math.ceil((oldest + this.windowMs - this.clock()) / 1000))
  }

  /** Counts one failure (callers count before checking, so parallel guesses cannot slip through). */
  fail(key: string): void {
    const list = this.recent(key)
    list.push(this.clock())
    this.failures.set(key, list)
    if (this.failures.size > 100_000) this.failures.delete(this.failures.keys().next().value!)
  }

  /** Takes back the most recent failure (the attempt succeeded). */
  forgiveOne(key: string): void {
    const list = this.failures.get(key)
    if (!list) return
    list.pop()
    if (list.length === 0) this.failures.delete(key)
  }

  clear(key: string): void {
    this.failures.delete(key)
  }
}
