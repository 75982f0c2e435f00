import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startKinesalite, startS3rver } from '../../local/emulators/index.js';
import {
  createS3rverClient,
  FirehoseDeliveryStream,
  type FirehoseDeliveryStreamOptions,
} from '../../local/firehose/index.js';
import { createKinesisClient } from '../../local/kinesis/index.js';
import { createTracing, MAX_LINKS_PER_SPAN } from '../../processors/tracing/index.js';
import { createTestStream, putPayloads, waitUntil } from '../kinesis/stream-fixture.js';

let kinesalite: RunningEmulator;
let s3rver: RunningEmulator;
let kinesis: KinesisClient;
let s3: S3Client;
const dataDirs: string[] = [];
const running: FirehoseDeliveryStream[] = [];
let bucketCounter = 0;
const BUCKETS = [
  'archive-1',
  'archive-2',
  'archive-3',
  'archive-4',
  'archive-5',
  'archive-6',
  'archive-7',
  'archive-8',
  'archive-9',
  'archive-10',
];

beforeAll(async () => {
  kinesalite = await startKinesalite();
  s3rver = await startS3rver({ buckets: BUCKETS });
  kinesis = createKinesisClient({ endpoint: kinesalite.endpoint });
  s3 = createS3rverClient({ endpoint: s3rver.endpoint });
});

afterAll(async () => {
  await Promise.all(running.map((firehose) => firehose.stop().catch(() => {})));
  kinesis?.destroy();
  s3?.destroy();
  await kinesalite?.close();
  await s3rver?.close();
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/**
 * The delivery stream `archive` of `streamName` into `bucket` on the shared emulators, polling every 20 ms;
 * `running` stops it after the test.
 */
function deliveryStream(
  where: { readonly streamName: string; readonly bucket: string; readonly dataDir: string },
  options: Partial<FirehoseDeliveryStreamOptions> = {},
): FirehoseDeliveryStream {
  const firehose = new FirehoseDeliveryStream({
    name: 'archive',
    kinesis,
    s3,
    ...where,
    pollIntervalMs: 20,
    ...options,
  });
  running.push(firehose);
  return firehose;
}

async function setup(options: Partial<FirehoseDeliveryStreamOptions> = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'firehose-'));
  dataDirs.push(dataDir);
  const streamName = await createTestStream(kinesis);
  const bucket = BUCKETS[bucketCounter++] ?? 'none';
  const firehose = deliveryStream(
    { streamName, bucket, dataDir },
    {
      retryDelayMs: 5,
      maxRetryDelayMs: 20,
      shardDiscoveryIntervalMs: 200,
      // These tests write before starting; the tests of the starting position set it themselves.
      startingPosition: 'TRIM_HORIZON',
      ...options,
    },
  );
  return { firehose, streamName, bucket, dataDir };
}

/** The same delivery stream started again on its data directory (its checkpoints and creation instant kept). */
function restarted(streamName: string, bucket: string, dataDir: string): FirehoseDeliveryStream {
  return deliveryStream({ streamName, bucket, dataDir }, { bufferIntervalSeconds: 0.05 });
}

async function objects(bucket: string): Promise<{ key: string; lines: string[]; bytes: number }[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  const result: { key: string; lines: string[]; bytes: number }[] = [];
  for (const entry of listed.Contents ?? []) {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: entry.Key }));
    const raw = gunzipSync(
      Buffer.from(await (object.Body?.transformToByteArray() ?? new Uint8Array())),
    ).toString();
    expect(raw.endsWith('\n')).toBe(true);
    result.push({ key: entry.Key ?? '', lines: raw.slice(0, -1).split('\n'), bytes: Buffer.byteLength(raw) });
  }
  return result;
}

const payloads = (count: number, width = 90) =>
  Array.from({ length: count }, (_, i) => JSON.stringify({ n: i, pad: 'x'.repeat(width) }));

