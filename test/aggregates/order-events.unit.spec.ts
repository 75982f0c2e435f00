import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AggregateRegistry,
  createSeededRandom,
  DEFAULT_ORDER_EVENT_MIX,
  generateOrderEvents,
  OrderEventStream,
  orderAggregate,
} from '../../processors/aggregates/index.js';
import type { Envelope } from '../../processors/envelope/index.js';

const registry = new AggregateRegistry([orderAggregate]);

/** Per aggregate, its events by sequence, each sequence with one eventId however often it was delivered. */
function chains(envelopes: readonly Envelope[]): Map<string, Map<number, string>> {
  const out = new Map<string, Map<number, string>>();
  for (const envelope of envelopes) {
    const chain = out.get(envelope.aggregateId) ?? new Map<number, string>();
    expect(chain.get(envelope.sequence) ?? envelope.eventId).toBe(envelope.eventId);
    chain.set(envelope.sequence, envelope.eventId);
    out.set(envelope.aggregateId, chain);
  }
  return out;
}

describe('Function: generateOrderEvents', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const options = { aggregates: 20, eventsPerAggregate: 6 };
    expect(generateOrderEvents({ ...options, seed: 9 })).toEqual(
      generateOrderEvents({ ...options, seed: 9 }),
    );
    expect(generateOrderEvents({ ...options, seed: 9 })).not.toEqual(
      generateOrderEvents({ ...options, seed: 10 }),
    );
  });

  it('gives every aggregate sequences 1..n in stream order, all valid order events', () => {
    const envelopes = generateOrderEvents({ aggregates: 50, eventsPerAggregate: 10, seed: 3 });
    expect(envelopes).toHaveLength(500);
    const seen = new Map<string, number>();
    for (const envelope of envelopes) {
      expect(envelope.sequence).toBe((seen.get(envelope.aggregateId) ?? 0) + 1);
      seen.set(envelope.aggregateId, envelope.sequence);
      expect(() => registry.validate(envelope)).not.toThrow();
    }
    expect(seen.size).toBe(50);
    expect([...seen.values()].every((last) => last === 10)).toBe(true);
    expect(new Set(envelopes.map((envelope) => envelope.eventId)).size).toBe(500);
  });

  it('starts every order with OrderPlaced and ends it shipped or cancelled after payment', () => {
    const envelopes = generateOrderEvents({ aggregates: 30, eventsPerAggregate: 5, seed: 5 });
    const typesById = new Map<string, string[]>();
    for (const envelope of envelopes) {
      typesById.set(envelope.aggregateId, [...(typesById.get(envelope.aggregateId) ?? []), envelope.type]);
    }
    for (const types of typesById.values()) {
      expect(types[0]).toBe('OrderPlaced');
      expect(types[3]).toBe('OrderPaid');
      expect(['OrderShipped', 'OrderCancelled']).toContain(types[4]);
    }
  });

  it('interleaves aggregates when asked and keeps them contiguous otherwise', () => {
    const options = { aggregates: 10, eventsPerAggregate: 10, seed: 1 };
    const switches = (interleave: boolean) => {
      const ids = generateOrderEvents({ ...options, interleave }).map((envelope) => envelope.aggregateId);
      return ids.filter((id, index) => index > 0 && id !== ids[index - 1]).length;
    };
    expect(switches(false)).toBe(9);
    expect(switches(true)).toBeGreaterThan(50);
  });

  it('rejects a negative count', () => {
    expect(() => generateOrderEvents({ aggregates: -1, eventsPerAggregate: 1 })).toThrow(RangeError);
  });
});

describe('Function: createSeededRandom', () => {
  it('yields numbers in [0, 1)', () => {
    const random = createSeededRandom(123);
    for (let i = 0; i < 1000; i++) {
      const value = random();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});

describe('Function: generateOrderEvents, mixes and delivery', () => {
  it('draws the types after OrderPlaced from a mix when one is given', () => {
    const onlyPaid = { ItemAdded: 0, ItemRemoved: 0, OrderPaid: 1, OrderShipped: 0, OrderCancelled: 0 };
    const envelopes = generateOrderEvents({ aggregates: 5, eventsPerAggregate: 20, seed: 4, mix: onlyPaid });
    for (const envelope of envelopes) {
      expect(envelope.type).toBe(envelope.sequence === 1 ? 'OrderPlaced' : 'OrderPaid');
      expect(() => registry.validate(envelope)).not.toThrow();
    }
  });

  it('takes the aggregates in turn with round-robin', () => {
    const envelopes = generateOrderEvents({
      aggregates: 3,
      eventsPerAggregate: 2,
      interleave: 'round-robin',
    });
    expect(envelopes.map((e) => e.sequence)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(new Set(envelopes.slice(0, 3).map((e) => e.aggregateId)).size).toBe(3);
  });

  it('with reorder and duplicate rates delivers the same chains out of order and some twice', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, reorderRate, duplicateRate) => {
          const options = { aggregates: 4, eventsPerAggregate: 6, seed };
          const inOrder = generateOrderEvents(options);
          const delivered = generateOrderEvents({ ...options, reorderRate, duplicateRate });
          expect(chains(delivered)).toEqual(chains(inOrder));
          expect(delivered.length).toBeGreaterThanOrEqual(inOrder.length);
        },
      ),
      { numRuns: 100 },
    );
    const shuffled = generateOrderEvents({
      aggregates: 10,
      eventsPerAggregate: 10,
      reorderRate: 0.5,
      duplicateRate: 0.3,
    });
    const outOfOrder = shuffled.filter((e, i) =>
      shuffled.slice(0, i).some((p) => p.aggregateId === e.aggregateId && p.sequence > e.sequence),
    );
    expect(outOfOrder.length).toBeGreaterThan(0);
    expect(shuffled.length).toBeGreaterThan(100);
  });
});

describe('Class: OrderEventStream', () => {
  it('emits sequences in order with the ids, correlation and time it is given', () => {
    let n = 0;
    const stream = new OrderEventStream({
      aggregateId: 'agg-1',
      plan: { kind: 'mix', mix: DEFAULT_ORDER_EVENT_MIX },
      random: createSeededRandom(5),
      eventId: () => `id-${++n}`,
      correlationId: 'load-agg-1',
    });
    const events = [stream.next(0), stream.next(1000), stream.next(2000)];
    expect(events.map((e) => [e.sequence, e.eventId, e.occurredAt])).toEqual([
      [1, 'id-1', '1970-01-01T00:00:00.000Z'],
      [2, 'id-2', '1970-01-01T00:00:01.000Z'],
      [3, 'id-3', '1970-01-01T00:00:02.000Z'],
    ]);
    expect(events.every((e) => e.correlationId === 'load-agg-1')).toBe(true);
    expect(stream.generated).toBe(3);
    for (const event of events) expect(() => registry.validate(event)).not.toThrow();
  });
});
