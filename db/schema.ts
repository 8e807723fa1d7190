/**
 * Table interfaces for kysely. Columns are snake_case; db/queries maps rows to the camelCase domain.
 * Instants are epoch milliseconds (integers); money is integer minor units of the initiative's currency;
 * durations are integer milliseconds.
 */
import type { Generated } from 'kysely'

export interface InitiativesTable {
  id: Generated<number>
  slug: string
  name: string
  description: string
  owner: string | null
  team: string | null
  stage: string
  currency: string
  hourly_value_minor: number | null
  upfront_cost_minor: number
  monthly_cost_minor: number
  cost_per_error_minor: number | null
  baseline_error_rate: number | null
  baseline_decision_latency_seconds: number | null
  target_time_saved_hours_per_month: number | null
  target_error_rate: number | null
  target_revenue_influenced_per_month: number | null
  target_decision_latency_seconds: number | null
  started_at: number
  created_at: number
  updated_at: number
}

export interface StageChangesTable {
  id: Generated<number>
  initiative_id: number
  from_stage: string | null
  to_stage: string
  at: number
  actor: string
  reason: string | null
}

export interface ApiKeysTable {
  id: Generated<number>
  name: string
  /** The token's visible start (`ys_live_` + 8 characters), for recognising a key in lists. */
  prefix: string
  /** SHA-256 of the whole token, hex. The token itself is never stored. */
  token_hash: string
  role: string
  /** JSON array of initiative slugs the key may use; null means every initiative. */
  initiatives: string | null
  created_at: number
  last_used_at: number | null
  revoked_at: number | null
}

export interface EventsTable {
  /** Also the order of receipt: rollups fold in every id above their watermark. */
  id: Generated<number>
  initiative_id: number
  metric: string
  /** The client's idempotency key (`id` in the API), unique per initiative. */
  client_id: string | null
  /** Milliseconds for durations, minor units for money, null for error_rate. */
  quantity: number | null
  errors: number | null
  total: number | null
  occurred_at: number
  received_at: number
  key_id: number | null
  /** The initiative's stage at occurred_at, so results split by pilot vs production. */
  stage: string
  attributes: string | null
}

export interface RollupsTable {
  initiative_id: number
  metric: string
  stage: string
  /** 'hour' | 'day' | 'month', local to YARDSTICK_TIMEZONE. */
  grain: string
  bucket_start: number
  count: number
  quantity_sum: number
  errors_sum: number
  total_sum: number
  /** LatencySketch bytes (decision_latency only). */
  sketch: Uint8Array | null
}

export interface JobStateTable {
  name: string
  /** For rollups: the highest event id folded in. */
  watermark: number
  lease_owner: string | null
  lease_until: number
  updated_at: number
  /** Free-form JSON for the job (for rollups: the timezone the buckets were built in). */
  info: string | null
}

/** One span of time whose buckets a change to the rollups touched (a change has one or more). */
export interface RollupChangesTable {
  /** Counted by the job_state row 'rollup-changes' (its watermark is the latest generation). */
  generation: number
  /** [span_from, span_to): every rollup bucket the change touched overlaps it (epoch ms). */
  span_from: number
  span_to: number
  at: number
}

export interface AuditLogTable {
  id: Generated<number>
  at: number
  actor: string
  action: string
  entity: string
  entity_id: string
  before: string | null
  after: string | null
}

export interface SubscriptionsTable {
  id: Generated<number>
  name: string
  /** JSON array of email addresses. */
  recipients: string
  /** 'daily' | 'weekly' | 'monthly' | a 5-field cron expression. */
  schedule: string
  /** JSON array of initiative slugs; empty means every initiative. */
  initiatives: string
  timezone: string
  created_by: string
  created_at: number
  updated_at: number
}

export interface DigestOutboxTable {
  id: Generated<number>
  subscription_id: number
  /** '2026-11-24', '2026-W47', '2026-10', 'cron:<from>' or 'now:<at>' (extra messages). */
  period_key: string
  period_from: number
  period_to: number
  /** 'scheduled' | 'now'. */
  kind: string
  recipient: string
  /** Derived from (subscription, period key, recipient): a resend is the same message. */
  message_id: string
  /** 'pending' | 'sending' | 'sent' | 'retrying' | 'failed' | 'cancelled'. */
  status: string
  /** 1 when a send may have happened before this row's last attempt (found in `sending`, lease expired). */
  uncertain: number
  attempts: number
  /** Times handed to the mail server with no outcome recorded after (a sender died mid-send). */
  handoffs: Generated<number>
  lease_owner: string | null
  lease_until: number
  next_attempt_at: number
  last_error: string | null
  sent_at: number | null
  created_at: number
  updated_at: number
}