describe('Class: FirehoseDeliveryStream', () => {
  it('flushes by size: full objects while running, the rest on stop, every record once in order', async () => {
    const { firehose, streamName, bucket } = await setup({
      bufferSizeMiB: 1000 / (1024 * 1024),
      bufferIntervalSeconds: 900,
      readLimit: 4,
    });
    const sent = payloads(30);
    await putPayloads(kinesis, streamName, sent);
    await firehose.start();
    await waitUntil(() => firehose.stats().objectsWritten >= 2, 'size-triggered objects');
    const whileRunning = await objects(bucket);
    for (const object of whileRunning) expect(object.bytes).toBeGreaterThanOrEqual(1000);
    await firehose.stop();
    const all = await objects(bucket);
    const lines = all
      .sort((a, b) => (a.lines[0] ?? '').localeCompare(b.lines[0] ?? ''))
      .flatMap((o) => o.lines);
    expect(lines.map((line) => JSON.parse(line).n).sort((a, b) => a - b)).toEqual(sent.map((_, i) => i));
    expect(new Set(lines).size).toBe(30);
    expect(firehose.stats()).toMatchObject({
      recordsArchived: 30,
      objectsWritten: all.length,
      recordsBuffered: 0,
    });
  });

  it('flushes by interval with Firehose key layout and GZIP NDJSON content', async () => {
    const { firehose, streamName, bucket } = await setup({ bufferIntervalSeconds: 0.2 });
    const sent = payloads(5, 10);
    await putPayloads(kinesis, streamName, sent);
    await firehose.start();
    await waitUntil(() => firehose.stats().objectsWritten === 1, 'the interval flush');
    const [object] = await objects(bucket);
    await firehose.stop();
    expect(object?.lines).toEqual(sent);
    const match =
      /^events\/(\d{4})\/(\d\d)\/(\d\d)\/(\d\d)\/archive-1-(\d{4})-(\d\d)-(\d\d)-(\d\d)-\d\d-\d\d-[0-9a-f-]{36}\.gz$/.exec(
        object?.key ?? '',
      );
    expect(match).not.toBeNull();
    expect(match?.slice(1, 5)).toEqual(match?.slice(5, 9));
  });

  it('retries failed PutObject calls with back-off and loses nothing', async () => {
    let failures = 0;
    const injected = createS3rverClient({ endpoint: s3rver.endpoint });
    injected.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutObjectCommand' && failures < 3) {
          failures += 1;
          throw new Error('injected S3 failure');
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectPutObjectFailures' },
    );
    const { firehose, streamName, bucket } = await setup({ bufferIntervalSeconds: 0.05, s3: injected });
    const sent = payloads(12, 5);
    await putPayloads(kinesis, streamName, sent);
    await firehose.start();
    await waitUntil(() => firehose.stats().recordsArchived === 12, 'the archive after retries');
    await firehose.stop();
    injected.destroy();
    expect(failures).toBe(3);
    expect(firehose.stats().putFailures).toBe(3);
    const lines = (await objects(bucket)).flatMap((object) => object.lines);
    expect(lines).toEqual(sent);
  });

  it('stop() flushes the buffer and checkpoints only what is in S3', async () => {
    const { firehose, streamName, bucket, dataDir } = await setup({ bufferIntervalSeconds: 900 });
    const sent = payloads(7, 5);
    const puts = await putPayloads(kinesis, streamName, sent);
    await firehose.start();
    await waitUntil(() => firehose.stats().recordsBuffered === 7, 'the buffer to fill');
    expect(await objects(bucket)).toEqual([]);
    await firehose.stop();
    expect((await objects(bucket)).flatMap((object) => object.lines)).toEqual(sent);
    const checkpoints = JSON.parse(
      await readFile(join(dataDir, 'checkpoints', 'firehose-archive.json'), 'utf8'),
    );
    expect(checkpoints.shards[puts[0]?.shardId ?? ''].sequenceNumber).toBe(puts[6]?.sequenceNumber);
  });

  it('leaves records unacknowledged when S3 stays down through stop(), and delivers them after a restart', async () => {
    const down = createS3rverClient({ endpoint: s3rver.endpoint });
    down.middlewareStack.add(
      () => async () => {
        throw new Error('S3 is down');
      },
      { step: 'initialize', name: 's3Down' },
    );
    const { firehose, streamName, bucket, dataDir } = await setup({
      bufferIntervalSeconds: 900,
      stopFlushAttempts: 2,
      s3: down,
    });
    const sent = payloads(4, 5);
    await putPayloads(kinesis, streamName, sent);
    await firehose.start();
    await waitUntil(() => firehose.stats().recordsBuffered === 4, 'the buffer to fill');
    await expect(firehose.stop()).rejects.toThrow(/could not write/);
    down.destroy();
    expect(await objects(bucket)).toEqual([]);
    const again = restarted(streamName, bucket, dataDir);
    await again.start();
    await waitUntil(() => again.stats().recordsArchived === 4, 'the re-delivery');
    await again.stop();
    expect((await objects(bucket)).flatMap((object) => object.lines)).toEqual(sent);
  });

  it('dates the hour folder and name by the oldest record’s arrival, not by the delivery time', async () => {
    // The delivery clock says 2031; the records arrive now.
    const { firehose, streamName, bucket } = await setup({
      bufferIntervalSeconds: 0.05,
      now: () => new Date('2031-05-06T07:08:09Z'),
    });
    const before = new Date();
    await putPayloads(kinesis, streamName, payloads(3, 5));
    const after = new Date();
    await firehose.start();
    await waitUntil(() => firehose.stats().recordsArchived === 3, 'the archive');
    await firehose.stop();
    const [object] = await objects(bucket);
    const folder = (d: Date) =>
      `events/${d.toISOString().slice(0, 4)}/${d.toISOString().slice(5, 7)}/${d.toISOString().slice(8, 10)}/${d.toISOString().slice(11, 13)}/`;
    expect([folder(before), folder(after)]).toContain(object?.key.slice(0, 'events/yyyy/mm/dd/hh/'.length));
    expect(object?.key).not.toContain('2031');
  });

  it('reads from its creation like Firehose: not what was written before its first start, all that came after', async () => {
    const { firehose, streamName, bucket, dataDir } = await setup({
      startingPosition: 'LATEST',
      bufferIntervalSeconds: 0.05,
    });
    await putPayloads(kinesis, streamName, ['before-creation']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await firehose.start();
    // Written right after the start: read from the creation instant, not from a LATEST iterator taken later.
    await putPayloads(kinesis, streamName, ['after-creation']);
    await waitUntil(() => firehose.stats().recordsArchived === 1, 'the first record');
    await firehose.stop();
    await putPayloads(kinesis, streamName, ['while-stopped']);
    const again = restarted(streamName, bucket, dataDir);
    await again.start();
    await waitUntil(() => again.stats().recordsArchived === 1, 'the record written while stopped');
    await again.stop();
    const lines = (await objects(bucket)).flatMap((object) => object.lines).sort();
    expect(lines).toEqual(['after-creation', 'while-stopped']);
    const start = JSON.parse(
      await readFile(join(dataDir, 'firehose', 'archive.delivery-start.json'), 'utf8'),
    );
    expect(Date.parse(start.deliveryStartTimestamp)).toBeGreaterThan(0);
  });

  it('records an archive span per object, linked to each record with a valid envelope trace context', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({ serviceName: 'firehose', exporter, processor: 'simple' });
    const { firehose, streamName, bucket } = await setup({ bufferIntervalSeconds: 0.2, tracing });
    const traced = (n: number, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        eventId: `e-${n}`,
        aggregateType: 'order',
        aggregateId: 'o-1',
        sequence: n,
        type: 'OrderPlaced',
        correlationId: 'c-1',
        traceparent: `00-${String(n).padStart(32, 'a')}-${String(n).padStart(16, 'b')}-01`,
        ...extra,
      });
    const sent = [
      traced(1),
      'not json',
      traced(2, { traceparent: 'invalid' }),
      JSON.stringify({ n: 3 }),
      traced(4),
    ];
    const puts = await putPayloads(kinesis, streamName, sent);
    await firehose.start();
    await waitUntil(() => firehose.stats().objectsWritten === 1, 'the object');
    await firehose.stop();
    const [object] = await objects(bucket);
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect(span?.name).toBe(`archive ${streamName}`);
    expect(span?.kind).toBe(SpanKind.CONSUMER);
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.attributes).toMatchObject({
      'pipeline.object.key': object?.key,
      'messaging.batch.message_count': 5,
      'messaging.destination.name': streamName,
      'messaging.system': 'aws_firehose',
    });
    expect(span?.links.map((link) => link.context.traceId)).toEqual([
      '1'.padStart(32, 'a'),
      '4'.padStart(32, 'a'),
    ]);
    expect(span?.links[1]?.context.spanId).toBe('4'.padStart(16, 'b'));
    expect(span?.links[0]?.attributes).toMatchObject({
      'messaging.message.id': 'e-1',
      'messaging.message.conversation_id': 'c-1',
      'pipeline.aggregate.type': 'order',
      'pipeline.aggregate.id': 'o-1',
      'pipeline.event.sequence': 1,
      'pipeline.event.type': 'OrderPlaced',
      'pipeline.kinesis.sequence_number': puts[0]?.sequenceNumber,
    });
    await tracing.shutdown();
  });

  it('splits the archive span of an object with more records than a span may link, dropping no link', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({ serviceName: 'firehose', exporter, processor: 'simple' });
    // Flushed whole by stop(): one object however the reads are spread.
    const { firehose, streamName } = await setup({ bufferSizeMiB: 16, bufferIntervalSeconds: 900, tracing });
    const count = MAX_LINKS_PER_SPAN + 3;
    const sent = Array.from({ length: count }, (_, n) =>
      JSON.stringify({
        eventId: `e-${n}`,
        traceparent: `00-${'a'.repeat(32)}-${String(n + 1).padStart(16, '0')}-01`,
      }),
    );
    for (let start = 0; start < count; start += 500)
      await putPayloads(kinesis, streamName, sent.slice(start, start + 500));
    await firehose.start();
    await waitUntil(() => firehose.stats().recordsBuffered === count, 'every record in the buffer');
    await firehose.stop();
    const spans = exporter.getFinishedSpans();
    expect(firehose.stats().objectsWritten).toBe(1);
    expect(spans.map((span) => span.links.length)).toEqual([MAX_LINKS_PER_SPAN, 3]);
    expect(new Set(spans.map((span) => span.attributes['pipeline.object.key'])).size).toBe(1);
    const ids = new Set(
      spans.flatMap((span) => span.links.map((l) => l.attributes?.['messaging.message.id'])),
    );
    expect(ids.size).toBe(count);
    await tracing.shutdown();
  });
});
