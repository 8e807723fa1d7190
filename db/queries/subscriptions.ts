/**
 * Email-summary subscriptions. Recipients and initiatives are stored as JSON arrays; the domain speaks
 * arrays and ISO instants. Every change is audited in the caller's transaction.
 */
import type { Selectable } from 'kysely'
import type { Tx } from '../connection.js'
import type { SubscriptionsTable } from '../schema.js'
import { recordAudit } from './audit.js'

export interface Subscription {
  id: number
  name: string
  recipients: string[]
  /** 'daily' | 'weekly' | 'monthly' | a 5-field cron expression. */
  schedule: string
  /** Initiative slugs; empty means every initiative. */
  initiatives: string[]
  timezone: string
  createdBy: string
  createdAt: string
  updatedAt: string
}

/** The fields a caller may set. */
export interface SubscriptionFields {
  name: string
  recipients: string[]
  schedule: string
  initiatives: string[]
  timezone: string
}

type Row = Selectable<SubscriptionsTable>

function toSubscription(r: Row): Subscription {
  return {
    id: r.id,
    name: r.name,
    recipients: JSON.parse(r.recipients) as string[],
    schedule: r.schedule,
    initiatives: JSON.parse(r.initiatives) as string[],
    timezone: r.timezone,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  }
}

function toColumns(f: Partial<SubscriptionFields>): Partial<Row> {
  const c: Partial<Row> = {}
  if (f.name !== undefined) c.name = f.name
  if (f.recipients !== undefined) c.recipients = JSON.stringify(f.recipients)
  if (f.schedule !== undefined) c.schedule = f.schedule
  if (f.initiatives !== undefined) c.initiatives = JSON.stringify(f.initiatives)
  if (f.timezone !== undefined) c.timezone = f.timezone
  return c
}

/**
 * Every subscription, oldest first.
 * @example const subs = await listSubscriptions(db)
 */
export async function listSubscriptions(tx: Tx): Promise<Subscription[]> {
  const rows = await tx.selectFrom('subscriptions').selectAll().orderBy('id').execute()
  return rows.map(toSubscription)
}

/** One subscription by id, or undefined. */
export async function findSubscription(tx: Tx, id: number): Promise<Subscription | undefined> {
  const r = await tx.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst()
  return r ? toSubscription(r) : undefined
}

/**
 * Creates a subscription and audits it.
 * @example await createSubscription(tx, { name: 'Exec weekly', recipients: ['cfo@x.com'], schedule: 'weekly', initiatives: [], timezone: 'UTC' }, { actor: 'cli', at: Date.now() })
 */
export async function createSubscription(tx: Tx, f: SubscriptionFields, by: { actor: string; at: number }): Promise<Subscription> {
  const { id } = await tx
    .insertInto('subscriptions')
    .values({ ...(toColumns(f) as Omit<Row, 'id' | 'created_by' | 'created_at' | 'updated_at'>), created_by: by.actor, created_at: by.at, updated_at: by.at })
    .returning('id')
    .executeTakeFirstOrThrow()
  const created = (await findSubscription(tx, id))!
  await recordAudit(tx, { at: by.at, actor: by.actor, action: 'create', entity: 'subscription', entityId: id, after: created })
  return created
}

/**
 * Applies a patch and audits before and after; undefined when there is no such subscription.
 * @example await updateSubscription(tx, 3, { schedule: 'monthly' }, { actor: 'ops@x.com', at: Date.now() })
 */
export async function updateSubscription(tx: Tx, id: number, patch: Partial<SubscriptionFields>, by: { actor: string; at: number; action?: string }): Promise<Subscription | undefined> {
  const before = await findSubscription(tx, id)
  if (!before) return undefined
  await tx.updateTable('subscriptions').set({ ...toColumns(patch), updated_at: by.at }).where('id', '=', id).execute()
  const after = (await findSubscription(tx, id))!
  await recordAudit(tx, { at: by.at, actor: by.actor, action: by.action ?? 'update', entity: 'subscription', entityId: id, before, after })
  return after
}

/**
 * Deletes a subscription (its delivery history goes with it) and audits it.
 * @example await deleteSubscription(tx, 3, { actor: 'cli', at: Date.now() })
 */
export async function deleteSubscription(tx: Tx, id: number, by: { actor: string; at: number }): Promise<Subscription | undefined> {
  const before = await findSubscription(tx, id)
  if (!before) return undefined
  await tx.deleteFrom('digest_outbox').where('subscription_id', '=', id).execute()
  await tx.deleteFrom('subscriptions').where('id', '=', id).execute()
  await recordAudit(tx, { at: by.at, actor: by.actor, action: 'delete', entity: 'subscription', entityId: id, before })
  return before
}

/**
 * Removes one recipient (matched case-insensitively) from a subscription, audited with the recipient
 * as the actor. Returns whether the address was on the list.
 * @example await removeRecipient(tx, 3, 'cfo@x.com', Date.now())
 */
export async function removeRecipient(tx: Tx, id: number, email: string, at: number): Promise<{ subscription: Subscription; removed: boolean } | undefined> {
  const before = await findSubscription(tx, id)
  if (!before) return undefined
  const recipients = before.recipients.filter((r) => r.toLowerCase() !== email.toLowerCase())
  if (recipients.length === before.recipients.length) return { subscription: before, removed: false }
  const after = (await updateSubscription(tx, id, { recipients }, { actor: email, at, action: 'unsubscribe' }))!
  return { subscription: after, removed: true }
}

/**
 * The named secret (for example the key that signs unsubscribe links), created at random on first use.
 * @example const key = await findOrCreateSecret(db, 'unsubscribe', () => randomBytes(32).toString('hex'), Date.now())
 */
export async function findOrCreateSecret(tx: Tx, name: string, generate: () => string, at: number): Promise<string> {
  await tx.insertInto('email_secrets').values({ name, secret: generate(), created_at: at }).onConflict((oc) => oc.column('name').doNothing()).execute()
  const row = await tx.selectFrom('email_secrets').select('secret').where('name', '=', name).executeTakeFirstOrThrow()
  return row.secret
}
