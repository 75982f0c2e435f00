/** How envelopes cross from the stream onto the bus, and the example rules on it: pure values. */
import {
  DETAIL_TYPE_PATH,
  ENVELOPE_INPUT_TEMPLATE,
  eventSource,
  SOURCE_PATH,
} from '../processors/bus-bridge/bridged-event.js';

/**
 * The Pipe's target parameters: `source` and `detail-type` are dynamic paths into what the enrichment
 * returns ({@link SOURCE_PATH}, {@link DETAIL_TYPE_PATH}); `detail` is `{"envelope": …}`.
 */
export { DETAIL_TYPE_PATH, ENVELOPE_INPUT_TEMPLATE, eventSource, SOURCE_PATH };

/** A Pipe filter pattern may be at most this long. https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_Filter.html */
export const MAX_FILTER_PATTERN_LENGTH = 4096;

/**
 * The Pipe's filter: records whose JSON data is an envelope of a bridged aggregate type. Records that are
 * not JSON never match, so they stay out of the bus (the processor quarantines them).
 */
export function pipeFilterPattern(aggregateTypes: readonly string[]): string {
  return JSON.stringify({ data: { aggregateType: [...aggregateTypes], eventId: [{ exists: true }] } });
}

/** An example rule: a name and its EventBridge event pattern. */
export interface ExampleRule {
  readonly name: string;
  readonly description: string;
  readonly eventPattern: Record<string, unknown>;
}

/** Example rules, one per bridged aggregate type: every event of that type, to the example consumer queue. */
export function exampleRules(sourcePrefix: string, aggregateTypes: readonly string[]): ExampleRule[] {
  return aggregateTypes.map((aggregateType) => ({
    name: `${aggregateType}-events`,
    description: `Every ${aggregateType} event, to the example consumer queue`,
    eventPattern: { source: [eventSource(sourcePrefix, aggregateType)] },
  }));
}
