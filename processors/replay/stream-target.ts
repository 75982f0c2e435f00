import { encodeEnvelope } from '../envelope/codec.js';
import type { Envelope } from '../envelope/schema.js';
import type { OrderedProducer } from '../producer/types.js';
import type { DeliveryOutcome, ReplayTarget } from './replay-target.js';

/** Re-puts events on the Kinesis stream through the ordering-preserving producer (partition key = aggregateId). */
export function streamTarget(producer: OrderedProducer, description: string): ReplayTarget {
  return {
    description,
    async send(events: readonly Envelope[]): Promise<DeliveryOutcome[]> {
      const results = await producer.put(
        events.map((envelope) => ({ partitionKey: envelope.aggregateId, data: encodeEnvelope(envelope) })),
      );
      return results.map((result) =>
        result.status === 'written'
          ? { status: 'sent' }
          : { status: 'failed', message: `${result.reason}: ${result.message}` },
      );
    },
  };
}
