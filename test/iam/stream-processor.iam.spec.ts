/**
 * IAM contract of the stream processor's role: the calls `processors/stream-processor/handler.ts` makes against
 * real dynalite and s3rver (apply, buffer a gap, drain it, quarantine poison and conflicts, retry after a
 * concurrent writer), plus what its Kinesis event source mapping does with the same role, evaluated against
 * the role policy and key policies the Pulumi program builds for each stack.
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningEmulator, startDynalite, startS3rver } from '../../local/emulators/index.js';
import { aggregateTableDefinition } from '../../processors/store/table-definition.js';
import { localDocumentClient, localS3Client } from '../support/aws-clients.js';
import { envelopeRecord, kinesisEvent, kinesisRecord } from '../support/kinesis-events.js';
import { orderEvent, orderHistory } from '../support/order-events.js';
import { type DeployedStack, deployAllStacks } from './deployed-stack.js';
import { stubHandlerEnvironment } from './handler-environment.js';
import { describeFunctionRoleContract } from './role-contract.js';
import { type RecordedCall, recordSdkCalls } from './sdk-call-recorder.js';
import { eventSourceMappingNeeds } from './service-needs.js';

const FUNCTION = 'processor';

let stacks: DeployedStack[];
let dev: DeployedStack;
let dynamo: RunningEmulator;
let s3: RunningEmulator;
let calls: RecordedCall[];
const responses: KinesisStreamBatchResponse[] = [];
let raced = 0;

beforeAll(async () => {
  stacks = await deployAllStacks();
  dev = stacks[0] as DeployedStack;
  const env = dev.environment(FUNCTION);
  [dynamo, s3] = await Promise.all([startDynalite(), startS3rver()]);
  // The emulators hold the deployed resources under their physical names: the handler runs with the
  // environment the program gives it, and every call it makes names a deployed resource.
  const admin = localDocumentClient(dynamo.endpoint);
  const s3Admin = localS3Client(s3.endpoint);
  await admin.send(new CreateTableCommand(aggregateTableDefinition(env.TABLE_NAME as string)));
  await s3Admin.send(new CreateBucketCommand({ Bucket: env.QUARANTINE_BUCKET }));
  stubHandlerEnvironment(
    { ...env, S3_FORCE_PATH_STYLE: 'true', AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED' },
    { DYNAMODB: dynamo.endpoint, S3: s3.endpoint },
  );

  const recorder = recordSdkCalls();
  recorder.exclude(admin, s3Admin);
  try {
    const { handler } = await import('../../processors/stream-processor/handler.js');
    const run = async (records: Parameters<typeof kinesisEvent>[0]) =>
      responses.push(await handler(kinesisEvent(records)));
    // Apply in order.
    await run(orderHistory('iam-apply', 2).map((e) => envelopeRecord(e)));
    // A gap: 3 waits for 2 (buffered-event item), then 2 drains it (pending items read, then deleted).
    await run([envelopeRecord(orderEvent('iam-gap', 1)), envelopeRecord(orderEvent('iam-gap', 3))]);
    await run([envelopeRecord(orderEvent('iam-gap', 2))]);
    // Poison and a conflict (an applied eventId at another sequence) go to the quarantine prefix.
    await run([
      kinesisRecord('%%%', 'iam-poison'),
      envelopeRecord(orderEvent('iam-apply', 3, { eventId: 'iam-apply-e1' })),
    ]);
    // A concurrent writer wins the first conditional write: the processor reloads and writes again.
    await run([envelopeRecord(orderEvent('iam-race', 1))]);
    recorder.before(async (call) => {
      const item = call.input.Item as { pk?: string; sk?: string } | undefined;
      if (
        raced === 0 &&
        call.operation === 'PutItem' &&
        item?.pk === 'order#iam-race' &&
        item.sk === 'state'
      ) {
        raced++;
        await admin.send(
          new UpdateCommand({
            TableName: env.TABLE_NAME,
            Key: { pk: 'order#iam-race', sk: 'state' },
            UpdateExpression: 'SET revision = revision + :one',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        );
      }
    });
    await run([envelopeRecord(orderEvent('iam-race', 2))]);
    recorder.before(undefined);
  } finally {
    recorder.stop();
  }
  calls = recorder.calls;
  const check = await admin.send(
    new GetCommand({ TableName: env.TABLE_NAME, Key: { pk: 'order#iam-gap', sk: 'state' } }),
  );
  expect(check.Item?.version, 'the gap scenario drained').toBe(3);
  admin.destroy();
  s3Admin.destroy();
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([dynamo?.close(), s3?.close()]);
});

describe('stream processor: recorded calls', () => {
  it('ran every scenario without a failed record, through each call path', () => {
    expect(responses.every((r) => r.batchItemFailures.length === 0)).toBe(true);
    expect(raced, 'the concurrent writer raced one snapshot write').toBe(1);
    const operations = new Set(calls.map((c) => `${c.service}.${c.operation}`));
    expect([...operations].sort()).toEqual(
      [
        'DynamoDB.BatchGetItem',
        'DynamoDB.BatchWriteItem',
        'DynamoDB.PutItem',
        'DynamoDB.Query',
        'S3.PutObject',
      ].sort(),
    );
  });
});

describeFunctionRoleContract(FUNCTION, () => ({ stacks, calls }), eventSourceMappingNeeds);
