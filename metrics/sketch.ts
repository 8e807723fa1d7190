/**
 * A mergeable quantile sketch for latencies (DDSketch-style), written here with no dependency.
 *
 * A value v ≥ zeroThreshold goes to bin i = ⌈ln v / ln γ⌉ with γ = (1 + α) / (1 − α); the bin covers
 * (γ^(i−1), γ^i] and stands for 2γ^i / (γ + 1), which is within relative error α of every value in it.
 * Values below the threshold go to one zero bin that stands for 0. Counts are integers, so merging
 * is exactly associative and commutative: merging per-hour sketches in any order gives the same state,
 * and the same bytes, as adding every value to one sketch. The exact minimum and maximum are kept too
 * (min/max merge exactly), which makes the extreme ranks, a single value and constant data exact.
 *
 * Bins live in a dense window of counts (a Float64Array over the indexes [offset, offset + length),
 * grown geometrically when an index falls outside) once they fill at least 1/8 of the span between
 * the outer bins, so merging is one loop over the other's window and quantiles scan in order with no
 * sort. A few bins far apart (an hour with 4 values spread over 300 bins), or a span wider than 2^16
 * bins, stay in a Map; a window whose growth would leave it less than 1/32 full turns back into one.
 * Which of the two holds the bins is invisible from outside.
 *
 * @module
 */

/** Default relative accuracy: p50 and p90 within 0.5 %, well inside the contract's 1 %. */
export const DEFAULT_RELATIVE_ACCURACY = 0.005
/** Default zero threshold in seconds: values below 1 µs count as 0. */
export const DEFAULT_ZERO_THRESHOLD = 1e-6

/** Construction options of a {@link LatencySketch}. */
export interface LatencySketchOptions {
  /** α in (0, 1): every quantile estimate is within relative error α of a true value. */
  relativeAccuracy?: number
  /** Values in [0, zeroThreshold) are counted in the zero bin and read back as 0 (or the exact min). */
  zeroThreshold?: number
}

const FORMAT_VERSION = 1
const FLAG_CUSTOM_PARAMS = 1
const FLAG_NON_EMPTY = 2

/** The widest dense window, in bins (512 KiB of counts); sketches wider than this keep a Map. */
const MAX_DENSE_SPAN = 1 << 16
/** Bins go dense once they fill at least 1/DENSE_FILL of the span between the outer ones … */
const DENSE_FILL = 8
/** … and back to a Map when a window must grow and they would fill less than 1/SPARSE_FILL of it. */
const SPARSE_FILL = 32
/** A Map turns into a window only once it holds this many bins. */
const MIN_DENSE_BINS = 8
/** Dense indexes stay this far inside the safe integers, so index − offset is always exact. */
const DENSE_INDEX_LIMIT = 2 ** 52
/** The window of a sketch with no dense bins (never written to: it is replaced first). */
const NO_COUNTS = new Float64Array(0)

/** Whether bins lo…hi (the outer indexes) can live in one dense window. */
function denseSpan(lo: number, hi: number): boolean {
  return (
    Number.isInteger(lo) &&
    Number.isInteger(hi) &&
    lo >= -DENSE_INDEX_LIMIT &&
    hi <= DENSE_INDEX_LIMIT &&
    hi - lo < MAX_DENSE_SPAN
  )
}

function checkParameters(alpha: number, threshold: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`relativeAccuracy must be in (0, 1), got ${alpha}`)
  // γ = 1 in floating point would put every value in one bin (and make the byte writer loop forever).
  if ((1 + alpha) / (1 - alpha) === 1) throw new RangeError(`relativeAccuracy ${alpha} is too small to tell values apart; use 1e-12 or more`)
  if (!(threshold > 0 && Number.isFinite(threshold))) {
    throw new RangeError(`zeroThreshold must be a positive finite number, got ${threshold}`)
  }
}

function checkSameParameters(sketch: LatencySketch, alpha: number, threshold: number): void {
  if (alpha !== sketch.relativeAccuracy || threshold !== sketch.zeroThreshold) {
    throw new RangeError(
      `Cannot merge sketches with different parameters (α ${sketch.relativeAccuracy} vs ${alpha}, ` +
        `zero threshold ${sketch.zeroThreshold} vs ${threshold})`,
    )
  }
}

