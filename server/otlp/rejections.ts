/**
 * What an OTLP export could not use: a count and the distinct reasons, for the partial-success answer.
 */
export class Rejections {
  count = 0
  private readonly reasons = new Map<string, number>()

  add(n: number, reason: string): void {
    this.count += n
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + n)
  }

  /** A scratch copy for work that may be retried; `merge` it once the work is final. */
  fork(): Rejections {
    return new Rejections()
  }

  merge(other: Rejections): void {
    for (const [reason, n] of other.reasons) this.add(n, reason)
  }

  /**
   * The partial-success message: each reason with its count, most frequent first, at most `max`.
   * @example r.message() // "3 rejected: 2 × initiative \"x\" is not registered; ..."
   */
  message(max = 5): string {
    if (this.count === 0) return ''
    const sorted = [...this.reasons.entries()].sort((a, b) => b[1] - a[1])
    const parts = sorted.slice(0, max).map(([reason, n]) => `${n} × ${reason}`)
    if (sorted.length > max) parts.push(`and ${sorted.length - max} more reason(s)`)
    return `${this.count} rejected, everything else was stored: ${parts.join('; ')}`
  }
}
