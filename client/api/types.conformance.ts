/**
 * Compile-time check that the dashboard's hand-written API types (types.ts) accept what the server
 * sends: `npm test` runs tsc, so a server change that breaks a shape the client reads fails there.
 * Types only: nothing here reaches the bundle.
 */
import type { Initiative as ServerInitiative } from '../../db/queries/initiatives.js'
import type { PortfolioSeries as ServerPortfolioSeries, Series as ServerSeries } from '../../server/outcomes/series.js'
import type { PaybackAnswer as ServerPayback, Summary as ServerSummary } from '../../server/outcomes/summary.js'
import type { Initiative, PaybackCurve, PortfolioSeries, Series, Summary } from './types.js'

/** Compiles only when `T` is `true`. */
type Holds<T extends true> = T

export type Conformance = [
  Holds<ServerSummary extends Summary ? true : false>,
  Holds<ServerSeries extends Series ? true : false>,
  Holds<ServerPortfolioSeries extends PortfolioSeries ? true : false>,
  Holds<ServerInitiative extends Initiative ? true : false>,
  Holds<ServerPayback extends PaybackCurve ? true : false>,
]