/**
 * DDSketch-style latency sketch over non-negative values (seconds).
 *
 * @example
 * const s = new LatencySketch(); s.add(1.2); s.add(3.4, 2); s.quantile(0.5) // ≈ 3.4 (±0.5 %)
 */
export class LatencySketch {
  /** α: relative accuracy of every quantile. */
  readonly relativeAccuracy: number
  /** Values below this count as 0. */
  readonly zeroThreshold: number
  private readonly gamma: number
  private readonly logGamma: number
  /** The bins while they are few for their span (or too far apart for a window); null when dense. */
  private bins: Map<number, number> | null = null
  /** Dense bins (when `bins` is null): counts[k] is the count of bin offset + k. */
  private counts: Float64Array = NO_COUNTS
  private offset = 0
  /** The lowest and highest non-empty bin index; ±Infinity while every value is in the zero bin. */
  private lo = Number.POSITIVE_INFINITY
  private hi = Number.NEGATIVE_INFINITY
  private zeroCount = 0
  private total = 0
  private minValue = Number.POSITIVE_INFINITY
  private maxValue = Number.NEGATIVE_INFINITY
  /** The Map's bin indexes in ascending order, rebuilt lazily after a new bin appears. */
  private sorted: number[] | null = null

  /**
   * An empty sketch. Throws RangeError unless 0 < relativeAccuracy < 1 and zeroThreshold is positive
   * and finite.
   *
   * @example new LatencySketch({ relativeAccuracy: 0.01 })
   */
  constructor(options: LatencySketchOptions = {}) {
    const alpha = options.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY
    const threshold = options.zeroThreshold ?? DEFAULT_ZERO_THRESHOLD
    checkParameters(alpha, threshold)
    this.relativeAccuracy = alpha
    this.zeroThreshold = threshold
    this.gamma = (1 + alpha) / (1 - alpha)
    this.logGamma = Math.log(this.gamma)
  }

  /**
   * Number of values added (an integer; 0 when empty).
   *
   * @example new LatencySketch().count // 0
   */
  get count(): number {
    return this.total
  }

  /**
   * The exact smallest value added, or null when empty.
   *
   * @example s.add(2); s.add(0.5); s.min // 0.5
   */
  get min(): number | null {
    return this.total === 0 ? null : this.minValue
  }

  /**
   * The exact largest value added, or null when empty.
   *
   * @example s.add(2); s.add(0.5); s.max // 2
   */
  get max(): number | null {
    return this.total === 0 ? null : this.maxValue
  }

  /**
   * Adds `value` (seconds, finite, ≥ 0) `count` times (a non-negative safe integer; 0 adds nothing).
   * Throws RangeError otherwise. Returns the sketch.
   *
   * @example sketch.add(0.25).add(1.5, 3)
   */
  add(value: number, count = 1): this {
    if (!(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`LatencySketch takes finite non-negative values, got ${value}`)
    }
    if (!(Number.isSafeInteger(count) && count >= 0)) {
      throw new RangeError(`count must be a non-negative integer, got ${count}`)
    }
    if (count === 0) return this
    // −0 would make min depend on merge order (−0 < 0 is false), so store +0.
    if (value === 0) value = 0
    if (!Number.isSafeInteger(this.total + count)) throw new RangeError('LatencySketch count overflow')
    if (value < this.zeroThreshold) {
      this.zeroCount += count
    } else {
      const index = this.indexOf(value)
      // Values added one by one start in a Map: most such sketches (an hour) stay a few bins.
      if (this.bins === null && this.lo > this.hi) this.bins = new Map()
      if (this.bins === null && !(index >= this.offset && index < this.offset + this.counts.length)) {
        this.cover(index, index, 1)
      }
      if (this.bins === null) {
        this.counts[index - this.offset] += count
        if (index < this.lo) this.lo = index
        if (index > this.hi) this.hi = index
      } else if (this.addToMap(this.bins, index, count)) {
        this.densifyIfFull(this.bins.size)
      }
    }
    this.total += count
    if (value < this.minValue) this.minValue = value
    if (value > this.maxValue) this.maxValue = value
    return this
  }

