import type { Kysely } from 'kysely'

// Frozen in time: never import app code here.
// Each alert message keeps the tone and leading words decided when it was made (good news such as
// "Ready to scale", a warning, or neutral news), so the dashboard, the email and Slack say it the same
// way on every retry. Null on older rows: read as a warning when firing, good news when resolved.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('alert_notifications').addColumn('tone', 'text').execute()
  await db.schema.alterTable('alert_notifications').addColumn('headline', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('alert_notifications').dropColumn('headline').execute()
  await db.schema.alterTable('alert_notifications').dropColumn('tone').execute()
}
