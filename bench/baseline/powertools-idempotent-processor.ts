/**
 * The baseline for benchmark (b) of issue 2: what a user would write for ordered, idempotent processing of
 * a Kinesis batch with off-the-shelf tools.
 *
 * - Powertools `BatchProcessor(EventType.KinesisDataStreams)` + `processPartialResponse`, records one at
 *   a time (`processInParallel: false`), because parallel processing would apply an aggregate's events
 *   out of order.
 * - Each record's work wrapped with Powertools Idempotency (`makeIdempotent`, `DynamoDBPersistenceLayer`),
 *   keyed on the envelope's `eventId`. Why not the Kinesis sequence number: it only identifies a delivery
 *   of one record, so it catches Lambda redeliveries but not the duplicates a producer creates when it
 *   retries a PutRecords entry (a new record, a new sequence number, the same event). `eventId` is the
 *   envelope's documented idempotency key and catches both.
 * - One `UpdateItem` per event on the aggregate table (`pk = "<type>#<id>"`, `sk = "state"`): sets
 *   `version` to the event's sequence, guarded by `version < :sequence` so a late event is not applied
 *   over a newer one, and adds 1 to `eventCount`.
 *
 * Cost per new event: 3 DynamoDB writes (Idempotency's conditional PutItem "in progress" and UpdateItem
 * "completed", plus the event's UpdateItem); per duplicate: a failed PutItem plus a GetItem. Measured with
 * Powertools' default `processInParallel: true` on 1,000 records over 100 aggregates: 33–39% of the
 * records fail the version guard (an aggregate's events race) and it is no faster against dynalite.
 */

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from 'aws-lambda';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { decodeKinesisData, type Envelope } from '../../processors/envelope/index.js';
import { aggregateTableDefinition } from '../../processors/store/table-definition.js';
import { type DynamoCapacity, DynamoCapacityMeter } from '../dynamo-capacity-meter.js';
import { DynamoRequestCounter, type DynamoRequestCounts } from '../dynamo-request-counter.js';

/** Options of {@link createPowertoolsBaseline}. */
export interface PowertoolsBaselineOptions {
  /** DynamoDB endpoint, e.g. dynalite's `http://127.0.0.1:<port>`. */
  readonly dynamoEndpoint: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /**
   * Powertools' own default is `true`; a user who needs per-aggregate order must turn it off.
   * @default false
   */
  readonly processInParallel?: boolean;
  /** Prefix of the two tables this baseline creates. @default `baseline-<random>` (fresh tables per instance) */
  readonly tablePrefix?: string;
}

