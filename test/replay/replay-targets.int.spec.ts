import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toKinesisStreamEvent } from '../../bench/envelope-stream-event.js';
import { openEventBus } from '../../local/bus/index.js';
import { type RunningEmulator, startKinesalite } from '../../local/emulators/index.js';
import { firehoseObjectKey } from '../../local/firehose/object-key.js';
import { generateOrderEvents } from '../../processors/aggregates/index.js';
import { chainOf, resolveEngineOptions } from '../../processors/engine/index.js';
import { decodeEnvelopeBytes, type Envelope } from '../../processors/envelope/index.js';
import { createOrderedProducer } from '../../processors/producer/index.js';
import {
  busTarget,
  projectionTarget,
  readCheckpoint,
  runReplay,
  S3ArchiveSource,
  streamTarget,
  verifyArchive,
} from '../../processors/replay/index.js';
import { processKinesisBatch } from '../../processors/stream-processor/index.js';
import { type LocalAwsFixture, startLocalAws } from '../support/processor-fixture.js';
import { archiveHour, firstHours, registry } from './replay-fixture.js';

const range = firstHours(4);
const events = generateOrderEvents({ aggregates: 24, eventsPerAggregate: 10, seed: 11 });

interface Row {
  version: number;
  chain: string;
  state: unknown;
  revision: number;
}

let aws: LocalAwsFixture;
let kinesalite: RunningEmulator;
let kinesis: KinesisClient;
let source: S3ArchiveSource;
let liveTable: string;
let live: Map<string, Row>;
let workDir: string;

async function projectionRows(table: string): Promise<Map<string, Row>> {
  const { documentClient } = aws.deps(table);
  const rows = new Map<string, Row>();
  let start: Record<string, unknown> | undefined;
  for (let page = 0; page < 100; page++) {
    const out = await documentClient.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) {
      if (item.sk !== 'state') continue;
      rows.set(item.pk as string, {
        version: item.version as number,
        chain: item.chain as string,
        state: item.state,
        revision: item.revision as number,
      });
    }
    start = out.LastEvaluatedKey;
    if (start === undefined) break;
  }
  return rows;
}

/** Version, chain and state only: a rebuilt item has its own revision history. */
const comparable = (rows: Map<string, Row>) =>
  new Map([...rows].map(([pk, r]) => [pk, { version: r.version, chain: r.chain, state: r.state }]));

async function processInBatches(table: string, envelopes: readonly Envelope[], size = 50): Promise<void> {
  const { deps } = aws.deps(table);
  for (let i = 0; i < envelopes.length; i += size) {
    const result = await processKinesisBatch(toKinesisStreamEvent(envelopes.slice(i, i + size)), deps);
    expect(result.response.batchItemFailures).toEqual([]);
  }
}

beforeAll(async () => {
  aws = await startLocalAws();
  kinesalite = await startKinesalite();
  kinesis = new KinesisClient({
    endpoint: kinesalite.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true }) }),
  });
  workDir = await mkdtemp(join(tmpdir(), 'replay-int-'));
  source = new S3ArchiveSource({
    client: aws.s3Client,
    bucket: aws.bucket,
    pageSize: 3,
    listing: 'v1-marker',
  });

  // The live projection, built by the processor from the stream (with a redelivered batch).
  liveTable = await aws.createTable();
  await processInBatches(liveTable, [...events.slice(0, 60), ...events.slice(30)]);
  live = await projectionRows(liveTable);

  // The archive: the same events over 3 hours, in objects of 17, each object repeating a few lines.
  let n = 0;
  for (let i = 0; i < events.length; i += 17) {
    const slice = events.slice(i, i + 17);
    const lines = [...slice, ...slice.slice(0, 3)].map((e) => JSON.stringify(e)).join('\n');
    const key = firehoseObjectKey({
      prefix: 'events/',
      deliveryStreamName: 'archive',
      deliveryStreamVersion: 1,
      timestamp: archiveHour(n % 3, n),
      id: `id-${n++}`,
    });
    await aws.s3Client.send(
      new PutObjectCommand({ Bucket: aws.bucket, Key: key, Body: gzipSync(`${lines}\n`) }),
    );
  }
});

afterAll(async () => {
  kinesis?.destroy();
  await kinesalite?.close();
  await aws?.close();
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
});

function projection(table: string) {
  return projectionTarget({
    store: aws.deps(table).store,
    registry,
    engine: resolveEngineOptions(),
    description: `table ${table}`,
  });
}

