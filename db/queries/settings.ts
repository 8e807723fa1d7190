/**
 * Small named settings, one row each.
 */
import type { Tx } from '../connection.js'

export async function getSetting(tx: Tx, name: string): Promise<string | undefined> {
  const r = await tx.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirst()
  return r?.value
}

/** Sets (inserting or replacing) one setting. */
export async function putSetting(tx: Tx, name: string, value: string, at: number): Promise<void> {
  await tx
    .insertInto('settings')
    .values({ name, value, updated_at: at })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: at }))
    .execute()
}

export async function deleteSetting(tx: Tx, name: string): Promise<void> {
  await tx.deleteFrom('settings').where('name', '=', name).execute()
}
