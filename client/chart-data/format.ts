/** The dashboard's formatting is metrics/format.ts, shared with email and CSV. */
export * from '../../metrics/format.js'
