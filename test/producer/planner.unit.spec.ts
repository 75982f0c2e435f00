import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  OrderedBatchPlanner,
  type PlannerSettings,
  type PutRecordsEntryOutcome,
  resolveProducerOptions,
} from '../../processors/producer/index.js';

const settings: PlannerSettings = {
  maxBatchRecords: 500,
  maxBatchBytes: 5 * 1024 * 1024,
  maxRecordBytes: 1024 * 1024,
  maxPartitionKeyLength: 256,
  baseDelayMs: 10,
  maxDelayMs: 100,
  random: () => 0.5,
};

function planner(overrides: Partial<PlannerSettings> = {}): OrderedBatchPlanner {
  return new OrderedBatchPlanner({ ...settings, ...overrides });
}

/** A default planner with entries 0, 1, … of 10 bytes queued on the given keys in order. */
function plannerWith(keys: readonly string[], deadline = 1000): OrderedBatchPlanner {
  const p = planner();
  keys.forEach((partitionKey, id) => {
    p.enqueue({ id, partitionKey, size: 10, deadline });
  });
  return p;
}

const written = (n: number): PutRecordsEntryOutcome => ({
  kind: 'written',
  shardId: 'shardId-000000000000',
  sequenceNumber: String(n),
});

describe('Class: OrderedBatchPlanner', () => {
  it('puts at most one entry of a partition key in a batch and none while the key is in flight', () => {
    const p = plannerWith(['a', 'a', 'b']);
    expect(p.nextBatch(0)).toEqual([0, 2]);
    expect(p.nextBatch(0)).toBeUndefined();
    p.settle([0, 2], [written(1), written(2)], 1);
    expect(p.nextBatch(1)).toEqual([1]);
    p.settle([1], [written(3)], 2);
    expect(p.drainSettled().map((s) => s.id)).toEqual([0, 2, 1]);
    expect(p.unsettled).toBe(0);
  });

  it('splits batches at the record limit and at the byte limit', () => {
    const p = planner({ maxBatchRecords: 3, maxBatchBytes: 100 });
    for (let id = 0; id < 5; id += 1) p.enqueue({ id, partitionKey: `k${id}`, size: 10, deadline: 1000 });
    expect(p.nextBatch(0)).toEqual([0, 1, 2]);
    expect(p.nextBatch(0)).toEqual([3, 4]);

    const bytes = planner({ maxBatchBytes: 100, maxRecordBytes: 100 });
    bytes.enqueue({ id: 0, partitionKey: 'a', size: 60, deadline: 1000 });
    bytes.enqueue({ id: 1, partitionKey: 'b', size: 60, deadline: 1000 });
    bytes.enqueue({ id: 2, partitionKey: 'c', size: 40, deadline: 1000 });
    expect(bytes.nextBatch(0)).toEqual([0, 2]);
    expect(bytes.nextBatch(0)).toEqual([1]);
  });

  it('backs a retried key off and keeps its later entries behind the retried one', () => {
    const p = plannerWith(['a', 'a']);
    expect(p.nextBatch(0)).toEqual([0]);
    p.settle([0], [{ kind: 'retry', message: 'ProvisionedThroughputExceededException' }], 0);
    // random 0.5 of a 10 ms cap: the key waits 5 ms.
    expect(p.nextWakeAt()).toBe(5);
    expect(p.nextBatch(4)).toBeUndefined();
    expect(p.nextBatch(5)).toEqual([0]);
    p.settle([0], [written(1)], 6);
    expect(p.nextBatch(6)).toEqual([1]);
  });

  it('fails an entry at its deadline and every entry queued behind it on the same key', () => {
    const p = plannerWith(['a', 'a', 'b'], 3);
    expect(p.nextBatch(0)).toEqual([0, 2]);
    p.settle([0, 2], [{ kind: 'retry', message: 'InternalFailure: boom' }, written(1)], 0);
    const settled = p.drainSettled();
    expect(settled.map((s) => [s.id, s.result.status])).toEqual([
      [0, 'failed'],
      [1, 'failed'],
      [2, 'written'],
    ]);
    expect(settled[0]?.result).toMatchObject({ reason: 'deadline-exceeded', attempts: 1 });
    expect(settled[0]?.result.status === 'failed' && settled[0].result.message).toContain('InternalFailure');
    expect(settled[1]?.result).toMatchObject({ reason: 'predecessor-failed', attempts: 0 });
    expect(p.unsettled).toBe(0);
  });

  it('fails invalid entries in order instead of sending them, with their followers', () => {
    const p = planner({ maxRecordBytes: 50 });
    p.enqueue({ id: 0, partitionKey: '', size: 10, deadline: 1000 });
    p.enqueue({ id: 1, partitionKey: 'x'.repeat(257), size: 10, deadline: 1000 });
    p.enqueue({ id: 2, partitionKey: 'big', size: 51, deadline: 1000 });
    p.enqueue({ id: 3, partitionKey: 'big', size: 10, deadline: 1000 });
    // Counted in UTF-16 code units: 128 astral characters are 256 units, 129 are 258 (only 129 code points).
    p.enqueue({ id: 4, partitionKey: '🙂'.repeat(128), size: 10, deadline: 1000 });
    p.enqueue({ id: 5, partitionKey: '🙂'.repeat(129), size: 10, deadline: 1000 });
    expect(p.nextBatch(0)).toEqual([4]);
    expect(
      p.drainSettled().map((s) => [s.id, s.result.status === 'failed' ? s.result.reason : 'written']),
    ).toEqual([
      [0, 'invalid-entry'],
      [1, 'invalid-entry'],
      [2, 'invalid-entry'],
      [3, 'predecessor-failed'],
      [5, 'invalid-entry'],
    ]);
  });

  it('fails a rejected entry with its followers without retrying', () => {
    const p = plannerWith(['a', 'a']);
    p.nextBatch(0);
    p.settle([0], [{ kind: 'reject', message: 'ResourceNotFoundException: no stream' }], 0);
    expect(p.nextBatch(0)).toBeUndefined();
    expect(p.drainSettled().map((s) => (s.result.status === 'failed' ? s.result.reason : 'written'))).toEqual(
      ['rejected', 'predecessor-failed'],
    );
  });

  it('isolates a call refused for its input: halves the batch until the entry at fault is alone, and fails only it', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    const p = plannerWith(keys);
    const poison = 23;
    const calls: number[][] = [];
    let now = 0;
    for (let ids = p.nextBatch(now); ids !== undefined; ids = p.nextBatch(now)) {
      calls.push(ids);
      p.settle(
        ids,
        ids.map((id, i) =>
          ids.includes(poison)
            ? { kind: 'isolate', message: 'ValidationException: bad entry' }
            : written(id * 100 + i),
        ),
        now,
      );
      now += 1;
    }
    const results = new Map(p.drainSettled().map((s) => [s.id, s.result]));
    expect(results.size).toBe(40);
    expect(results.get(poison)).toMatchObject({
      status: 'failed',
      reason: 'invalid-entry',
      message: 'ValidationException: bad entry',
    });
    for (const [id, result] of results) if (id !== poison) expect(result.status).toBe('written');
    // The poisoned call at least halves each round (40 → ≤ 20 → ≤ 10 …) until the entry is alone.
    const poisoned = calls.filter((ids) => ids.includes(poison)).map((ids) => ids.length);
    expect(poisoned[0]).toBe(40);
    expect(poisoned.at(-1)).toBe(1);
    for (let i = 1; i < poisoned.length; i += 1) {
      expect(poisoned[i]).toBeLessThanOrEqual(Math.ceil((poisoned[i - 1] as number) / 2));
    }
    expect(calls.length).toBeLessThan(20);
  });

  it('fails an entry alone in a call refused for its input as invalid, with its followers', () => {
    const p = plannerWith(['a', 'a']);
    expect(p.nextBatch(0)).toEqual([0]);
    p.settle([0], [{ kind: 'isolate', message: 'ValidationException: x' }], 0);
    expect(p.drainSettled().map((s) => (s.result.status === 'failed' ? s.result.reason : 'written'))).toEqual(
      ['invalid-entry', 'predecessor-failed'],
    );
  });

  it('keeps every invariant for any interleaving of enqueues, batches and outcomes (property)', () => {
    const step = fc.oneof(
      fc.record({
        op: fc.constant('enqueue' as const),
        key: fc.integer({ min: 0, max: 5 }),
        size: fc.nat(40),
      }),
      fc.record({ op: fc.constant('batch' as const) }),
      fc.record({
        op: fc.constant('settle' as const),
        outcomes: fc.array(fc.constantFrom('written', 'retry', 'reject', 'isolate'), { maxLength: 10 }),
      }),
      fc.record({ op: fc.constant('tick' as const), ms: fc.nat(30) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), (steps) => {
        const p = planner({ maxBatchRecords: 4, maxBatchBytes: 100, maxRecordBytes: 100 });
        let now = 0;
        let nextId = 0;
        const keyOf = new Map<number, string>();
        const order = new Map<string, number[]>();
        const inFlightBatches: number[][] = [];
        const settledIds = new Set<number>();
        const writtenPerKey = new Map<string, number[]>();
        const record = () => {
          for (const s of p.drainSettled()) {
            expect(settledIds.has(s.id)).toBe(false);
            settledIds.add(s.id);
            if (s.result.status === 'written') {
              const key = keyOf.get(s.id) as string;
              writtenPerKey.set(key, [...(writtenPerKey.get(key) ?? []), s.id]);
            }
          }
        };
        for (const s of steps) {
          if (s.op === 'enqueue') {
            const key = `k${s.key}`;
            keyOf.set(nextId, key);
            order.set(key, [...(order.get(key) ?? []), nextId]);
            p.enqueue({ id: nextId, partitionKey: key, size: s.size + 1, deadline: 200 });
            nextId += 1;
          } else if (s.op === 'batch') {
            const ids = p.nextBatch(now);
            record();
            if (ids !== undefined) {
              const keys = ids.map((id) => keyOf.get(id));
              const busy = new Set(inFlightBatches.flat().map((id) => keyOf.get(id)));
              expect(new Set(keys).size).toBe(keys.length);
              for (const key of keys) expect(busy.has(key)).toBe(false);
              expect(ids.length).toBeLessThanOrEqual(4);
              inFlightBatches.push(ids);
            }
          } else if (s.op === 'settle') {
            const ids = inFlightBatches.shift();
            if (ids === undefined) continue;
            p.settle(
              ids,
              ids.map((_, i) => {
                const kind = s.outcomes[i] ?? 'written';
                return kind === 'written' ? written(i) : { kind, message: kind };
              }),
              now,
            );
            record();
          } else {
            now += s.ms;
          }
        }
        // Each key's written entries are a subsequence of its enqueue order, each at most once.
        for (const [key, ids] of writtenPerKey) {
          const enqueued = order.get(key) as number[];
          const positions = ids.map((id) => enqueued.indexOf(id));
          expect([...positions].sort((a, b) => a - b)).toEqual(positions);
          expect(new Set(ids).size).toBe(ids.length);
        }
        // Drain everything: all entries end settled.
        for (let round = 0; round < 10_000 && p.unsettled > 0; round += 1) {
          now += 50;
          const ids = inFlightBatches.shift() ?? p.nextBatch(now);
          if (ids !== undefined) p.settle(ids, ids.map(written), now);
          record();
        }
        expect(p.unsettled).toBe(0);
        expect(settledIds.size).toBe(nextId);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Function: resolveProducerOptions', () => {
  const client = { send: async () => ({}) } as never;
  it('applies the documented defaults', () => {
    expect(resolveProducerOptions({ client, streamName: 's' })).toMatchObject({
      maxBatchRecords: 500,
      maxBatchBytes: 5 * 1024 * 1024,
      maxRecordBytes: 1024 * 1024,
      deadlineMs: 30_000,
      baseDelayMs: 50,
      maxDelayMs: 2000,
      concurrency: 4,
    });
  });
  it.each([
    [{ streamName: 's', streamArn: 'arn' }, 'streamName/streamArn'],
    [{}, 'streamName/streamArn'],
    [{ streamName: 's', maxBatchRecords: 501 }, 'maxBatchRecords'],
    [{ streamName: 's', maxBatchBytes: 6 * 1024 * 1024 }, 'maxBatchBytes'],
    [{ streamName: 's', concurrency: 0 }, 'concurrency'],
  ])('rejects %o naming %s', (options, name) => {
    expect(() => resolveProducerOptions({ client, ...options })).toThrow(name);
  });
});
