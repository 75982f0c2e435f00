import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ProvisionedThroughputExceededException,
  PutRecordCommand,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startKinesalite } from '../../local/emulators/index.js';
import { createKinesisClient } from '../../local/kinesis/index.js';
import { KinesisLimits } from '../../local/kinesis-limits/index.js';
import { createTestStream } from '../kinesis/stream-fixture.js';

// Per-shard limits of https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html, enforced on
// real kinesalite calls; the errors are ProvisionedThroughputExceededException as in
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html (per record) and
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetRecords.html#API_GetRecords_Errors.
let kinesalite: RunningEmulator;
beforeAll(async () => {
  kinesalite = await startKinesalite();
});
afterAll(() => kinesalite.close());

function client(limits: KinesisLimits, maxAttempts?: number): KinesisClient {
  const c =
    maxAttempts === undefined
      ? createKinesisClient({ endpoint: kinesalite.endpoint })
      : new KinesisClient({
          endpoint: kinesalite.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          // kinesalite speaks HTTP/1.1 only (local/kinesis/kinesis-client.ts).
          requestHandler: new NodeHttpHandler(),
          maxAttempts,
        });
  limits.apply(c);
  return c;
}

describe('KinesisLimits on kinesalite', () => {
  it('a burst over 1,000 records/s on one shard: the excess records fail with ProvisionedThroughputExceededException in place', async () => {
    // Time stands still: the burst is one instant, so the first 1,000 records pass and no refill blurs the count.
    const limits = new KinesisLimits({}, () => 0);
    const kinesis = client(limits);
    const stream = await createTestStream(kinesis, 2);
    const put = (offset: number) =>
      kinesis.send(
        new PutRecordsCommand({
          StreamName: stream,
          // One partition key: one shard.
          Records: Array.from({ length: 500 }, (_, i) => ({
            Data: Buffer.from(`event-${offset + i}`),
            PartitionKey: 'aggregate-1',
          })),
        }),
      );
    const outputs = [await put(0), await put(500), await put(1000)];
    const entries = outputs.flatMap((o) => o.Records ?? []);
    const failed = entries.filter((e) => e.ErrorCode === 'ProvisionedThroughputExceededException');
    const written = entries.filter((e) => e.SequenceNumber !== undefined);
    expect(written.length).toBe(1000);
    expect(failed.length).toBe(500);
    expect(outputs.reduce((sum, o) => sum + (o.FailedRecordCount ?? 0), 0)).toBe(failed.length);
    expect(new Set(written.map((e) => e.ShardId)).size).toBe(1);
    const [shard] = limits.throttles().filter((s) => s.throttledWriteRecords > 0);
    expect(shard?.shardId).toBe(written[0]?.ShardId);
    expect(shard?.throttledWriteRecords).toBe(failed.length);
    // The other shard (the other half of the hash key space) still takes writes.
    const otherHashKey = shard?.shardId === 'shardId-000000000000' ? (2n ** 128n - 1n).toString() : '0';
    const other = await kinesis.send(
      new PutRecordCommand({
        StreamName: stream,
        Data: Buffer.from('x'),
        ExplicitHashKey: otherHashKey,
        PartitionKey: 'p',
      }),
    );
    expect(other.ShardId).not.toBe(shard?.shardId);
  });

  it('a PutRecord over the limit is the ProvisionedThroughputExceededException the SDK throws after its retries', async () => {
    const limits = new KinesisLimits({ writeRecordsPerSecond: 1 });
    const kinesis = client(limits, 1);
    const stream = await createTestStream(kinesis, 1);
    const send = () =>
      kinesis.send(new PutRecordCommand({ StreamName: stream, Data: Buffer.from('a'), PartitionKey: 'k' }));
    await send();
    const error = await send().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
  });

  it('readers beyond 5 GetRecords calls/s on a shard are throttled, shared across clients', async () => {
    // A frozen clock: the buckets do not refill between calls, however slow the machine (a real clock let a slow CI
    // run refill a token between calls).
    const limits = new KinesisLimits({}, () => 1_000_000);
    // Two readers (say the processor's mapping and Firehose), no SDK retries so each throttle is seen.
    const readers = [client(limits, 1), client(limits, 1)];
    const stream = await createTestStream(readers[0] as KinesisClient, 1);
    const iterators = await Promise.all(
      readers.map(async (reader) => {
        const out = await reader.send(
          new GetShardIteratorCommand({
            StreamName: stream,
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        return out.ShardIterator as string;
      }),
    );
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const r = i % 2;
      const reader = readers[r] as KinesisClient;
      try {
        const out = await reader.send(new GetRecordsCommand({ ShardIterator: iterators[r] }));
        iterators[r] = out.NextShardIterator as string;
        outcomes.push('ok');
      } catch (error) {
        expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
        outcomes.push('throttled');
      }
    }
    // Eight calls in one instant: five pass (one bucket of 5 calls/s for both readers), the other three are throttled.
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'throttled', 'throttled', 'throttled']);
    const [shard] = limits.throttles();
    expect(shard?.throttledReadCalls).toBe(outcomes.filter((o) => o === 'throttled').length);
  });
});

describe('KinesisLimits after a reshard', () => {
  it('counts writes on the children once a write showed the stream was split', async () => {
    const limits = new KinesisLimits();
    const kinesis = client(limits);
    const stream = await createTestStream(kinesis, 1);
    const put = (hashKey: string) =>
      kinesis.send(
        new PutRecordCommand({
          StreamName: stream,
          Data: Buffer.from('x'),
          PartitionKey: 'p',
          ExplicitHashKey: hashKey,
        }),
      );
    await put('0');
    await kinesis.send(
      new SplitShardCommand({
        StreamName: stream,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await waitForActive(kinesis, stream);
    // The first write after the split may still be counted on the parent; it makes the limiter list the shards again.
    await put('0');
    const low = await put('0');
    const high = await put((2n ** 128n - 1n).toString());
    const counted = Object.fromEntries(limits.throttles().map((s) => [s.shardId, s.acceptedWriteRecords]));
    expect(counted[String(low.ShardId)]).toBeGreaterThanOrEqual(1);
    expect(counted[String(high.ShardId)]).toBe(1);
    expect(low.ShardId).not.toBe(high.ShardId);
  });
});

async function waitForActive(kinesis: KinesisClient, stream: string) {
  for (let i = 0; i < 100; i += 1) {
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`stream ${stream} did not become ACTIVE`);
}
