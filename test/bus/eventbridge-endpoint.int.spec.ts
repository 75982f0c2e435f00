import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LocalEventBus,
  openEventBus,
  PUT_EVENTS_TARGET,
  type RunningEventBridgeEndpoint,
  startEventBridgeEndpoint,
} from '../../local/bus/index.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const LIMIT = 64 * 1024;

function entry(type: string, detail: Record<string, unknown>, busName = 'pipeline') {
  return {
    EventBusName: busName,
    Source: 'pipeline.order',
    DetailType: type,
    Detail: JSON.stringify(detail),
  };
}

function clientFor(endpoint: string): EventBridgeClient {
  return new EventBridgeClient({ region: 'us-east-1', credentials, endpoint, maxAttempts: 1 });
}

/** The SDK's rejection, or undefined when the call succeeded. */
async function rejectionOf(promise: Promise<unknown>) {
  return promise.then(
    () => undefined,
    (error: unknown) => error as { name: string; message: string; $metadata: { httpStatusCode?: number } },
  );
}

describe('Function: startEventBridgeEndpoint', () => {
  let dataDir: string;
  let bus: LocalEventBus;
  let endpoint: RunningEventBridgeEndpoint;
  let failing: RunningEventBridgeEndpoint;
  let client: EventBridgeClient;
  let failingClient: EventBridgeClient;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'eventbridge-endpoint-'));
    bus = await openEventBus({
      name: 'pipeline',
      dataDir,
      rules: [{ name: 'orders', eventPattern: { source: [{ prefix: 'pipeline.' }] } }],
    });
    endpoint = await startEventBridgeEndpoint({ bus, maxBodyBytes: LIMIT });
    failing = await startEventBridgeEndpoint({
      bus: {
        putEvents: async () => {
          throw new Error('disk full');
        },
      },
    });
    client = clientFor(endpoint.endpoint);
    failingClient = clientFor(failing.endpoint);
  });

  afterAll(async () => {
    client.destroy();
    failingClient.destroy();
    await endpoint.close();
    await failing.close();
    await bus.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('listens on loopback at the port it reports', () => {
    expect(endpoint.endpoint).toBe(`http://127.0.0.1:${endpoint.port}`);
    expect(endpoint.port).toBeGreaterThan(0);
  });

  it('delivers the entries the AWS SDK puts to the rule queue, Time and Resources included', async () => {
    const before = await bus.queue('orders').count();
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            ...entry('OrderPlaced', { n: 1 }),
            Time: new Date('2026-11-23T10:00:00.750Z'),
            Resources: ['arn:r'],
          },
          { ...entry('OrderPaid', { n: 2, amount: 5 }), TraceHeader: 'ignored-locally' },
          entry('OrderShipped', { n: 3 }),
        ],
      }),
    );
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.FailedEntryCount).toBe(0);
    const ids = (out.Entries ?? []).map((e) => e.EventId);
    expect(ids).toEqual([expect.any(String), expect.any(String), expect.any(String)]);
    const delivered = (await bus.queue('orders').read()).slice(before);
    expect(delivered.map((e) => [e.id, e.source, e['detail-type'], e.detail])).toEqual([
      [ids[0], 'pipeline.order', 'OrderPlaced', { n: 1 }],
      [ids[1], 'pipeline.order', 'OrderPaid', { n: 2, amount: 5 }],
      [ids[2], 'pipeline.order', 'OrderShipped', { n: 3 }],
    ]);
    // The SDK sent 1795428000.75 (epoch seconds); EventBridge keeps second precision.
    expect(delivered[0]?.time).toBe('2026-11-23T10:00:00Z');
    expect(delivered[0]?.resources).toEqual(['arn:r']);
  });

  it('reports a per-entry failure for an unknown bus and still delivers the others', async () => {
    const before = await bus.queue('orders').count();
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          entry('OrderPlaced', { n: 10 }),
          entry('OrderPlaced', { n: 11 }, 'elsewhere'),
          entry('OrderPaid', { n: 12 }),
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.[1]).toMatchObject({ ErrorCode: 'ResourceNotFoundException' });
    expect(out.Entries?.[1]?.EventId).toBeUndefined();
    const delivered = (await bus.queue('orders').read()).slice(before);
    expect(delivered.map((e) => e.detail.n)).toEqual([10, 12]);
  });

  it('makes the SDK throw ValidationException for a call AWS refuses as a whole (11 entries)', async () => {
    const before = await bus.queue('orders').count();
    const entries = Array.from({ length: 11 }, (_, n) => entry('OrderPlaced', { n }));
    const error = await rejectionOf(client.send(new PutEventsCommand({ Entries: entries })));
    expect(error?.name).toBe('ValidationException');
    expect(error?.$metadata.httpStatusCode).toBe(400);
    expect(error?.message).toMatch(/less than or equal to 10/);
    expect(await bus.queue('orders').count()).toBe(before);
  });

  it('counts the entries as AWS does, not the body: under 256 KiB counted is taken, at 256 KiB the call fails whole with AWS’s ValidationException', async () => {
    // The default body limit, as the local stack serves it; the suite's endpoint has a small one for the 413 tests.
    const served = await startEventBridgeEndpoint({ bus });
    const sdk = clientFor(served.endpoint);
    try {
      // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html: Source, DetailType and
      // Detail count their UTF-8 bytes, Time 14; "The total entry size must be less than 256KB".
      const sized = (total: number, n: number) => {
        const around = 'pipeline.order'.length + 'OrderPlaced'.length + 14 + `{"n":${n},"p":""}`.length;
        const detail = `{"n":${n},"p":"${'x'.repeat(total - around)}"}`;
        return { ...entry('OrderPlaced', {}), Time: new Date(), Detail: detail };
      };
      const before = await bus.queue('orders').count();
      const half = 131_071;
      // 262,143 bytes counted: one under 256 KiB.
      const taken = await sdk.send(new PutEventsCommand({ Entries: [sized(half, 1), sized(half + 1, 2)] }));
      expect(taken.FailedEntryCount).toBe(0);
      const error = await rejectionOf(
        // 262,144 bytes counted: 256 KiB exactly.
        sdk.send(new PutEventsCommand({ Entries: [sized(half + 1, 3), sized(half + 1, 4)] })),
      );
      expect(error?.name).toBe('ValidationException');
      expect(error?.$metadata.httpStatusCode).toBe(400);
      expect(error?.message).toBe('Total size of the entries in the request is over the limit.');
      expect(await bus.queue('orders').count()).toBe(before + 2);
    } finally {
      sdk.destroy();
      await served.close();
    }
  });

  it('reads a call whose entries fit but whose body is escaped to over 1 MiB, failing only its malformed entry', async () => {
    const served = await startEventBridgeEndpoint({ bus });
    const sdk = clientFor(served.endpoint);
    try {
      const before = await bus.queue('orders').count();
      // 200,000 counted bytes (under 256 KiB), each sent as a 6-byte \u0001 escape: a 1.2 MB body. AWS fails
      // such an entry alone with MalformedDetail, "The JSON provided is not valid"
      // (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html).
      const malformed = { ...entry('OrderPlaced', {}), Detail: '\u0001'.repeat(200_000) };
      const result = await sdk.send(
        new PutEventsCommand({ Entries: [entry('OrderPlaced', { n: 'kept' }), malformed] }),
      );
      expect(result.FailedEntryCount).toBe(1);
      expect(result.Entries?.[0]?.EventId).toBeDefined();
      expect(result.Entries?.[1]?.ErrorCode).toBe('MalformedDetail');
      expect(await bus.queue('orders').count()).toBe(before + 1);
    } finally {
      sdk.destroy();
      await served.close();
    }
  });

  it('answers 500 InternalException when the bus fails unexpectedly, which the SDK treats as retryable', async () => {
    const error = await rejectionOf(
      failingClient.send(new PutEventsCommand({ Entries: [entry('OrderPlaced', {})] })),
    );
    expect(error?.name).toBe('InternalException');
    expect(error?.$metadata.httpStatusCode).toBe(500);
    expect(error?.message).toBe('disk full');
  });

  it('ignores credentials and signatures: an unsigned request with odd headers is served', async () => {
    const response = await fetch(endpoint.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': PUT_EVENTS_TARGET,
        authorization: 'not a signature',
        'x-amz-date': '???',
        'x-amz-target-extra': 'AWSEvents.PutRule; "quoted", =',
      },
      body: JSON.stringify({ Entries: [entry('OrderPlaced', { n: 20 })] }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      FailedEntryCount: 0,
      Entries: [{ EventId: expect.any(String) }],
    });
  });

  it.each([
    ['an unknown operation', { 'x-amz-target': 'AWSEvents.PutRule' }, '{}', 400, 'UnknownOperationException'],
    ['no operation at all', {}, '{}', 400, 'UnknownOperationException'],
    [
      'a body that is not JSON',
      { 'x-amz-target': PUT_EVENTS_TARGET },
      '{"Entries":',
      400,
      'SerializationException',
    ],
    [
      'an entry field of the wrong type',
      { 'x-amz-target': PUT_EVENTS_TARGET },
      JSON.stringify({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}', Resources: 'arn:r' }] }),
      400,
      'SerializationException',
    ],
    ['no Entries', { 'x-amz-target': PUT_EVENTS_TARGET }, '{}', 400, 'ValidationException'],
    [
      'a body over the limit (declared length)',
      { 'x-amz-target': PUT_EVENTS_TARGET },
      'x'.repeat(LIMIT + 1),
      413,
      'ValidationException',
    ],
  ])('answers %s with an AWS JSON error', async (_name, headers, body, status, type) => {
    const response = await fetch(endpoint.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', ...headers },
      body,
    });
    expect(response.status).toBe(status);
    expect(response.headers.get('x-amzn-errortype')).toBe(type);
    expect(((await response.json()) as { __type: string }).__type).toBe(type);
  });

  it('answers 413 to a chunked body as soon as it goes over the limit', async () => {
    const url = new URL(endpoint.endpoint);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/',
          // No content-length: the limit must be enforced while reading.
          headers: { 'x-amz-target': PUT_EVENTS_TARGET, 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.write('x'.repeat(LIMIT / 2));
      req.write('x'.repeat(LIMIT / 2));
      req.end('x'.repeat(1024));
    });
    expect(status).toBe(413);
  });

  it.each([
    ['GET', '/', 405],
    ['POST', '/other', 404],
  ])('answers %s %s with %i and a JSON error', async (method, path, status) => {
    const response = await fetch(new URL(path, endpoint.endpoint), { method });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ __type: expect.any(String), message: expect.any(String) });
  });
});
