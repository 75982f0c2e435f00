import { SpanKind } from '@opentelemetry/api';
import type { Envelope } from '../envelope/schema.js';
import { envelopeAttributes } from '../tracing/envelope-attributes.js';
import {
  MessagingAttribute,
  MessagingOperationType,
  MessagingSystem,
  SpanName,
} from '../tracing/span-catalogue.js';
import { contextFromTraceFields } from '../tracing/trace-context.js';
import type { Tracing } from '../tracing/tracing.js';

/**
 * Records the `publish <bus>` PRODUCER span of one bridged event (docs/tracing.md, "Pipe to bus"), a child of the
 * envelope's trace context (a new trace when it has none). The enrichment is the last code of ours before the Pipe
 * puts the event, so the span ends here: it marks the hand-over to the Pipe, not the PutEvents call itself.
 */
export function tracePublish(tracing: Tracing, busName: string, envelope: Envelope): void {
  tracing.tracer
    .startSpan(
      SpanName.publishToBus(busName),
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          ...envelopeAttributes(envelope, MessagingSystem.eventBridge),
          [MessagingAttribute.operationType]: MessagingOperationType.send,
          [MessagingAttribute.operationName]: 'publish',
          [MessagingAttribute.destinationName]: busName,
        },
      },
      contextFromTraceFields(envelope),
    )
    .end();
}
