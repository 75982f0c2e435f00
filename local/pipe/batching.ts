import { PUT_EVENTS_LIMITS, type PutEventsRequestEntry, putEventsEntrySize } from '../bus/index.js';

/**
 * Splits entries, in order, into `PutEvents` calls of ≤ `maxEntries` entries totalling under `maxBytes` (AWS
 * counts both, `putEventsEntrySize`). An entry too big on its own travels alone, so only it fails.
 */
export function chunkPutEventsEntries<T extends { readonly entry: PutEventsRequestEntry }>(
  items: readonly T[],
  maxEntries: number = PUT_EVENTS_LIMITS.maxEntries,
  maxBytes: number = PUT_EVENTS_LIMITS.maxRequestBytes,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = putEventsEntrySize(item.entry);
    if (current.length > 0 && (current.length >= maxEntries || bytes + size >= maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
