/**
 * The envelope size limit, derived from what the bus bridge must carry: every accepted envelope fits in one
 * PutEvents entry as the Pipe builds it (`detail = {"envelope": …}`, `source = <prefix>.<aggregateType>`,
 * `detail-type = <type>`, `Time` counted), whatever source prefix the stack configures (up to
 * `MAX_SOURCE_PREFIX_LENGTH`). See docs/deploy.md ("The envelope size limit").
 */
import { bridgedEntrySize, WORST_CASE_SOURCE_PREFIX } from '../bus-bridge/bridged-event.js';
import { fitsPutEvents, PUT_EVENTS_SIZE_LIMIT_BYTES } from '../bus-bridge/put-events-entry-size.js';

/** Largest encoded envelope (UTF-8 JSON bytes) accepted for this aggregate type and event type. */
export function maxEnvelopeBytes(aggregateType: string, type: string): number {
  const overhead = bridgedEntrySize({
    sourcePrefix: WORST_CASE_SOURCE_PREFIX,
    aggregateType,
    type,
    envelopeBytes: 0,
  });
  // fitsPutEvents is "less than the limit": the largest fitting entry is one byte under it.
  return PUT_EVENTS_SIZE_LIMIT_BYTES - 1 - overhead;
}

/** True when an envelope of `envelopeBytes` with this aggregate type and type can cross the bridge. */
export function envelopeFitsBridge(aggregateType: string, type: string, envelopeBytes: number): boolean {
  return fitsPutEvents(
    bridgedEntrySize({ sourcePrefix: WORST_CASE_SOURCE_PREFIX, aggregateType, type, envelopeBytes }),
  );
}

/**
 * Upper bound of every accepted envelope: the limit for one-character `aggregateType` and `type`. A record
 * larger than this is refused before it is parsed.
 */
export const MAX_ENVELOPE_BYTES = maxEnvelopeBytes('a', 'T');

/** Lower bound of the limit: 64-character `aggregateType` and a 128-character `type` of 4-byte characters. */
export const MIN_ENVELOPE_LIMIT_BYTES = maxEnvelopeBytes('a'.repeat(64), '\u{10000}'.repeat(128));
