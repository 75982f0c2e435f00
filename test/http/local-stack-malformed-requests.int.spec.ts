import { afterAll, beforeAll, expect, it } from 'vitest';
import { localIngestEndpoint, postEvents } from '../../local/ingest/index.js';
import { type RunningLocalStack, startLocalStack } from '../../local/stack/index.js';
import { tempDataDir, waitUntil } from '../stack/stack-fixture.js';
import { orderHistory } from '../support/order-events.js';
import { hangUpMidBody, MALFORMED_REQUESTS, rawExchange } from './raw-http-exchange.js';

let stack: RunningLocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ dataDir: await tempDataDir(), shards: 1, quiet: true, logLevel: 'SILENT' });
});

afterAll(async () => {
  await stack?.stop();
});

it('the whole local stack keeps working after malformed requests and hang-ups on every one of its ports', async () => {
  const ports = Object.entries(stack.endpoints.endpoints).map(
    ([name, url]) => [name, Number(new URL(String(url)).port)] as const,
  );
  expect(ports.map(([name]) => name)).toEqual(
    expect.arrayContaining(['ingest', 'eventbridge', 'kinesis', 'dynamodb']),
  );
  for (const [name, port] of ports) {
    for (const request of MALFORMED_REQUESTS) {
      const outcome = await rawExchange(port, Buffer.from(request.bytes, 'latin1'));
      expect({ name, request: request.name, answered: typeof outcome.status === 'number' }).toEqual({
        name,
        request: request.name,
        answered: true,
      });
    }
    await hangUpMidBody(port, '/');
  }
  const history = orderHistory('after-malformed', 4);
  const response = await postEvents(localIngestEndpoint(stack.endpoints), history);
  expect(response.status).toBe(202);
  await waitUntil('the events to be applied and bridged', () => {
    const stats = stack.stats();
    return stats.applied >= history.length && stats.delivered >= history.length;
  });
});
