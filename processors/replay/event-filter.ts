import type { Envelope } from '../envelope/schema.js';

/** Which events a replay takes; every field given must match (values within one field are alternatives). */
export interface EventFilter {
  readonly aggregateTypes?: readonly string[];
  readonly aggregateIds?: readonly string[];
  readonly eventTypes?: readonly string[];
}

/** A compiled filter: a predicate over envelopes. */
export type EventPredicate = (envelope: Pick<Envelope, 'aggregateType' | 'aggregateId' | 'type'>) => boolean;

/** Compiles a filter into a predicate; an empty filter takes everything. */
export function compileEventFilter(filter: EventFilter = {}): EventPredicate {
  const types = toSet(filter.aggregateTypes);
  const ids = toSet(filter.aggregateIds);
  const eventTypes = toSet(filter.eventTypes);
  return (envelope) =>
    (types === undefined || types.has(envelope.aggregateType)) &&
    (ids === undefined || ids.has(envelope.aggregateId)) &&
    (eventTypes === undefined || eventTypes.has(envelope.type));
}

/** True when the filter drops some event types, so aggregates are replayed partially (not foldable). */
export function filtersEventTypes(filter: EventFilter = {}): boolean {
  return (filter.eventTypes?.length ?? 0) > 0;
}

function toSet(values: readonly string[] | undefined): Set<string> | undefined {
  return values === undefined || values.length === 0 ? undefined : new Set(values);
}
