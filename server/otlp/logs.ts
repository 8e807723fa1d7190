/**
 * OTLP log records → Yardstick events (docs/OPENTELEMETRY.md, "Log records"): a record with the attribute
 * `yardstick.metric` is one event, exactly as if posted to /api/v1/events; other records are ignored.
 */
import { INITIATIVE_ATTRIBUTE } from './metrics.js'
import type { Rejections } from './rejections.js'
import { attributesOf, canonicalAttributes, digest, list, nanos, nanosToMs, type AttributeValue } from './values.js'

export const METRIC_ATTRIBUTE = 'yardstick.metric'
/** Record attribute → event field. */
const FIELDS: Record<string, string> = {
  'yardstick.value': 'value',
  'yardstick.unit': 'unit',
  'yardstick.errors': 'errors',
  'yardstick.total': 'total',
  'yardstick.id': 'id',
  'yardstick.currency': 'currency',
}

export interface LogEvent {
  initiative: string
  raw: Record<string, unknown>
}

/**
 * Reads the Yardstick records of a decoded ExportLogsServiceRequest as raw events. A record without
 * `yardstick.id` gets an id derived from its resource, scope, time, body and attributes, so that a
 * retried export counts once.
 * @example const events = collectLogEvents(req, null, rejected)
 */
export function collectLogEvents(request: Record<string, unknown>, defaultInitiative: string | null, rejected: Rejections): LogEvent[] {
  const out: LogEvent[] = []
  for (const rl of list(request.resourceLogs)) {
    const r = (rl ?? {}) as Record<string, unknown>
    const resourceAttrs = attributesOf((r.resource as { attributes?: unknown } | undefined)?.attributes)
    const resourceId = canonicalAttributes(resourceAttrs)
    for (const sl of list(r.scopeLogs)) {
      const s = (sl ?? {}) as Record<string, unknown>
      const scope = (s.scope ?? {}) as { name?: string; version?: string }
      for (const lr of list(s.logRecords)) {
        const rec = (lr ?? {}) as Record<string, unknown>
        const attrs = attributesOf(rec.attributes)
        const metric = attrs.get(METRIC_ATTRIBUTE)
        if (metric === undefined) continue
        const initiative = stringOf(attrs.get(INITIATIVE_ATTRIBUTE)) ?? stringOf(resourceAttrs.get(INITIATIVE_ATTRIBUTE)) ?? defaultInitiative
        if (initiative === null) {
          rejected.add(1, `no initiative; set the resource attribute ${INITIATIVE_ATTRIBUTE} (or use a key scoped to one initiative)`)
          continue
        }
        const time = nanos(rec.timeUnixNano)
        const observed = nanos(rec.observedTimeUnixNano)
        const ns = time && time > 0n ? time : observed
        if (ns === null || ns === 0n) {
          rejected.add(1, 'a log record has neither timeUnixNano nor observedTimeUnixNano')
          continue
        }
        const raw: Record<string, unknown> = { initiative, metric, occurredAt: new Date(nanosToMs(ns)).toISOString() }
        for (const [attr, field] of Object.entries(FIELDS)) {
          const v = attrs.get(attr)
          if (v !== undefined) raw[field] = v
        }
        if (raw.id === undefined) {
          raw.id = 'otlp-' + digest(initiative, resourceId, scope.name ?? '', scope.version ?? '', ns.toString(), rec.body ?? null, canonicalAttributes(attrs))
        }
        out.push({ initiative, raw })
      }
    }
  }
  return out
}

function stringOf(v: AttributeValue | undefined): string | null {
  return typeof v === 'string' && v !== '' ? v : null
}
