import { chainOf } from '../processors/engine/index.js';
import { recentKey, SKIPPED_KEY } from '../processors/engine/recent-key.js';
import type { LedgerEvent } from './ledger.js';
import type { ProjectionSnapshot } from './projection-reader.js';

/** The delivery figures of a run: what was acknowledged, and what became of it in the projection. */
export interface DeliveryFigures {
  /** Events ingest answered 2xx for. */
  readonly acknowledged: number;
  /** Events applied to the run's projections (the sum of their versions). */
  readonly applied: number;
  /** Acknowledged events never applied. */
  readonly lost: number;
  /** Extra applications of an event already applied. */
  readonly appliedTwice: number;
  /** Applied events that sit at another event's place in the sequence order (at least 1 per reordered aggregate). */
  readonly outOfOrder: number;
}

/**
 * Classifies each aggregate's projection against what was sent (pure). `version` short of the acknowledged
 * count is loss; an eventId twice in the snapshot's `recent` tail, or a version beyond everything sent, is a
 * double application; a right version whose chain differs is a reorder, counted by the `recent` entries out of
 * place (the chain covers the whole history, `recent` only its last entries, so at least 1 per such aggregate).
 * Events of given-up requests (uncertain) may be applied or not: they count as neither lost nor twice.
 */
export function deliveryFigures(
  aggregates: ReadonlyMap<string, readonly LedgerEvent[]>,
  projections: ReadonlyMap<string, ProjectionSnapshot>,
): DeliveryFigures {
  let acknowledged = 0;
  let applied = 0;
  let lost = 0;
  let appliedTwice = 0;
  let outOfOrder = 0;
  for (const [aggregateId, events] of aggregates) {
    const accepted = events.filter((e) => e.outcome === 'accepted').length;
    const sendable = events.filter((e) => e.outcome === 'accepted' || e.outcome === 'uncertain').length;
    const snapshot = projections.get(aggregateId);
    const version = snapshot?.version ?? 0;
    acknowledged += accepted;
    applied += version;
    lost += Math.max(0, accepted - version);
    const recent = snapshot?.recent ?? [];
    const seen = new Set<string>();
    let repeats = 0;
    for (const id of recent) {
      if (id === SKIPPED_KEY) continue;
      if (seen.has(id)) repeats += 1;
      seen.add(id);
    }
    const beyond = Math.max(0, version - sendable);
    appliedTwice += Math.max(repeats, beyond);
    if (repeats > 0 || beyond > 0 || version < accepted || snapshot === undefined) continue;
    if (snapshot.chain === chainOf(events.slice(0, version).map((e) => e.eventId))) continue;
    const first = version - recent.length + 1;
    let misplaced = 0;
    recent.forEach((id, i) => {
      const expected = events[first + i - 1]?.eventId;
      // `recent` holds window keys (hashes of eventIds), as the table stores them.
      if (id !== SKIPPED_KEY && (expected === undefined || id !== recentKey(expected))) misplaced += 1;
    });
    outOfOrder += Math.max(1, misplaced);
  }
  return { acknowledged, applied, lost, appliedTwice, outOfOrder };
}