describe('replay against s3rver, dynalite and kinesalite', () => {
  it('the archive verifies clean apart from duplicates', async () => {
    const v = await verifyArchive({ source, registry, range });
    expect(v.totals).toMatchObject({ aggregates: 24, events: 240, missingSequences: 0, conflicts: 0 });
    expect(v.totals.duplicates).toBeGreaterThan(0);
    expect(v.ok).toBe(true);
  });

  it('projection: a rebuild into a fresh table equals the live projection (version, chain, state)', async () => {
    const table = await aws.createTable();
    const summary = await runReplay({ source, registry, range, target: projection(table), targetName: 'p' });
    expect(summary).toMatchObject({ sent: 240, failed: 0, targetDuplicates: 0 });
    const rebuilt = await projectionRows(table);
    expect(comparable(rebuilt)).toEqual(comparable(live));
    const first = events[0] as Envelope;
    const ids = events.filter((e) => e.aggregateId === first.aggregateId).map((e) => e.eventId);
    expect(rebuilt.get(`order#${first.aggregateId}`)?.chain).toBe(chainOf(ids));
  });

  it('projection: replay into the live table changes nothing (all duplicates)', async () => {
    const summary = await runReplay({
      source,
      registry,
      range,
      target: projection(liveTable),
      targetName: 'live',
    });
    expect(summary).toMatchObject({ sent: 0, failed: 0, targetDuplicates: 240 });
    expect(await projectionRows(liveTable)).toEqual(live);
  });

  it('projection: after simulated loss of items, replay into live restores them exactly', async () => {
    const table = await aws.createTable();
    await processInBatches(table, events);
    const { documentClient } = aws.deps(table);
    const lost = [...live.keys()].slice(0, 5);
    for (const pk of lost)
      await documentClient.send(new DeleteCommand({ TableName: table, Key: { pk, sk: 'state' } }));
    const summary = await runReplay({ source, registry, range, target: projection(table), targetName: 'p' });
    expect(summary.sent).toBe(50);
    expect(comparable(await projectionRows(table))).toEqual(comparable(live));
  });

  it('stream: re-put keeps each aggregate in order, and processing the stream rebuilds the live projection', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'replayed', ShardCount: 2 }));
    const producer = createOrderedProducer({ client: kinesis, streamName: 'replayed' });
    const summary = await runReplay({
      source,
      registry,
      range,
      target: streamTarget(producer, 'stream replayed'),
      targetName: 'stream',
      chunkSize: 40,
    });
    expect(summary).toMatchObject({ sent: 240, failed: 0 });
    const shards = (await kinesis.send(new ListShardsCommand({ StreamName: 'replayed' }))).Shards ?? [];
    const received: Envelope[] = [];
    for (const shard of shards) {
      let iterator = (
        await kinesis.send(
          new GetShardIteratorCommand({
            StreamName: 'replayed',
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator;
      for (let i = 0; i < 50 && iterator !== undefined; i++) {
        const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        for (const r of out.Records ?? []) received.push(decodeEnvelopeBytes(r.Data as Uint8Array));
        if ((out.Records ?? []).length === 0) break;
        iterator = out.NextShardIterator;
      }
    }
    expect(received).toHaveLength(240);
    const table = await aws.createTable();
    await processInBatches(table, received);
    expect(comparable(await projectionRows(table))).toEqual(comparable(live));
  });

  it('bus: every event arrives once with the replay marker, source and detail-type as the Pipe sets them', async () => {
    const bus = await openEventBus({
      name: 'pipeline',
      dataDir: join(workDir, 'bus'),
      rules: [{ name: 'orders', eventPattern: { source: ['pipeline.order'] } }],
    });
    try {
      const summary = await runReplay({
        source,
        registry,
        range,
        target: busTarget({
          bus,
          busName: 'pipeline',
          marker: { runId: 'run-1', replayedAt: '2026-02-01T00:00:00.000Z' },
          description: 'bus',
        }),
        targetName: 'bus',
      });
      expect(summary).toMatchObject({ sent: 240, failed: 0 });
      await bus.idle();
      const delivered = await bus.queue('orders').read();
      expect(delivered).toHaveLength(240);
      const first = delivered[0] as unknown as {
        'detail-type': string;
        source: string;
        detail: { envelope: Envelope; replay: unknown };
      };
      expect(first.source).toBe('pipeline.order');
      expect(first['detail-type']).toBe(first.detail.envelope.type);
      expect(first.detail.replay).toEqual({ runId: 'run-1', replayedAt: '2026-02-01T00:00:00.000Z' });
      const ids = new Set(delivered.map((d) => (d as unknown as typeof first).detail.envelope.eventId));
      expect(ids).toEqual(new Set(events.map((e) => e.eventId)));
    } finally {
      await bus.close();
    }
  });

  it('resume: a run stopped midway and resumed ends as one uninterrupted run', async () => {
    const table = await aws.createTable();
    const checkpointFile = join(workDir, 'checkpoint.json');
    const controller = new AbortController();
    const inner = projection(table);
    let calls = 0;
    const stopping = {
      description: inner.description,
      async send(batch: readonly Envelope[]) {
        const out = await inner.send(batch);
        if (++calls === 3) controller.abort();
        return out;
      },
    };
    const first = await runReplay({
      source,
      registry,
      range,
      target: stopping,
      targetName: 'p',
      chunkSize: 20,
      checkpointFile,
      signal: controller.signal,
    });
    expect(first.stopped).toBe(true);
    expect(first.sent).toBe(60);
    const saved = await readCheckpoint(checkpointFile);
    expect(saved?.completed).toBe(false);
    expect(saved?.cursor).not.toBeNull();

    const second = await runReplay({
      source,
      registry,
      range,
      target: projection(table),
      targetName: 'p',
      chunkSize: 20,
      checkpointFile,
      resume: true,
    });
    expect(second.stopped).toBe(false);
    expect(second.sent + first.sent).toBe(240);
    expect(second.targetDuplicates).toBe(0);
    // Events before the cursor are skipped; objects wholly before it are not even read again.
    expect(second.alreadyDone).toBeLessThanOrEqual(60);
    if (second.alreadyDone < 60) expect(second.objectsSkipped).toBeGreaterThan(0);
    expect((await readCheckpoint(checkpointFile))?.completed).toBe(true);
    expect(comparable(await projectionRows(table))).toEqual(comparable(live));
  });
});
