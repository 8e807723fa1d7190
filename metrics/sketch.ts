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
  private readonly bins = new Map<number, number>()
  private zeroCount = 0
  private total = 0
  private minValue = Number.POSITIVE_INFINITY
  private maxValue = Number.NEGATIVE_INFINITY
  /** Bin indexes in ascending order, rebuilt lazily after a new bin appears. */
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
    if (!(alpha > 0 && alpha < 1)) throw new RangeError(`relativeAccuracy must be in (0, 1), got ${alpha}`)
    if (!(threshold > 0 && Number.isFinite(threshold))) {
      throw new RangeError(`zeroThreshold must be a positive finite number, got ${threshold}`)
    }
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
      const previous = this.bins.get(index)
      if (previous === undefined) this.sorted = null
      this.bins.set(index, (previous ?? 0) + count)
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
    if (other.relativeAccuracy !== this.relativeAccuracy || other.zeroThreshold !== this.zeroThreshold) {
      throw new RangeError(
        `Cannot merge sketches with different parameters (α ${this.relativeAccuracy} vs ${other.relativeAccuracy}, ` +
          `zero threshold ${this.zeroThreshold} vs ${other.zeroThreshold})`,
      )
    }
    if (other.total === 0) return this
    if (!Number.isSafeInteger(this.total + other.total)) throw new RangeError('LatencySketch count overflow')
    for (const [index, n] of other.bins) {
      const previous = this.bins.get(index)
      if (previous === undefined) this.sorted = null
      this.bins.set(index, (previous ?? 0) + n)
    }
    this.zeroCount += other.zeroCount
    this.total += other.total
    if (other.minValue < this.minValue) this.minValue = other.minValue
    if (other.maxValue > this.maxValue) this.maxValue = other.maxValue
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
    const [vLo, vHi] = this.valuesAtRanks(lo, hi)
    return lo === hi ? vLo : vLo + (vHi - vLo) * (rank - lo)
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
    for (const [index, n] of this.bins) {
      if (index < xIndex) below += n
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
    copy.merge(this)
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
      const indexes = this.sortedIndexes()
      w.varint(indexes.length)
      let previous = 0
      indexes.forEach((index, i) => {
        w.varint(i === 0 ? zigzag(index) : index - previous - 1)
        w.varint(this.bins.get(index) as number)
        previous = index
      })
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
    const r = new ByteReader(bytes)
    const version = r.byte()
    if (version !== FORMAT_VERSION) throw new RangeError(`Unknown LatencySketch format version ${version}`)
    const flags = r.byte()
    if ((flags & ~(FLAG_CUSTOM_PARAMS | FLAG_NON_EMPTY)) !== 0) throw new RangeError(`Unknown LatencySketch flags ${flags}`)
    const options: LatencySketchOptions = {}
    if ((flags & FLAG_CUSTOM_PARAMS) !== 0) {
      options.relativeAccuracy = r.float64()
      options.zeroThreshold = r.float64()
    }
    const sketch = new LatencySketch(options)
    if ((flags & FLAG_NON_EMPTY) !== 0) {
      const min = r.float64()
      const max = r.float64()
      if (!(Number.isFinite(min) && Number.isFinite(max) && min >= 0 && min <= max)) {
        throw new RangeError('Corrupt LatencySketch bytes: bad min/max')
      }
      let total = r.varint()
      sketch.zeroCount = total
      const binCount = r.varint()
      let index = 0
      for (let i = 0; i < binCount; i++) {
        index = i === 0 ? unzigzag(r.varint()) : index + r.varint() + 1
        const n = r.varint()
        if (n === 0) throw new RangeError('Corrupt LatencySketch bytes: empty bin')
        sketch.bins.set(index, n)
        sketch.sorted = null
        total += n
      }
      if (total === 0 || !Number.isSafeInteger(total)) throw new RangeError('Corrupt LatencySketch bytes: bad count')
      sketch.total = total
      sketch.minValue = min
      sketch.maxValue = max
    }
    if (!r.done()) throw new RangeError('Corrupt LatencySketch bytes: trailing data')
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
    if (this.sorted === null) this.sorted = [...this.bins.keys()].sort((a, b) => a - b)
    return this.sorted
  }

  /** The estimated values of the 0-based ranks lo ≤ hi, clamped to [min, max]; the extremes exact. */
  private valuesAtRanks(lo: number, hi: number): [number, number] {
    const estimate = (rank: number, binValue: number): number => {
      if (rank === 0) return this.minValue
      if (rank === this.total - 1) return this.maxValue
      return Math.min(Math.max(binValue, this.minValue), this.maxValue)
    }
    let vLo = Number.NaN
    let seen = this.zeroCount
    if (lo < seen) vLo = estimate(lo, 0)
    if (hi < seen) return [vLo, estimate(hi, 0)]
    for (const index of this.sortedIndexes()) {
      seen += this.bins.get(index) as number
      if (Number.isNaN(vLo) && lo < seen) vLo = estimate(lo, this.valueOf(index))
      if (hi < seen) return [vLo, estimate(hi, this.valueOf(index))]
    }
    // Unreachable while counts are consistent: hi ≤ total − 1.
    return [vLo, this.maxValue]
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

class ByteReader {
  private offset = 0
  private readonly view: DataView

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  byte(): number {
    if (this.offset >= this.bytes.length) throw new RangeError('Corrupt LatencySketch bytes: truncated')
    return this.bytes[this.offset++]
  }

  varint(): number {
    let result = 0
    let scale = 1
    for (let i = 0; i < 8; i++) {
      const b = this.byte()
      result += (b & 0x7f) * scale
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(result)) break
        return result
      }
      scale *= 0x80
    }
    throw new RangeError('Corrupt LatencySketch bytes: varint too long')
  }

  float64(): number {
    if (this.offset + 8 > this.bytes.length) throw new RangeError('Corrupt LatencySketch bytes: truncated')
    const x = this.view.getFloat64(this.offset, true)
    this.offset += 8
    return x
  }

  done(): boolean {
    return this.offset === this.bytes.length
  }
}
