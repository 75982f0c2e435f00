/**
 * Measures the local pipeline (`npx tsx load/measure-local-throughput.ts [--events 10000] [--shards 1]`):
 * time to ready, sustained events/s PutRecords → applied / archived / bridged, and, on the same emulators once the
 * pipeline has drained, the raw ceilings of kinesalite PutRecords and GetRecords and of dynalite conditional writes
 * ({@link measureCeilings}, as `load --find-max` measures them), then names the bottleneck. Prints JSON last.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalStack } from '../local/stack/index.js';
import { generateOrderEvents } from '../processors/aggregates/order-events.js';
import { encodeEnvelope } from '../processors/envelope/index.js';
import { createOrderedProducer } from '../processors/producer/index.js';
import { measureCeilings } from './ceiling.js';
import { createStoreClients, type StoreClients } from './store-clients.js';

type RunningStack = Awaited<ReturnType<typeof startLocalStack>>;

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

async function measurePipeline(stack: RunningStack, clients: StoreClients, events: number) {
  // Ten events per order, round-robin across orders as independent clients interleave.
  const envelopes = generateOrderEvents({
    aggregates: Math.ceil(events / 10),
    eventsPerAggregate: 10,
    interleave: 'round-robin',
    aggregateIdPrefix: 'm',
  }).slice(0, events);
  const producer = createOrderedProducer({
    client: clients.kinesis as NonNullable<StoreClients['kinesis']>,
    streamName: stack.endpoints.stream.name,
    concurrency: 4,
  });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const t0 = performance.now();
  await producer.put(envelopes.map((e) => ({ partitionKey: e.aggregateId, data: encodeEnvelope(e) })));
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
  const rate = (ms: number | undefined) => (ms === undefined ? 0 : Math.round(events / (ms / 1000)));
  return {
    events,
    putRecordsPerSecond: rate(putMs),
    appliedPerSecond: rate(done.applied),
    archivedPerSecond: rate(done.archived),
    bridgedPerSecond: rate(done.bridged),
    seconds: { applied: done.applied, archived: done.archived, bridged: done.bridged },
    peakRssMiB: Math.round(peakRss / 1024 / 1024),
  };
}

async function main() {
  const events = flag('--events', 10_000);
  const shards = flag('--shards', 1);
  const dataDir = await mkdtemp(join(tmpdir(), 'measure-stack-'));
  const began = performance.now();
  const stack = await startLocalStack({
    dataDir,
    shards,
    quiet: true,
    logLevel: 'SILENT',
    archiveBufferIntervalSeconds: 1,
  });
  const readyMs = Math.round(performance.now() - began);
  const { endpoints } = stack;
  const clients = createStoreClients({
    region: endpoints.region,
    credentials: endpoints.credentials,
    endpoints: endpoints.endpoints,
    table: endpoints.table,
    bucket: endpoints.bucket,
    archivePrefix: 'events/',
    busQueue: undefined,
  });
  const raw = new DynamoDBClient({
    region: endpoints.region,
    credentials: endpoints.credentials,
    endpoint: endpoints.endpoints.dynamodb,
  });
  try {
    const pipeline = await measurePipeline(stack, clients, events);
    const ceiling = await measureCeilings({
      kinesis: clients.kinesis as NonNullable<StoreClients['kinesis']>,
      dynamodb: clients.dynamodb,
      dynamodbRaw: raw,
      id: 'measure',
      records: events,
      writes: Math.min(events, 5000),
      concurrency: 16,
    });
    const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
    const result = {
      node: process.version,
      pipeline: { readyMs, shards, ...pipeline, peakRssMiB: Math.max(pipeline.peakRssMiB, peakRssMiB) },
      ceilings: ceiling,
      bottleneck: ceiling.slowestStage,
      appliedToBottleneckRatio: Number((pipeline.appliedPerSecond / ceiling.slowestPerSecond).toFixed(2)),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    raw.destroy();
    clients.destroy();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