/** A baseline processor with its own tables, ready to handle Kinesis batches. */
export interface PowertoolsBaseline {
  readonly tables: { readonly idempotency: string; readonly aggregates: string };
  /** Counts every DynamoDB request the handler makes (table creation excluded). */
  readonly counter: DynamoRequestCounter;
  /** Adds up the capacity units of every DynamoDB request the handler makes (table creation excluded). */
  readonly capacity: DynamoCapacityMeter;
  /** Events applied (the `UpdateItem` succeeded) since creation; duplicates skipped by Idempotency are not. */
  readonly applied: () => number;
  /** The Lambda handler: a Kinesis batch in, partial batch response out. */
  handle(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse>;
  /** Releases the DynamoDB client's sockets. */
  close(): void;
}

/** A synthetic Lambda context: Idempotency reads the remaining time to expire in-progress records. */
function syntheticLambdaContext(timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const fail = (): never => {
    throw new Error('not supported by the synthetic Lambda context');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'order-processor-baseline',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:order-processor-baseline',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/order-processor-baseline',
    logStreamName: '2026/01/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: fail,
    fail,
    succeed: fail,
  };
}

function idempotencyTable(name: string): CreateTableCommandInput {
  // Per the Powertools docs: partition key `id` (string); TTL on `expiration` is optional and dynalite lacks it.
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

/**
 * Creates the baseline's tables in the given DynamoDB (dynalite) and returns its handler.
 *
 * @example
 * ```ts
 * const baseline = await createPowertoolsBaseline({ dynamoEndpoint: dynalite.endpoint });
 * const response = await baseline.handle(event);
 * baseline.close();
 * ```
 */
export async function createPowertoolsBaseline(
  options: PowertoolsBaselineOptions,
): Promise<PowertoolsBaseline> {
  const region = options.region ?? 'us-east-1';
  const processInParallel = options.processInParallel ?? false;
  const prefix = options.tablePrefix ?? `baseline-${randomUUID().slice(0, 8)}`;
  const tables = { idempotency: `${prefix}-idempotency`, aggregates: `${prefix}-aggregates` };

  const client = new DynamoDBClient({
    endpoint: options.dynamoEndpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // Same transport as the project's processor, so the comparison is about requests, not sockets.
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true }) }),
  });
  const documents = DynamoDBDocumentClient.from(client);
  await client.send(new CreateTableCommand(idempotencyTable(tables.idempotency)));
  await client.send(new CreateTableCommand(aggregateTableDefinition(tables.aggregates)));

  const counter = new DynamoRequestCounter();
  counter.attach(client);
  const capacity = new DynamoCapacityMeter();
  capacity.attach(client);

  const registry = new AggregateRegistry([orderAggregate]);
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: tables.idempotency,
    awsSdkV3Client: client,
  });
  const idempotencyConfig = new IdempotencyConfig({ eventKeyJmesPath: 'eventId' });
  let applied = 0;

  // The idempotent unit of work: one event, one UpdateItem.
  const applyEvent = makeIdempotent(
    async (envelope: Envelope): Promise<{ version: number }> => {
      await documents.send(
        new UpdateCommand({
          TableName: tables.aggregates,
          Key: { pk: `${envelope.aggregateType}#${envelope.aggregateId}`, sk: 'state' },
          UpdateExpression:
            'SET #version = :sequence, #lastEventId = :eventId, #lastType = :type, #updatedAt = :now ADD #eventCount :one',
          ConditionExpression: 'attribute_not_exists(#version) OR #version < :sequence',
          ExpressionAttributeNames: {
            '#version': 'version',
            '#lastEventId': 'lastEventId',
            '#lastType': 'lastType',
            '#updatedAt': 'updatedAt',
            '#eventCount': 'eventCount',
          },
          ExpressionAttributeValues: {
            ':sequence': envelope.sequence,
            ':eventId': envelope.eventId,
            ':type': envelope.type,
            ':now': new Date().toISOString(),
            ':one': 1,
          },
        }),
      );
      applied++;
      return { version: envelope.sequence };
    },
    { persistenceStore, config: idempotencyConfig },
  );

  const recordHandler = async (record: KinesisStreamRecord): Promise<{ version: number }> => {
    // A poison record throws here and becomes a batch item failure, as a user's handler would do.
    const envelope = decodeKinesisData(record.kinesis.data);
    registry.validate(envelope);
    return applyEvent(envelope);
  };
  const processor = new BatchProcessor(EventType.KinesisDataStreams);

  return {
    tables,
    counter,
    capacity,
    applied: () => applied,
    async handle(event) {
      const context = syntheticLambdaContext(900_000);
      idempotencyConfig.registerLambdaContext(context);
      return processPartialResponse(event, recordHandler, processor, { context, processInParallel });
    },
    close() {
      client.destroy();
    },
  };
}

/** Options of {@link runPowertoolsBaseline}. */
export interface RunPowertoolsBaselineOptions extends PowertoolsBaselineOptions {
  /** The batch to process once. */
  readonly event: KinesisStreamEvent;
}

/** The outcome of one measured run of the baseline. */
export interface PowertoolsBaselineRun {
  /** Wall time of the handler call alone (table creation excluded). */
  readonly wallMs: number;
  /** Events applied by this run. */
  readonly applied: number;
  readonly records: number;
  /** Records the handler reported as failed. */
  readonly batchItemFailures: number;
  /** DynamoDB requests of the handler call. */
  readonly requests: DynamoRequestCounts;
  /** DynamoDB capacity units of the handler call. */
  readonly capacity: DynamoCapacity;
  /** HTTP requests (attempts, retries included) per applied event. */
  readonly requestsPerAppliedEvent: number;
  /** Write requests (attempts) per applied event. */
  readonly writeRequestsPerAppliedEvent: number;
  readonly tables: PowertoolsBaseline['tables'];
}

/**
 * Creates fresh baseline tables in the given dynalite, runs the batch through the baseline once, and
 * measures wall time, DynamoDB requests and capacity units.
 *
 * @example
 * ```ts
 * const run = await runPowertoolsBaseline({ dynamoEndpoint: dynalite.endpoint, event });
 * console.log(run.wallMs, run.requestsPerAppliedEvent);
 * ```
 */
export async function runPowertoolsBaseline(
  options: RunPowertoolsBaselineOptions,
): Promise<PowertoolsBaselineRun> {
  const baseline = await createPowertoolsBaseline(options);
  try {
    baseline.counter.reset();
    baseline.capacity.reset();
    const start = performance.now();
    const response = await baseline.handle(options.event);
    const wallMs = performance.now() - start;
    const requests = baseline.counter.snapshot();
    const applied = baseline.applied();
    const perEvent = (count: number): number => (applied === 0 ? Number.NaN : count / applied);
    return {
      wallMs,
      applied,
      records: options.event.Records.length,
      batchItemFailures: response.batchItemFailures.length,
      requests,
      capacity: baseline.capacity.snapshot(),
      requestsPerAppliedEvent: perEvent(requests.attemptTotals.total),
      writeRequestsPerAppliedEvent: perEvent(requests.attemptTotals.write),
      tables: baseline.tables,
    };
  } finally {
    baseline.close();
  }
}
