/**
 * IAM contract of the stalled check's role: the calls `processors/operator/stalled-check-handler.ts` makes
 * against real dynalite (a scan that finds one stalled aggregate), against the role and key policies the Pulumi
 * program builds for each stack.
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningEmulator, startDynalite } from '../../local/emulators/index.js';
import { aggregateTableDefinition } from '../../processors/store/table-definition.js';
import { localDocumentClient } from '../support/aws-clients.js';
import { type DeployedStack, deployAllStacks } from './deployed-stack.js';
import { stubHandlerEnvironment } from './handler-environment.js';
import { describeFunctionRoleContract } from './role-contract.js';
import { type RecordedCall, recordSdkCalls } from './sdk-call-recorder.js';

const FUNCTION = 'stalled-check';

let stacks: DeployedStack[];
let dynamo: RunningEmulator;
let calls: RecordedCall[];
let stalled: unknown[];

beforeAll(async () => {
  stacks = await deployAllStacks();
  const env = (stacks[0] as DeployedStack).environment(FUNCTION);
  dynamo = await startDynalite();
  const admin = localDocumentClient(dynamo.endpoint);
  await admin.send(new CreateTableCommand(aggregateTableDefinition(env.TABLE_NAME as string)));
  // A snapshot whose gap opened long ago: the check must find it.
  await admin.send(
    new PutCommand({
      TableName: env.TABLE_NAME,
      Item: {
        pk: 'order#iam-stalled',
        sk: 'state',
        aggregateType: 'order',
        aggregateId: 'iam-stalled',
        version: 1,
        revision: 2,
        chain: 'c',
        state: {},
        pending: [{ sequence: 3, eventId: 'e3', bufferedAt: '2020-01-01T00:00:00.000Z' }],
        gapSince: '2020-01-01T00:00:00.000Z',
        updatedAt: '2020-01-01T00:00:00.000Z',
      },
    }),
  );
  stubHandlerEnvironment(env, { DYNAMODB: dynamo.endpoint });
  const recorder = recordSdkCalls();
  recorder.exclude(admin);
  try {
    const { handler } = await import('../../processors/operator/stalled-check-handler.js');
    stalled = (await handler()).stalled;
  } finally {
    recorder.stop();
  }
  calls = recorder.calls;
  admin.destroy();
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await dynamo?.close();
});

describe('stalled check: recorded calls', () => {
  it('scanned the gap index, read the gapped snapshot and found the stalled aggregate', () => {
    expect(stalled).toHaveLength(1);
    expect([...new Set(calls.map((c) => `${c.service}.${c.operation}`))]).toEqual([
      'DynamoDB.Scan',
      'DynamoDB.BatchGetItem',
    ]);
    expect(calls.filter((c) => c.operation === 'Scan').map((c) => c.input.IndexName)).toEqual(['gaps']);
  });
});

describeFunctionRoleContract(FUNCTION, () => ({ stacks, calls }));
