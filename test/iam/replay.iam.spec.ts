/**
 * IAM contract of the replay function's role: the calls `processors/replay/lambda-handler.ts` makes for a
 * Distributed Map batch into each target (stream on kinesalite, bus through the local EventBridge PutEvents
 * endpoint, projection on dynalite), reading the archive object from s3rver, against the role and key policies
 * the Pulumi program builds for each stack.
 */
import { gzipSync } from 'node:zlib';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type RunningEventBridgeEndpoint,
  startEventBridgeEndpoint,
} from '../../local/bus/eventbridge-endpoint.js';
import type { PutEventsRequestEntry } from '../../local/bus/put-events.js';
import {
  type RunningEmulator,
  startDynalite,
  startKinesalite,
  startS3rver,
} from '../../local/emulators/index.js';
import { createActiveStream } from '../../local/kinesis/index.js';
import type { EventBusPort } from '../../processors/bus-bridge/index.js';
import { aggregateTableDefinition } from '../../processors/store/table-definition.js';
import { localKinesisClient } from '../ingest/stream-reader.js';
import { localDocumentClient, localS3Client } from '../support/aws-clients.js';
import { orderEvent, orderHistory } from '../support/order-events.js';
import { type DeployedStack, deployAllStacks } from './deployed-stack.js';
import { stubHandlerEnvironment } from './handler-environment.js';
import { describeFunctionRoleContract } from './role-contract.js';
import { type RecordedCall, recordSdkCalls } from './sdk-call-recorder.js';

const FUNCTION = 'backfill-replay';
const KEY = 'events/2026/11/23/10/archive-1-2026-11-23-10-05-00-iam.gz';
// Batches run concurrently: one holds events 1 and 3 of an aggregate, a later one event 2.
const GAP_KEYS = [
  'events/2026/11/23/10/archive-1-2026-11-23-10-10-00-gap-a.gz',
  'events/2026/11/23/10/archive-1-2026-11-23-10-15-00-gap-b.gz',
];

let stacks: DeployedStack[];
let emulators: RunningEmulator[];
let bus: RunningEventBridgeEndpoint;
let calls: RecordedCall[];
const busEntries: PutEventsRequestEntry[] = [];
// A fresh invocation of the deployed function: its whole timeout ahead.
const invocation = { getRemainingTimeInMillis: () => 900_000 };
const sent: Record<string, number> = {};

beforeAll(async () => {
  stacks = await deployAllStacks();
  const env = (stacks[0] as DeployedStack).environment(FUNCTION);
  const [dynamo, s3, kinesis] = await Promise.all([startDynalite(), startS3rver(), startKinesalite()]);
  emulators = [dynamo, s3, kinesis];
  const port: EventBusPort = {
    async putEvents(entries) {
      busEntries.push(...entries);
      return {
        FailedEntryCount: 0,
        Entries: entries.map((_, i) => ({ EventId: `e-${busEntries.length}-${i}` })),
      };
    },
  };
  bus = await startEventBridgeEndpoint({ bus: port });
  const dynamoAdmin = localDocumentClient(dynamo.endpoint);
  const s3Admin = localS3Client(s3.endpoint);
  const kinesisAdmin = localKinesisClient(kinesis.endpoint);
  await dynamoAdmin.send(new CreateTableCommand(aggregateTableDefinition(env.REPLAY_TABLE_NAME as string)));
  await s3Admin.send(new CreateBucketCommand({ Bucket: env.REPLAY_BUCKET }));
  const lines = orderHistory('iam-replay', 3)
    .map((e) => JSON.stringify(e))
    .join('\n');
  await s3Admin.send(
    new PutObjectCommand({ Bucket: env.REPLAY_BUCKET, Key: KEY, Body: gzipSync(`${lines}\n`) }),
  );
  const gapLines = [
    [orderEvent('iam-replay-gap', 1), orderEvent('iam-replay-gap', 3)],
    [orderEvent('iam-replay-gap', 2)],
  ].map((events) => gzipSync(`${events.map((e) => JSON.stringify(e)).join('\n')}\n`));
  for (const [i, body] of gapLines.entries()) {
    await s3Admin.send(new PutObjectCommand({ Bucket: env.REPLAY_BUCKET, Key: GAP_KEYS[i], Body: body }));
  }
  await createActiveStream(kinesisAdmin, env.REPLAY_STREAM_NAME as string, 1);
  stubHandlerEnvironment(
    { ...env, REPLAY_RATE: '100000', AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED' },
    { DYNAMODB: dynamo.endpoint, S3: s3.endpoint, KINESIS: kinesis.endpoint, EVENTBRIDGE: bus.endpoint },
  );
  const recorder = recordSdkCalls();
  recorder.exclude(dynamoAdmin, s3Admin, kinesisAdmin);
  try {
    const { handler } = await import('../../processors/replay/lambda-handler.js');
    for (const target of ['stream', 'bus', 'projection']) {
      const result = await handler(
        {
          Items: [{ Key: KEY }],
          BatchInput: {
            runId: `iam-${target}`,
            from: '2026-11-23T00:00:00Z',
            to: '2026-11-24T00:00:00Z',
            target,
          },
        },
        invocation,
      );
      expect(result.failed, `replay into ${target}`).toBe(0);
      sent[target] = result.sent;
    }
    // Into the projection, the later batch drains what the earlier one buffered (the buffered item is deleted).
    for (const key of GAP_KEYS) {
      const result = await handler(
        {
          Items: [{ Key: key }],
          BatchInput: {
            runId: 'iam-gap',
            from: '2026-11-23T00:00:00Z',
            to: '2026-11-24T00:00:00Z',
            target: 'projection',
          },
        },
        invocation,
      );
      expect(result.failed, `replay of ${key}`).toBe(0);
    }
  } finally {
    recorder.stop();
  }
  calls = recorder.calls;
  for (const client of [dynamoAdmin, s3Admin, kinesisAdmin]) client.destroy();
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await bus?.close();
  await Promise.all((emulators ?? []).map((e) => e.close()));
});

describe('replay: recorded calls', () => {
  it('read the archive object and replayed it into each target', () => {
    expect(sent).toEqual({ stream: 3, bus: 3, projection: 3 });
    expect(busEntries).toHaveLength(3);
    expect([...new Set(calls.map((c) => `${c.service}.${c.operation}`))].sort()).toEqual(
      [
        'DynamoDB.BatchGetItem',
        'DynamoDB.BatchWriteItem',
        'DynamoDB.PutItem',
        'DynamoDB.Query',
        'EventBridge.PutEvents',
        'Kinesis.PutRecords',
        'S3.GetObject',
      ].sort(),
    );
  });
});

describeFunctionRoleContract(FUNCTION, () => ({ stacks, calls }));
