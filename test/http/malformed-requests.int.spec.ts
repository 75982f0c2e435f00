import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEventBus, openEventBus, startEventBridgeEndpoint } from '../../local/bus/index.js';
import { startDynalite, startKinesalite, startS3rver } from '../../local/emulators/index.js';
import { startLocalIngest } from '../../local/ingest/index.js';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { createIngestHandler } from '../../processors/ingest/index.js';
import { orderEnvelope, quietTelemetry } from '../ingest/envelope-factory.js';
import { hangUpMidBody, MALFORMED_REQUESTS, rawExchange } from './raw-http-exchange.js';

const TOKEN = 'listener-token';

interface Listener {
  readonly name: string;
  readonly port: number;
  /** The path the listener serves, so header faults reach its request handling. */
  readonly route: string;
  /** A well-formed request it answers with `validStatus`. */
  readonly valid: string;
  readonly validStatus: number;
  /**
   * Ours answer every malformed request 4xx; the third-party emulators only have to answer at all (dynalite
   * answers any GET 200) and keep serving.
   */
  readonly ours: boolean;
  close(): Promise<void>;
}

function post(route: string, headers: Record<string, string>, body: string): string {
  const lines = Object.entries({
    host: '127.0.0.1',
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  });
  return `POST ${route} HTTP/1.1\r\n${lines.map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n${body}`;
}

describe('every local listener survives malformed requests', () => {
  const listeners: Listener[] = [];
  let dataDir: string;
  let bus: LocalEventBus;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'malformed-requests-'));
    bus = await openEventBus({ name: 'pipeline', dataDir, rules: [] });
    const handler = createIngestHandler({
      producer: {
        put: async (entries) =>
          entries.map(() => ({ status: 'written', shardId: 'shardId-0', sequenceNumber: '1', attempts: 1 })),
      },
      tokenProvider: async () => TOKEN,
      registry: new AggregateRegistry([orderAggregate]),
      ...quietTelemetry(),
    });
    const ingest = await startLocalIngest({ handler });
    listeners.push({
      name: 'ingest',
      port: ingest.port,
      route: '/events',
      valid: post(
        '/events',
        { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        JSON.stringify(orderEnvelope('o-1', 1)),
      ),
      validStatus: 202,
      ours: true,
      close: () => ingest.close(),
    });
    const eventBridge = await startEventBridgeEndpoint({ bus });
    listeners.push({
      name: 'eventbridge',
      port: eventBridge.port,
      route: '/',
      valid: post(
        '/',
        { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' },
        JSON.stringify({
          Entries: [{ Source: 's', DetailType: 't', Detail: '{}', EventBusName: 'pipeline' }],
        }),
      ),
      validStatus: 200,
      ours: true,
      close: () => eventBridge.close(),
    });
    const listStreams = post(
      '/',
      {
        'x-amz-target': 'Kinesis_20131202.ListStreams',
        'content-type': 'application/x-amz-json-1.1',
        authorization:
          'AWS4-HMAC-SHA256 Credential=a/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0',
        'x-amz-date': '20260101T000000Z',
      },
      '{}',
    );
    const kinesalite = await startKinesalite();
    listeners.push({
      name: 'kinesalite',
      port: kinesalite.port,
      route: '/',
      valid: listStreams,
      validStatus: 200,
      ours: false,
      close: () => kinesalite.close(),
    });
    const listTables = post(
      '/',
      {
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        'content-type': 'application/x-amz-json-1.0',
        authorization:
          'AWS4-HMAC-SHA256 Credential=a/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        'x-amz-date': '20260101T000000Z',
      },
      '{}',
    );
    const dynalite = await startDynalite();
    listeners.push({
      name: 'dynalite',
      port: dynalite.port,
      route: '/',
      valid: listTables,
      validStatus: 200,
      ours: false,
      close: () => dynalite.close(),
    });
    const s3rver = await startS3rver({ buckets: ['archive'] });
    listeners.push({
      name: 's3rver',
      port: s3rver.port,
      route: '/archive',
      valid: 'GET /archive HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n',
      validStatus: 200,
      ours: false,
      close: () => s3rver.close(),
    });
  });

  afterAll(async () => {
    for (const listener of listeners) await listener.close();
    await bus?.close();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it.each(['ingest', 'eventbridge', 'kinesalite', 'dynalite', 's3rver'])(
    '%s answers each malformed request with a 4xx, then still serves a valid one',
    async (name) => {
      const listener = listeners.find((candidate) => candidate.name === name) as Listener;
      const answers: Record<string, number | 'closed'> = {};
      for (const request of MALFORMED_REQUESTS) {
        const bytes = request.bytes.replace(' / HTTP/1.1', ` ${listener.route} HTTP/1.1`);
        answers[request.name] = (await rawExchange(listener.port, Buffer.from(bytes, 'latin1'))).status;
      }
      const lowest = listener.ours ? 400 : 100;
      const highest = listener.ours ? 499 : 599;
      for (const [request, status] of Object.entries(answers)) {
        expect({ request, status }).toEqual({
          request,
          status: expect.toSatisfy((s) => typeof s === 'number' && s >= lowest && s <= highest),
        });
      }
      expect((await rawExchange(listener.port, listener.valid)).status).toBe(listener.validStatus);
    },
  );

  it.each(['ingest', 'eventbridge', 'kinesalite', 'dynalite', 's3rver'])(
    '%s survives a client hanging up mid-body (kinesalite and dynalite rethrow the request error)',
    async (name) => {
      const listener = listeners.find((candidate) => candidate.name === name) as Listener;
      await hangUpMidBody(listener.port, listener.route);
      // The abort reaches the server after the client's close; give it a moment to land before the next request.
      await new Promise((done) => setTimeout(done, 100));
      expect((await rawExchange(listener.port, listener.valid)).status).toBe(listener.validStatus);
    },
  );
});
