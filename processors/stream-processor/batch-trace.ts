/**
 * The stream processor's spans (docs/tracing.md, "Processor batch", "Aggregate write", "Quarantine"): one CONSUMER span
 * per batch, a new trace linked to every record's envelope context (batch processing is not a parent-child relation:
 * https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/#trace-structure), a CLIENT span per aggregate
 * write with one event per event decided, and a `quarantined` event on the batch span per quarantined record.
 * With tracing off every method is a no-op and nothing is built per record.
 */
import {
  type Attributes,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { RecordOutcome } from '../engine/outcomes.js';
import type { Envelope } from '../envelope/schema.js';
import { envelopeLinks } from '../tracing/envelope-links.js';
import {
  DecisionEvent,
  MessagingAttribute,
  MessagingOperationType,
  MessagingSystem,
  PipelineAttribute,
  SpanName,
} from '../tracing/span-catalogue.js';
import { isSampledTraceparent } from '../tracing/trace-context.js';
import type { Tracing } from '../tracing/tracing.js';

/** Names the batch trace needs. */
export interface BatchTraceNames {
  /** The Kinesis stream (`process <stream>`). */
  readonly stream: string;
  /** The aggregate table (`write <table>`). */
  readonly table: string;
  /** `messaging.consumer.group.name`: the processor function. */
  readonly consumerGroup: string;
}

/** The tracing of one aggregate's decision and write. */
export interface AggregateWriteTrace {
  /** Called before every write attempt: starts the write span on the first, with the stored version. */
  writing(versionBefore: number): void;
  /** The engine's outcomes for the aggregate's events (in order); ends the write span. */
  decided(
    envelopes: readonly Envelope[],
    outcomes: readonly RecordOutcome[],
    versionAfter: number,
    /** Buffered events of earlier batches applied now that their gap filled: each gets an `applied` event. */
    drainedStored?: readonly Envelope[],
  ): void;
  /** The aggregate could not be decided or written: its events will be redelivered; ends the write span. */
  failed(envelopes: readonly Envelope[], error: Error): void;
}

/** The tracing of one batch. */
export interface BatchTrace {
  /** False when tracing is off or the batch was not sampled: callers skip building what they would report. */
  readonly recording: boolean;
  aggregate(): AggregateWriteTrace;
  /** A record stored in the quarantine, with the object key when the quarantine names one. */
  quarantined(envelope: EventIdentity | undefined, reason: string, objectKey: string | undefined): void;
  /** A record whose quarantine write failed: reported for redelivery. */
  quarantineFailed(envelope: EventIdentity | undefined, reason: string, error: Error): void;
  end(): void;
}

/** What names an event in a span event: a valid envelope's eventId, or one read from a record that is not one. */
export interface EventIdentity {
  readonly eventId: string;
}

/**
 * The eventId of a record that is not a valid envelope, when its data is JSON with a string `eventId` (a schema
 * violation, a conflict of types…): the trace view then finds where that event stopped. Only read when recording.
 */
export function undecodedIdentity(base64: string): EventIdentity | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
    const eventId = (value as { eventId?: unknown } | null)?.eventId;
    return typeof eventId === 'string' && eventId.length > 0 && eventId.length <= 128
      ? { eventId }
      : undefined;
  } catch {
    return undefined;
  }
}

const NO_AGGREGATE_TRACE: AggregateWriteTrace = {
  writing: () => {},
  decided: () => {},
  failed: () => {},
};

/** Tracing off: nothing recorded, nothing built. */
export const NO_BATCH_TRACE: BatchTrace = {
  recording: false,
  aggregate: () => NO_AGGREGATE_TRACE,
  quarantined: () => {},
  quarantineFailed: () => {},
  end: () => {},
};

/**
 * Starts the batch span, linked to the envelope context of every decoded record that carries one (a record without
 * `traceparent` gets no link). `startTime` is when the invocation began (ms since the epoch).
 */
