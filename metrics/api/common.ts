/**
 * Shapes every area of the API shares: the one error body, instants, enumerations and money figures.
 * Pure zod schemas (no node:*, no server/ or db/ imports), so the client can import their types.
 */
import { z } from 'zod'
import { METRICS } from '../metric-kinds.js'
import { STAGES } from '../stages.js'

/** An instant as ISO 8601 with its offset, e.g. `2026-11-01T00:00:00+00:00`. */
export const instant = z.string().meta({ format: 'date-time', description: 'ISO 8601 instant with offset' })
/** A local calendar month, `YYYY-MM`. */
export const monthString = z.string().regex(/^\d{4}-\d{2}$/).meta({ description: 'local calendar month, YYYY-MM' })
/** An initiative's slug: lower-case letters, digits and hyphens. */
export const slug = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/).meta({ description: 'initiative slug', example: 'invoices' })

/** The stages, in lifecycle order (metrics/stages.ts). */
export const stage = z.enum(STAGES, { error: `must be one of ${STAGES.join(', ')}` }).meta({ id: 'Stage' })
/** The metric kinds (metrics/metric-kinds.ts). */
export const metric = z.enum(METRICS).meta({ id: 'Metric' })
export const granularity = z.enum(['hour', 'day', 'week', 'month']).meta({ id: 'Granularity' })
export const targetStatus = z.enum(['on_track', 'at_risk', 'off_track', 'no_target', 'no_data']).meta({ id: 'TargetStatus' })
export const userRole = z.enum(['viewer', 'editor', 'admin']).meta({ id: 'UserRole' })
export const keyRole = z.enum(['ingest', 'read', 'admin']).meta({ id: 'KeyRole' })

/** One problem in an error body: the event's index in a batch (ingest), the field, and what to fix. */
export const errorDetail = z
  .object({
    index: z.number().int().optional(),
    field: z.string().nullable().optional(),
    message: z.string(),
  })
  .meta({ id: 'ErrorDetail' })

/** Every error: `{"error": {"code", "message", "details"}}` (CONTRACT.md). */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'validation_failed' }),
      message: z.string(),
      details: z.array(errorDetail),
    }),
  })
  .meta({ id: 'Error', description: 'The one error shape of every route' })

/** `{"month", "projected", "monthsFromStart"}`: the payback month (CONTRACT.md, "Money"). */
export const paybackMonth = z
  .object({
    month: monthString,
    projected: z.boolean(),
    monthsFromStart: z.number().int(),
  })
  .meta({ id: 'PaybackMonth' })

export type ErrorBody = z.infer<typeof errorBody>
export type Stage = z.infer<typeof stage>
export type Metric = z.infer<typeof metric>
export type Granularity = z.infer<typeof granularity>
export type TargetStatus = z.infer<typeof targetStatus>
export type UserRole = z.infer<typeof userRole>
export type KeyRole = z.infer<typeof keyRole>