  /**
   * Adds every value of `other` into this sketch (per-bin integer sums, exact min/max): exactly
   * associative and commutative. Throws RangeError when the sketches' accuracy or threshold differ.
   *
   * @example hourA.clone().merge(hourB).quantile(0.9)
   */
  merge(other: LatencySketch): this {
    checkSameParameters(this, other.relativeAccuracy, other.zeroThreshold)
    if (other.total === 0) return this
    if (!Number.isSafeInteger(this.total + other.total)) throw new RangeError('LatencySketch count overflow')
    if (other.total > other.zeroCount) this.mergeBins(other)
    this.zeroCount += other.zeroCount
    this.total += other.total
    if (other.minValue < this.minValue) this.minValue = other.minValue
    if (other.maxValue > this.maxValue) this.maxValue = other.maxValue
    return this
  }

  /**
   * Merges a sketch stored with {@link LatencySketch.toBytes} straight into this one, without
   * building it first: the same state as `merge(LatencySketch.fromBytes(bytes))`, and the same
   * RangeErrors (corrupt bytes as fromBytes, then different parameters and overflow as merge). This
   * sketch is unchanged when it throws.
   *
   * @example for (const row of rows) total.mergeBytes(row.sketch)
   */
  mergeBytes(bytes: Uint8Array): this {
    decode(bytes)
    const d = decoded
    checkSameParameters(this, d.alpha, d.threshold)
    if (!d.nonEmpty) return this
    if (!Number.isSafeInteger(this.total + d.total)) throw new RangeError('LatencySketch count overflow')
    const n = d.binCount
    if (n > 0) {
      const indexes = d.indexes
      const counts = d.counts
      const lo = indexes[0]
      const hi = indexes[n - 1]
      // Indexes past 2^52 only come from a tiny α or hand-made bytes: take the general path.
      if (!denseSpan(lo, hi)) return this.merge(LatencySketch.fromBytes(bytes))
      if (this.bins !== null) {
        const wideLo = Math.min(this.lo, lo)
        const wideHi = Math.max(this.hi, hi)
        if (denseSpan(wideLo, wideHi) && wideHi - wideLo < DENSE_FILL * (this.bins.size + n)) this.toDense()
      }
      if (this.bins === null && !(lo >= this.offset && hi < this.offset + this.counts.length)) this.cover(lo, hi, n)
      if (this.bins === null) {
        const window = this.counts
        const offset = this.offset
        for (let k = 0; k < n; k++) window[indexes[k] - offset] += counts[k]
        if (lo < this.lo) this.lo = lo
        if (hi > this.hi) this.hi = hi
      } else {
        const bins = this.bins
        for (let k = 0; k < n; k++) this.addToMap(bins, indexes[k], counts[k])
        this.densifyIfFull(bins.size)
      }
    }
    this.zeroCount += d.zeroCount
    this.total += d.total
    if (d.min < this.minValue) this.minValue = d.min
    if (d.max > this.maxValue) this.maxValue = d.max
    return this
  }

