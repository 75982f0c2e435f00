import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, expect, it } from 'vitest';
import { startKinesalite, startS3rver } from '../../local/emulators/index.js';
import { createS3rverClient, FirehoseDeliveryStream } from '../../local/firehose/index.js';
import { createKinesisClient } from '../../local/kinesis/index.js';
import { createTestStream, putPayloads, waitUntil } from '../kinesis/stream-fixture.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of cleanup.reverse()) await close().catch(() => {});
});

it('writes an object again when S3 answered success but holds only part of it, checkpointing only whole objects', async () => {
  const kinesalite = await startKinesalite();
  const s3rver = await startS3rver({ buckets: ['archive'] });
  cleanup.push(
    () => kinesalite.close(),
    () => s3rver.close(),
  );
  const kinesis = createKinesisClient({ endpoint: kinesalite.endpoint });
  const s3 = createS3rverClient({ endpoint: s3rver.endpoint });
  cleanup.push(
    async () => kinesis.destroy(),
    async () => s3.destroy(),
  );
  const dataDir = await mkdtemp(join(tmpdir(), 'firehose-whole-'));
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));

  // The first PutObject stores half of its body and answers success: what s3rver leaves when the process dies
  // between its answer and the end of its write.
  let torn = 0;
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Body?: Uint8Array };
      if (context.commandName === 'PutObjectCommand' && torn === 0 && input.Body instanceof Uint8Array) {
        torn += 1;
        input.Body = input.Body.subarray(0, Math.floor(input.Body.byteLength / 2));
      }
      return next(args);
    },
    { step: 'initialize', name: 'tearFirstPutObject' },
  );
  const streamName = await createTestStream(kinesis);
  const sent = Array.from({ length: 20 }, (_, i) => JSON.stringify({ i }));
  await putPayloads(kinesis, streamName, sent);
  const firehose = new FirehoseDeliveryStream({
    name: 'archive',
    kinesis,
    s3,
    streamName,
    bucket: 'archive',
    dataDir,
    bufferIntervalSeconds: 0.05,
    startingPosition: 'TRIM_HORIZON',
    retryDelayMs: 5,
    pollIntervalMs: 20,
  });
  await firehose.start();
  await waitUntil(() => firehose.stats().recordsArchived === sent.length, 'the archive');
  await firehose.stop();

  expect(torn).toBe(1);
  expect(firehose.stats().putFailures).toBe(1);
  const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: 'archive' }))).Contents ?? []).map(
    (o) => o.Key as string,
  );
  const lines: string[] = [];
  for (const key of keys) {
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: 'archive', Key: key }))
    ).Body?.transformToByteArray();
    lines.push(
      ...gunzipSync(body ?? new Uint8Array())
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== ''),
    );
  }
  expect(lines).toEqual(sent);
});
