import {
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  type Shard,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKinesisClient } from '../../local/kinesis/index.js';
import { LocalPipelineOutputs, type RunningLocalStack, startLocalStack } from '../../local/stack/index.js';
import { chainOf } from '../../processors/engine/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { orderEvent } from '../support/order-events.js';
import { putEnvelopes, tempDataDir, waitUntil } from './stack-fixture.js';

// After a split or merge, records written before it stay in the closed parent shard and new records of the same
// partition key go to the child (https://docs.aws.amazon.com/streams/latest/dev/kinesis-using-sdk-java-after-resharding.html,
// "data routing, data persistence, and shard state after a reshard"), so a reader keeps each key in order only by
// finishing the parents before it reads a child, which Lambda's Kinesis event source mapping does
// (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html). Every local reader of the stream (processor mapping,
// Firehose, Pipe) goes through KinesisStreamPoller and local/kinesis/shard-lineage.ts.

const AGGREGATES = 40;
const EVENTS_PER_ROUND = 4;

let dataDir: string;
let stack: RunningLocalStack;
let kinesis: KinesisClient;
let outputs: LocalPipelineOutputs;
/** Every event sent, in order; the second test continues the first one's stream. */
const sent: Envelope[] = [];
const ids = Array.from({ length: AGGREGATES }, (_, i) => `reshard-${i}`);
let round = 0;

const startOptions = () => ({
  dataDir,
  shards: 2,
  quiet: true,
  logLevel: 'SILENT' as const,
  archiveBufferIntervalSeconds: 1,
});

beforeAll(async () => {
  dataDir = await tempDataDir();
  stack = await startLocalStack(startOptions());
  kinesis = createKinesisClient({ endpoint: stack.endpoints.endpoints.kinesis });
  outputs = new LocalPipelineOutputs(stack.endpoints);
});

afterAll(async () => {
  outputs?.close();
  kinesis?.destroy();
  await stack?.stop();
});

async function listShards(streamName: string): Promise<Shard[]> {
  const output = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  return output.Shards ?? [];
}

async function waitActive(streamName: string): Promise<void> {
  await waitUntil(
    'the stream to be ACTIVE again',
    async () => {
      const out = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      return out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
    },
    10_000,
  );
}

/** Sends the next EVENTS_PER_ROUND events of every aggregate, in several PutRecords calls. */
async function sendRound(): Promise<void> {
  const events = ids.flatMap((id) =>
    Array.from({ length: EVENTS_PER_ROUND }, (_, i) => orderEvent(id, round * EVENTS_PER_ROUND + i + 1)),
  );
  round += 1;
  for (let at = 0; at < events.length; at += 37)
    await putEnvelopes(kinesis, stack.endpoints.stream.name, events.slice(at, at + 37));
  sent.push(...events);
}

/** The table, the archive and the bus hold exactly `sent`, each aggregate in order. */
async function expectExact(): Promise<void> {
  const projections = await outputs.projections('order', ids);
  expect(projections).toHaveLength(ids.length);
  const expected = new Map(
    ids.map((id) => {
      const history = sent.filter((e) => e.aggregateId === id);
      return [id, { version: history.length, chain: chainOf(history.map((e) => e.eventId)), pending: 0 }];
    }),
  );
  for (const p of projections)
    expect({ id: p.aggregateId, version: p.version, chain: p.chain, pending: p.pendingCount }).toEqual({
      id: p.aggregateId,
      ...expected.get(p.aggregateId),
    });
  const sentIds = sent.map((e) => e.eventId).sort();
  const archive = await outputs.archive();
  expect(archive.flatMap((o) => o.envelopes.map((e) => e.eventId)).sort()).toEqual(sentIds);
  // The bus: every event once, and each aggregate's events in the order they were sent.
  const queued = await outputs.queue('order-events');
  expect(queued.map((e) => e.detail.envelope.eventId).sort()).toEqual(sentIds);
  for (const id of ids) {
    const order = queued
      .filter((e) => e.detail.envelope.aggregateId === id)
      .map((e) => e.detail.envelope.sequence);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  }
}

const isOpen = (shard: Shard) => shard.SequenceNumberRange?.EndingSequenceNumber === undefined;

describe('resharding mid-run', () => {
  it('a split then a merge while events flow keep every aggregate exact in the table, the archive and on the bus', async () => {
    const streamName = stack.endpoints.stream.name;
    await sendRound();
    await sendRound();
    // Split the first shard in the middle of its hash key range while its events are still being read.
    const [first] = await listShards(streamName);
    const low = BigInt(first?.HashKeyRange?.StartingHashKey ?? '0');
    const high = BigInt(first?.HashKeyRange?.EndingHashKey ?? '0');
    await kinesis.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: first?.ShardId,
        NewStartingHashKey: ((low + high + 1n) / 2n).toString(),
      }),
    );
    await sendRound();
    await waitActive(streamName);
    await sendRound();
    await sendRound();

    // Merge the split's upper child with the original second shard: adjacent hash key ranges, one parent of each kind.
    const open = (await listShards(streamName))
      .filter(isOpen)
      .sort((a, b) =>
        BigInt(a.HashKeyRange?.StartingHashKey ?? '0') < BigInt(b.HashKeyRange?.StartingHashKey ?? '0')
          ? -1
          : 1,
      );
    expect(open).toHaveLength(3);
    await kinesis.send(
      new MergeShardsCommand({
        StreamName: streamName,
        ShardToMerge: open[1]?.ShardId,
        AdjacentShardToMerge: open[2]?.ShardId,
      }),
    );
    await sendRound();
    await waitActive(streamName);
    await sendRound();
    await sendRound();

    const shards = await listShards(streamName);
    expect(shards).toHaveLength(5);
    expect(shards.filter(isOpen)).toHaveLength(2);

    await waitUntil(
      'the pipeline to drain',
      () => {
        const s = stack.stats();
        return s.applied >= sent.length && s.archived >= sent.length && s.delivered >= sent.length;
      },
      45_000,
    );

    const stats = stack.stats();
    expect(stats.applied).toBe(sent.length);
    expect(stats.duplicates).toBe(0);
    // No event ever waited for a gap: the mapping handed each aggregate's events to the processor in order.
    expect(stats.buffered).toBe(0);
    expect(stats.poison).toBe(0);
    expect(stats.failed).toBe(0);
    await expectExact();
  }, 90_000);

  it('restarted on the same data dir after the reshard: the state check passes, nothing is handed over again, and the children go on', async () => {
    await stack.stop();
    stack = await startLocalStack(startOptions());
    kinesis.destroy();
    kinesis = createKinesisClient({ endpoint: stack.endpoints.endpoints.kinesis });
    outputs.close();
    outputs = new LocalPipelineOutputs(stack.endpoints);
    const before = sent.length;
    await sendRound();
    const added = sent.length - before;
    await waitUntil(
      'the restarted pipeline to drain',
      () => {
        const s = stack.stats();
        return s.applied >= added && s.archived >= added && s.delivered >= added;
      },
      30_000,
    );
    const stats = stack.stats();
    // Counters start at zero with the new run: only the new round was handed over, nothing of a parent again.
    expect({ applied: stats.applied, duplicates: stats.duplicates, buffered: stats.buffered }).toEqual({
      applied: added,
      duplicates: 0,
      buffered: 0,
    });
    expect(stats.failed).toBe(0);
    await expectExact();
  }, 60_000);
});
