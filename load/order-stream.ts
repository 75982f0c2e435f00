import { monotonicFactory } from 'ulid';
import { type OrderEventMix, OrderEventStream } from '../processors/aggregates/order-events.js';

// One monotonic factory for the process: eventIds stay unique and sortable across every stream and every run.
const nextUlid = monotonicFactory();

/**
 * The event stream of one `order` aggregate of a load run: `OrderPlaced`, then types drawn from the mix, eventIds
 * unique across runs (a seed only fixes the data and the mix, never the ids).
 */
export function loadOrderStream(
  aggregateId: string,
  mix: OrderEventMix,
  random: () => number,
): OrderEventStream {
  return new OrderEventStream({
    aggregateId,
    plan: { kind: 'mix', mix },
    random,
    eventId: (occurredMs) => nextUlid(occurredMs),
    correlationId: `load-${aggregateId}`,
  });
}
