import { describe, expect, it } from 'vitest';
import {
  createOrderedProducer,
  type ObservedPutRecordsCall,
  type ProducerEntry,
  type PutObserver,
  type PutRecordsEntryOutcome,
} from '../../processors/producer/index.js';
import { createFakeKinesis } from './fake-kinesis.js';

function entry(key: string, index: number): ProducerEntry {
  return { partitionKey: key, data: Buffer.from(JSON.stringify({ index })) };
}

/** An observer that records every call it was told about and the outcomes of each. */
function recordingObserver() {
  const calls: { call: ObservedPutRecordsCall; outcomes?: readonly PutRecordsEntryOutcome[] }[] = [];
  const observer: PutObserver = {
    callStarted(call) {
      const seen: (typeof calls)[number] = { call };
      calls.push(seen);
      return (outcomes) => {
        seen.outcomes = outcomes;
      };
    },
  };
  return { observer, calls };
}

describe('PutObserver of createOrderedProducer', () => {
  it('is told of every PutRecords call carrying the put, with the entries it carried and their outcomes', async () => {
    // Call 1 carries a0 and b1; a0 is throttled and goes again (with a2 held back until then).
    const { client, log } = createFakeKinesis([{ kind: 'answer', failRecords: ['throttle', 'ok'] }]);
    const producer = createOrderedProducer({ client, streamName: 's', baseDelayMs: 1, concurrency: 1 });
    const { observer, calls } = recordingObserver();
    const results = await producer.put([entry('a', 0), entry('b', 1), entry('a', 2)], { observer });
    expect(results.map((r) => r.status)).toEqual(['written', 'written', 'written']);
    expect(calls).toHaveLength(log.calls.length);
    expect(calls[0]?.call).toEqual({ indexes: [0, 1], recordCount: 2 });
    expect(calls[0]?.outcomes?.map((o) => o.kind)).toEqual(['retry', 'written']);
    // Every entry's written outcome is reported exactly once, with the shard and sequence number put returned.
    const written = new Map<number, PutRecordsEntryOutcome>();
    for (const { call, outcomes } of calls) {
      call.indexes.forEach((index, i) => {
        const outcome = outcomes?.[i];
        if (outcome?.kind !== 'written') return;
        expect(written.has(index)).toBe(false);
        written.set(index, outcome);
      });
    }
    results.forEach((result, index) => {
      expect(written.get(index)).toEqual(
        result.status === 'written'
          ? { kind: 'written', shardId: result.shardId, sequenceNumber: result.sequenceNumber }
          : undefined,
      );
    });
  });

  it('tells each put only of its own entries when concurrent puts share a call', async () => {
    const { client, log } = createFakeKinesis([]);
    const producer = createOrderedProducer({ client, streamName: 's', concurrency: 1 });
    const first = recordingObserver();
    const second = recordingObserver();
    // The first put's single call is in flight when the other two are queued; they then share one call.
    await Promise.all([
      producer.put([entry('x', 9)]),
      producer.put([entry('a', 0), entry('b', 1)], { observer: first.observer }),
      producer.put([entry('c', 2)], { observer: second.observer }),
    ]);
    expect(log.calls.map((c) => c.records)).toEqual([1, 3]);
    expect(first.calls.map((c) => c.call)).toEqual([{ indexes: [0, 1], recordCount: 3 }]);
    expect(second.calls.map((c) => c.call)).toEqual([{ indexes: [0], recordCount: 3 }]);
    expect(second.calls[0]?.outcomes?.map((o) => o.kind)).toEqual(['written']);
  });

  it('reports a failed call as the same failure for each entry it carried', async () => {
    const { client } = createFakeKinesis([
      { kind: 'throw', name: 'ResourceNotFoundException', retryable: false },
    ]);
    const producer = createOrderedProducer({ client, streamName: 's' });
    const { observer, calls } = recordingObserver();
    await producer.put([entry('a', 0), entry('b', 1)], { observer });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.outcomes).toEqual([
      { kind: 'reject', message: expect.stringContaining('ResourceNotFoundException') },
      { kind: 'reject', message: expect.stringContaining('ResourceNotFoundException') },
    ]);
  });

  it('writes every entry even when the observer throws', async () => {
    const { client, log } = createFakeKinesis([]);
    const producer = createOrderedProducer({ client, streamName: 's' });
    const throwing: PutObserver = {
      callStarted: () => {
        throw new Error('observer broke');
      },
    };
    const throwingLater: PutObserver = {
      callStarted: () => () => {
        throw new Error('observer broke later');
      },
    };
    const [a, b] = await Promise.all([
      producer.put([entry('a', 0)], { observer: throwing }),
      producer.put([entry('b', 1)], { observer: throwingLater }),
    ]);
    expect([...(a ?? []), ...(b ?? [])].map((r) => r.status)).toEqual(['written', 'written']);
    expect(log.stored).toHaveLength(2);
  });
});
