/**
 * The API's request and response schemas, defined once (zod 4): the routes validate and type their
 * answers with them, the client infers its types from them (type-only imports), and the OpenAPI
 * document (./openapi.ts) is generated from them. Split by area; this module re-exports them all.
 */
export * from './common.js'
export * from './governance.js'
export * from './initiatives.js'
export * from './outcomes.js'
export * from './readiness.js'
export { API_ROUTES, answerSchema, type ApiRoute, type ApiAnswer, type HttpMethod } from './routes.js'
export * from './alerts.js'
export * from './assessment.js'
