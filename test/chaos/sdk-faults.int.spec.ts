import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DynamoDBClient,
  ProvisionedThroughputExceededException as DynamoThrottled,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ProvisionedThroughputExceededException as KinesisThrottled,
  ListStreamsCommand,
  PutRecordsCommand,
  type PutRecordsCommandOutput,
} from '@aws-sdk/client-kinesis';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startKinesalite } from '../../local/emulators/index.js';
import { FaultInjector, injectSdkFaults } from '../../local/faults/index.js';
import { createS3rverClient } from '../../local/firehose/index.js';
import { createKinesisClient } from '../../local/kinesis/index.js';
import { createTestStream } from '../kinesis/stream-fixture.js';

// A loopback server that answers every call with success, and counts what reached it.
let server: Server;
let endpoint: string;
let reached = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    reached += 1;
    request.resume();
    request.on('end', () => {
      if (request.headers['x-amz-target']?.toString().startsWith('Kinesis')) {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify({ Records: [], NextShardIterator: 'next', MillisBehindLatest: 0, StreamNames: [] }),
        );
      } else if (request.headers['x-amz-target']?.toString().startsWith('DynamoDB')) {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        response.end('{}');
      } else {
        response.writeHead(200, { etag: '"e"' });
        response.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('injectSdkFaults: faults as the SDK sees them from AWS', () => {
  it('Kinesis throttling is the real ProvisionedThroughputExceededException, retried by the SDK (3 attempts by default)', async () => {
    const client = createKinesisClient({ endpoint });
    const injector = new FaultInjector({ rate: 1, kinds: ['kinesis-throttling'] });
    injectSdkFaults(client, 'kinesis', injector);
    reached = 0;
    const error = await client.send(new GetRecordsCommand({ ShardIterator: 'it' })).catch((e: unknown) => e);
    client.destroy();
    expect(error).toBeInstanceOf(KinesisThrottled);
    expect((error as KinesisThrottled).$metadata.attempts).toBe(3);
    expect((error as KinesisThrottled).$retryable?.throttling ?? true).toBe(true);
    expect(injector.counts()['kinesis-throttling']).toBe(3);
    expect(reached).toBe(0);
  });

  it('a throttled call that is retried succeeds once the fault passes (the SDK retry runs through the fault)', async () => {
    const client = createKinesisClient({ endpoint });
    // Seed 7 at rate 0.5: some attempts fail, and with three attempts most calls get through.
    const injector = new FaultInjector({ rate: 0.5, seed: 7, kinds: ['kinesis-throttling'] });
    injectSdkFaults(client, 'kinesis', injector);
    let ok = 0;
    for (let i = 0; i < 8; i++)
      if (
        await client.send(new GetRecordsCommand({ ShardIterator: 'it' })).then(
          () => true,
          () => false,
        )
      )
        ok += 1;
    client.destroy();
    const injected = injector.counts()['kinesis-throttling'];
    expect(injected).toBeGreaterThan(0);
    // More calls succeeded than the attempts that were not faulted on the first try: retries cleared faults.
    expect(ok).toBeGreaterThan(8 - injected);
  });

  it('control-plane calls never get faults', async () => {
    const client = createKinesisClient({ endpoint });
    const injector = new FaultInjector({ rate: 1 });
    injectSdkFaults(client, 'kinesis', injector);
    await client.send(new ListStreamsCommand({}));
    client.destroy();
    expect(Object.values(injector.counts()).every((n) => n === 0)).toBe(true);
  });

  it('DynamoDB throttling parses as ProvisionedThroughputExceededException and is retried', async () => {
    const client = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const injector = new FaultInjector({ rate: 1, kinds: ['dynamodb-throttling'] });
    injectSdkFaults(client, 'dynamodb', injector);
    const error = await client
      .send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } }))
      .catch((e: unknown) => e);
    client.destroy();
    expect(error).toBeInstanceOf(DynamoThrottled);
    expect((error as DynamoThrottled).$metadata.attempts).toBeGreaterThan(1);
  });

  it('DynamoDB 5xx is a 500 InternalServerError, retried; half of them reached the service first', async () => {
    const client = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const injector = new FaultInjector({ rate: 1, seed: 3, kinds: ['dynamodb-5xx'] });
    injectSdkFaults(client, 'dynamodb', injector);
    reached = 0;
    const errors: unknown[] = [];
    for (let i = 0; i < 4; i++)
      errors.push(
        await client
          .send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } }))
          .catch((e: unknown) => e),
      );
    client.destroy();
    for (const error of errors) {
      expect((error as Error).name).toBe('InternalServerError');
      expect((error as { $metadata: { httpStatusCode: number; attempts: number } }).$metadata).toMatchObject({
        httpStatusCode: 500,
      });
      // The DynamoDB client's default retry budget (more than one attempt): the 5xx was retried.
      expect((error as { $metadata: { attempts: number } }).$metadata.attempts).toBeGreaterThan(1);
    }
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThan(errors.length * 4);
  });

  it('S3 5xx is 503 SlowDown, retried by the SDK', async () => {
    const client = createS3rverClient({ endpoint });
    const injector = new FaultInjector({ rate: 1, kinds: ['s3-5xx'] });
    injectSdkFaults(client, 's3', injector);
    const error = await client
      .send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }))
      .catch((e: unknown) => e);
    client.destroy();
    expect((error as Error).name).toBe('SlowDown');
    expect((error as { $metadata: { httpStatusCode: number; attempts: number } }).$metadata).toMatchObject({
      httpStatusCode: 503,
      attempts: 3,
    });
  });

  it('slow responses answer after slowMs with the real result', async () => {
    const client = createKinesisClient({ endpoint });
    const injector = new FaultInjector({ rate: 1, kinds: ['slow-response'], slowMs: 150 });
    injectSdkFaults(client, 'kinesis', injector);
    const began = performance.now();
    const output = await client.send(new GetRecordsCommand({ ShardIterator: 'it' }));
    client.destroy();
    expect(performance.now() - began).toBeGreaterThanOrEqual(140);
    expect(output.NextShardIterator).toBe('next');
    expect(injector.counts()['slow-response']).toBe(1);
  });

  it('the same seed gives the same decisions', () => {
    const decisions = (seed: number) => {
      const injector = new FaultInjector({ rate: 0.3, seed });
      return Array.from({ length: 50 }, () => injector.roll('kinesis-5xx'));
    };
    expect(decisions(42)).toEqual(decisions(42));
    expect(decisions(42)).not.toEqual(decisions(43));
  });

  it('rejects a rate outside 0–1 and an unknown kind', () => {
    expect(() => new FaultInjector({ rate: 1.5 })).toThrow(/rate/);
    expect(() => new FaultInjector({ rate: 0.1, kinds: ['disk-full' as never] })).toThrow(
      /unknown fault kind/,
    );
  });

  it('PutRecords throttled record by record: a 200 with FailedRecordCount, and only the other records written', async () => {
    let kinesalite: RunningEmulator | undefined;

    try {
      kinesalite = await startKinesalite();
      const admin = createKinesisClient({ endpoint: kinesalite.endpoint });
      const stream = await createTestStream(admin);
      const client = createKinesisClient({ endpoint: kinesalite.endpoint });
      const injector = new FaultInjector({ rate: 1, seed: 4, kinds: ['kinesis-throttling'] });
      injectSdkFaults(client, 'kinesis', injector);
      const records = Array.from({ length: 10 }, (_, i) => ({
        Data: Buffer.from(`r${i}`),
        PartitionKey: `k${i}`,
      }));
      let output: PutRecordsCommandOutput | undefined;
      // Half the throttles are whole-call (the SDK retries them, then throws): call until a partial answer comes.
      for (let i = 0; i < 20 && output === undefined; i++)
        output = await client
          .send(new PutRecordsCommand({ StreamName: stream, Records: records }))
          .catch(() => undefined);
      client.destroy();
      expect(output).toBeDefined();
      const results = output?.Records ?? [];
      expect(results).toHaveLength(10);
      const failed = results.filter((r) => r.ErrorCode === 'ProvisionedThroughputExceededException');
      expect(output?.FailedRecordCount).toBe(failed.length);
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.length).toBeLessThan(10);
      const written = records
        .filter((_, i) => results[i]?.SequenceNumber !== undefined)
        .map((r) => r.Data.toString());
      const { ShardIterator } = await admin.send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const read = await admin.send(new GetRecordsCommand({ ShardIterator }));
      admin.destroy();
      expect((read.Records ?? []).map((r) => Buffer.from(r.Data ?? []).toString())).toEqual(written);
    } finally {
      await kinesalite?.close();
    }
  });
});
