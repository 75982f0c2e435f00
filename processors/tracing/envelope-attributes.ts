import type { Attributes } from '@opentelemetry/api';
import type { Envelope } from '../envelope/schema.js';
import { MessagingAttribute, PipelineAttribute } from './span-catalogue.js';

/**
 * The common attributes of every per-event span and link (docs/tracing.md, "Spans"): `messaging.message.id` is the
 * eventId, which is how the trace view finds an event; correlation and causation ids only when the envelope has them.
 */
export function envelopeAttributes(
  envelope: Pick<
    Envelope,
    'eventId' | 'aggregateType' | 'aggregateId' | 'sequence' | 'type' | 'correlationId' | 'causationId'
  >,
  messagingSystem: string,
): Attributes {
  const attributes: Attributes = {
    [MessagingAttribute.system]: messagingSystem,
    [MessagingAttribute.messageId]: envelope.eventId,
    [PipelineAttribute.aggregateType]: envelope.aggregateType,
    [PipelineAttribute.aggregateId]: envelope.aggregateId,
    [PipelineAttribute.sequence]: envelope.sequence,
    [PipelineAttribute.eventType]: envelope.type,
  };
  if (envelope.correlationId !== undefined)
    attributes[MessagingAttribute.conversationId] = envelope.correlationId;
  if (envelope.causationId !== undefined) attributes[PipelineAttribute.causationId] = envelope.causationId;
  return attributes;
}
