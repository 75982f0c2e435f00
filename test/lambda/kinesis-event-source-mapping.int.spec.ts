import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startKinesalite } from '../../local/emulators/index.js';
import { createKinesisClient } from '../../local/kinesis/index.js';
import {
  KinesisEventSourceMapping,
  type KinesisEventSourceMappingOptions,
  type KinesisOnFailureRecord,
  type KinesisStreamFunction,
} from '../../local/lambda/index.js';
import { createTestStream, putPayloads, waitUntil } from '../kinesis/stream-fixture.js';

let kinesalite: RunningEmulator;
let client: KinesisClient;
const dataDirs: string[] = [];
const running: KinesisEventSourceMapping[] = [];

beforeAll(async () => {
  kinesalite = await startKinesalite();
  client = createKinesisClient({ endpoint: kinesalite.endpoint });
});

afterAll(async () => {
  await Promise.all(running.map((esm) => esm.stop()));
  client?.destroy();
  await kinesalite?.close();
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'esm-'));
  dataDirs.push(dir);
  return dir;
}

function mapping(
  options: Omit<KinesisEventSourceMappingOptions, 'client'> & { handler: KinesisStreamFunction },
): KinesisEventSourceMapping {
  const esm = new KinesisEventSourceMapping({
    client,
    pollIntervalMs: 20,
    retryDelayMs: 5,
    maxRetryDelayMs: 20,
    shardDiscoveryIntervalMs: 200,
    ...options,
  });
  running.push(esm);
  return esm;
}

const sequences = (event: KinesisStreamEvent) => event.Records.map((record) => record.kinesis.sequenceNumber);

async function readDestination(
  dataDir: string,
  functionName = 'stream-processor',
): Promise<KinesisOnFailureRecord[]> {
  const text = await readFile(join(dataDir, 'lambda', functionName, 'on-failure.ndjson'), 'utf8').catch(
    () => '',
  );
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as KinesisOnFailureRecord);
}

async function checkpointOf(dataDir: string, shardId: string, consumer = 'lambda-stream-processor') {
  const file = JSON.parse(await readFile(join(dataDir, 'checkpoints', `${consumer}.json`), 'utf8'));
  return file.shards[shardId]?.sequenceNumber as string | undefined;
}

