/**
 * The bus event the bridge puts for one envelope, and what it costs under PutEvents' size rule: the Pipe's
 * target renders `detail = {"envelope": <the envelope>}` with an input template and sets
 * `source = <prefix>.<aggregateType>` and `detail-type = <type>`
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-input-transformation.html).
 */
import { PUT_EVENTS_TIME_BYTES, putEventsEntrySize } from './put-events-entry-size.js';

/** The Pipe target's input template with the envelope at `path`: `{"envelope": <path>}`. */
export function envelopeInputTemplate(path: string): string {
  return `{"envelope": <${path}>}`;
}

/** The template's own text: what `detail` adds around the encoded envelope. */
const DETAIL_WRAPPER = envelopeInputTemplate('').replace('<>', '');

/**
 * Longest source prefix a stack may configure (ASCII, so characters are bytes). The envelope limit reserves
 * this much, so ingest and the processor need not know the stack's prefix.
 */
export const MAX_SOURCE_PREFIX_LENGTH = 64;

/** A source prefix of the longest allowed length: what ingest and the processor budget for. */
export const WORST_CASE_SOURCE_PREFIX = 'p'.repeat(MAX_SOURCE_PREFIX_LENGTH);

/** The bus event `source` of an aggregate type: `<prefix>.<aggregateType>`. */
export function eventSource(sourcePrefix: string, aggregateType: string): string {
  return `${sourcePrefix}.${aggregateType}`;
}

/** What the size of a bridged entry depends on. */
export interface BridgedEntryParts {
  readonly sourcePrefix: string;
  readonly aggregateType: string;
  readonly type: string;
  /** UTF-8 bytes of the envelope as JSON (`JSON.stringify`, what the template renders). */
  readonly envelopeBytes: number;
}

/**
 * PutEvents entry size of the event the Pipe puts for an envelope: `Source`, `DetailType`, `Detail` (template
 * text plus the envelope) and 14 bytes for `Time`, which AWS does not say whether a Pipe sets, so it is
 * counted. No `Resources`: the bridge sets none, and events a Pipe delivers carry `"resources": []`.
 */
export function bridgedEntrySize(parts: BridgedEntryParts): number {
  const around = putEventsEntrySize({
    Time: PUT_EVENTS_TIME_BYTES,
    Source: eventSource(parts.sourcePrefix, parts.aggregateType),
    DetailType: parts.type,
    Detail: DETAIL_WRAPPER,
  });
  return around + parts.envelopeBytes;
}
