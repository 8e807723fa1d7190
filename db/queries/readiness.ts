/**
 * Scale readiness storage: the use-case fit per initiative, attestations of checklist items, and the
 * count of audit entries per initiative (the "audit trail present" item).
 */
import type { Tx } from '../connection.js'
import type { AttestableItem, Attestation, FitLevel, FitRecord, UseCaseCategory } from '../../metrics/readiness.js'

/**
 * The use-case fit of each initiative id that has one.
 * @example const fits = await findFits(db, [1, 2])
 */
export async function findFits(tx: Tx, initiativeIds: number[]): Promise<Map<number, FitRecord>> {
  const out = new Map<number, FitRecord>()
  if (initiativeIds.length === 0) return out
  const rows = await tx.selectFrom('use_case_fit').selectAll().where('initiative_id', 'in', initiativeIds).execute()
  for (const r of rows) {
    out.set(r.initiative_id, {
      category: r.category as UseCaseCategory,
      repetitiveness: r.repetitiveness as FitLevel,
      clarity: r.clarity as FitLevel,
      engagement: r.engagement as FitLevel,
      note: r.note,
      recordedBy: r.recorded_by,
      recordedAt: r.recorded_at,
    })
  }
  return out
}

/**
 * Records (or replaces) an initiative's use-case fit; returns what was there before, for the audit.
 * @example const before = await saveFit(tx, 3, { category: 'other', repetitiveness: 3, clarity: 3, engagement: 4, note: '', recordedBy: 'ana@x.com', recordedAt: now })
 */
export async function saveFit(tx: Tx, initiativeId: number, fit: FitRecord): Promise<FitRecord | null> {
  const before = (await findFits(tx, [initiativeId])).get(initiativeId) ?? null
  const values = {
    category: fit.category,
    repetitiveness: fit.repetitiveness,
    clarity: fit.clarity,
    engagement: fit.engagement,
    note: fit.note,
    recorded_by: fit.recordedBy,
    recorded_at: fit.recordedAt,
  }
  await tx
    .insertInto('use_case_fit')
    .values({ initiative_id: initiativeId, ...values })
    .onConflict((oc) => oc.column('initiative_id').doUpdateSet(values))
    .execute()
  return before
}

/**
 * Every attestation of these initiatives, by initiative id, oldest first.
 * @example const byId = await findAttestations(db, [1])
 */
export async function findAttestations(tx: Tx, initiativeIds: number[]): Promise<Map<number, Attestation[]>> {
  const out = new Map<number, Attestation[]>()
  if (initiativeIds.length === 0) return out
  const rows = await tx.selectFrom('attestations').selectAll().where('initiative_id', 'in', initiativeIds).orderBy('attested_at').orderBy('id').execute()
  for (const r of rows) {
    const list = out.get(r.initiative_id) ?? []
    list.push({ id: r.id, item: r.item as AttestableItem, note: r.note, attestedBy: r.attested_by, attestedAt: r.attested_at, recordedAt: r.recorded_at, reviewer: r.reviewer })
    out.set(r.initiative_id, list)
  }
  return out
}

/**
 * Appends an attestation (they are never edited: a newer one supersedes an older one).
 * @example await insertAttestation(tx, 3, { item: 'bias_review', note: 'no disparity by region', attestedBy: 'ana@x.com', reviewer: null, attestedAt, recordedAt: now })
 */
export async function insertAttestation(tx: Tx, initiativeId: number, a: Omit<Attestation, 'id'>): Promise<Attestation> {
  const { id } = await tx
    .insertInto('attestations')
    .values({ initiative_id: initiativeId, item: a.item, note: a.note, attested_by: a.attestedBy, reviewer: a.reviewer, attested_at: a.attestedAt, recorded_at: a.recordedAt })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { id, ...a }
}

/**
 * Audit log entries per initiative slug (entity `initiative`).
 * @example const n = (await countInitiativeAudit(db, ['invoices'])).get('invoices') ?? 0
 */
export async function countInitiativeAudit(tx: Tx, slugs: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  if (slugs.length === 0) return out
  const rows = await tx
    .selectFrom('audit_log')
    .select(['entity_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('entity', '=', 'initiative')
    .where('entity_id', 'in', slugs)
    .groupBy('entity_id')
    .execute()
  for (const r of rows) out.set(r.entity_id, Number(r.n))
  return out
}
