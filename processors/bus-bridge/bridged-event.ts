/**
 * The bus event the bridge puts for one envelope, and what it costs under PutEvents' size rule.
 *
 * One Pipe reads the stream for every bridged aggregate type. Its enrichment Lambda turns each record into a
 * {@link BridgedEvent}; the target takes `Source` and `DetailType` from it by dynamic JSON path and renders
 * `Detail` = `{"envelope": <the envelope>}` with {@link ENVELOPE_INPUT_TEMPLATE}. A dynamic path must be the
 * whole value ("The entire value has to be a JSON path, not only part of it"), so `<prefix>.<aggregateType>`
 * has to exist as one field, which only an enrichment can add
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-target.html); for the target,
 * "the event payload is what is returned from the enrichment"
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-input-transformation.html).
 */
import { PUT_EVENTS_TIME_BYTES, putEventsEntrySize } from './put-events-entry-size.js';

/** What the enrichment returns per record: the target's `Source`, `DetailType` and the envelope for `Detail`. */
export interface BridgedEvent<TEnvelope = unknown> {
  /** `<sourcePrefix>.<aggregateType>`. */
  readonly source: string;
  /** The envelope's `type`. */
  readonly detailType: string;
  readonly envelope: TEnvelope;
}

/** Dynamic path of the bus event's `source` in a {@link BridgedEvent}. */
export const SOURCE_PATH = '$.source';

/** Dynamic path of the bus event's `detail-type` in a {@link BridgedEvent}. */
export const DETAIL_TYPE_PATH = '$.detailType';

/** The Pipe target's input template with the envelope at `path`: `{"envelope": <path>}`. */
export function envelopeInputTemplate(path: string): string {
  return `{"envelope": <${path}>}`;
}

/** The target's input template: the bus event's `detail` is `{ "envelope": <the whole envelope> }`. */
export const ENVELOPE_INPUT_TEMPLATE = envelopeInputTemplate('$.envelope');

/** The template's own text: what `detail` adds around the encoded envelope. */
const DETAIL_WRAPPER = envelopeInputTemplate('').replace('<>', '');

/**
 * Longest source prefix a stack may configure (ASCII, so characters are bytes). The envelope limit reserves
 * this much, so ingest and the processor need not know the stack's prefix.
 */
export const MAX_SOURCE_PREFIX_LENGTH = 64;

/** A source prefix is dotted lower-case words. */
export const SOURCE_PREFIX_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** Why `prefix` cannot be a source prefix, or `undefined` when it can. */
export function sourcePrefixProblem(prefix: string): string | undefined {
  if (prefix.length > MAX_SOURCE_PREFIX_LENGTH) {
    return `must be at most ${MAX_SOURCE_PREFIX_LENGTH} characters (the envelope size limit reserves that much)`;
  }
  if (!SOURCE_PREFIX_PATTERN.test(prefix)) return 'must be dotted lower-case words';
  // EventBridge reserves sources starting with "aws".
  if (prefix.startsWith('aws')) return 'must not start with "aws" (reserved by EventBridge)';
  return undefined;
}

/** A source prefix of the longest allowed length: what ingest and the processor budget for. */
export const WORST_CASE_SOURCE_PREFIX = 'p'.repeat(MAX_SOURCE_PREFIX_LENGTH);

/** The bus event `source` of an aggregate type: `<prefix>.<aggregateType>`. */
export function eventSource(sourcePrefix: string, aggregateType: string): string {
  return `${sourcePrefix}.${aggregateType}`;
}

/** The bridged event of an envelope. */
export function bridgedEvent<TEnvelope extends { readonly aggregateType: string; readonly type: string }>(
  sourcePrefix: string,
  envelope: TEnvelope,
): BridgedEvent<TEnvelope> {
  return { source: eventSource(sourcePrefix, envelope.aggregateType), detailType: envelope.type, envelope };
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
