/**
 * The snapshot item's size as DynamoDB counts it
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html): what the item
 * keeps beyond the state is flat in the aggregate's age, and an order whose state stays small fits one write unit
 * (1 KB, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html) at any age.
 */
import { describe, expect, it } from 'vitest';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { generateOrderEvents, OrderEventStream } from '../../processors/aggregates/order-events.js';
import { createSeededRandom } from '../../processors/aggregates/seeded-random.js';
import {
  type AggregateSnapshot,
  decideAggregate,
  type LoadedAggregate,
  measureItem,
  resolveEngineOptions,
} from '../../processors/engine/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import {
  measureSnapshotItem,
  measureSnapshotItemWithin,
  toSnapshotItem,
} from '../../processors/store/index.js';

const registry = new AggregateRegistry([orderAggregate]);
const options = resolveEngineOptions();
const ONE_WRITE_UNIT = 1_024;
const t0 = new Date('2026-11-23T10:00:00.000Z');

/** The snapshot after applying `events` in batches of `perBatch` (as the processor would, one write per batch). */
function snapshotAfter(events: readonly Envelope[], perBatch: number): AggregateSnapshot {
  let loaded: LoadedAggregate | undefined;
  const key = { aggregateType: 'order', aggregateId: (events[0] as Envelope).aggregateId };
  for (let i = 0; i < events.length; i += perBatch) {
    const now = new Date(t0.getTime() + i * 100);
    const d = decideAggregate(
      { key, loaded, records: events.slice(i, i + perBatch), now },
      registry,
      options,
    );
    loaded = { snapshot: d.next as AggregateSnapshot, pendingEvents: new Map() };
  }
  return (loaded as LoadedAggregate).snapshot;
}

/** An order that lives long with a small state: a few lines, then payments and shipment updates. */
function longLivedOrder(events: number): Envelope[] {
  const random = createSeededRandom(11);
  const stream = new OrderEventStream({
    aggregateId: 'order-0001-ab12cd',
    plan: {
      kind: 'mix',
      mix: { ItemAdded: 0, ItemRemoved: 0, OrderPaid: 3, OrderShipped: 1, OrderCancelled: 0 },
    },
    random,
  });
  return Array.from({ length: events }, (_, i) => stream.next(t0.getTime() + i));
}

const bytesBeyondState = (snapshot: AggregateSnapshot): number => {
  const { state: _state, stateBrotli: _compressed, ...rest } = toSnapshotItem(snapshot);
  return measureItem(rest).bytes;
};

describe('the snapshot item size', () => {
  it.each([10, 64, 200, 1_000])(
    'fits one write unit for an order with a small state at %i events, sparse or dense',
    (count) => {
      const events = longLivedOrder(count);
      for (const perBatch of [1, 10]) {
        const snapshot = snapshotAfter(events, perBatch);
        expect(snapshot.version).toBe(count);
        const { bytes } = measureSnapshotItem(snapshot);
        expect(bytes, `${count} events, ${perBatch} per batch`).toBeLessThanOrEqual(ONE_WRITE_UNIT);
      }
    },
  );

  it('keeps what is beyond the state flat past the window, whatever the order’s age', () => {
    const sizes = [64, 200, 1_000].map((count) => {
      const [events] = [generateOrderEvents({ aggregates: 1, eventsPerAggregate: count, seed: 3 })];
      return bytesBeyondState(snapshotAfter(events, 10));
    });
    expect(new Set(sizes).size).toBe(1);
    // 64 window keys (384 bytes), 16 applied times (64), the chain (64) and the keys: about two thirds of a unit.
    expect(sizes[0]).toBeLessThanOrEqual(700);
  });

  it('stores a generated order of 10 events in one unit; past that its growing state is stored compressed', () => {
    // generateOrderEvents adds a new line with most events: the state itself grows with age (about 50 lines at 64
    // events, 770 at 1,000), so no layout keeps such an order in one unit; compression keeps it to a fraction.
    const ten = snapshotAfter(generateOrderEvents({ aggregates: 1, eventsPerAggregate: 10, seed: 3 }), 10);
    expect(measureSnapshotItem(ten).bytes).toBeLessThanOrEqual(ONE_WRITE_UNIT);
    for (const count of [64, 200, 1_000]) {
      const snapshot = snapshotAfter(
        generateOrderEvents({ aggregates: 1, eventsPerAggregate: count, seed: 3 }),
        10,
      );
      const item = toSnapshotItem(snapshot);
      const plainState = measureItem({ state: snapshot.state }).bytes;
      expect(item.stateBrotli?.byteLength, `${count} events`).toBeLessThanOrEqual(plainState / 3);
    }
  });

  it('measures exactly the item the store writes, and the budget check never passes what does not fit', () => {
    for (const count of [1, 10, 64, 200, 1_000]) {
      const snapshot = snapshotAfter(
        generateOrderEvents({ aggregates: 1, eventsPerAggregate: count, seed: 3 }),
        count < 10 ? 1 : 10,
      );
      const exact = measureItem({ ...toSnapshotItem(snapshot) }).bytes;
      expect(measureSnapshotItem(snapshot).bytes, `${count} events`).toBe(exact);
      // Within a limit the plain measure may stand in (an upper bound); at the edge, the exact size decides.
      expect(measureSnapshotItemWithin(snapshot, 400_000).bytes).toBeGreaterThanOrEqual(exact);
      expect(measureSnapshotItemWithin(snapshot, exact - 1).bytes).toBe(exact);
    }
  });
});
