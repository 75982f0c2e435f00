import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KinesisClient, ListShardsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startKinesalite } from '../../local/emulators/index.js';
import {
  createKinesisClient,
  FileCheckpointStore,
  KinesisStreamPoller,
  type ShardLease,
  ShardReader,
} from '../../local/kinesis/index.js';
import { createTestStream, putPayloads, waitUntil } from './stream-fixture.js';

let kinesalite: RunningEmulator;
let client: KinesisClient;
const dirs: string[] = [];

beforeAll(async () => {
  kinesalite = await startKinesalite();
  client = createKinesisClient({ endpoint: kinesalite.endpoint });
});
afterAll(async () => {
  client?.destroy();
  await kinesalite?.close();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('Class: ShardReader', () => {
  it('reopens an expired iterator after the last record it returned', async () => {
    const streamName = await createTestStream(client);
    const puts = await putPayloads(client, streamName, ['a', 'b', 'c', 'd']);
    const faulty = createKinesisClient({ endpoint: kinesalite.endpoint });
    let getRecordsCalls = 0;
    faulty.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetRecordsCommand' && ++getRecordsCalls === 2) {
          const error = new Error('Iterator expired');
          error.name = 'ExpiredIteratorException';
          throw error;
        }
        return next(args);
      },
      { step: 'initialize', name: 'expireSecondIterator' },
    );
    const reader = new ShardReader({
      client: faulty,
      streamName,
      shardId: puts[0]?.shardId ?? '',
      start: { type: 'TRIM_HORIZON' },
    });
    const read: string[] = [];
    for (let i = 0; i < 6 && read.length < 4; i += 1)
      read.push(...(await reader.read(2)).map((record) => Buffer.from(record.data).toString()));
    faulty.destroy();
    expect(read).toEqual(['a', 'b', 'c', 'd']);
    expect(reader.lag()).toMatchObject({ recordsRead: 4, lastSequenceNumber: puts[3]?.sequenceNumber });
  });
});

describe('Class: KinesisStreamPoller', () => {
  it('reads a split parent to its end before its children, and resumes from checkpoints', async () => {
    const streamName = await createTestStream(client);
    await putPayloads(client, streamName, ['before-1', 'before-2']);
    const listed = await client.send(new ListShardsCommand({ StreamName: streamName }));
    const parent = listed.Shards?.[0];
    await client.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: parent?.ShardId,
        NewStartingHashKey: (BigInt(parent?.HashKeyRange?.EndingHashKey ?? '0') / 2n).toString(),
      }),
    );
    await waitUntil(async () => {
      const shards = await client.send(new ListShardsCommand({ StreamName: streamName }));
      return (shards.Shards ?? []).length === 3;
    }, 'the split');
    await putPayloads(client, streamName, ['after-1', 'after-2', 'after-3'], (i) => `key-${i}`);
    const dir = await mkdtemp(join(tmpdir(), 'poller-'));
    dirs.push(dir);
    const order: string[] = [];
    const consumeShard = async (lease: ShardLease) => {
      while (!lease.signal.aborted && !lease.reader.ended) {
        const records = await lease.reader.read(10);
        for (const record of records) order.push(`${lease.shardId}:${Buffer.from(record.data).toString()}`);
        const last = records.at(-1);
        if (last !== undefined) lease.checkpoint(last.sequenceNumber);
        else await lease.sleep(20);
      }
    };
    const checkpoints = new FileCheckpointStore({ dataDir: dir, consumer: 'test', streamName });
    const poller = new KinesisStreamPoller({
      client,
      streamName,
      checkpoints,
      consumeShard,
      shardDiscoveryIntervalMs: 50,
    });
    await poller.start();
    await waitUntil(() => order.length === 5, 'every record');
    await poller.stop();
    const parentId = parent?.ShardId ?? '';
    expect(order.slice(0, 2)).toEqual([`${parentId}:before-1`, `${parentId}:before-2`]);
    expect(order.slice(2).every((entry) => !entry.startsWith(`${parentId}:`))).toBe(true);
    expect(checkpoints.get(parentId)?.finished).toBe(true);

    // A second poller with the same checkpoints reads only what is new.
    await putPayloads(client, streamName, ['later'], () => 'key-0');
    const again = new KinesisStreamPoller({
      client,
      streamName,
      checkpoints: new FileCheckpointStore({ dataDir: dir, consumer: 'test', streamName }),
      consumeShard,
      shardDiscoveryIntervalMs: 50,
    });
    await again.start();
    await waitUntil(() => order.length === 6, 'the new record');
    await again.stop();
    expect(order[5]?.endsWith(':later')).toBe(true);
  });
});
