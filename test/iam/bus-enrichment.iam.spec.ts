/**
 * IAM contract of the bus bridge's enrichment role: `processors/bus-bridge/handler.ts` turns a Pipe batch into
 * bus events without calling any AWS API, so its role may only write its own logs (for each stack).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeKinesisData } from '../../processors/envelope/index.js';
import { orderHistory } from '../support/order-events.js';
import { type DeployedStack, deployAllStacks } from './deployed-stack.js';
import { stubHandlerEnvironment } from './handler-environment.js';
import { describeFunctionRoleContract } from './role-contract.js';
import { type RecordedCall, recordSdkCalls } from './sdk-call-recorder.js';

const FUNCTION = 'bus-enrichment';

let stacks: DeployedStack[];
let calls: RecordedCall[];
let events: unknown[];

beforeAll(async () => {
  stacks = await deployAllStacks();
  const env = (stacks[0] as DeployedStack).environment(FUNCTION);
  stubHandlerEnvironment(env);
  const recorder = recordSdkCalls();
  try {
    const { handler } = await import('../../processors/bus-bridge/handler.js');
    // The batch as a Pipe hands it over: Kinesis records with base64 data, one of them not an envelope.
    const records = orderHistory('iam-enrichment', 3).map((envelope, i) => ({
      eventSource: 'aws:kinesis',
      partitionKey: envelope.aggregateId,
      sequenceNumber: String(i + 1),
      data: encodeKinesisData(envelope),
    }));
    records.push({
      ...records[0],
      sequenceNumber: '9',
      data: Buffer.from('not json').toString('base64'),
    } as never);
    events = (await handler(records)) as unknown[];
  } finally {
    recorder.stop();
  }
  calls = recorder.calls;
});

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('bus enrichment: recorded calls', () => {
  it('enriched the batch without calling any AWS API', () => {
    expect(events).toHaveLength(3);
    expect(calls).toEqual([]);
  });
});

describeFunctionRoleContract(FUNCTION, () => ({ stacks, calls }));