export interface EmailSecretsTable {
  name: string
  secret: string
  created_at: number
}

export interface UsersTable {
  id: Generated<number>
  /** Lower-cased. */
  email: string
  /** `scrypt$N$r$p$salt$hash` (base64url); never the password. */
  password_hash: string
  role: string
  disabled_at: number | null
  created_at: number
  updated_at: number
  last_sign_in_at: number | null
}

export interface SessionsTable {
  id: Generated<number>
  /** SHA-256 of the session cookie's token, hex. The token itself is never stored. */
  token_hash: string
  user_id: number
  created_at: number
  /** Idle expiry counts from here. */
  last_seen_at: number
  /** Absolute expiry. */
  expires_at: number
}

/** Small named settings (e.g. the hash of the first-run setup token). */
export interface SettingsTable {
  name: string
  value: string
  updated_at: number
}

/** Use-case fit per initiative (scale readiness, phase 1); volume is measured, not stored. */
export interface UseCaseFitTable {
  initiative_id: number
  category: string
  /** 1–4 (metrics/readiness.ts FIT_SCALES). */
  repetitiveness: number
  clarity: number
  engagement: number
  note: string
  recorded_by: string
  recorded_at: number
}

/** Attestations of governance checklist items (scale readiness, phase 3). */
export interface AttestationsTable {
  id: Generated<number>
  initiative_id: number
  /** 'accuracy_monitored' | 'bias_review' | 'audit_trail'. */
  item: string
  note: string
  attested_by: string
  reviewer: string | null
  /** The date the attested thing happened (local midnight, epoch ms). */
  attested_at: number
  recorded_at: number
}

/** Share tokens for embeds: each one a record, ending when revoked, expired, or its minter loses the right. */
export interface ShareTokensTable {
  id: Generated<number>
  /** SHA-256 of the whole token, hex. The token itself is never stored. */
  token_hash: string
  /** The token's visible start, for recognising it in lists. */
  prefix: string
  initiative_id: number
  /** 'user' | 'key'. */
  minted_by_kind: string
  minted_by_id: number
  /** The minter's email or key name, as the audit log names it. */
  minted_by: string
  created_at: number
  expires_at: number
  revoked_at: number | null
  revoked_by: string | null
}

/** Failed sign-ins per account, per address and per (account, address), in fixed windows. */
export interface SignInThrottleTable {
  key: string
  failures: number
  window_start: number
}

/** Events the rollup could not fold (sums would overflow), skipped and reported. */
export interface RollupSkippedEventsTable {
  event_id: number
  initiative_id: number
  reason: string
  at: number
}

/** The last point of each cumulative OTLP series (server/otlp). */
export interface OtlpSeriesTable {
  series_key: string
  initiative_id: number
  metric: string
  /** Nanoseconds since the epoch, as decimal text (beyond 2^53). */
  start_ns: string
  time_ns: string
  /** The last cumulative value (Sums) or JSON of cumulative bucket counts (Histograms). */
  state: string
  updated_at: number
}

/** CSV imports started from the dashboard, with their progress (server/import). */
export interface ImportsTable {
  id: Generated<number>
  file_name: string
  actor: string
  dry_run: number
  status: string
  bytes_total: number
  bytes_read: number
  rows_read: number
  accepted: number
  duplicates: number
  bad_rows: number
  problems: string
  message: string | null
  started_at: number
  finished_at: number | null
}

/** A webhook endpoint alerts are posted to (admins). The secret signs each body; shown once. */
export interface WebhooksTable {
  id: Generated<number>
  url: string
  /** 'json' | 'slack'. */
  format: string
  secret: string
  created_by: string
  created_at: number
  /** The first failed attempt since the last success (null while healthy). */
  failing_since: number | null
  last_success_at: number | null
  disabled_at: number | null
  disabled_reason: string | null
}

export interface AlertRulesTable {
  id: Generated<number>
  name: string
  /** null: every initiative. */
  initiative_id: number | null
  /** 'trajectory' | 'readiness' | 'payback' | 'silence'. */
  kind: string
  /** JSON object, per kind (server/alerts/rule-input.ts). */
  params: string
  /** JSON array of email addresses. */
  emails: string
  /** The creator's email when a dashboard user created it (told when a webhook is disabled). */
  owner: string | null
  created_by: string
  created_at: number
  updated_at: number
}

