/**
 * Dashboard users. Passwords are stored only as scrypt hashes (server/auth/password.ts); no function
 * here returns a hash except the one sign-in needs, and audit entries never hold one.
 */
import type { Tx } from '../connection.js'
import { recordAudit } from './audit.js'

export const USER_ROLES = ['viewer', 'editor', 'admin'] as const
export type UserRole = (typeof USER_ROLES)[number]

export interface User {
  id: number
  email: string
  role: UserRole
  disabled: boolean
  createdAt: string
  lastSignInAt: string | null
}

/** What sign-in needs: the user and the stored hash. */
export interface UserForAuth {
  id: number
  email: string
  role: UserRole
  disabled: boolean
  passwordHash: string
}

/** Emails are compared trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
/** Whether a string looks like an email address (one @, a dot in the domain, no spaces). */
export function isEmail(email: string): boolean {
  return email.length <= 254 && EMAIL.test(email)
}

type UserRow = { id: number; email: string; role: string; disabled_at: number | null; created_at: number; last_sign_in_at: number | null }
const userColumns = ['id', 'email', 'role', 'disabled_at', 'created_at', 'last_sign_in_at'] as const

function toUser(r: UserRow): User {
  return {
    id: r.id,
    email: r.email,
    role: r.role as UserRole,
    disabled: r.disabled_at !== null,
    createdAt: new Date(r.created_at).toISOString(),
    lastSignInAt: r.last_sign_in_at === null ? null : new Date(r.last_sign_in_at).toISOString(),
  }
}

/** How many users exist (disabled ones included); 0 means first-run setup is open. */
export async function countUsers(tx: Tx): Promise<number> {
  const r = await tx.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(r.n)
}

/** How many admins can still sign in. */
export async function countActiveAdmins(tx: Tx): Promise<number> {
  const r = await tx.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('role', '=', 'admin').where('disabled_at', 'is', null).executeTakeFirstOrThrow()
  return Number(r.n)
}

export async function findUser(tx: Tx, id: number): Promise<User | undefined> {
  const r = await tx.selectFrom('users').select(userColumns).where('id', '=', id).executeTakeFirst()
  return r ? toUser(r) : undefined
}

export async function findUserByEmail(tx: Tx, email: string): Promise<User | undefined> {
  const r = await tx.selectFrom('users').select(userColumns).where('email', '=', normalizeEmail(email)).executeTakeFirst()
  return r ? toUser(r) : undefined
}

/** Every user, by email. */
export async function listUsers(tx: Tx): Promise<User[]> {
  const rows = await tx.selectFrom('users').select(userColumns).orderBy('email').execute()
  return rows.map(toUser)
}

/**
 * The user with this email and its password hash, for sign-in only.
 * @example const u = await findUserForAuth(db, 'ana@example.com')
 */
export async function findUserForAuth(tx: Tx, email: string): Promise<UserForAuth | undefined> {
  const r = await tx.selectFrom('users').select(['id', 'email', 'role', 'disabled_at', 'password_hash']).where('email', '=', normalizeEmail(email)).executeTakeFirst()
  return r ? { id: r.id, email: r.email, role: r.role as UserRole, disabled: r.disabled_at !== null, passwordHash: r.password_hash } : undefined
}

/**
 * Creates a user from an already computed password hash, and audits it (without the hash).
 * @example await createUser(tx, { email: 'ana@example.com', role: 'viewer', passwordHash }, { actor: 'cli', at: Date.now() })
 */
export async function createUser(tx: Tx, u: { email: string; role: UserRole; passwordHash: string }, by: { actor: string; at: number }): Promise<User> {
  const { id } = await tx
    .insertInto('users')
    .values({ email: normalizeEmail(u.email), password_hash: u.passwordHash, role: u.role, disabled_at: null, created_at: by.at, updated_at: by.at, last_sign_in_at: null })
    .returning('id')
    .executeTakeFirstOrThrow()
  const user = (await findUser(tx, id))!
  await recordAudit(tx, { at: by.at, actor: by.actor, action: 'create', entity: 'user', entityId: id, after: user })
  return user
}

/**
 * Changes a user's role, disabled flag or password, and audits before and after. A password change
 * shows in the audit entry only as `passwordChanged: true`. Returns undefined without such a user.
 * @example await updateUser(tx, 4, { role: 'editor' }, { actor: 'admin@example.com', at: Date.now() })
 */
export async function updateUser(tx: Tx, id: number, patch: { role?: UserRole; disabled?: boolean; passwordHash?: string }, by: { actor: string; at: number }): Promise<User | undefined> {
  const before = await findUser(tx, id)
  if (!before) return undefined
  const set: { role?: string; disabled_at?: number | null; password_hash?: string; updated_at: number } = { updated_at: by.at }
  if (patch.role !== undefined) set.role = patch.role
  if (patch.disabled !== undefined && patch.disabled !== before.disabled) set.disabled_at = patch.disabled ? by.at : null
  if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash
  await tx.updateTable('users').set(set).where('id', '=', id).execute()
  const after = (await findUser(tx, id))!
  const action = patch.disabled === true && !before.disabled ? 'disable' : patch.disabled === false && before.disabled ? 'enable' : 'update'
  await recordAudit(tx, { at: by.at, actor: by.actor, action, entity: 'user', entityId: id, before, after: patch.passwordHash !== undefined ? { ...after, passwordChanged: true } : after })
  return after
}

/** Records a successful sign-in (not audited: sign-ins change nothing). */
export async function recordSignIn(tx: Tx, id: number, at: number): Promise<void> {
  await tx.updateTable('users').set({ last_sign_in_at: at }).where('id', '=', id).execute()
}
