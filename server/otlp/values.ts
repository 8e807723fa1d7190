/**
 * Reading OTLP's common shapes (AnyValue, KeyValue lists, nanosecond times) from decoded requests, which
 * are in OTLP/JSON's shape whether they came as protobuf or JSON (64-bit integers as strings or numbers).
 */
import { createHash } from 'node:crypto'

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [k: string]: AttributeValue }

/** The JS value of an OTLP AnyValue (int64 as a number; bytes as base64 text). */
export function anyValue(v: unknown): AttributeValue {
  if (typeof v !== 'object' || v === null) return null
  const a = v as Record<string, unknown>
  if (typeof a.stringValue === 'string') return a.stringValue
  if (typeof a.boolValue === 'boolean') return a.boolValue
  if (a.intValue !== undefined) return Number(a.intValue)
  if (a.doubleValue !== undefined) return Number(a.doubleValue)
  if (a.arrayValue && typeof a.arrayValue === 'object') return list((a.arrayValue as { values?: unknown }).values).map(anyValue)
  if (a.kvlistValue && typeof a.kvlistValue === 'object') return Object.fromEntries(attributesOf((a.kvlistValue as { values?: unknown }).values))
  if (typeof a.bytesValue === 'string') return a.bytesValue
  return null
}

/** An array, or [] for anything else (absent repeated fields). */
export function list(x: unknown): unknown[] {
  return Array.isArray(x) ? x : []
}

/** A KeyValue list as a Map (a repeated key keeps its last value). */
export function attributesOf(kvs: unknown): Map<string, AttributeValue> {
  const out = new Map<string, AttributeValue>()
  for (const kv of list(kvs)) {
    if (typeof kv !== 'object' || kv === null) continue
    const { key, value } = kv as { key?: unknown; value?: unknown }
    if (typeof key === 'string') out.set(key, anyValue(value))
  }
  return out
}

/** A fixed64 nanosecond time (decimal string or number) as a bigint; 0n when absent, null when unreadable. */
export function nanos(x: unknown): bigint | null {
  if (x === undefined || x === null || x === '') return 0n
  if (typeof x === 'string' && /^\d{1,20}$/.test(x)) return BigInt(x)
  if (typeof x === 'number' && Number.isFinite(x) && x >= 0) return BigInt(Math.round(x))
  return null
}

/** Epoch milliseconds of a nanosecond time. */
export function nanosToMs(ns: bigint): number {
  return Number(ns / 1_000_000n)
}

/** A stable text for a set of attributes (sorted by key), for series identity. */
export function canonicalAttributes(attrs: Map<string, AttributeValue>): Array<[string, AttributeValue]> {
  return [...attrs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/** A short, URL-safe SHA-256 of the parts (joined unambiguously). */
export function digest(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url')
}