export interface AlertRuleWebhooksTable {
  rule_id: number
  webhook_id: number
}

/** The state of one (rule, initiative) pair (metrics/alert-state.ts). */
export interface AlertStatesTable {
  rule_id: number
  initiative_id: number
  /** 'ok' | 'firing' | 'resolved'. */
  state: string
  since: number | null
  episode: number
  /** Compare-and-set counter: a change applies only to the version it was computed from. */
  version: number
  /** The latest evaluation's message. */
  message: string | null
  /** JSON: per-kind memory (the payback reference month). */
  info: string | null
  evaluated_at: number
}

/** One message announcing one state change, under its stable event id. */
export interface AlertNotificationsTable {
  id: Generated<number>
  event_id: string
  rule_id: number
  initiative_id: number | null
  /** 'alert.firing' | 'alert.resolved' | 'webhook.disabled'. */
  type: string
  message: string
  at: number
  /** 'good' | 'warn' | 'neutral' (metrics/alert-state.ts, alertHeadline); null on rows made before it. */
  tone: string | null
  /** The leading words ("Ready to scale", "Firing", "Resolved"); null on rows made before it. */
  headline: string | null
}

/** One message to one destination (an email address or a webhook), under a unique send key. */
export interface AlertDeliveriesTable {
  id: Generated<number>
  send_key: string
  rule_id: number
  /** 'email' | 'webhook'. */
  channel: string
  /** The email address, or the webhook's id. */
  target: string
  webhook_id: number | null
  /** Yardstick-Event-Id: the notification's event id, or a digest's own id. */
  event_id: string
  /** JSON array of alert_notifications ids (more than one: a digest). */
  notification_ids: string
  /** 'pending' | 'sending' | 'sent' | 'retrying' | 'failed' | 'cancelled'. */
  status: string
  uncertain: number
  attempts: number
  handoffs: number
  lease_owner: string | null
  lease_until: number
  next_attempt_at: number
  last_error: string | null
  sent_at: number | null
  created_at: number
  updated_at: number
}

/** Every attempt at a delivery, shown on the rule's page. */
export interface AlertAttemptsTable {
  id: Generated<number>
  delivery_id: number
  at: number
  duration_ms: number
  /** 'delivered' | 'retry' | 'failed'. */
  outcome: string
  status_code: number | null
  error: string | null
}

/** The last event received per initiative, kept up to date above job_state 'alert-events'. */
export interface AlertLastEventsTable {
  initiative_id: number
  last_event_id: number
  last_received_at: number
}

/** One taking of the organisation's AI-readiness assessment (metrics/assessment.ts). */
export interface AssessmentsTable {
  id: Generated<number>
  taken_at: number
  taken_by: string
  note: string
  /** Scores 1–4 × 10 as computed when taken; null where not computed. */
  overall_tenths: number | null
  use_case_tenths: number | null
  integration_tenths: number | null
  governance_tenths: number | null
  measurement_tenths: number | null
}

/** One answer (1–4) of an assessment. */
export interface AssessmentAnswersTable {
  assessment_id: number
  question: string
  level: number
}

export interface Database {
  initiatives: InitiativesTable
  stage_changes: StageChangesTable
  api_keys: ApiKeysTable
  events: EventsTable
  rollups: RollupsTable
  job_state: JobStateTable
  rollup_changes: RollupChangesTable
  audit_log: AuditLogTable
  subscriptions: SubscriptionsTable
  digest_outbox: DigestOutboxTable
  email_secrets: EmailSecretsTable
  users: UsersTable
  sessions: SessionsTable
  settings: SettingsTable
  use_case_fit: UseCaseFitTable
  attestations: AttestationsTable
  share_tokens: ShareTokensTable
  sign_in_throttle: SignInThrottleTable
  rollup_skipped_events: RollupSkippedEventsTable
  otlp_series: OtlpSeriesTable
  imports: ImportsTable
  webhooks: WebhooksTable
  alert_rules: AlertRulesTable
  alert_rule_webhooks: AlertRuleWebhooksTable
  alert_states: AlertStatesTable
  alert_notifications: AlertNotificationsTable
  alert_deliveries: AlertDeliveriesTable
  alert_attempts: AlertAttemptsTable
  alert_last_events: AlertLastEventsTable
  assessments: AssessmentsTable
  assessment_answers: AssessmentAnswersTable
}
