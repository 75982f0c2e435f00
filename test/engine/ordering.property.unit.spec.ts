import type { KinesisStreamRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { chainOf, resolveEngineOptions } from '../../processors/engine/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { InMemoryAggregateStore } from '../../processors/store/index.js';
import { type BatchSummary, processKinesisBatch } from '../../processors/stream-processor/index.js';
import { FaultInjectingStore } from '../support/fault-injecting-store.js';
import { envelopeRecord, kinesisEvent } from '../support/kinesis-events.js';
import { MemoryQuarantine } from '../support/memory-quarantine.js';
import { orderHistory } from '../support/order-events.js';

const registry = new AggregateRegistry([orderAggregate]);

/** A delivery scenario: histories, how often and in what order each event reaches the stream, batch split, faults. */
const scenario = fc
  .record({
    lengths: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 5 }),
    copies: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 60, maxLength: 60 }),
    order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 180, maxLength: 180 }),
    batchSizes: fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 10 }),
    faults: fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
    recentWindow: fc.constantFrom(2, 64),
  })
  .map(({ lengths, copies, order, ...rest }): Scenario => {
    const histories = lengths.map((n, a) => orderHistory(`o-${a}`, n));
    const deliveries: Envelope[] = [];
    let k = 0;
    for (const history of histories)
      for (const e of history)
        for (let c = 0; c < (copies[k++ % copies.length] ?? 1); c++) deliveries.push(e);
    const keyed = deliveries.map((e, i) => ({ e, sortKey: order[i % order.length] ?? 0, i }));
    keyed.sort((x, y) => x.sortKey - y.sortKey || x.i - y.i);
    return { histories, stream: keyed.map((x) => x.e), ...rest };
  });

interface Scenario {
  readonly histories: Envelope[][];
  readonly stream: Envelope[];
  readonly batchSizes: number[];
  readonly faults: boolean[];
  readonly recentWindow: number;
}

/** Drives the stream through the batch processor as Lambda's event source mapping would, honouring checkpoints. */
async function runStream(s: Scenario) {
  const inner = new InMemoryAggregateStore();
  let fault = 0;
  // Faults are finite, so the stream always gets through.
  const store = new FaultInjectingStore(inner, () => fault < s.faults.length && (s.faults[fault++] ?? false));
  const quarantine = new MemoryQuarantine();
  const records: KinesisStreamRecord[] = s.stream.map((e) => envelopeRecord(e));
  const totals: BatchSummary[] = [];
  let position = 0;
  let batchNo = 0;
  let invocations = 0;
  while (position < records.length) {
    invocations++;
    if (invocations > 1_000) throw new Error('stream did not make progress');
    const size = s.batchSizes[batchNo++ % s.batchSizes.length] ?? 1;
    const batch = records.slice(position, position + size);
    const { response, summary } = await processKinesisBatch(kinesisEvent(batch), {
      registry,
      store,
      quarantine,
      engine: resolveEngineOptions({ recentWindow: s.recentWindow }),
      processorVersion: 'test',
      writeConcurrency: 3,
      maxWriteAttempts: 2,
    });
    totals.push(summary);
    const failedAt = response.batchItemFailures
      .map((f) => batch.findIndex((r) => r.kinesis.sequenceNumber === f.itemIdentifier))
      .filter((i) => i >= 0);
    position += failedAt.length > 0 ? Math.min(...failedAt) : batch.length;
  }
  return { inner, totals, quarantine, store };
}

describe('ordering engine, end to end through the batch processor', () => {
  it('for any duplication, reordering, batch split and redelivery, applies each event once, in sequence order', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { inner, totals, quarantine } = await runStream(s);
        for (const history of s.histories) {
          const id = history[0]?.aggregateId as string;
          const loaded = await inner.load({ aggregateType: 'order', aggregateId: id });
          const expectedState = history.reduce(
            (st, e) => registry.apply(st, e),
            registry.initialState('order'),
          );
          expect(loaded?.snapshot.version).toBe(history.length);
          expect(loaded?.snapshot.chain).toBe(chainOf(history.map((e) => e.eventId)));
          expect(loaded?.snapshot.state).toEqual(expectedState);
          expect(loaded?.snapshot.pending).toEqual([]);
        }
        const applied = totals.reduce((n, t) => n + t.applied + t.drained, 0);
        const events = s.histories.reduce((n, h) => n + h.length, 0);
        expect(applied).toBe(events);
        expect(totals.reduce((n, t) => n + t.conflicts + t.poison + t.rejected, 0)).toBe(0);
        expect(quarantine.records.size).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('applies nothing twice when a batch is redelivered whole after success', async () => {
    const store = new InMemoryAggregateStore();
    const quarantine = new MemoryQuarantine();
    const events = [...orderHistory('a', 5), ...orderHistory('b', 5)];
    const deps = {
      registry,
      store,
      quarantine,
      engine: resolveEngineOptions(),
      processorVersion: 'test',
      writeConcurrency: 2,
      maxWriteAttempts: 2,
    };
    const batch = kinesisEvent(events.map((e) => envelopeRecord(e)));
    const first = await processKinesisBatch(batch, deps);
    const second = await processKinesisBatch(batch, deps);
    expect(first.summary.applied).toBe(10);
    expect(second.summary).toMatchObject({ applied: 0, duplicates: 10, writes: 0 });
    expect(store.writes).toBe(2);
  });
});
