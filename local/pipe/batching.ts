import { putEventsBatches } from '../../processors/bus-bridge/index.js';
import { PUT_EVENTS_LIMITS, type PutEventsRequestEntry } from '../bus/index.js';

/** Splits the Pipe's prepared entries, in order, into `PutEvents` calls as AWS counts them (`putEventsBatches`). */
export function chunkPutEventsEntries<T extends { readonly entry: PutEventsRequestEntry }>(
  items: readonly T[],
  maxEntries: number = PUT_EVENTS_LIMITS.maxEntries,
): T[][] {
  return putEventsBatches(items, (item) => item.entry, maxEntries);
}
