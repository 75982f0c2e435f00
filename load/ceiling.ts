import { CreateTableCommand, DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createActiveStream } from '../local/kinesis/create-active-stream.js';
import { plainPutRecords } from '../local/kinesis/plain-put-records.js';
import { aggregateTableDefinition } from '../processors/store/table-definition.js';
import type { CeilingReport } from './report.js';

/** Options of {@link measureCeilings}. */
export interface CeilingOptions {
  readonly kinesis: KinesisClient;
  readonly dynamodb: DynamoDBDocumentClient;
  /** Used for CreateTable/DeleteTable of the scratch table. */
  readonly dynamodbRaw: DynamoDBClient;
  /** Suffix of the scratch stream and table names. */
  readonly id: string;
  /** Records put then read. @default 10000 */
  readonly records?: number;
  /** Conditional writes. @default 3000 */
  readonly writes?: number;
  /** Writes in flight (the processor's write concurrency is of this order). @default 8 */
  readonly concurrency?: number;
}

/**
 * Measures the raw ceilings of the slowest stages on the very emulators the pipeline runs on, with scratch
 * resources (a stream and a table of their own, deleted afterwards) so the pipeline sees none of it:
 * kinesalite PutRecords (500 a call, 2 calls in flight), GetRecords (10,000 a call) and dynalite
 * conditional UpdateItem (one item per write, as the processor writes one per aggregate per batch).
 */
export async function measureCeilings(options: CeilingOptions): Promise<CeilingReport> {
  const records = options.records ?? 10_000;
  const [put, get] = await measureKinesis(options.kinesis, `load-ceiling-${options.id}`, records);
  const writes = await measureConditionalWrites(options, `load-ceiling-${options.id}`);
  const stages = [
    ['kinesalite PutRecords', put],
    ['kinesalite GetRecords', get],
    ['dynalite conditional UpdateItem', writes],
  ] as const;
  const slowest = stages.reduce((a, b) => (b[1] < a[1] ? b : a));
  return {
    kinesisPutRecordsPerSecond: put,
    kinesisGetRecordsPerSecond: get,
    dynamodbConditionalWritesPerSecond: writes,
    slowestStage: slowest[0],
    slowestPerSecond: slowest[1],
  };
}

async function measureKinesis(
  client: KinesisClient,
  stream: string,
  records: number,
): Promise<[number, number]> {
  await createActiveStream(client, stream, 1, { intervalMs: 100 });
  try {
    const data = Buffer.from(JSON.stringify({ eventId: 'x'.repeat(26), padding: 'p'.repeat(150) }));
    const batches = Math.ceil(records / 500);
    const entries = Array.from({ length: batches * 500 }, (_, n) => ({
      partitionKey: `k${Math.floor(n / 500)}-${n % 500}`,
      data,
    }));
    const putStart = performance.now();
    await plainPutRecords(client, stream, entries, { concurrency: 2 });
    const putRate = (batches * 500) / ((performance.now() - putStart) / 1000);

    const { Shards } = await client.send(new ListShardsCommand({ StreamName: stream }));
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: Shards?.[0]?.ShardId ?? 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    let iterator = ShardIterator;
    let read = 0;
    const getStart = performance.now();
    for (let call = 0; iterator !== undefined && read < batches * 500 && call < 1000; call++) {
      const output = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      read += output.Records?.length ?? 0;
      iterator = output.NextShardIterator;
    }
    const getRate = read / ((performance.now() - getStart) / 1000);
    return [putRate, getRate];
  } finally {
    await client.send(new DeleteStreamCommand({ StreamName: stream })).catch(() => undefined);
  }
}

async function measureConditionalWrites(options: CeilingOptions, table: string): Promise<number> {
  const writes = options.writes ?? 3000;
  const concurrency = options.concurrency ?? 8;
  // The aggregate table's own key schema, so the ceiling is measured on the same layout.
  await options.dynamodbRaw.send(new CreateTableCommand(aggregateTableDefinition(table)));
  try {
    // A state of about the size an order projection has after a few events.
    const state = {
      items: Object.fromEntries(
        Array.from({ length: 8 }, (_, i) => [`SKU-${i}`, { quantity: 1, unitPrice: 9.99 }]),
      ),
    };
    let next = 0;
    const start = performance.now();
    const worker = async (w: number) => {
      const versions = new Map<number, number>();
      while (next < writes) {
        next += 1;
        const key = w * 1000 + (next % 50);
        const version = versions.get(key) ?? 0;
        await options.dynamodb.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: `order#${key}`, sk: 'state' },
            UpdateExpression: 'SET version = :next, #state = :state',
            ConditionExpression: 'attribute_not_exists(version) OR version = :prev',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':next': version + 1, ':prev': version, ':state': state },
          }),
        );
        versions.set(key, version + 1);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
    return writes / ((performance.now() - start) / 1000);
  } finally {
    await options.dynamodbRaw.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
  }
}
