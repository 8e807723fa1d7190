/**
 * The only reader of process.env. Every setting, its default, and what to fix when it is wrong.
 */
import { isValidTimeZone } from '../metrics/time-buckets.js'

export interface Config {
  port: number
  host: string
  /** The SQLite file (YARDSTICK_DB), used when DATABASE_URL is unset. */
  dbFile: string
  /** Where the data lives: DATABASE_URL (a postgres:// URL) when set, else the SQLite file. */
  database: string
  timezone: string
  sync: 'full' | 'normal'
  smtpUrl: string | null
  mailFrom: string
  publicUrl: string
  /** Cron expression of the rollup job (node-cron syntax). */
  rollupCron: string
  /** Events folded per rollup transaction (one step). */
  rollupStepEvents: number
  /**
   * How long an instance's rollup lease lasts without renewal (renewed at every step): when an
   * instance dies mid-rollup, another takes over within this time.
   */
  rollupLeaseMs: number
  /** Ingest requests a second allowed per API key (token bucket, burst of twice that). */
  ingestRatePerKey: number
  /** Express `trust proxy` as a hop count (0: the socket's address is the client's). */
  trustProxy: number
  /** Largest request body in bytes. */
  maxBodyBytes: number
  /** Most events in one request. */
  maxEventsPerRequest: number
  /** Directory for files written instead of mail when SMTP_URL is unset. */
  outboxDir: string
  /** How long a digest sender holds a claimed delivery before another may take it over (ms). */
  digestLeaseMs: number
  /** A dashboard session ends after this long without a request (ms). */
  sessionIdleMs: number
  /** A dashboard session ends this long after sign-in, however active (ms). */
  sessionMaxMs: number
  /** Failed sign-ins allowed per account, and per client address, within signInWindowMs. */
  signInFailuresPerAccount: number
  signInFailuresPerIp: number
  signInWindowMs: number
  /** Scale readiness: consecutive full months a targeted metric must be on target (default 3). */
  readinessMonths: number
  /** How long an alert sender holds a claimed delivery, and the evaluator its lease (ms). */
  alertLeaseMs: number
  /** A webhook attempt with no answer within this long counts as a timeout, retried (ms). */
  webhookTimeoutMs: number
  /** A webhook failing for this many days in a row is disabled, and the rules' owners are emailed. */
  webhookDisableDays: number
  /** YARDSTICK_DEMO=1: the live demo (demo data, read-only, open to anyone; server/demo/live.ts). */
  demo: boolean
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, def: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return def
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`)
  return n
}

/**
 * Reads the configuration from the environment, throwing a ConfigError that says what to fix.
 * @example const config = loadConfig(process.env)
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env, 'PORT', 3000, 0, 65535)
  const timezone = env.YARDSTICK_TIMEZONE || 'UTC'
  if (!isValidTimeZone(timezone)) throw new ConfigError(`YARDSTICK_TIMEZONE must be an IANA time zone such as Europe/London or Asia/Kolkata, got "${timezone}"`)
  const syncRaw = (env.YARDSTICK_SYNC || 'full').toLowerCase()
  if (syncRaw !== 'full' && syncRaw !== 'normal') throw new ConfigError(`YARDSTICK_SYNC must be "full" (default: every acknowledged event survives a power cut) or "normal", got "${env.YARDSTICK_SYNC}"`)
  const smtpUrl = env.SMTP_URL || null
  if (smtpUrl !== null && !/^smtps?:\/\//.test(smtpUrl)) throw new ConfigError(`SMTP_URL must start with smtp:// or smtps://, e.g. smtp://127.0.0.1:2525, got "${smtpUrl}"`)
  const host = env.HOST || '0.0.0.0'
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '')
  try {
    new URL(publicUrl)
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute URL such as https://yardstick.example.com, got "${env.PUBLIC_URL}"`)
  }
  const dbFile = env.YARDSTICK_DB || 'data/yardstick.db'
  const databaseUrl = env.DATABASE_URL || null
  if (databaseUrl !== null) {
    let ok = false
    try {
      ok = /^postgres(ql)?:$/.test(new URL(databaseUrl).protocol)
    } catch {
      ok = false
    }
    if (!ok) throw new ConfigError('DATABASE_URL must be a PostgreSQL URL such as postgres://yardstick:secret@db.internal:5432/yardstick (unset it to use the SQLite file YARDSTICK_DB)')
  }
  const demoRaw = (env.YARDSTICK_DEMO ?? '').trim().toLowerCase()
  if (!['', '0', 'false', '1', 'true'].includes(demoRaw)) throw new ConfigError(`YARDSTICK_DEMO must be 1 (serve the read-only live demo) or 0, got "${env.YARDSTICK_DEMO}"`)
  return {
    port,
    host,
    dbFile,
    database: databaseUrl ?? dbFile,
    timezone,
    sync: syncRaw,
    smtpUrl,
    mailFrom: env.MAIL_FROM || 'Yardstick <yardstick@localhost>',
    publicUrl,
    rollupCron: env.YARDSTICK_ROLLUP_CRON || '* * * * *',
    rollupStepEvents: int(env, 'YARDSTICK_ROLLUP_STEP', 400_000, 1_000, 10_000_000),
    rollupLeaseMs: int(env, 'YARDSTICK_ROLLUP_LEASE_SECONDS', 120, 1, 3600) * 1000,
    ingestRatePerKey: int(env, 'YARDSTICK_INGEST_RATE', 2000, 1, 1_000_000),
    trustProxy: int(env, 'YARDSTICK_TRUST_PROXY', 0, 0, 10),
    maxBodyBytes: int(env, 'YARDSTICK_MAX_BODY_BYTES', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxEventsPerRequest: int(env, 'YARDSTICK_MAX_EVENTS', 10_000, 1, 1_000_000),
    outboxDir: env.YARDSTICK_OUTBOX_DIR || 'data/outbox',
    digestLeaseMs: int(env, 'YARDSTICK_DIGEST_LEASE_SECONDS', 300, 1, 86_400) * 1000,
    sessionIdleMs: int(env, 'YARDSTICK_SESSION_IDLE_MINUTES', 12 * 60, 1, 60 * 24 * 30) * 60_000,
    sessionMaxMs: int(env, 'YARDSTICK_SESSION_MAX_HOURS', 7 * 24, 1, 24 * 365) * 3_600_000,
    signInFailuresPerAccount: int(env, 'YARDSTICK_SIGNIN_FAILURES_PER_ACCOUNT', 5, 1, 1000),
    signInFailuresPerIp: int(env, 'YARDSTICK_SIGNIN_FAILURES_PER_IP', 20, 1, 100_000),
    signInWindowMs: int(env, 'YARDSTICK_SIGNIN_WINDOW_MINUTES', 15, 1, 24 * 60) * 60_000,
    readinessMonths: int(env, 'YARDSTICK_READINESS_MONTHS', 3, 1, 24),
    alertLeaseMs: int(env, 'YARDSTICK_ALERT_LEASE_SECONDS', 120, 1, 86_400) * 1000,
    webhookTimeoutMs: int(env, 'YARDSTICK_WEBHOOK_TIMEOUT_SECONDS', 10, 1, 300) * 1000,
    webhookDisableDays: int(env, 'YARDSTICK_WEBHOOK_DISABLE_DAYS', 3, 1, 90),
    demo: demoRaw === '1' || demoRaw === 'true',
  }
}
