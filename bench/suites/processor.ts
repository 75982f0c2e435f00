/**
 * (b) A 1,000-record batch over 100 aggregates against dynalite: our processor next to the baseline a user would
 * otherwise write (Powertools BatchProcessor + Powertools Idempotency + one UpdateItem per event), in the same
 * run, against the same emulator. Reports wall time and DynamoDB requests per applied event.
 */

import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynalite, startS3rver } from '../../local/emulators/index.js';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { generateOrderEvents } from '../../processors/aggregates/order-events.js';
import { resolveEngineOptions } from '../../processors/engine/index.js';
import { S3Quarantine } from '../../processors/quarantine/index.js';
import { aggregateTableDefinition, DynamoDbAggregateStore } from '../../processors/store/index.js';
import { processKinesisBatch } from '../../processors/stream-processor/index.js';
import { runPowertoolsBaseline } from '../baseline/powertools-idempotent-processor.js';
import { DynamoRequestCounter } from '../dynamo-request-counter.js';
import { toKinesisStreamEvent } from '../envelope-stream-event.js';
import { median } from '../median.js';
import type { BenchResult } from '../result.js';

const AGGREGATES = 100;
const EVENTS_PER_AGGREGATE = 10;
const ROUNDS = 3;
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Runs suite (b). */
export async function runProcessorBench(): Promise<BenchResult[]> {
  const [dynamo, s3] = await Promise.all([startDynalite(), startS3rver()]);
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials });
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const s3Client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  await s3Client.send(new CreateBucketCommand({ Bucket: 'bench-quarantine' }));
  const counter = new DynamoRequestCounter();
  counter.attach(client);
  const registry = new AggregateRegistry([orderAggregate]);
  const event = toKinesisStreamEvent(
    generateOrderEvents({ aggregates: AGGREGATES, eventsPerAggregate: EVENTS_PER_AGGREGATE, seed: 11 }),
  );
  const records = event.Records.length;

  const ours: { wallMs: number; requests: number; writes: number }[] = [];
  const theirs: { wallMs: number; requests: number; writes: number }[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const table = `bench-aggregates-${round}`;
      await client.send(new CreateTableCommand(aggregateTableDefinition(table)));
      counter.reset();
      const started = performance.now();
      const { summary } = await processKinesisBatch(event, {
        registry,
        store: new DynamoDbAggregateStore({ client: documentClient, tableName: table }),
        quarantine: new S3Quarantine({ client: s3Client, bucket: 'bench-quarantine' }),
        engine: resolveEngineOptions(),
        processorVersion: 'bench',
        writeConcurrency: 16,
        maxWriteAttempts: 3,
      });
      const wallMs = performance.now() - started;
      const applied = summary.applied + summary.drained;
      if (applied !== records) throw new Error(`processor applied ${applied} of ${records}`);
      const counts = counter.snapshot();
      ours.push({
        wallMs,
        requests: counts.attemptTotals.total / applied,
        writes: counts.attemptTotals.write / applied,
      });

      const baseline = await runPowertoolsBaseline({
        dynamoEndpoint: dynamo.endpoint,
        event,
        tablePrefix: `bench-baseline-${round}`,
      });
      if (baseline.applied !== records) throw new Error(`baseline applied ${baseline.applied} of ${records}`);
      theirs.push({
        wallMs: baseline.wallMs,
        requests: baseline.requestsPerAppliedEvent,
        writes: baseline.writeRequestsPerAppliedEvent,
      });
    }
  } finally {
    counter.detach(client);
    client.destroy();
    s3Client.destroy();
    await Promise.all([dynamo.close(), s3.close()]);
  }
  const oursWall = median(ours.map((r) => r.wallMs));
  const theirsWall = median(theirs.map((r) => r.wallMs));
  const oursWrites = median(ours.map((r) => r.writes));
  const label = `${records.toLocaleString('en-US')} records / ${AGGREGATES} aggregates, dynalite`;
  const baselineName = 'Powertools BatchProcessor + Idempotency + UpdateItem per event';
  return [
    {
      suite: 'processor',
      name: `(b) wall time, ${label}`,
      value: Math.round(oursWall),
      unit: 'ms',
      baseline: { name: baselineName, value: Math.round(theirsWall) },
      ratio: theirsWall / oursWall,
      target: '>= 5x',
      note: `median of ${ROUNDS} rounds, fresh tables each; ratio = baseline time / our time`,
    },
    {
      suite: 'processor',
      name: '(b) DynamoDB write requests per applied event',
      value: Number(oursWrites.toFixed(3)),
      unit: 'writes/event',
      baseline: { name: baselineName, value: Number(median(theirs.map((r) => r.writes)).toFixed(3)) },
      target: '<= 0.1',
    },
    {
      suite: 'processor',
      name: '(b) DynamoDB requests (all) per applied event',
      value: Number(median(ours.map((r) => r.requests)).toFixed(3)),
      unit: 'requests/event',
      baseline: { name: baselineName, value: Number(median(theirs.map((r) => r.requests)).toFixed(3)) },
      ratio: median(theirs.map((r) => r.requests)) / median(ours.map((r) => r.requests)),
    },
  ];
}
