import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AggregateRegistry,
  defineAggregate,
  initialOrderState,
  orderAggregate,
} from '../../processors/aggregates/index.js';
import { EnvelopeError, PoisonReason } from '../../processors/envelope/index.js';
import { orderEvent } from '../support/order-events.js';

const registry = new AggregateRegistry([orderAggregate]);

function fold(events: ReturnType<typeof orderEvent>[]) {
  return events.reduce(
    (state, e) => registry.apply(state, registry.validate(e)),
    registry.initialState('order'),
  );
}

function validationError(envelope: ReturnType<typeof orderEvent>): EnvelopeError {
  try {
    registry.validate(envelope);
  } catch (error) {
    if (error instanceof EnvelopeError) return error;
    throw error;
  }
  throw new Error('expected validation to fail');
}

describe('order aggregate', () => {
  it('given a placed order, when items are added, removed, paid and shipped, then the state folds them', () => {
    const id = 'o-1';
    const state = fold([
      orderEvent(id, 1, { type: 'OrderPlaced', data: { customerId: 'c-9', currency: 'USD' } }),
      orderEvent(id, 2, { type: 'ItemAdded', data: { sku: 'a', quantity: 2, unitPrice: 0.1 } }),
      orderEvent(id, 3, { type: 'ItemAdded', data: { sku: 'b', quantity: 1, unitPrice: 0.2 } }),
      orderEvent(id, 4, { type: 'ItemRemoved', data: { sku: 'a', quantity: 1 } }),
      orderEvent(id, 5, { type: 'ItemRemoved', data: { sku: 'b', quantity: 5 } }),
      orderEvent(id, 6, { type: 'OrderPaid', data: { amount: 0.1, paymentId: 'p-1' } }),
      orderEvent(id, 7, { type: 'OrderShipped', data: { carrier: 'DHL', trackingNumber: 't-1' } }),
    ]);
    expect(state).toEqual({
      ...initialOrderState(),
      status: 'shipped',
      customerId: 'c-9',
      currency: 'USD',
      items: { a: { quantity: 1, unitPrice: 0.1 } },
      total: 0.1,
      amountPaid: 0.1,
      paymentId: 'p-1',
      carrier: 'DHL',
      trackingNumber: 't-1',
    });
  });

  it('records a cancellation and ignores removal of an unknown SKU', () => {
    const state = fold([
      orderEvent('o-2', 1),
      orderEvent('o-2', 2, { type: 'ItemRemoved', data: { sku: 'none', quantity: 1 } }),
      orderEvent('o-2', 3, { type: 'OrderCancelled', data: { reason: 'changed mind' } }),
    ]);
    expect(state).toMatchObject({ status: 'cancelled', cancelReason: 'changed mind', items: {}, total: 0 });
  });

  it('does not mutate the previous state', () => {
    const before = fold([orderEvent('o-3', 1)]);
    const frozen = structuredClone(before);
    registry.apply(
      before,
      registry.validate(
        orderEvent('o-3', 2, { type: 'ItemAdded', data: { sku: 'x', quantity: 1, unitPrice: 1 } }),
      ),
    );
    expect(before).toEqual(frozen);
  });

  it.each([
    [
      'unknown aggregate type',
      { aggregateType: 'invoice' },
      PoisonReason.UnknownAggregateType,
      'aggregateType',
    ],
    ['unknown event type', { type: 'OrderTeleported' }, PoisonReason.UnknownEventType, 'type'],
    ['unknown schema version', { schemaVersion: 2 }, PoisonReason.UnknownEventType, 'schemaVersion'],
    [
      'lower-case currency',
      { data: { customerId: 'c', currency: 'eur' } },
      PoisonReason.DataSchemaViolation,
      'data.currency',
    ],
    ['missing data field', { data: { customerId: 'c' } }, PoisonReason.DataSchemaViolation, 'data.currency'],
    [
      'fractional quantity',
      { type: 'ItemAdded', data: { sku: 's', quantity: 1.5, unitPrice: 1 } },
      PoisonReason.DataSchemaViolation,
      'data.quantity',
    ],
    [
      'negative price',
      { type: 'ItemAdded', data: { sku: 's', quantity: 1, unitPrice: -1 } },
      PoisonReason.DataSchemaViolation,
      'data.unitPrice',
    ],
  ])('rejects %s', (_name, overrides, reason, path) => {
    const error = validationError(orderEvent('o-4', 1, overrides as Partial<ReturnType<typeof orderEvent>>));
    expect(error.reason).toBe(reason);
    expect(error.issues.map((i) => i.path)).toContain(path);
  });
});

describe('aggregate registry', () => {
  it('refuses a type or an event registered twice', () => {
    const counter = defineAggregate('counter', () => ({ n: 0 }))
      .event('Incremented', { 1: z.object({ by: z.number() }) }, (s, e) => ({ n: s.n + e.data.by }))
      .build();
    expect(() => new AggregateRegistry([counter, counter])).toThrow(/registered twice/);
    expect(() =>
      defineAggregate('c', () => 0)
        .event('A', { 1: z.object({}) }, (s) => s)
        .event('A', { 1: z.object({}) }, (s) => s),
    ).toThrow(/registered twice/);
  });

  it('validates data per schemaVersion', () => {
    const counter = defineAggregate('counter', () => ({ n: 0 }))
      .event(
        'Incremented',
        { 1: z.object({ by: z.number() }), 2: z.object({ amount: z.number() }) },
        (s, e) => ({
          n: s.n + ('by' in e.data ? e.data.by : e.data.amount),
        }),
      )
      .build();
    const r = new AggregateRegistry([counter]);
    const base = { ...orderEvent('c-1', 1), aggregateType: 'counter', type: 'Incremented' };
    expect(r.apply({ n: 1 }, r.validate({ ...base, schemaVersion: 2, data: { amount: 3 } }))).toEqual({
      n: 4,
    });
    expect(() => r.validate({ ...base, schemaVersion: 1, data: { amount: 3 } })).toThrow(/data\.by/);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'treats the SKU %s as a line like any other (never an inherited member)',
    (sku) => {
      const id = 'o-proto';
      const added = fold([
        orderEvent(id, 1, { type: 'OrderPlaced', data: { customerId: 'c', currency: 'EUR' } }),
        orderEvent(id, 2, { type: 'ItemRemoved', data: { sku, quantity: 1 } }),
        orderEvent(id, 3, { type: 'ItemAdded', data: { sku, quantity: 2, unitPrice: 3 } }),
        orderEvent(id, 4, { type: 'ItemAdded', data: { sku: 'other', quantity: 1, unitPrice: 1 } }),
        orderEvent(id, 5, { type: 'ItemAdded', data: { sku, quantity: 1, unitPrice: 3 } }),
      ]) as { items: Record<string, unknown>; total: number };
      expect(Object.keys(added.items)).toEqual([sku, 'other']);
      expect(Object.getOwnPropertyDescriptor(added.items, sku)?.value).toEqual({ quantity: 3, unitPrice: 3 });
      expect(added.total).toBe(10);
      // The stored JSON shape: a plain object of lines by SKU.
      expect(JSON.parse(JSON.stringify(added.items))).toEqual(
        JSON.parse(`{"${sku}":{"quantity":3,"unitPrice":3},"other":{"quantity":1,"unitPrice":1}}`),
      );
      const removed = registry.apply(
        added,
        registry.validate(orderEvent(id, 6, { type: 'ItemRemoved', data: { sku, quantity: 3 } })),
      ) as { items: Record<string, unknown>; total: number };
      expect(Object.keys(removed.items)).toEqual(['other']);
      expect(removed.total).toBe(1);
    },
  );
});
