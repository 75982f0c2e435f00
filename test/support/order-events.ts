import type { Envelope } from '../../processors/envelope/index.js';

const dataByType: Record<string, (sequence: number) => Record<string, unknown>> = {
  OrderPlaced: () => ({ customerId: 'c-1', currency: 'EUR' }),
  ItemAdded: (n) => ({ sku: `sku-${n % 5}`, quantity: 1 + (n % 3), unitPrice: 2.5 }),
  ItemRemoved: (n) => ({ sku: `sku-${n % 5}`, quantity: 1 }),
  OrderPaid: (n) => ({ amount: n, paymentId: `p-${n}` }),
};

/** A valid `order` envelope for aggregate `id` at `sequence` (OrderPlaced first, then a cycle of item/payment events). */
export function orderEvent(id: string, sequence: number, overrides: Partial<Envelope> = {}): Envelope {
  const types = ['ItemAdded', 'ItemAdded', 'ItemRemoved', 'OrderPaid'];
  const type = sequence === 1 ? 'OrderPlaced' : (types[sequence % types.length] as string);
  return {
    eventId: `${id}-e${sequence}`,
    aggregateType: 'order',
    aggregateId: id,
    sequence,
    type,
    schemaVersion: 1,
    occurredAt: new Date(Date.UTC(2026, 10, 23, 10, 0, sequence)).toISOString(),
    data: (dataByType[type] as (n: number) => Record<string, unknown>)(sequence),
    ...overrides,
  };
}

/** Events 1..count of one order aggregate. */
export function orderHistory(id: string, count: number): Envelope[] {
  return Array.from({ length: count }, (_, i) => orderEvent(id, i + 1));
}
