/**
 * Answers typed by the API's schemas (metrics/api): `send(res, schema, body)` compiles only when
 * `body` has every field the schema (and so the OpenAPI document and the client's types) names, so a
 * renamed server field fails `tsc` instead of reaching a client.
 */
import type { Response } from 'express'
import type { z } from 'zod'

/**
 * Sends `body` as JSON with `status` (default 200).
 * @example send(res, initiativeList, { initiatives }) // 200 {"initiatives": [...]}
 */
export function send<S extends z.ZodType>(res: Response, _schema: S, body: z.output<S>, status = 200): void {
  res.status(status).json(body)
}

/**
 * JSON text of an answer built elsewhere (e.g. on the reader thread), typed by its schema.
 * @example const text = answerText(summaryResponse, await findSummary(db, config, params))
 */
export function answerText<S extends z.ZodType>(_schema: S, body: z.output<S>): string {
  return JSON.stringify(body)
}
