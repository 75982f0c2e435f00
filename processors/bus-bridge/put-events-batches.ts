import { fitsPutEvents, type PutEventsSizedEntry, putEventsEntrySize } from './put-events-entry-size.js';

/** PutEvents takes at most 10 entries per call (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html). */
export const PUT_EVENTS_MAX_ENTRIES = 10;

/**
 * Splits items, in order, into `PutEvents` calls of ≤ `maxEntries` entries whose sizes (as `putEventsEntrySize`
 * counts them) total under the request limit. An entry too big on its own travels alone, so only it fails.
 *
 * @example
 * for (const call of putEventsBatches(items, (i) => i.entry)) await bus.putEvents(call.map((i) => i.entry));
 */
export function putEventsBatches<T>(
  items: readonly T[],
  entryOf: (item: T) => PutEventsSizedEntry,
  maxEntries: number = PUT_EVENTS_MAX_ENTRIES,
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = putEventsEntrySize(entryOf(item));
    if (current.length > 0 && (current.length >= maxEntries || !fitsPutEvents(bytes + size))) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
