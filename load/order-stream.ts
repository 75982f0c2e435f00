import { monotonicFactory } from 'ulid';
import type { Envelope } from '../processors/envelope/index.js';
import { drawEventType, type EventMix, type MixableEventType } from './event-mix.js';

const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY', 'CHF'] as const;
const CARRIERS = ['UPS', 'DHL', 'FedEx', 'PostNL'] as const;
const REASONS = ['customer request', 'payment declined', 'out of stock'] as const;

// One monotonic factory for the process: eventIds stay unique and sortable across every stream.
const nextUlid = monotonicFactory();

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/**
 * The event stream of one `order` aggregate: sequence 1 is `OrderPlaced`, later events are drawn from
 * the mix. Events come out strictly in sequence order, so whoever sends them in call order keeps the
 * aggregate ordered by construction. Every fold step of the order domain is total, so any mix is valid.
 */
export class OrderStream {
  #sequence = 0;
  #skus = 0;

  constructor(
    readonly aggregateId: string,
    private readonly mix: EventMix,
    private readonly random: () => number,
  ) {}

  /** Sequences generated so far. */
  get generated(): number {
    return this.#sequence;
  }

  /** The next envelope of this aggregate. */
  next(now = Date.now()): Envelope {
    this.#sequence += 1;
    const sequence = this.#sequence;
    const type: 'OrderPlaced' | MixableEventType =
      sequence === 1 ? 'OrderPlaced' : drawEventType(this.mix, this.random);
    return {
      eventId: nextUlid(now),
      aggregateType: 'order',
      aggregateId: this.aggregateId,
      sequence,
      type,
      schemaVersion: 1,
      occurredAt: new Date(now).toISOString(),
      correlationId: `load-${this.aggregateId}`,
      data: this.#data(type),
    };
  }

  #data(type: 'OrderPlaced' | MixableEventType): Record<string, unknown> {
    const random = this.random;
    switch (type) {
      case 'OrderPlaced':
        return { customerId: `customer-${Math.floor(random() * 1e6)}`, currency: pick(random, CURRENCIES) };
      case 'ItemAdded':
        this.#skus += 1;
        return {
          sku: `SKU-${this.#skus}`,
          quantity: 1 + Math.floor(random() * 5),
          unitPrice: Math.round(random() * 10_000) / 100,
        };
      case 'ItemRemoved':
        return { sku: `SKU-${1 + Math.floor(random() * Math.max(1, this.#skus))}`, quantity: 1 };
      case 'OrderPaid':
        return {
          amount: Math.round(random() * 50_000) / 100,
          paymentId: `pay-${Math.floor(random() * 1e9)}`,
        };
      case 'OrderShipped':
        return { carrier: pick(random, CARRIERS), trackingNumber: `T${Math.floor(random() * 1e12)}` };
      case 'OrderCancelled':
        return { reason: pick(random, REASONS) };
      default: {
        const never: never = type;
        throw new Error(`unknown event type ${String(never)}`);
      }
    }
  }
}
