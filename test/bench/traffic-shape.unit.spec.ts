import { describe, expect, it } from 'vitest';
import { batchesBySequence, CAPACITY_TRAFFIC_SHAPES } from '../../bench/traffic-shape.js';
import { generateOrderEvents } from '../../processors/aggregates/order-events.js';

const envelopes = generateOrderEvents({ aggregates: 3, eventsPerAggregate: 12, seed: 5 });
const summary = (batches: ReturnType<typeof batchesBySequence>) =>
  batches.map((batch) => batch.map((e) => `${e.aggregateId.slice(0, 10)}:${e.sequence}`));

describe('Function: batchesBySequence', () => {
  it('puts one event of each aggregate in each batch when sparse', () => {
    const batches = batchesBySequence(envelopes, { perBatch: 1, after: 0, upTo: 12 });
    expect(batches).toHaveLength(12);
    for (const [index, batch] of batches.entries()) {
      expect(batch).toHaveLength(3);
      expect(new Set(batch.map((e) => e.sequence))).toEqual(new Set([index + 1]));
    }
  });

  it('puts a window of each aggregate in each batch when dense, in stream order', () => {
    const batches = batchesBySequence(envelopes, { perBatch: 10, after: 2, upTo: 12 });
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(30);
    const streamOrder = envelopes.filter((e) => e.sequence > 2);
    expect(summary(batches)[0]).toEqual(
      streamOrder.map((e) => `${e.aggregateId.slice(0, 10)}:${e.sequence}`),
    );
  });

  it('keeps every aggregate in sequence order across batches, and leaves out what is outside the window', () => {
    const batches = batchesBySequence(envelopes, { perBatch: 4, after: 1, upTo: 10 });
    expect(batches.map((b) => b.length)).toEqual([12, 12, 3]);
    const seen = new Map<string, number>();
    for (const envelope of batches.flat()) {
      expect(envelope.sequence).toBe((seen.get(envelope.aggregateId) ?? 1) + 1);
      seen.set(envelope.aggregateId, envelope.sequence);
    }
    expect([...seen.values()]).toEqual([10, 10, 10]);
  });

  it('gives no batch for an empty window and refuses a batch of nothing', () => {
    expect(batchesBySequence(envelopes, { perBatch: 10, after: 0, upTo: 0 })).toEqual([]);
    expect(() => batchesBySequence(envelopes, { perBatch: 0, after: 0, upTo: 1 })).toThrow(RangeError);
  });
});

describe('Constant: CAPACITY_TRAFFIC_SHAPES', () => {
  const keyOf = (s: (typeof CAPACITY_TRAFFIC_SHAPES)[number]) =>
    `${s.density}/${s.eventsPerAggregatePerBatch}/${s.age + s.measuredEvents <= 10 ? 'short' : s.age >= 200 ? 'long' : '?'}/${s.events}`;

  it("covers the issue's four shapes: dense 10 and sparse 1 per batch, aggregates of 10 events and past 200", () => {
    const issueShapes = CAPACITY_TRAFFIC_SHAPES.filter((s) => s.age === 0 || s.events === 'flat-state').map(
      keyOf,
    );
    expect(issueShapes.sort()).toEqual([
      'dense/10/long/flat-state',
      'dense/10/short/lifecycle',
      'sparse/1/long/flat-state',
      'sparse/1/short/lifecycle',
    ]);
  });

  it('measures the long-lived shapes again with a state that grows with age, under distinct names', () => {
    const growing = CAPACITY_TRAFFIC_SHAPES.filter((s) => s.age >= 200 && s.events === 'lifecycle').map(
      keyOf,
    );
    expect(growing.sort()).toEqual(['dense/10/long/lifecycle', 'sparse/1/long/lifecycle']);
    const names = CAPACITY_TRAFFIC_SHAPES.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
