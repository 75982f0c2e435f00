/**
 * (b) Our processor next to the baseline a user would otherwise write (Powertools BatchProcessor + Powertools
 * Idempotency + one UpdateItem per event), in the same run, against the same dynalite:
 * - wall time and DynamoDB requests per applied event, on a 1,000-record batch over 100 aggregates;
 * - DynamoDB capacity units (what DynamoDB bills) and on-demand cost per applied event, for four traffic shapes:
 *   dense (10 events of an aggregate per batch) and sparse (1 per batch), over short-lived aggregates (their first
 *   10 events) and long-lived ones (events 201 to 220, after 200 applied unmeasured).
 */

import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { startDynalite, startS3rver } from '../../local/emulators/index.js';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { generateOrderEvents, type OrderEventMix } from '../../processors/aggregates/order-events.js';
import { resolveEngineOptions } from '../../processors/engine/index.js';
import { measureItem } from '../../processors/engine/item-size.js';
import { S3Quarantine } from '../../processors/quarantine/index.js';
import { aggregateTableDefinition, DynamoDbAggregateStore } from '../../processors/store/index.js';
import { processKinesisBatch } from '../../processors/stream-processor/index.js';
import { createPowertoolsBaseline } from '../baseline/powertools-idempotent-processor.js';
import {
  capacityResults,
  type ShapeCapacity,
  type SnapshotSizes,
  snapshotSizeResult,
} from '../capacity-results.js';
import type { CapacityUnits } from '../capacity-units.js';
import { type DynamoCapacity, DynamoCapacityMeter } from '../dynamo-capacity-meter.js';
import { DynamoRequestCounter } from '../dynamo-request-counter.js';
import { DEFAULT_FIRST_SEQUENCE_NUMBER, toKinesisStreamEvent } from '../envelope-stream-event.js';
import { median } from '../median.js';
import type { BenchResult } from '../result.js';
import { batchesBySequence, CAPACITY_TRAFFIC_SHAPES, type TrafficShape } from '../traffic-shape.js';

/** Rounds of the first shape (dense, short-lived), whose wall time is reported as the median. */
const WALL_ROUNDS = 3;
/** Warm-up batches carry 10 events of each aggregate: the quickest way to age them. */
const WARM_UP_PER_BATCH = 10;
const SEED = 11;
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const BASELINE_NAME = 'Powertools BatchProcessor + Idempotency + UpdateItem per event';
/** Payments and shipments only: fields overwritten, a state that stays the same size however old the aggregate. */
const FLAT_STATE_MIX: OrderEventMix = {
  ItemAdded: 0,
  ItemRemoved: 0,
  OrderPaid: 1,
  OrderShipped: 1,
  OrderCancelled: 0,
};
// Kinesis sequence numbers keep growing across the batches of one shard.
const BATCH_SEQUENCE_SPAN = 10n ** 30n;

/** The batches of one shape: the warm-up (not measured) and the measured ones. */
interface ShapeBatches {
  readonly warmUp: KinesisStreamEvent[];
  readonly measured: KinesisStreamEvent[];
  readonly measuredRecords: number;
}

function shapeBatches(shape: TrafficShape): ShapeBatches {
  const envelopes = generateOrderEvents({
    aggregates: shape.aggregates,
    eventsPerAggregate: shape.age + shape.measuredEvents,
    seed: SEED,
    ...(shape.events === 'flat-state' ? { mix: FLAT_STATE_MIX } : {}),
  });
  let batchIndex = 0n;
  const toEvent = (batch: Parameters<typeof toKinesisStreamEvent>[0]) =>
    toKinesisStreamEvent(batch, {
      firstSequenceNumber: DEFAULT_FIRST_SEQUENCE_NUMBER + batchIndex++ * BATCH_SEQUENCE_SPAN,
    });
  const warmUp = batchesBySequence(envelopes, { perBatch: WARM_UP_PER_BATCH, after: 0, upTo: shape.age }).map(
    toEvent,
  );
  const measured = batchesBySequence(envelopes, {
    perBatch: shape.eventsPerAggregatePerBatch,
    after: shape.age,
    upTo: shape.age + shape.measuredEvents,
  }).map(toEvent);
  return {
    warmUp,
    measured,
    measuredRecords: measured.reduce((sum, event) => sum + event.Records.length, 0),
  };
}

