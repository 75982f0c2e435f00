import { ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Envelope } from '../envelope/schema.js';
import { envelopeLinks } from '../tracing/envelope-links.js';
import {
  MessagingAttribute,
  MessagingOperationType,
  MessagingSystem,
  PipelineAttribute,
  SpanName,
} from '../tracing/span-catalogue.js';
import { isSampledTraceparent } from '../tracing/trace-context.js';
import type { Tracing } from '../tracing/tracing.js';
import type { DeliveryOutcome } from './replay-target.js';

/**
 * Starts the `replay <target>` PRODUCER span of one written batch (docs/tracing.md, "Replay"): a new trace, linked to
 * the original context of every event that carries one (a replay is not a child of the events it re-sends, as a batch
 * is not: https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/#trace-structure). The links' events
 * were read from the archive, which Firehose wrote: their `messaging.system` is `aws_firehose`.
 */
export function startReplaySpan(
  tracing: Tracing,
  target: string,
  runId: string,
  events: readonly Envelope[],
): Span {
  // Links to sampled events go in at the start, so the sampler records the batch with them (LinkAwareSampler).
  const sampledLinks = events.some(isSampledTraceparent)
    ? envelopeLinks(events, MessagingSystem.firehose)
    : undefined;
  const span = tracing.tracer.startSpan(
    SpanName.replayBatch(target),
    {
      kind: SpanKind.PRODUCER,
      root: true,
      ...(sampledLinks === undefined ? {} : { links: sampledLinks }),
      attributes: {
        [MessagingAttribute.operationType]: MessagingOperationType.send,
        [MessagingAttribute.operationName]: 'replay',
        [MessagingAttribute.destinationName]: target,
        [MessagingAttribute.batchMessageCount]: events.length,
        [PipelineAttribute.replayRun]: runId,
      },
    },
    ROOT_CONTEXT,
  );
  if (!span.isRecording()) return span;
  if (sampledLinks === undefined) span.addLinks(envelopeLinks(events, MessagingSystem.firehose));
  return span;
}

/** Ends a replay span with the batch's outcomes: an error status naming the count when any event failed. */
export function endReplaySpan(span: Span, outcomes: readonly (DeliveryOutcome | undefined)[]): void {
  const failed = outcomes.filter((o) => o === undefined || o.status === 'failed').length;
  if (failed > 0) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: `${failed} of ${outcomes.length} events failed` });
  }
  span.end();
}
