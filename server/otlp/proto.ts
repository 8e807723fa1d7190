/**
 * OTLP protobuf codec: protobufjs reflection over the OTLP .proto files shipped in ./proto (loaded once).
 * Decoded messages become plain objects in OTLP/JSON's shape (lowerCamelCase names, 64-bit integers as
 * decimal strings, enums as numbers), so that protobuf and JSON bodies take one path afterwards.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import protobuf from 'protobufjs'

const PROTO_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'proto')
const FILES = [
  'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
  'opentelemetry/proto/collector/logs/v1/logs_service.proto',
  'google/rpc/status.proto',
]

let root: protobuf.Root | null = null
function types() {
  if (!root) {
    const r = new protobuf.Root()
    r.resolvePath = (_origin, target) => {
      // google/protobuf/* come with protobufjs; everything else is ours.
      if (target.startsWith('google/protobuf/')) return target
      return path.join(PROTO_DIR, target)
    }
    r.loadSync(FILES, { keepCase: false })
    r.resolveAll()
    root = r
  }
  const t = (name: string) => root!.lookupType(name)
  return {
    metricsRequest: t('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest'),
    metricsResponse: t('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse'),
    logsRequest: t('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
    logsResponse: t('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse'),
    status: t('google.rpc.Status'),
  }
}

export type Signal = 'metrics' | 'logs'

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: Number, bytes: String, defaults: false, arrays: true }

/**
 * Decodes an ExportMetricsServiceRequest / ExportLogsServiceRequest. Throws protobufjs's error on bytes
 * that are not such a message.
 * @example const req = decodeRequest('metrics', body) // { resourceMetrics: [...] }
 */
export function decodeRequest(signal: Signal, body: Uint8Array): Record<string, unknown> {
  const t = signal === 'metrics' ? types().metricsRequest : types().logsRequest
  return t.toObject(t.decode(body), TO_OBJECT) as Record<string, unknown>
}

/** An Export…ServiceResponse: empty when everything was accepted, else `partialSuccess`. */
export function encodeResponse(signal: Signal, rejected: number, message: string): Uint8Array {
  const t = signal === 'metrics' ? types().metricsResponse : types().logsResponse
  if (rejected === 0 && message === '') return t.encode(t.create({})).finish()
  const partial = signal === 'metrics' ? { rejectedDataPoints: rejected, errorMessage: message } : { rejectedLogRecords: rejected, errorMessage: message }
  return t.encode(t.fromObject({ partialSuccess: partial })).finish()
}

/** A google.rpc.Status, the body of every OTLP 4xx/5xx answer. */
export function encodeStatus(code: number, message: string): Uint8Array {
  const t = types().status
  return t.encode(t.create({ code, message })).finish()
}

/**
 * Encodes an Export…ServiceRequest given in OTLP/JSON's shape (for benchmarks and tools that send OTLP).
 * @example encodeRequest('logs', { resourceLogs: [...] })
 */
export function encodeRequest(signal: Signal, request: Record<string, unknown>): Uint8Array {
  const t = signal === 'metrics' ? types().metricsRequest : types().logsRequest
  return t.encode(t.fromObject(request)).finish()
}
