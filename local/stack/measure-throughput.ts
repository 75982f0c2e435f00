/**
 * Measures the local pipeline (`npx tsx local/stack/measure-throughput.ts [--events 10000] [--shards 1]`):
 * time to ready, sustained events/s PutRecords → applied / archived / bridged, and, in the same run, the
 * raw ceilings of kinesalite PutRecords and GetRecords and of dynalite conditional writes (on-disk, as the
 * stack runs them), then names the bottleneck. Prints JSON last.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { generateOrderEvents } from '../../processors/aggregates/order-events.js';
import { type Envelope, encodeEnvelope } from '../../processors/envelope/index.js';
import { startDynalite, startKinesalite } from '../emulators/index.js';
import { createKinesisClient } from '../kinesis/index.js';
import { startLocalStack } from './local-stack.js';

const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

/** `count` valid order events, `perOrder` per aggregate, round-robin across orders as independent clients send. */
function orderEvents(count: number, perOrder: number, tag: string): Envelope[] {
  return generateOrderEvents({
    aggregates: Math.ceil(count / perOrder),
    eventsPerAggregate: perOrder,
    interleave: 'round-robin',
    aggregateIdPrefix: tag,
  }).slice(0, count);
}

async function putAll(
  client: KinesisClient,
  stream: string,
  envelopes: readonly Envelope[],
  concurrency = 4,
) {
  const chunks: Envelope[][] = [];
  for (let i = 0; i < envelopes.length; i += 500) chunks.push(envelopes.slice(i, i + 500));
  let next = 0;
  const worker = async () => {
    // Bounded by the chunk count; a failed record is retried in its chunk's next attempt.
    while (next < chunks.length) {
      let pending = chunks[next++] as Envelope[];
      for (let attempt = 0; attempt < 20 && pending.length > 0; attempt += 1) {
        const out = await client.send(
          new PutRecordsCommand({
            StreamName: stream,
            Records: pending.map((e) => ({ Data: encodeEnvelope(e), PartitionKey: e.aggregateId })),
          }),
        );
        pending = pending.filter((_, i) => out.Records?.[i]?.ErrorCode !== undefined);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function measurePipeline(events: number, shards: number) {
  const dataDir = await mkdtemp(join(tmpdir(), 'measure-stack-'));
  const began = performance.now();
  const stack = await startLocalStack({
    dataDir,
    shards,
    quiet: true,
    logLevel: 'SILENT',
    archiveBufferIntervalSeconds: 1,
  });
  const readyMs = performance.now() - began;
  const client = createKinesisClient({
    endpoint: stack.endpoints.endpoints.kinesis,
    credentials: CREDENTIALS,
  });
  const envelopes = orderEvents(events, 10, 'm');
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const t0 = performance.now();
  await putAll(client, stack.endpoints.stream.name, envelopes);
  const putMs = performance.now() - t0;
  const done: Record<'applied' | 'archived' | 'bridged', number | undefined> = {
    applied: undefined,
    archived: undefined,
    bridged: undefined,
  };
  const deadline = performance.now() + 600_000;
  // Bounded by the deadline.
  while (Object.values(done).some((v) => v === undefined) && performance.now() < deadline) {
    const s = stack.stats();
    const now = performance.now() - t0;
    if (done.applied === undefined && s.applied >= events) done.applied = now;
    if (done.archived === undefined && s.archived >= events) done.archived = now;
    if (done.bridged === undefined && s.delivered >= events) done.bridged = now;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  clearInterval(sampler);
  await stack.stop();
  client.destroy();
  await rm(dataDir, { recursive: true, force: true });
  const rate = (ms: number | undefined) => (ms === undefined ? 0 : Math.round(events / (ms / 1000)));
  return {
    readyMs: Math.round(readyMs),
    events,
    shards,
    putRecordsPerSecond: rate(putMs),
    appliedPerSecond: rate(done.applied),
    archivedPerSecond: rate(done.archived),
    bridgedPerSecond: rate(done.bridged),
    seconds: { applied: done.applied, archived: done.archived, bridged: done.bridged },
    peakRssMiB: Math.round(peakRss / 1024 / 1024),
  };
}

async function measureKinesalite(records: number) {
  const dir = await mkdtemp(join(tmpdir(), 'measure-kinesalite-'));
  const emulator = await startKinesalite({ directory: dir });
  const client = createKinesisClient({ endpoint: emulator.endpoint });
  await client.send(new CreateStreamCommand({ StreamName: 'ceiling', ShardCount: 1 }));
  const envelopes = orderEvents(records, 10, 'k');
  const t0 = performance.now();
  await putAll(client, 'ceiling', envelopes);
  const putSeconds = (performance.now() - t0) / 1000;
  const shard = (await client.send(new ListShardsCommand({ StreamName: 'ceiling' }))).Shards?.[0]?.ShardId;
  let iterator = (
    await client.send(
      new GetShardIteratorCommand({
        StreamName: 'ceiling',
        ShardId: shard,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    )
  ).ShardIterator;
  let read = 0;
  const t1 = performance.now();
  for (let i = 0; i < 1000 && read < records && iterator !== undefined; i += 1) {
    const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    read += out.Records?.length ?? 0;
    iterator = out.NextShardIterator;
  }
  const getSeconds = (performance.now() - t1) / 1000;
  client.destroy();
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
  return {
    putRecordsPerSecond: Math.round(records / putSeconds),
    getRecordsPerSecond: Math.round(read / getSeconds),
  };
}

async function measureDynalite(writes: number, concurrency = 16) {
  const dir = await mkdtemp(join(tmpdir(), 'measure-dynalite-'));
  const emulator = await startDynalite({ directory: dir });
  const client = new DynamoDBClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: CREDENTIALS,
  });
  await client.send(
    new CreateTableCommand({
      TableName: 'ceiling',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      // Bounded by `writes`: each item written once with a version condition, as the processor writes snapshots.
      while (next < writes) {
        const n = next++;
        await client.send(
          new UpdateItemCommand({
            TableName: 'ceiling',
            Key: { pk: { S: `order#${n}` } },
            UpdateExpression: 'SET #v = :v, #s = :s',
            ConditionExpression: 'attribute_not_exists(#v) OR #v < :v',
            ExpressionAttributeNames: { '#v': 'version', '#s': 'state' },
            ExpressionAttributeValues: { ':v': { N: '1' }, ':s': { S: 'x'.repeat(300) } },
          }),
        );
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  client.destroy();
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
  return { conditionalWritesPerSecond: Math.round(writes / seconds) };
}

async function main() {
  const events = flag('--events', 10_000);
  const shards = flag('--shards', 1);
  const pipeline = await measurePipeline(events, shards);
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  const kinesalite = await measureKinesalite(events);
  const dynalite = await measureDynalite(Math.min(events, 5000));
  const stages = {
    'kinesalite PutRecords': kinesalite.putRecordsPerSecond,
    'kinesalite GetRecords': kinesalite.getRecordsPerSecond,
    'dynalite conditional writes': dynalite.conditionalWritesPerSecond,
  };
  const [bottleneck, ceiling] = Object.entries(stages).sort(([, a], [, b]) => a - b)[0] as [string, number];
  const result = {
    node: process.version,
    pipeline: { ...pipeline, peakRssMiB: Math.max(pipeline.peakRssMiB, peakRssMiB) },
    ceilings: stages,
    bottleneck,
    appliedToBottleneckRatio: Number((pipeline.appliedPerSecond / ceiling).toFixed(2)),
  };
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
