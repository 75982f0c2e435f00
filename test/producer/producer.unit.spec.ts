import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createOrderedProducer,
  type ProducerEntry,
  type ProducerResult,
} from '../../processors/producer/index.js';
import { type CallFate, createFakeKinesis } from './fake-kinesis.js';

/** Entry `index` of key `key`: its payload names both, so the fake stream can be checked. */
function entry(key: string, index: number, padding = 0): ProducerEntry {
  return { partitionKey: key, data: Buffer.from(JSON.stringify({ index, pad: 'x'.repeat(padding) })) };
}

function indexOf(data: Uint8Array): number {
  return (JSON.parse(Buffer.from(data).toString('utf8')) as { index: number }).index;
}

const recordFate = fc.constantFrom('ok', 'ok', 'throttle', 'internal') as fc.Arbitrary<
  'ok' | 'throttle' | 'internal'
>;
const callFate: fc.Arbitrary<CallFate> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('answer' as const),
      failRecords: fc.array(recordFate, { maxLength: 12 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('throw' as const),
      name: fc.constant('ServiceUnavailable'),
      retryable: fc.constant(true),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('throw' as const),
      name: fc.constant('ValidationException'),
      retryable: fc.constant(false),
    }),
  },
);

describe('Function: createOrderedProducer', () => {
  it('writes every entry once, in order, with its shard and sequence number', async () => {
    const { client, log } = createFakeKinesis([]);
    const producer = createOrderedProducer({ client, streamName: 's', baseDelayMs: 1 });
    const entries = Array.from({ length: 1200 }, (_, i) => entry(`k${i % 7}`, i));
    const results = await producer.put(entries);
    expect(results.every((r) => r.status === 'written')).toBe(true);
    expect(log.stored.map((r) => indexOf(r.data)).sort((a, b) => a - b)).toEqual(entries.map((_, i) => i));
    expect(log.overlaps).toEqual([]);
    const first = results[0];
    expect(first?.status === 'written' && first.sequenceNumber).toBe(
      log.stored.find((r) => indexOf(r.data) === 0)?.sequenceNumber,
    );
  });

  it('batches at most 500 records and 5 MiB per call', async () => {
    const { client, log } = createFakeKinesis([]);
    const producer = createOrderedProducer({ client, streamName: 's', concurrency: 2 });
    const small = Array.from({ length: 1100 }, (_, i) => entry(`k${i}`, i));
    await producer.put(small);
    expect(Math.max(...log.calls.map((c) => c.records))).toBe(500);
    log.calls.length = 0;
    const big = Array.from({ length: 30 }, (_, i) => entry(`b${i}`, i, 400 * 1024));
    const results = await producer.put(big);
    expect(results.every((r) => r.status === 'written')).toBe(true);
    expect(Math.max(...log.calls.map((c) => c.bytes))).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(log.calls.length).toBeGreaterThanOrEqual(3);
  });

  it('retries throttled records of a key before its later records are sent', async () => {
    // Call 1 carries a0 and b1; a0 is throttled, so a2 must wait until a0 is written.
    const { client, log } = createFakeKinesis([
      { kind: 'answer', failRecords: ['throttle', 'ok'] },
      { kind: 'answer', failRecords: ['internal', 'ok'] },
    ]);
    const producer = createOrderedProducer({ client, streamName: 's', baseDelayMs: 1, concurrency: 1 });
    const results = await producer.put([entry('a', 0), entry('b', 1), entry('a', 2), entry('b', 3)]);
    expect(results.map((r) => r.status)).toEqual(['written', 'written', 'written', 'written']);
    const aOrder = log.stored.filter((r) => r.partitionKey === 'a').map((r) => indexOf(r.data));
    expect(aOrder).toEqual([0, 2]);
    expect(log.stored.filter((r) => r.partitionKey === 'b').map((r) => indexOf(r.data))).toEqual([1, 3]);
    // Two injected record failures: two extra attempts in all, the first on a0.
    expect(results.reduce((sum, r) => sum + r.attempts, 0)).toBe(6);
    expect(results[0]?.attempts).toBeGreaterThanOrEqual(2);
  });

  it('fails entries with a reason when Kinesis keeps failing past the deadline, never dropping one', async () => {
    const fates: CallFate[] = Array.from({ length: 10_000 }, () => ({
      kind: 'throw',
      name: 'ProvisionedThroughputExceededException',
      retryable: true,
    }));
    const { client, log } = createFakeKinesis(fates);
    const producer = createOrderedProducer({ client, streamName: 's', baseDelayMs: 2, deadlineMs: 40 });
    const results = await producer.put([entry('a', 0), entry('a', 1), entry('b', 2)]);
    expect(log.stored).toEqual([]);
    expect(results.map((r) => (r.status === 'failed' ? r.reason : r.status))).toEqual([
      'deadline-exceeded',
      'predecessor-failed',
      'deadline-exceeded',
    ]);
    expect(results[0]?.status === 'failed' && results[0].message).toContain('ProvisionedThroughputExceeded');
  });

  it('fails at once on a non-retryable call error', async () => {
    const { client, log } = createFakeKinesis([
      { kind: 'throw', name: 'ResourceNotFoundException', retryable: false },
    ]);
    const producer = createOrderedProducer({ client, streamName: 's' });
    const results = await producer.put([entry('a', 0), entry('a', 1)]);
    expect(log.calls).toHaveLength(1);
    expect(results).toMatchObject([
      { status: 'failed', reason: 'rejected', attempts: 1 },
      { status: 'failed', reason: 'predecessor-failed', attempts: 0 },
    ]);
  });

  it("fails only the entry a call was refused for, not the other clients' entries batched with it", async () => {
    const { client, log } = createFakeKinesis([], {
      invalidRecord: (record) => record.PartitionKey === 'poison',
    });
    const producer = createOrderedProducer({ client, streamName: 's', concurrency: 1 });
    const clients = await Promise.all([
      producer.put(Array.from({ length: 30 }, (_, i) => entry(`a${i}`, i))),
      producer.put([entry('b0', 100), entry('poison', 101), entry('poison', 102), entry('b1', 103)]),
      producer.put(Array.from({ length: 30 }, (_, i) => entry(`c${i}`, 200 + i))),
    ]);
    const [first, second, third] = clients as [ProducerResult[], ProducerResult[], ProducerResult[]];
    expect(first.every((result) => result.status === 'written')).toBe(true);
    expect(third.every((result) => result.status === 'written')).toBe(true);
    expect(second.map((result) => (result.status === 'failed' ? result.reason : result.status))).toEqual([
      'written',
      'invalid-entry',
      'predecessor-failed',
      'written',
    ]);
    expect(second[1]?.status === 'failed' && second[1].message).toContain('ValidationException');
    expect(log.stored.filter((record) => record.partitionKey === 'poison')).toEqual([]);
    expect(log.stored).toHaveLength(62);
  });

  it('keeps each key in order across concurrent put calls on one producer', async () => {
    const { client, log } = createFakeKinesis([{ kind: 'answer', failRecords: ['throttle'] }]);
    const producer = createOrderedProducer({ client, streamName: 's', baseDelayMs: 1 });
    const [first, second] = await Promise.all([
      producer.put([entry('a', 0)]),
      producer.put([entry('a', 1), entry('a', 2)]),
    ]);
    expect([...(first ?? []), ...(second ?? [])].every((r) => r.status === 'written')).toBe(true);
    expect(log.stored.map((r) => indexOf(r.data))).toEqual([0, 1, 2]);
  });

  it('for any failure pattern: keys land in order, at most once, never two in flight, every entry settled (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 60 }),
        fc.array(callFate, { maxLength: 25 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 12 }),
        async (keys, fates, concurrency, puts, maxBatchRecords) => {
          const { client, log } = createFakeKinesis(fates);
          const producer = createOrderedProducer({
            client,
            streamName: 's',
            concurrency,
            maxBatchRecords,
            baseDelayMs: 1,
            maxDelayMs: 4,
            deadlineMs: 2_000,
          });
          const entries = keys.map((k, i) => entry(`k${k}`, i));
          // Split into `puts` concurrent calls, issued in order.
          const size = Math.ceil(entries.length / puts);
          const chunks = Array.from({ length: puts }, (_, p) => entries.slice(p * size, (p + 1) * size));
          const results: ProducerResult[] = (await Promise.all(chunks.map((c) => producer.put(c)))).flat();

          expect(results).toHaveLength(entries.length);
          expect(log.overlaps).toEqual([]);
          expect(Math.max(0, ...log.calls.map((c) => c.records))).toBeLessThanOrEqual(maxBatchRecords);
          const storedIndexes = log.stored.map((r) => indexOf(r.data));
          expect(new Set(storedIndexes).size).toBe(storedIndexes.length);
          for (const [i, result] of results.entries()) {
            const stored = log.stored.filter((r) => indexOf(r.data) === i);
            if (result.status === 'written') {
              expect(stored.map((r) => r.sequenceNumber)).toEqual([result.sequenceNumber]);
            } else {
              expect(result.status).toBe('failed');
              expect(stored).toEqual([]);
              // Nothing of this key queued after it was written.
              const later = results
                .slice(i + 1)
                .filter((_, j) => entries[i + 1 + j]?.partitionKey === entries[i]?.partitionKey);
              expect(later.every((r) => r.status === 'failed')).toBe(true);
            }
          }
          for (const key of new Set(entries.map((e) => e.partitionKey))) {
            const order = log.stored.filter((r) => r.partitionKey === key).map((r) => indexOf(r.data));
            expect(order).toEqual([...order].sort((a, b) => a - b));
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});
