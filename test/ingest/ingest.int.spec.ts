import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startKinesalite } from '../../local/emulators/index.js';
import { type RunningLocalIngest, startLocalIngest } from '../../local/ingest/index.js';
import { createActiveStream } from '../../local/kinesis/index.js';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { decodeEnvelopeBytes, maxEnvelopeBytes } from '../../processors/envelope/index.js';
import { createIngestHandler } from '../../processors/ingest/index.js';
import { createOrderedProducer } from '../../processors/producer/index.js';
import { orderEnvelope, quietTelemetry } from './envelope-factory.js';
import { injectPutRecordsFaults, type KinesisFaults } from './kinesis-faults.js';
import { localKinesisClient, readStream } from './stream-reader.js';

const TOKEN = 'test-token-0123456789';
const STREAM = 'ingest-int';

let kinesalite: RunningEmulator;
let kinesis: KinesisClient;
let reader: KinesisClient;
let faults: KinesisFaults;
let ingest: RunningLocalIngest;

beforeAll(async () => {
  kinesalite = await startKinesalite();
  kinesis = localKinesisClient(kinesalite.endpoint);
  reader = localKinesisClient(kinesalite.endpoint);
  await createActiveStream(reader, STREAM, 2);
  faults = injectPutRecordsFaults(kinesis);
  const { logger, metrics } = quietTelemetry();
  const handler = createIngestHandler({
    producer: createOrderedProducer({
      client: kinesis,
      streamName: STREAM,
      baseDelayMs: 5,
      maxDelayMs: 50,
      deadlineMs: 1500,
    }),
    tokenProvider: async () => TOKEN,
    registry: new AggregateRegistry([orderAggregate]),
    logger,
    metrics,
    retryAfterSeconds: 2,
  });
  ingest = await startLocalIngest({ handler });
});

afterAll(async () => {
  await ingest?.close();
  kinesis?.destroy();
  reader?.destroy();
  await kinesalite?.close();
});

beforeEach(() => {
  faults.throttledKeys.clear();
  faults.failNextRecords = 0;
});