export function startBatchTrace(
  tracing: Tracing,
  names: BatchTraceNames,
  records: number,
  envelopes: readonly Envelope[],
  startTime: number,
): BatchTrace {
  if (!tracing.enabled) return NO_BATCH_TRACE;
  // When a record's trace is sampled, the links go in at the start so the sampler records the batch with it
  // (LinkAwareSampler); otherwise the ratio decides, without a link built for a batch it drops.
  const sampledLinks = envelopes.some(isSampledTraceparent)
    ? envelopeLinks(envelopes, MessagingSystem.kinesis)
    : undefined;
  const batch = tracing.tracer.startSpan(
    SpanName.processBatch(names.stream),
    {
      kind: SpanKind.CONSUMER,
      root: true,
      startTime,
      ...(sampledLinks === undefined ? {} : { links: sampledLinks }),
      attributes: {
        [MessagingAttribute.system]: MessagingSystem.kinesis,
        [MessagingAttribute.operationType]: MessagingOperationType.process,
        [MessagingAttribute.operationName]: 'process',
        [MessagingAttribute.destinationName]: names.stream,
        [MessagingAttribute.batchMessageCount]: records,
        [MessagingAttribute.consumerGroupName]: names.consumerGroup,
      },
    },
    ROOT_CONTEXT,
  );
  if (!batch.isRecording()) {
    batch.end();
    return NO_BATCH_TRACE;
  }
  if (sampledLinks === undefined) batch.addLinks(envelopeLinks(envelopes, MessagingSystem.kinesis));
  const batchContext = trace.setSpan(ROOT_CONTEXT, batch);
  return {
    recording: true,
    aggregate: () => {
      let write: Span | undefined;
      /** Decision events go on the write span, or on the batch span when the aggregate had nothing to write. */
      const target = () => write ?? batch;
      return {
        writing(versionBefore) {
          write ??= tracing.tracer.startSpan(
            SpanName.writeAggregate(names.table),
            { kind: SpanKind.CLIENT },
            batchContext,
          );
          write.setAttribute(PipelineAttribute.versionBefore, versionBefore);
        },
        decided(envelopes, outcomes, versionAfter, drainedStored = []) {
          const span = target();
          if (write !== undefined) write.setAttribute(PipelineAttribute.versionAfter, versionAfter);
          outcomes.forEach((outcome, i) => {
            const envelope = envelopes[i] as Envelope;
            const [name, reason] = decisionEvent(outcome, versionAfter);
            span.addEvent(name, eventAttributes(envelope, reason));
          });
          for (const envelope of drainedStored)
            span.addEvent(DecisionEvent.applied, eventAttributes(envelope, undefined));
          write?.end();
        },
        failed(envelopes, error) {
          const span = target();
          for (const envelope of envelopes) {
            span.addEvent(DecisionEvent.retried, eventAttributes(envelope, error.message));
          }
          if (write !== undefined) {
            write.recordException(error);
            write.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
            write.end();
          }
        },
      };
    },
    quarantined(envelope, reason, objectKey) {
      const attributes: Attributes = { [PipelineAttribute.reason]: reason };
      if (envelope !== undefined) attributes[MessagingAttribute.messageId] = envelope.eventId;
      if (objectKey !== undefined) attributes[PipelineAttribute.objectKey] = objectKey;
      batch.addEvent(DecisionEvent.quarantined, attributes);
    },
    quarantineFailed(envelope, reason, error) {
      const attributes: Attributes = {
        [PipelineAttribute.reason]: `quarantine (${reason}) failed: ${error.message}`,
      };
      if (envelope !== undefined) attributes[MessagingAttribute.messageId] = envelope.eventId;
      batch.addEvent(DecisionEvent.retried, attributes);
    },
    end() {
      // Records reported back are redelivered, not lost: the batch span is not an error (their `retried` events say so).
      batch.end();
    },
  };
}

function eventAttributes(envelope: Envelope, reason: string | undefined): Attributes {
  const attributes: Attributes = {
    [MessagingAttribute.messageId]: envelope.eventId,
    [PipelineAttribute.sequence]: envelope.sequence,
  };
  if (reason !== undefined) attributes[PipelineAttribute.reason] = reason;
  return attributes;
}

/** The span event of an outcome and its reason, if any (a drained event was applied once its gap filled). */
function decisionEvent(outcome: RecordOutcome, versionAfter: number): [string, string | undefined] {
  switch (outcome.decision) {
    case 'applied':
    case 'drained':
      return [DecisionEvent.applied, undefined];
    case 'duplicate':
      return [DecisionEvent.duplicate, outcome.verified ? undefined : 'older than the recent window'];
    case 'buffered':
      return [DecisionEvent.buffered, `waiting for sequence ${versionAfter + 1}`];
    case 'conflict':
      return [DecisionEvent.conflict, outcome.detail];
    case 'rejected':
      return [DecisionEvent.rejected, outcome.reason];
    default: {
      const exhaustive: never = outcome;
      throw new Error(`unhandled outcome ${JSON.stringify(exhaustive)}`);
    }
  }
}
