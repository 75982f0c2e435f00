/** How envelopes cross from the stream onto the bus, and the example rules on it: pure values. */
import { envelopeInputTemplate, eventSource } from '../processors/bus-bridge/bridged-event.js';

export { eventSource };

/**
 * The pipe's input template: the bus event's `detail` is `{ "envelope": <the whole envelope> }`.
 * Pipes parse Kinesis record data as JSON, so `<$.data>` is the decoded envelope object.
 */
export const ENVELOPE_INPUT_TEMPLATE = envelopeInputTemplate('$.data');

/** Dynamic path for the bus event's `detail-type`: the envelope's event type. */
export const DETAIL_TYPE_PATH = '$.data.type';

/**
 * The pipe's filter for one aggregate type. Records that are not JSON envelopes never match, so they
 * stay out of the bus (the processor quarantines them).
 */
export function pipeFilterPattern(aggregateType: string): string {
  return JSON.stringify({ data: { aggregateType: [aggregateType], eventId: [{ exists: true }] } });
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
