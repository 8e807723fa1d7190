/**
 * Raw events (as posted to /api/v1/events) → rows for the event writer: the one place the ingest rules
 * are applied, shared by the JSON API, the OTLP receiver and the CSV import. Shape rules come from
 * metrics/kinds.ts (`parseEvent`, `normalizeForInitiative`); this adds what needs the database: the
 * initiative exists, its currency, its stage at the time, and the prune horizon.
 *
 * Two steps so that a caller holding a transaction can validate without another query:
 * `lookup(slugs)` reads (cached) what the rules need, `toRow(...)` is synchronous.
 */
import type { Db } from '../../db/connection.js'
import { findIngestTargets, stageAt, type IngestTarget } from '../../db/queries/initiatives.js'
import { findPruneHorizon } from '../../db/queries/retention.js'
import type { EventRow } from '../../db/queries/events.js'
import { normalizeForInitiative, parseEvent, type FieldProblem, type ParsedEvent } from '../../metrics/kinds.js'
import { VersionedCache } from './lookup-cache.js'

/** What the initiative-dependent rules need, read once per request. */
export interface IngestContext {
  targets: Map<string, IngestTarget>
  /** Raw events before this instant were pruned: older events are refused (they could be counted twice). */
  prunedBefore: number
}

export type PreparedEvent = { ok: true; row: EventRow; initiative: string } | { ok: false; problems: FieldProblem[]; initiative: string | null }

export class EventPreparer {
  private readonly initiatives: VersionedCache<IngestTarget>
  private readonly horizon: VersionedCache<number>

  constructor(private readonly db: Db) {
    this.initiatives = new VersionedCache<IngestTarget>(db)
    this.horizon = new VersionedCache<number>(db)
  }

  /**
   * Reads the initiatives named by `slugs` and the prune horizon (both cached, invalidated by any change).
   * @example const ctx = await preparer.lookup(['invoices'])
   */
  async lookup(slugs: Iterable<string>): Promise<IngestContext> {
    const list = [...new Set(slugs)]
    const targets = await this.initiatives.getMany(list, (missing) => findIngestTargets(this.db, missing))
    const prunedBefore = (await this.horizon.get('prune', async () => (await findPruneHorizon(this.db))?.before ?? 0)) ?? 0
    return { targets, prunedBefore }
  }

  /**
   * Validates one raw event and turns it into a row, or says what to fix. Synchronous: everything it
   * needs is in `ctx`. Key scope is the caller's check (it decides between 403 and a per-event problem).
   * @example preparer.toRow({ initiative: 'invoices', metric: 'time_saved', value: 3, occurredAt: '2026-11-25T09:00:00Z' }, ctx, Date.now(), key.id)
   */
  toRow(raw: unknown, ctx: IngestContext, now: number, keyId: number | null): PreparedEvent {
    const r = parseEvent(raw, now)
    if (!r.ok) {
      const slug = typeof (raw as { initiative?: unknown })?.initiative === 'string' ? (raw as { initiative: string }).initiative : null
      return { ok: false, problems: r.problems, initiative: slug }
    }
    return this.rowFor(r.event, ctx, now, keyId)
  }

  /**
   * The initiative-dependent rules for an event that passed `parseEvent`: registered initiative, prune
   * horizon, currency and minor units; the stage at `occurredAt`.
   * @example preparer.rowFor(parsed, ctx, Date.now(), null)
   */
  rowFor(event: ParsedEvent, ctx: IngestContext, now: number, keyId: number | null): PreparedEvent {
    const initiative = event.initiative
    const target = ctx.targets.get(initiative)
    if (!target) {
      return { ok: false, initiative, problems: [{ field: 'initiative', message: `initiative "${initiative}" is not registered; register it first (npm run cli -- initiatives create --slug ${initiative} --name "...")` }] }
    }
    if (event.occurredAt < ctx.prunedBefore) {
      return { ok: false, initiative, problems: [{ field: 'occurredAt', message: `occurredAt is before ${new Date(ctx.prunedBefore).toISOString()}: raw events before then were pruned and their totals are final, so older events cannot be added` }] }
    }
    const n = normalizeForInitiative(event, target.currency)
    if (!n.ok) return { ok: false, initiative, problems: [n.problem] }
    return {
      ok: true,
      initiative,
      row: {
        initiative_id: target.id,
        metric: event.metric,
        client_id: event.clientId,
        quantity: n.figures.quantity,
        errors: n.figures.errors,
        total: n.figures.total,
        occurred_at: event.occurredAt,
        received_at: now,
        key_id: keyId,
        stage: stageAt(target.history, event.occurredAt, target.stage),
        attributes: event.attributes,
      },
    }
  }
}
