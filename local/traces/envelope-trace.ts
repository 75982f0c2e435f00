import type { Attributes } from '@opentelemetry/api';
import { MessagingAttribute, PipelineAttribute, type TraceFields } from '../../processors/tracing/index.js';

/** What a hop that holds an envelope needs for its span or link: the trace fields and the per-event attributes. */
export interface EnvelopeTrace {
  readonly eventId: string;
  readonly fields: TraceFields;
  /** The common per-event attributes of docs/tracing.md ("Common attributes on every per-event span and link"). */
  readonly attributes: Attributes;
}

/**
 * The trace fields and per-event attributes of an envelope already parsed from JSON (an archive record,
 * `detail.envelope` of a bus event), or undefined when `value` has no string `eventId`: without it no tool can find
 * the event. Reads fields only (no schema validation: a hop records what passed through it); an invalid
 * `traceparent` is left to `contextFromTraceFields`, which ignores it.
 */
export function envelopeTrace(value: unknown, messagingSystem: string): EnvelopeTrace | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const envelope = value as Record<string, unknown>;
  const eventId = envelope.eventId;
  if (typeof eventId !== 'string' || eventId === '') return undefined;
  const attributes: Attributes = {
    [MessagingAttribute.system]: messagingSystem,
    [MessagingAttribute.messageId]: eventId,
  };
  copyString(envelope.aggregateType, attributes, PipelineAttribute.aggregateType);
  copyString(envelope.aggregateId, attributes, PipelineAttribute.aggregateId);
  if (typeof envelope.sequence === 'number') attributes[PipelineAttribute.sequence] = envelope.sequence;
  copyString(envelope.type, attributes, PipelineAttribute.eventType);
  copyString(envelope.correlationId, attributes, MessagingAttribute.conversationId);
  copyString(envelope.causationId, attributes, PipelineAttribute.causationId);
  const fields: TraceFields =
    typeof envelope.traceparent !== 'string'
      ? {}
      : typeof envelope.tracestate === 'string'
        ? { traceparent: envelope.traceparent, tracestate: envelope.tracestate }
        : { traceparent: envelope.traceparent };
  return { eventId, fields, attributes };
}

/** {@link envelopeTrace} of a record's bytes (JSON), or undefined when they are not a JSON object with an `eventId`. */
export function envelopeTraceOfBytes(data: Uint8Array, messagingSystem: string): EnvelopeTrace | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
  return envelopeTrace(value, messagingSystem);
}

function copyString(value: unknown, attributes: Attributes, key: string): void {
  if (typeof value === 'string') attributes[key] = value;
}