/** What one side (ours or the baseline) measured on one shape. */
interface SideRun {
  readonly wallMs: number;
  /** HTTP attempts per applied event. */
  readonly requests: number;
  /** Write attempts per applied event. */
  readonly writes: number;
  /** Capacity units per applied event. */
  readonly units: CapacityUnits;
  readonly capacity: DynamoCapacity;
  /** Our snapshot items at the end of the run (ours only). */
  readonly snapshots?: SnapshotSizes;
}

/** One side's figures per applied event, from what its request counter and capacity meter saw in the measured run. */
function sideFigures(
  wallMs: number,
  applied: number,
  counter: DynamoRequestCounter,
  meter: DynamoCapacityMeter,
): SideRun {
  const counts = counter.snapshot();
  const capacity = meter.snapshot();
  return {
    wallMs,
    requests: counts.attemptTotals.total / applied,
    writes: counts.attemptTotals.write / applied,
    units: perEvent(capacity, applied),
    capacity,
  };
}

function perEvent(capacity: DynamoCapacity, applied: number): CapacityUnits {
  return { read: capacity.read / applied, write: capacity.write / applied };
}

/** Processing context shared by every shape: one dynalite, one s3rver, one metered client. */
interface BenchContext {
  readonly dynamoEndpoint: string;
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  readonly s3Client: S3Client;
  readonly counter: DynamoRequestCounter;
  readonly meter: DynamoCapacityMeter;
  readonly registry: AggregateRegistry;
}

async function runOurs(context: BenchContext, batches: ShapeBatches, table: string): Promise<SideRun> {
  await context.client.send(new CreateTableCommand(aggregateTableDefinition(table)));
  const options = {
    registry: context.registry,
    store: new DynamoDbAggregateStore({ client: context.documentClient, tableName: table }),
    quarantine: new S3Quarantine({ client: context.s3Client, bucket: 'bench-quarantine' }),
    engine: resolveEngineOptions(),
    processorVersion: 'bench',
    writeConcurrency: 16,
    maxWriteAttempts: 3,
  };
  for (const event of batches.warmUp) await processKinesisBatch(event, options);
  context.counter.reset();
  context.meter.reset();
  let applied = 0;
  const started = performance.now();
  for (const event of batches.measured) {
    const { summary } = await processKinesisBatch(event, options);
    applied += summary.applied + summary.drained;
  }
  const wallMs = performance.now() - started;
  if (applied !== batches.measuredRecords) {
    throw new Error(`processor applied ${applied} of ${batches.measuredRecords} (table ${table})`);
  }
  return {
    ...sideFigures(wallMs, applied, context.counter, context.meter),
    snapshots: await snapshotSizes(context.documentClient, table),
  };
}

