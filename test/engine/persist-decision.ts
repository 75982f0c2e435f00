import type { AggregateDecision, LoadedAggregate } from '../../processors/engine/index.js';

/** What the store would hold after writing a decision (the snapshot, and buffered events put and deleted). */
export function persist(
  previous: LoadedAggregate | undefined,
  decision: AggregateDecision,
): LoadedAggregate | undefined {
  if (decision.next === undefined) return previous;
  const pendingEvents = new Map(previous?.pendingEvents ?? []);
  for (const e of decision.pendingToPut) pendingEvents.set(e.sequence, e);
  for (const s of decision.pendingToDelete) pendingEvents.delete(s);
  return { snapshot: decision.next, pendingEvents };
}