  /**
   * The q-quantile (q in [0, 1]) with numpy's default (linear) interpolation: with n values sorted,
   * rank r = q·(n − 1), result = x[⌊r⌋] + (x[⌈r⌉] − x[⌊r⌋])·(r − ⌊r⌋), where each x[k] is read from
   * its bin (relative error ≤ α), clamped to the exact [min, max]; x[0] and x[n−1] are exact.
   * Null when empty; RangeError when q is outside [0, 1].
   *
   * @example sketch.quantile(0.9) // p90 in seconds, or null for an empty sketch
   */
  quantile(q: number): number | null {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be in [0, 1], got ${q}`)
    if (this.total === 0) return null
    const rank = q * (this.total - 1)
    const lo = Math.floor(rank)
    const hi = Math.ceil(rank)
    // The fallbacks are unreachable while counts are consistent (hi ≤ total − 1).
    const vLo = this.valueAtRank(lo, Number.NaN)
    return lo === hi ? vLo : vLo + (this.valueAtRank(hi, this.maxValue) - vLo) * (rank - lo)
  }

  /**
   * How many values are strictly below `x`, never overstated: the values in bins wholly below x (and
   * all values when x > max). Every value v < x·(1 − α)/(1 + α) is counted and no value ≥ x is, so
   * only values within about 2α under x may be missed. 0 when empty or x ≤ min. Zero-bin values
   * count once x ≥ zeroThreshold.
   *
   * @example sketch.countBelow(baselineSeconds) // decisions faster than the baseline
   */
  countBelow(x: number): number {
    if (Number.isNaN(x)) throw new RangeError('countBelow needs a number, got NaN')
    if (this.total === 0 || x <= this.minValue) return 0
    if (x > this.maxValue) return this.total
    let below = x >= this.zeroThreshold ? this.zeroCount : 0
    // Indexing is monotonic, so a bin index below x's own index holds only values < x.
    const xIndex = this.indexOf(x)
    if (this.bins === null) {
      const counts = this.counts
      const end = Math.min(this.hi, xIndex - 1) - this.offset
      for (let k = this.lo - this.offset; k <= end; k++) below += counts[k]
    } else {
      for (const [index, n] of this.bins) {
        if (index < xIndex) below += n
      }
    }
    return below
  }

  /**
   * An independent copy.
   *
   * @example const day = hours[0].clone(); for (const h of hours.slice(1)) day.merge(h)
   */
  clone(): LatencySketch {
    const copy = new LatencySketch({ relativeAccuracy: this.relativeAccuracy, zeroThreshold: this.zeroThreshold })
    if (this.bins !== null) return copy.merge(this)
    copy.bins = null
    if (this.lo <= this.hi) {
      copy.counts = this.counts.slice(this.lo - this.offset, this.hi - this.offset + 1)
      copy.offset = this.lo
      copy.lo = this.lo
      copy.hi = this.hi
    }
    copy.zeroCount = this.zeroCount
    copy.total = this.total
    copy.minValue = this.minValue
    copy.maxValue = this.maxValue
    return copy
  }

  /**
   * Compact, deterministic bytes: equal sketches give equal bytes, and `fromBytes` restores the state
   * exactly. Layout: version (1), flags (bit 0: custom α and threshold follow as float64 LE; bit 1:
   * non-empty), then if non-empty: min and max (float64 LE), zero count (varint), number of bins
   * (varint), and per bin in ascending index order the index (first zigzag varint, then the gap − 1
   * as varint) and its count (varint). A constant latency seen a million times takes 24 bytes.
   *
   * @example LatencySketch.fromBytes(sketch.toBytes()).quantile(0.5) === sketch.quantile(0.5) // true
   */
  toBytes(): Uint8Array {
    const w = new ByteWriter()
    w.byte(FORMAT_VERSION)
    const custom =
      this.relativeAccuracy !== DEFAULT_RELATIVE_ACCURACY || this.zeroThreshold !== DEFAULT_ZERO_THRESHOLD
    w.byte((custom ? FLAG_CUSTOM_PARAMS : 0) | (this.total > 0 ? FLAG_NON_EMPTY : 0))
    if (custom) {
      w.float64(this.relativeAccuracy)
      w.float64(this.zeroThreshold)
    }
    if (this.total > 0) {
      w.float64(this.minValue)
      w.float64(this.maxValue)
      w.varint(this.zeroCount)
      if (this.bins === null) {
        const counts = this.counts
        const from = this.lo - this.offset
        const to = this.hi - this.offset
        let binCount = 0
        for (let k = from; k <= to; k++) if (counts[k] !== 0) binCount++
        w.varint(binCount)
        let previous = Number.NaN
        for (let k = from; k <= to; k++) {
          if (counts[k] === 0) continue
          const index = k + this.offset
          w.varint(Number.isNaN(previous) ? zigzag(index) : index - previous - 1)
          w.varint(counts[k])
          previous = index
        }
      } else {
        const bins = this.bins
        const indexes = this.sortedIndexes()
        w.varint(indexes.length)
        let previous = 0
        indexes.forEach((index, i) => {
          w.varint(i === 0 ? zigzag(index) : index - previous - 1)
          w.varint(bins.get(index) as number)
          previous = index
        })
      }
    }
    return w.finish()
  }

  /**
   * Restores a sketch written by {@link LatencySketch.toBytes}. Throws RangeError for bytes that are
   * truncated, have trailing data, an unknown version or flags, or an inconsistent state.
   *
   * @example LatencySketch.fromBytes(row.sketch)
   */
  static fromBytes(bytes: Uint8Array): LatencySketch {
    decode(bytes)
    const d = decoded
    const sketch = new LatencySketch(d.custom ? { relativeAccuracy: d.alpha, zeroThreshold: d.threshold } : {})
    if (!d.nonEmpty) return sketch
    sketch.zeroCount = d.zeroCount
    sketch.total = d.total
    sketch.minValue = d.min
    sketch.maxValue = d.max
    const n = d.binCount
    if (n === 0) return sketch
    const indexes = d.indexes
    const counts = d.counts
    const lo = indexes[0]
    const hi = indexes[n - 1]
    if (denseSpan(lo, hi) && hi - lo < DENSE_FILL * n) {
      const window = new Float64Array(hi - lo + 1)
      for (let k = 0; k < n; k++) window[indexes[k] - lo] = counts[k]
      sketch.bins = null
      sketch.counts = window
      sketch.offset = lo
      sketch.lo = lo
      sketch.hi = hi
    } else {
      // Past 2^53, index + gap + 1 may round onto the previous index: the later count wins, as it
      // always has for such bytes.
      const bins = new Map<number, number>()
      sketch.bins = bins
      for (let k = 0; k < n; k++) {
        bins.set(indexes[k], counts[k])
        sketch.lo = Math.min(sketch.lo, indexes[k])
        sketch.hi = Math.max(sketch.hi, indexes[k])
      }
    }
    return sketch
  }

  private indexOf(value: number): number {
    return Math.ceil(Math.log(value) / this.logGamma)
  }

  /** The value a bin stands for: 2γ^i / (γ + 1), within α of everything in (γ^(i−1), γ^i]. */
  private valueOf(index: number): number {
    return (2 * Math.exp(index * this.logGamma)) / (this.gamma + 1)
  }

  private sortedIndexes(): number[] {
    if (this.sorted === null) this.sorted = [...(this.bins as Map<number, number>).keys()].sort((a, b) => a - b)
    return this.sorted
  }

  /** The estimated value of the 0-based rank, clamped to [min, max]; the extremes exact. */
  private valueAtRank(rank: number, fallback: number): number {
    let seen = this.zeroCount
    if (rank < seen) return this.estimate(rank, 0)
    if (this.bins === null) {
      const counts = this.counts
      const end = this.hi - this.offset
      for (let k = this.lo - this.offset; k <= end; k++) {
        seen += counts[k]
        if (rank < seen) return this.estimate(rank, this.valueOf(k + this.offset))
      }
    } else {
      for (const index of this.sortedIndexes()) {
        seen += this.bins.get(index) as number
        if (rank < seen) return this.estimate(rank, this.valueOf(index))
      }
    }
    return fallback
  }

  private estimate(rank: number, binValue: number): number {
    if (rank === 0) return this.minValue
    if (rank === this.total - 1) return this.maxValue
    return Math.min(Math.max(binValue, this.minValue), this.maxValue)
  }

  /** Adds other's bins (it has some) to this sketch's bins; counts and min/max are the caller's. */
  private mergeBins(other: LatencySketch): void {
    if (this.bins !== null && other.bins === null && denseSpan(Math.min(this.lo, other.lo), Math.max(this.hi, other.hi))) {
      this.toDense()
    }
    if (this.bins === null && !(other.lo >= this.offset && other.hi < this.offset + this.counts.length)) {
      // A dense sketch merged in keeps this one dense: it is most likely a total being built up.
      this.cover(other.lo, other.hi, other.bins === null ? Number.POSITIVE_INFINITY : other.bins.size)
    }
    if (this.bins === null) {
      const window = this.counts
      const offset = this.offset
      if (other.bins === null) {
        const from = other.counts
        const shift = other.offset - offset
        const end = other.hi - other.offset
        for (let k = other.lo - other.offset; k <= end; k++) window[k + shift] += from[k]
      } else {
        for (const [index, n] of other.bins) window[index - offset] += n
      }
      if (other.lo < this.lo) this.lo = other.lo
      if (other.hi > this.hi) this.hi = other.hi
      return
    }
    const bins = this.bins
    if (other.bins === null) {
      const from = other.counts
      const end = other.hi - other.offset
      for (let k = other.lo - other.offset; k <= end; k++) {
        if (from[k] !== 0) this.addToMap(bins, k + other.offset, from[k])
      }
    } else {
      for (const [index, n] of other.bins) this.addToMap(bins, index, n)
    }
    this.densifyIfFull(bins.size)
  }

  /** Adds n to a bin of the Map; true when the bin is new. */
  private addToMap(bins: Map<number, number>, index: number, n: number): boolean {
    const previous = bins.get(index)
    bins.set(index, (previous ?? 0) + n)
    // Math.min/max keep a NaN index (γ rounding to 1) sticky, so such a sketch never goes dense.
    this.lo = Math.min(this.lo, index)
    this.hi = Math.max(this.hi, index)
    if (previous !== undefined) return false
    this.sorted = null
    return true
  }

  /** Moves the Map's bins into a window once they are enough and fill enough of their span. */
  private densifyIfFull(binCount: number): void {
    if (binCount >= MIN_DENSE_BINS && denseSpan(this.lo, this.hi) && this.hi - this.lo < DENSE_FILL * binCount) this.toDense()
  }

  /** Moves the Map's bins into a window of exactly their span (the caller checked denseSpan). */
  private toDense(): void {
    const bins = this.bins as Map<number, number>
    this.bins = null
    this.sorted = null
    if (bins.size === 0) return
    const window = new Float64Array(this.hi - this.lo + 1)
    for (const [index, n] of bins) window[index - this.lo] = n
    this.counts = window
    this.offset = this.lo
  }

  /** How many bins of the window are non-empty. */
  private nonEmptyBins(): number {
    const counts = this.counts
    const end = this.hi - this.offset
    let n = 0
    for (let k = this.lo - this.offset; k <= end; k++) if (counts[k] !== 0) n++
    return n
  }

  /** Moves the window's bins into a Map (a span too wide for a window, or too empty). */
  private toMap(): void {
    const bins = new Map<number, number>()
    const counts = this.counts
    const end = this.hi - this.offset
    for (let k = this.lo - this.offset; k <= end; k++) {
      if (counts[k] !== 0) bins.set(k + this.offset, counts[k])
    }
    this.bins = bins
    this.counts = NO_COUNTS
    this.offset = 0
    this.sorted = null
  }

  /**
   * Grows the window to take up to `incoming` new bins within lo…hi besides its own: twice the span
   * of the bins, the slack split evenly on both sides, so each growth is at least 1.5 times the last
   * and the window at most twice the span. Moves the bins to a Map instead when the whole span would
   * not fit a window, or the bins would fill less than 1/SPARSE_FILL of it.
   */
  private cover(lo: number, hi: number, incoming: number): void {
    const wideLo = Math.min(this.lo, lo)
    const wideHi = Math.max(this.hi, hi)
    const old = this.counts
    if (!denseSpan(wideLo, wideHi) || wideHi - wideLo >= SPARSE_FILL * (incoming + this.nonEmptyBins())) {
      this.toMap()
      return
    }
    const span = wideHi - wideLo + 1
    const length = Math.min(MAX_DENSE_SPAN, 2 * span)
    const offset = wideLo - Math.floor((length - span) / 2)
    const window = new Float64Array(length)
    if (this.lo <= this.hi) window.set(old.subarray(this.lo - this.offset, this.hi - this.offset + 1), this.lo - offset)
    this.counts = window
    this.offset = offset
  }
}

function zigzag(n: number): number {
  return n >= 0 ? 2 * n : -2 * n - 1
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2
}

class ByteWriter {
  private bytes: number[] = []
  private readonly scratch = new DataView(new ArrayBuffer(8))

  byte(b: number): void {
    this.bytes.push(b)
  }

  /** Unsigned LEB128 of a non-negative safe integer (arithmetic, not 32-bit bitwise). */
  varint(n: number): void {
    let v = n
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80)
      v = Math.floor(v / 0x80)
    }
    this.bytes.push(v)
  }

  float64(x: number): void {
    this.scratch.setFloat64(0, x, true)
    for (let i = 0; i < 8; i++) this.bytes.push(this.scratch.getUint8(i))
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes)
  }
}

/**
 * The last bytes decoded, in one reused record so that `mergeBytes` allocates nothing: read it right
 * after {@link decode}, before anything else decodes.
 */
const decoded = {
  custom: false,
  alpha: DEFAULT_RELATIVE_ACCURACY,
  threshold: DEFAULT_ZERO_THRESHOLD,
  nonEmpty: false,
  min: 0,
  max: 0,
  zeroCount: 0,
  /** All values, zero bin included. */
  total: 0,
  binCount: 0,
  /** Bin indexes in the order stored (ascending), then counts; the first binCount entries are valid. */
  indexes: new Float64Array(256),
  counts: new Float64Array(256),
}

const floatBytes = new Uint8Array(8)
const floatView = new DataView(floatBytes.buffer)

/** The bytes being decoded and the read position in them (decoding never re-enters). */
let input: Uint8Array = new Uint8Array(0)
let at = 0

function byte(): number {
  if (at >= input.length) throw new RangeError('Corrupt LatencySketch bytes: truncated')
  return input[at++]
}

/** Unsigned LEB128, at most 8 bytes, a safe integer. */
function varint(): number {
  let result = 0
  let scale = 1
  for (let i = 0; i < 8; i++) {
    const b = byte()
    result += (b & 0x7f) * scale
    if ((b & 0x80) === 0) {
      if (!Number.isSafeInteger(result)) break
      return result
    }
    scale *= 0x80
  }
  throw new RangeError('Corrupt LatencySketch bytes: varint too long')
}

function float64(): number {
  if (at + 8 > input.length) throw new RangeError('Corrupt LatencySketch bytes: truncated')
  for (let i = 0; i < 8; i++) floatBytes[i] = input[at + i]
  at += 8
  return floatView.getFloat64(0, true)
}

/** Reads the bytes of toBytes into {@link decoded}, with every check fromBytes has always made. */
function decode(bytes: Uint8Array): void {
  input = bytes
  at = 0
  const d = decoded
  const version = byte()
  if (version !== FORMAT_VERSION) throw new RangeError(`Unknown LatencySketch format version ${version}`)
  const flags = byte()
  if ((flags & ~(FLAG_CUSTOM_PARAMS | FLAG_NON_EMPTY)) !== 0) throw new RangeError(`Unknown LatencySketch flags ${flags}`)
  d.custom = (flags & FLAG_CUSTOM_PARAMS) !== 0
  d.alpha = DEFAULT_RELATIVE_ACCURACY
  d.threshold = DEFAULT_ZERO_THRESHOLD
  if (d.custom) {
    d.alpha = float64()
    d.threshold = float64()
    checkParameters(d.alpha, d.threshold)
  }
  d.nonEmpty = (flags & FLAG_NON_EMPTY) !== 0
  d.zeroCount = 0
  d.total = 0
  d.binCount = 0
  if (d.nonEmpty) {
    const min = float64()
    const max = float64()
    if (!(Number.isFinite(min) && Number.isFinite(max) && min >= 0 && min <= max)) {
      throw new RangeError('Corrupt LatencySketch bytes: bad min/max')
    }
    d.min = min
    d.max = max
    let total = varint()
    d.zeroCount = total
    const binCount = varint()
    let indexes = d.indexes
    let counts = d.counts
    let index = 0
    for (let i = 0; i < binCount; i++) {
      index = i === 0 ? unzigzag(varint()) : index + varint() + 1
      const n = varint()
      if (n === 0) throw new RangeError('Corrupt LatencySketch bytes: empty bin')
      if (i === indexes.length) {
        // Grown only as bins are actually read, whatever count the bytes claim.
        const grownIndexes = new Float64Array(2 * i)
        const grownCounts = new Float64Array(2 * i)
        grownIndexes.set(indexes)
        grownCounts.set(counts)
        d.indexes = indexes = grownIndexes
        d.counts = counts = grownCounts
      }
      indexes[i] = index
      counts[i] = n
      total += n
    }
    if (total === 0 || !Number.isSafeInteger(total)) throw new RangeError('Corrupt LatencySketch bytes: bad count')
    d.total = total
    d.binCount = binCount
  }
  if (at !== bytes.length) throw new RangeError('Corrupt LatencySketch bytes: trailing data')
}