/** The sizes of the snapshot items in a table (read after the measured run, so not counted in it). */
async function snapshotSizes(documents: DynamoDBDocumentClient, table: string): Promise<SnapshotSizes> {
  const sizes: number[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'sk = :state',
        ExpressionAttributeValues: { ':state': 'state' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) sizes.push(measureItem(item).bytes);
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  if (sizes.length === 0) throw new Error(`no snapshot items in ${table}`);
  return { median: median(sizes), largest: Math.max(...sizes) };
}

async function runBaseline(
  context: BenchContext,
  batches: ShapeBatches,
  tablePrefix: string,
): Promise<SideRun> {
  const baseline = await createPowertoolsBaseline({ dynamoEndpoint: context.dynamoEndpoint, tablePrefix });
  try {
    for (const event of batches.warmUp) await baseline.handle(event);
    baseline.counter.reset();
    baseline.capacity.reset();
    const before = baseline.applied();
    const started = performance.now();
    for (const event of batches.measured) await baseline.handle(event);
    const wallMs = performance.now() - started;
    const applied = baseline.applied() - before;
    if (applied !== batches.measuredRecords) {
      throw new Error(`baseline applied ${applied} of ${batches.measuredRecords} (tables ${tablePrefix}-*)`);
    }
    return sideFigures(wallMs, applied, baseline.counter, baseline.capacity);
  } finally {
    baseline.close();
  }
}

/** Anything in a run that the reported units may not cover, for the note; empty when there is nothing. */
function caveats(side: string, capacity: DynamoCapacity): string[] {
  const found: string[] = [];
  if (capacity.failedConditionalWrites > 0)
    found.push(`${side}: ${capacity.failedConditionalWrites} failed conditional writes at 1 unit each`);
  if (capacity.indexedWrites > 0)
    found.push(`${side}: ${capacity.indexedWrites} writes to the gap index, not reported locally`);
  if (capacity.unreported > 0) found.push(`${side}: ${capacity.unreported} requests reported no capacity`);
  return found;
}

function medianUnits(runs: readonly SideRun[]): CapacityUnits {
  return { read: median(runs.map((r) => r.units.read)), write: median(runs.map((r) => r.units.write)) };
}

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
  const meter = new DynamoCapacityMeter({ indexKeyAttributes: ['gapSince'] });
  meter.attach(client);
  const context: BenchContext = {
    dynamoEndpoint: dynamo.endpoint,
    client,
    documentClient,
    s3Client,
    counter,
    meter,
    registry: new AggregateRegistry([orderAggregate]),
  };

  const shapes: { shape: TrafficShape; records: number; ours: SideRun[]; theirs: SideRun[] }[] = [];
  try {
    for (const [index, shape] of CAPACITY_TRAFFIC_SHAPES.entries()) {
      const batches = shapeBatches(shape);
      const rounds = index === 0 ? WALL_ROUNDS : 1;
      const ours: SideRun[] = [];
      const theirs: SideRun[] = [];
      for (let round = 0; round < rounds; round++) {
        ours.push(await runOurs(context, batches, `bench-aggregates-${index}-${round}`));
        theirs.push(await runBaseline(context, batches, `bench-baseline-${index}-${round}`));
      }
      shapes.push({ shape, records: batches.measuredRecords, ours, theirs });
    }
  } finally {
    meter.detach(client);
    counter.detach(client);
    client.destroy();
    s3Client.destroy();
    await Promise.all([dynamo.close(), s3.close()]);
  }

  const [first] = shapes;
  if (first === undefined) return [];
  const oursWall = median(first.ours.map((r) => r.wallMs));
  const theirsWall = median(first.theirs.map((r) => r.wallMs));
  const oursRequests = median(first.ours.map((r) => r.requests));
  const theirsRequests = median(first.theirs.map((r) => r.requests));
  const label = `${first.records.toLocaleString('en-US')} records / ${first.shape.aggregates} aggregates, dynalite`;
  const results: BenchResult[] = [
    {
      suite: 'processor',
      name: `(b) wall time, ${label}`,
      value: Math.round(oursWall),
      unit: 'ms',
      baseline: { name: BASELINE_NAME, value: Math.round(theirsWall) },
      ratio: theirsWall / oursWall,
      target: '>= 5x',
      note: `median of ${WALL_ROUNDS} rounds, fresh tables each; ratio = baseline time / our time`,
    },
    {
      suite: 'processor',
      name: '(b) DynamoDB write requests per applied event',
      value: Number(median(first.ours.map((r) => r.writes)).toFixed(3)),
      unit: 'writes/event',
      baseline: { name: BASELINE_NAME, value: Number(median(first.theirs.map((r) => r.writes)).toFixed(3)) },
      target: '<= 0.1',
    },
    {
      suite: 'processor',
      name: '(b) DynamoDB requests (all) per applied event',
      value: Number(oursRequests.toFixed(3)),
      unit: 'requests/event',
      baseline: { name: BASELINE_NAME, value: Number(theirsRequests.toFixed(3)) },
      ratio: theirsRequests / oursRequests,
    },
  ];
  for (const { shape, ours, theirs } of shapes) {
    const notes = [
      ...ours.flatMap((r) => caveats('ours', r.capacity)),
      ...theirs.flatMap((r) => caveats('baseline', r.capacity)),
    ];
    const measured: ShapeCapacity = {
      shape: shape.name,
      density: shape.density,
      detail: [
        `${shape.aggregates} aggregates`,
        shape.age > 0
          ? `events ${shape.age + 1}–${shape.age + shape.measuredEvents} after ${shape.age} unmeasured`
          : `events 1–${shape.measuredEvents}`,
        `${shape.eventsPerAggregatePerBatch} per aggregate per batch`,
        shape.events === 'flat-state'
          ? 'payments and shipments only (flat state)'
          : shape.age > 0
            ? 'order lifecycle, a line added with most events (the baseline keeps no state: its item does not grow)'
            : 'order lifecycle',
        ...notes,
      ].join(', '),
      ours: medianUnits(ours),
      baseline: medianUnits(theirs),
      baselineName: BASELINE_NAME,
    };
    results.push(...capacityResults(measured));
    const sizes = ours.at(-1)?.snapshots;
    if (sizes !== undefined) results.push(snapshotSizeResult(shape.name, sizes));
  }
  return results;
}
