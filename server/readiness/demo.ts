/**
 * Scale-readiness records for the demo portfolio (use-case fit and attestations), written with the demo
 * initiatives so that the demo shows every verdict: invoice processing ready, several at risk (off target
 * in production, or a pilot with little return), meeting notes (retired) not yet.
 */
import type { Tx } from '../../db/connection.js'
import { recordAudit } from '../../db/queries/audit.js'
import { insertAttestation, saveFit } from '../../db/queries/readiness.js'
import type { AttestableItem, FitLevel, UseCaseCategory } from '../../metrics/readiness.js'

export interface DemoReadiness {
  fit?: { category: UseCaseCategory; repetitiveness: FitLevel; clarity: FitLevel; engagement: FitLevel; note: string; by: string }
  /** Dated `daysAgo` days before the end of the demo period. */
  attestations?: Array<{ item: AttestableItem; note: string; by: string; reviewer?: string; daysAgo: number }>
}

/** Per demo slug. Slugs not listed have no fit and no attestations. */
export const DEMO_READINESS: Record<string, DemoReadiness> = {
  'invoice-processing': {
    fit: { category: 'invoice_processing', repetitiveness: 4, clarity: 4, engagement: 3, note: 'AP clerks asked for it; supplier invoices follow a handful of layouts.', by: 'maria.santos@example.com' },
    attestations: [{ item: 'bias_review', note: 'Compared exception rates by supplier size and country: no disparity beyond 1 point.', by: 'maria.santos@example.com', reviewer: 'Model risk committee', daysAgo: 40 }],
  },
  'customer-query-routing': {
    fit: { category: 'customer_query_routing', repetitiveness: 4, clarity: 3, engagement: 3, note: 'Queues are well defined; agents review misroutes weekly.', by: 'sofia.rossi@example.com' },
    attestations: [{ item: 'bias_review', note: 'Routing accuracy checked across languages and customer tiers.', by: 'sofia.rossi@example.com', daysAgo: 20 }],
  },
  'contract-review': {
    fit: { category: 'other', repetitiveness: 3, clarity: 3, engagement: 4, note: 'Legal owns the playbook of standard clauses.', by: 'aisha.khan@example.com' },
    attestations: [{ item: 'bias_review', note: 'Flag rates compared for supplier and customer contracts.', by: 'aisha.khan@example.com', reviewer: 'General counsel', daysAgo: 200 }],
  },
  'document-classification': {
    fit: { category: 'document_classification', repetitiveness: 3, clarity: 2, engagement: 2, note: 'Forty categories, several overlapping; the records team is not yet involved.', by: 'li.wei@example.com' },
  },
  'appointment-scheduling': {
    fit: { category: 'appointment_scheduling', repetitiveness: 3, clarity: 3, engagement: 4, note: 'Clinics asked for it; cancellations follow fixed rules.', by: 'james.okafor@example.com' },
  },
}

/**
 * Records a demo initiative's fit and attestations, audited like the API does, in the caller's transaction.
 * @example await recordDemoReadiness(tx, id, 'invoice-processing', { actor: 'cli', now })
 */
export async function recordDemoReadiness(tx: Tx, initiativeId: number, slug: string, by: { actor: string; now: number }): Promise<void> {
  const d = DEMO_READINESS[slug]
  if (!d) return
  if (d.fit) {
    const fit = { category: d.fit.category, repetitiveness: d.fit.repetitiveness, clarity: d.fit.clarity, engagement: d.fit.engagement, note: d.fit.note, recordedBy: d.fit.by, recordedAt: by.now }
    await saveFit(tx, initiativeId, fit)
    await recordAudit(tx, { at: by.now, actor: by.actor, action: 'record_fit', entity: 'initiative', entityId: slug, after: { fit } })
  }
  for (const a of d.attestations ?? []) {
    const at = by.now - a.daysAgo * 86_400_000
    const saved = await insertAttestation(tx, initiativeId, { item: a.item, note: a.note, attestedBy: a.by, reviewer: a.reviewer ?? null, attestedAt: at, recordedAt: by.now })
    await recordAudit(tx, { at: by.now, actor: by.actor, action: 'attest', entity: 'initiative', entityId: slug, after: saved })
  }
}
