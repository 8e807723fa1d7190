/**
 * In-memory lookups for the ingest hot path (API keys by token hash, initiatives by slug, the prune
 * horizon). An entry is valid while nothing changed keys, initiatives or the horizon, in this process or
 * in another (db/change-generation.ts); a short time-to-live covers databases without the fast read.
 * Revocations therefore take effect at once.
 */
import type { Db } from '../../db/connection.js'
import { configVersionOf } from '../../db/connection.js'
import { changeGeneration } from '../../db/change-generation.js'

export class VersionedCache<V> {
  private readonly entries = new Map<string, { value: V; version: string; at: number }>()
  private readonly configVersion: (() => number | Promise<number>) | null

  constructor(
    db: Db,
    private readonly ttlMs = 5_000,
    private readonly maxEntries = 10_000,
    private readonly clock: () => number = Date.now,
  ) {
    this.configVersion = configVersionOf(db)
  }

  /** Synchronous on SQLite (no await on the hot path); one query on PostgreSQL (db/connection.ts). */
  private version(): string | Promise<string> {
    const local = changeGeneration()
    const shared = this.configVersion?.() ?? 0
    return typeof shared === 'number' ? `${local}:${shared}` : shared.then((v) => `${local}:${v}`)
  }

  /** The cached values for `keys`; the missing ones come from `load` (one call) and are kept. */
  async getMany(keys: string[], load: (missing: string[]) => Promise<Map<string, V>>): Promise<Map<string, V>> {
    const v = this.version()
    const version = typeof v === 'string' ? v : await v
    const now = this.clock()
    const out = new Map<string, V>()
    const missing: string[] = []
    for (const k of keys) {
      const e = this.entries.get(k)
      if (e && e.version === version && now - e.at < this.ttlMs) out.set(k, e.value)
      else missing.push(k)
    }
    if (missing.length === 0) return out
    // The version is taken before loading, so a change during the load invalidates what it read.
    const loaded = await load(missing)
    if (this.entries.size + loaded.size > this.maxEntries) this.entries.clear()
    for (const [k, v] of loaded) {
      this.entries.set(k, { value: v, version, at: now })
      out.set(k, v)
    }
    return out
  }

  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const found = await this.getMany([key], async () => {
      const v = await load()
      return v === undefined ? new Map() : new Map([[key, v]])
    })
    return found.get(key)
  }
}
