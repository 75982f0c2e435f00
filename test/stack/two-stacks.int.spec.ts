import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { localIngestEndpoint, postEvents } from '../../local/ingest/index.js';
import { type RunningLocalStack, startLocalStack } from '../../local/stack/index.js';
import { localDocumentClient } from '../support/aws-clients.js';
import { orderHistory } from '../support/order-events.js';
import { tempDataDir, waitUntil } from './stack-fixture.js';

const stacks: RunningLocalStack[] = [];

afterAll(async () => {
  await Promise.allSettled(stacks.map((s) => s.stop()));
});

/** The aggregate ids whose snapshot the stack's table holds. */
async function aggregatesIn(stack: RunningLocalStack): Promise<string[]> {
  const client = localDocumentClient(stack.endpoints.endpoints.dynamodb);
  try {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: stack.endpoints.table }));
    return Items.filter((item) => item.sk === 'state')
      .map((item) => String(item.aggregateId))
      .sort();
  } finally {
    client.destroy();
  }
}

describe('several local stacks in one process', () => {
  it('start concurrently and each applies its own events into its own table only', async () => {
    const started = await Promise.all(
      [0, 1].map(async () =>
        startLocalStack({ dataDir: await tempDataDir(), quiet: true, logLevel: 'SILENT' }),
      ),
    );
    stacks.push(...started);
    const [first, second] = started as [RunningLocalStack, RunningLocalStack];
    expect(first.endpoints.endpoints.dynamodb).not.toBe(second.endpoints.endpoints.dynamodb);
    const events = new Map([
      [first, [...orderHistory('first-a', 3), ...orderHistory('first-b', 2)]],
      [second, [...orderHistory('second-a', 4)]],
    ]);
    await Promise.all(
      [...events].map(async ([stack, envelopes]) => {
        const response = await postEvents(localIngestEndpoint(stack.endpoints), envelopes);
        expect(response.status).toBe(202);
      }),
    );
    for (const [stack, envelopes] of events) {
      await waitUntil('each stack to apply its events', () => stack.stats().applied >= envelopes.length);
    }
    expect(await aggregatesIn(first)).toEqual(['first-a', 'first-b']);
    expect(await aggregatesIn(second)).toEqual(['second-a']);
    expect(first.stats().applied).toBe(5);
    expect(second.stats().applied).toBe(4);
  });
});