async function post(
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(`${ingest.endpoint}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: JSON.parse(text) as Record<string, unknown>,
  };
}

/** The envelopes on the stream whose aggregate id starts with `prefix`, in stream order per shard. */
async function written(prefix: string) {
  return (await readStream(reader, STREAM))
    .filter((r) => r.partitionKey.startsWith(prefix))
    .map((r) => ({ record: r, envelope: decodeEnvelopeBytes(r.data) }));
}

describe('POST /events through local/ingest against kinesalite', () => {
  it('202: writes one envelope and answers its eventId, shard id and sequence number', async () => {
    const envelope = orderEnvelope(`single-${randomUUID()}`, 1);
    const response = await post(JSON.stringify(envelope));
    expect(response.status).toBe(202);
    const stored = await written(envelope.aggregateId);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.envelope).toEqual(envelope);
    expect(stored[0]?.record.partitionKey).toBe(envelope.aggregateId);
    expect(response.json.results).toEqual([
      {
        index: 0,
        eventId: envelope.eventId,
        shardId: stored[0]?.record.shardId,
        sequenceNumber: stored[0]?.record.sequenceNumber,
      },
    ]);
  });

  it('202: keeps each aggregate in order through injected partial failures', async () => {
    const prefix = `batch-${randomUUID()}`;
    const envelopes = Array.from({ length: 60 }, (_, i) =>
      orderEnvelope(`${prefix}-${i % 4}`, Math.floor(i / 4) + 1),
    );
    faults.failNextRecords = 7;
    const response = await post(JSON.stringify(envelopes));
    expect(response.status).toBe(202);
    expect(faults.failNextRecords).toBe(0);
    const stored = await written(prefix);
    expect(stored).toHaveLength(60);
    for (let a = 0; a < 4; a += 1) {
      const sequences = stored
        .filter((s) => s.envelope.aggregateId === `${prefix}-${a}`)
        .map((s) => s.envelope.sequence);
      expect(sequences).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    }
  });

  it('400: lists every failing item with index, path and message, and writes nothing', async () => {
    const prefix = `invalid-${randomUUID()}`;
    const good = orderEnvelope(`${prefix}-a`, 1);
    const badEnvelope = { ...orderEnvelope(`${prefix}-b`, 1), sequence: 0 };
    const badData = orderEnvelope(`${prefix}-c`, 1, { data: { customerId: 'c', currency: 'eur' } });
    const response = await post(JSON.stringify([good, badEnvelope, badData]));
    expect(response.status).toBe(400);
    expect(response.json.reason).toBe('validation');
    expect(response.json.errors).toEqual([
      { index: 1, path: 'sequence', message: expect.any(String) },
      { index: 2, path: 'data.currency', message: 'must be a 3-letter upper-case currency code' },
    ]);
    expect(await written(prefix)).toEqual([]);
  });

  it('400: malformed JSON, an empty array and more than 500 envelopes', async () => {
    const prefix = `many-${randomUUID()}`;
    const malformed = await post('{"eventId": ');
    expect(malformed.status).toBe(400);
    expect(malformed.json.reason).toBe('malformed-json');
    expect((await post('[]')).status).toBe(400);
    const tooMany = await post(
      JSON.stringify(Array.from({ length: 501 }, (_, i) => orderEnvelope(`${prefix}-${i}`, 1))),
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.reason).toBe('too-many-envelopes');
    expect(await written(prefix)).toEqual([]);
  });

  it('401: missing or wrong bearer token, nothing written', async () => {
    const envelope = orderEnvelope(`auth-${randomUUID()}`, 1);
    const missing = await fetch(`${ingest.endpoint}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope),
    });
    expect(missing.status).toBe(401);
    expect((await post(JSON.stringify(envelope), { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await post(JSON.stringify(envelope), { authorization: `Basic ${TOKEN}` })).status).toBe(401);
    expect(await written(envelope.aggregateId)).toEqual([]);
  });

  it('413: a body over 5 MiB, and an envelope over its limit; nothing written', async () => {
    const prefix = `big-${randomUUID()}`;
    const big = orderEnvelope(`${prefix}-a`, 1, {
      data: { customerId: 'x'.repeat(300 * 1024), currency: 'EUR' },
    });
    const oversizeEnvelope = await post(JSON.stringify([orderEnvelope(`${prefix}-b`, 1), big]));
    expect(oversizeEnvelope.status).toBe(413);
    expect(oversizeEnvelope.json.errors).toEqual([
      {
        index: 1,
        path: '',
        message: expect.stringContaining(`the limit is ${maxEnvelopeBytes('order', 'OrderPlaced')}`),
      },
    ]);
    const hugeBody = Buffer.alloc(5 * 1024 * 1024 + 10, 0x20);
    const tooLarge = await post(hugeBody);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json.reason).toBe('body-too-large');
    expect(await written(prefix)).toEqual([]);
  });

  it('413: a chunked body (no Content-Length) is cut off at 5 MiB while reading', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${ingest.endpoint}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 24) {
          sent += 1;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
  });

  it('415: a content type that is not JSON, nothing written', async () => {
    const envelope = orderEnvelope(`type-${randomUUID()}`, 1);
    const response = await post(JSON.stringify(envelope), { 'content-type': 'text/plain' });
    expect(response.status).toBe(415);
    expect(
      (await post(JSON.stringify(envelope), { 'content-type': 'application/json; charset=latin1' })).status,
    ).toBe(415);
    expect(await written(envelope.aggregateId)).toEqual([]);
  });

  it('503 with Retry-After when Kinesis keeps throttling one aggregate, listing what was and was not written', async () => {
    const prefix = `throttled-${randomUUID()}`;
    const envelopes = [
      orderEnvelope(`${prefix}-ok`, 1),
      orderEnvelope(`${prefix}-hot`, 1),
      orderEnvelope(`${prefix}-ok`, 2),
      orderEnvelope(`${prefix}-hot`, 2),
    ];
    faults.throttledKeys.add(`${prefix}-hot`);
    const response = await post(JSON.stringify(envelopes));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    const writtenItems = response.json.written as { index: number; eventId: string }[];
    const failedItems = response.json.failed as { index: number; eventId: string; reason: string }[];
    expect(writtenItems.map((w) => w.index)).toEqual([0, 2]);
    expect(failedItems.map((f) => [f.index, f.reason])).toEqual([
      [1, 'deadline-exceeded'],
      [3, 'predecessor-failed'],
    ]);
    const stored = await written(prefix);
    expect(stored.map((s) => s.envelope.eventId)).toEqual([envelopes[0]?.eventId, envelopes[2]?.eventId]);
  });

  it('415: a binary body, which the adapter passes base64-encoded', async () => {
    const envelope = orderEnvelope(`b64-${randomUUID()}`, 1);
    // application/octet-stream is base64-encoded by the local adapter, but is not JSON: 415.
    expect(
      (await post(JSON.stringify(envelope), { 'content-type': 'application/octet-stream' })).status,
    ).toBe(415);
    expect(await written(envelope.aggregateId)).toEqual([]);
  });
});