describe('Class: KinesisEventSourceMapping', () => {
  it('builds a real KinesisStreamEvent', async () => {
    const streamName = await createTestStream(client);
    const [put] = await putPayloads(client, streamName, ['{"hello":1}']);
    const events: KinesisStreamEvent[] = [];
    const esm = mapping({
      streamName,
      dataDir: await newDataDir(),
      handler: async (event) => void events.push(event),
    });
    await esm.start();
    await waitUntil(() => events.length === 1, 'one invocation');
    await esm.stop();
    const record = events[0]?.Records[0];
    expect(record).toMatchObject({
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventName: 'aws:kinesis:record',
      eventID: `${put?.shardId}:${put?.sequenceNumber}`,
      awsRegion: 'us-east-1',
      eventSourceARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`,
      kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'key', sequenceNumber: put?.sequenceNumber },
    });
    expect(Buffer.from(record?.kinesis.data ?? '', 'base64').toString()).toBe('{"hello":1}');
    expect(Math.abs((record?.kinesis.approximateArrivalTimestamp ?? 0) - Date.now() / 1000)).toBeLessThan(
      300,
    );
  });

  it('resumes before the lowest reported failure and checkpoints before it', async () => {
    const streamName = await createTestStream(client);
    const puts = await putPayloads(
      client,
      streamName,
      Array.from({ length: 10 }, (_, i) => `r${i}`),
    );
    const seq = puts.map((put) => put.sequenceNumber);
    const invocations: string[][] = [];
    const dataDir = await newDataDir();
    const esm = mapping({
      streamName,
      dataDir,
      batchSize: 10,
      functionResponseTypes: ['ReportBatchItemFailures'],
      handler: async (event) => {
        invocations.push(sequences(event));
        if (invocations.length === 1)
          return {
            batchItemFailures: [
              { itemIdentifier: seq[6] ?? '' },
              { itemIdentifier: seq[3] ?? '' },
              { itemIdentifier: seq[8] ?? '' },
            ],
          };
        return { batchItemFailures: [] };
      },
    });
    await esm.start();
    await waitUntil(() => invocations.length === 2, 'the redelivery');
    await esm.stop();
    expect(invocations[0]).toEqual(seq);
    expect(invocations[1]).toEqual(seq.slice(3));
    expect(await checkpointOf(dataDir, puts[0]?.shardId ?? '')).toBe(seq[9]);
    expect(esm.stats()).toMatchObject({
      invocations: 2,
      partialFailures: 1,
      retries: 1,
      recordsSucceeded: 10,
    });
  });

  it.each([
    ['an empty list', { batchItemFailures: [] }],
    ['a null list', { batchItemFailures: null }],
    ['a null response', null],
  ])('treats %s as success', async (_name, response) => {
    const streamName = await createTestStream(client);
    const puts = await putPayloads(client, streamName, ['a', 'b', 'c']);
    let calls = 0;
    const dataDir = await newDataDir();
    const esm = mapping({
      streamName,
      dataDir,
      functionResponseTypes: ['ReportBatchItemFailures'],
      handler: async () => {
        calls += 1;
        return response as never;
      },
    });
    await esm.start();
    await waitUntil(
      async () =>
        (await checkpointOf(dataDir, puts[0]?.shardId ?? '').catch(() => undefined)) ===
        puts[2]?.sequenceNumber,
      'the checkpoint',
    );
    await esm.stop();
    expect(calls).toBe(1);
    expect(esm.stats().retries).toBe(0);
  });

  it.each([
    ['a null itemIdentifier', { itemIdentifier: null }],
    ['an empty itemIdentifier', { itemIdentifier: '' }],
    ['a missing itemIdentifier', {}],
    ['an identifier not in the batch', { itemIdentifier: '1' }],
  ])('treats %s as a whole-batch failure', async (_name, entry) => {
    const streamName = await createTestStream(client);
    const puts = await putPayloads(client, streamName, ['a', 'b', 'c']);
    const invocations: string[][] = [];
    const esm = mapping({
      streamName,
      dataDir: await newDataDir(),
      functionResponseTypes: ['ReportBatchItemFailures'],
      handler: async (event) => {
        invocations.push(sequences(event));
        return (invocations.length === 1 ? { batchItemFailures: [entry] } : undefined) as never;
      },
    });
    await esm.start();
    await waitUntil(() => invocations.length === 2, 'the retry');
    await esm.stop();
    expect(invocations[1]).toEqual(puts.map((put) => put.sequenceNumber));
    expect(esm.stats().retries).toBe(1);
  });

  it('bisects a failing batch down to the poison record and sends only it to the destination', async () => {
    const streamName = await createTestStream(client);
    const puts = await putPayloads(
      client,
      streamName,
      Array.from({ length: 8 }, (_, i) => (i === 5 ? 'poison' : `ok${i}`)),
    );
    const processed = new Set<string>();
    const dataDir = await newDataDir();
    const esm = mapping({
      streamName,
      dataDir,
      batchSize: 8,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 1,
      handler: async (event) => {
        const payloads = event.Records.map((record) => Buffer.from(record.kinesis.data, 'base64').toString());
        if (payloads.includes('poison')) throw new Error('poison');
        for (const payload of payloads) processed.add(payload);
      },
    });
    await esm.start();
    await waitUntil(
      () => esm.stats().batchesToDestination === 1 && processed.size === 7,
      'the bisected batches',
    );
    await esm.stop();
    const [failure] = await readDestination(dataDir);
    expect(failure?.KinesisBatchInfo).toMatchObject({
      batchSize: 1,
      startSequenceNumber: puts[5]?.sequenceNumber,
      endSequenceNumber: puts[5]?.sequenceNumber,
    });
    expect(failure?.requestContext.condition).toBe('RetryAttemptsExhausted');
    // 8 → 4+4 → 2+2 → 1+1: three splits on the poison's path; then one retry of the single record.
    expect(esm.stats()).toMatchObject({ bisects: 3, retries: 1, recordsToDestination: 1 });
  });

  it('sends a batch whose retries are exhausted to the destination in AWS shape and moves on', async () => {
    const streamName = await createTestStream(client);
    const puts = await putPayloads(client, streamName, ['x', 'y', 'z']);
    const dataDir = await newDataDir();
    let calls = 0;
    const esm = mapping({
      streamName,
      dataDir,
      maximumRetryAttempts: 2,
      handler: async () => {
        calls += 1;
        throw new Error('always');
      },
    });
    await esm.start();
    await waitUntil(() => esm.stats().batchesToDestination === 1, 'the discard');
    await esm.stop();
    const records = await readDestination(dataDir);
    expect(records).toHaveLength(1);
    const record = records[0] as KinesisOnFailureRecord;
    expect(calls).toBe(3);
    expect(record).toEqual({
      requestContext: {
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:stream-processor',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      KinesisBatchInfo: {
        shardId: puts[0]?.shardId,
        startSequenceNumber: puts[0]?.sequenceNumber,
        endSequenceNumber: puts[2]?.sequenceNumber,
        approximateArrivalOfFirstRecord: expect.stringMatching(/Z$/),
        approximateArrivalOfLastRecord: expect.stringMatching(/Z$/),
        batchSize: 3,
        streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`,
      },
    });
    expect(await checkpointOf(dataDir, puts[0]?.shardId ?? '')).toBe(puts[2]?.sequenceNumber);
  });

  it('discards records older than maximumRecordAgeInSeconds to the destination', async () => {
    const streamName = await createTestStream(client);
    const puts = await putPayloads(client, streamName, ['old']);
    const dataDir = await newDataDir();
    const esm = mapping({
      streamName,
      dataDir,
      maximumRecordAgeInSeconds: 0.3,
      handler: async () => {
        throw new Error('never succeeds');
      },
    });
    await esm.start();
    await waitUntil(() => esm.stats().batchesToDestination === 1, 'the expiry');
    await esm.stop();
    const [record] = await readDestination(dataDir);
    expect(record?.requestContext.condition).toBe('RecordAgeExceeded');
    expect(record?.KinesisBatchInfo.startSequenceNumber).toBe(puts[0]?.sequenceNumber);
    expect(esm.stats().recordsExpired).toBe(1);
  });

  it('resumes after a restart from the persisted checkpoint with nothing lost', async () => {
    const streamName = await createTestStream(client);
    const payloads = Array.from({ length: 40 }, (_, i) => `p${i}`);
    await putPayloads(client, streamName, payloads);
    const dataDir = await newDataDir();
    const seen: string[] = [];
    const handler: KinesisStreamFunction = async (event) => {
      for (const record of event.Records) seen.push(Buffer.from(record.kinesis.data, 'base64').toString());
    };
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const first = mapping({
      streamName,
      dataDir,
      batchSize: 5,
      handler: async (event) => {
        // Holds the third batch in flight until stop() is under way.
        if (seen.length >= 10) await gate;
        await handler(event, undefined as never);
      },
    });
    await first.start();
    await waitUntil(() => first.stats().inFlight === 1 && seen.length >= 10, 'a batch in flight');
    const stopping = first.stop();
    openGate();
    await stopping;
    const seenBeforeRestart = seen.length;
    expect(seenBeforeRestart).toBe(15);
    const second = mapping({ streamName, dataDir, batchSize: 5, handler });
    await second.start();
    await waitUntil(() => new Set(seen).size === 40, 'every record');
    await second.stop();
    // Stop waits for the in-flight batch and flushes its checkpoint: nothing is redelivered here.
    expect(seen).toEqual(payloads);
    expect(second.stats().recordsDelivered).toBe(40 - seenBeforeRestart);
  });

  it('keeps one batch in flight per shard while polling shards concurrently', async () => {
    const streamName = await createTestStream(client, 2);
    const puts = await putPayloads(
      client,
      streamName,
      Array.from({ length: 60 }, (_, i) => `c${i}`),
      (i) => `k${i}`,
    );
    const shards = new Set(puts.map((put) => put.shardId));
    expect(shards.size).toBe(2);
    const inFlight = new Map<string, number>();
    let maxPerShard = 0;
    const shardsSeen = new Set<string>();
    let release!: () => void;
    const bothStarted = new Promise<void>((resolve) => {
      release = resolve;
    });
    let delivered = 0;
    const esm = mapping({
      streamName,
      dataDir: await newDataDir(),
      batchSize: 3,
      handler: async (event) => {
        const shardId = event.Records[0]?.eventID.split(':')[0] ?? '';
        inFlight.set(shardId, (inFlight.get(shardId) ?? 0) + 1);
        maxPerShard = Math.max(maxPerShard, inFlight.get(shardId) ?? 0);
        shardsSeen.add(shardId);
        if (shardsSeen.size === 2) release();
        // The first batch of each shard waits for the other shard: serial polling would never get here.
        await bothStarted;
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight.set(shardId, (inFlight.get(shardId) ?? 0) - 1);
        delivered += event.Records.length;
      },
    });
    await esm.start();
    await waitUntil(() => delivered === 60, 'every record');
    await esm.stop();
    expect(maxPerShard).toBe(1);
    expect(shardsSeen.size).toBe(2);
  });
});
