import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { decodeEnvelopeBytes, maxEnvelopeBytes } from '../../processors/envelope/index.js';
import {
  createIngestHandler,
  failureStatus,
  isJsonContentType,
  loadIngestConfig,
  parseBearerToken,
  tokensMatch,
} from '../../processors/ingest/index.js';
import { LambdaConfigError } from '../../processors/lambda-config/index.js';
import {
  createOrderedProducer,
  type ProducerEntry,
  type ProducerResult,
} from '../../processors/producer/index.js';
import { createFakeKinesis } from '../producer/fake-kinesis.js';
import { orderEnvelope, quietTelemetry } from './envelope-factory.js';

const TOKEN = 'unit-token';
const registry = new AggregateRegistry([orderAggregate]);

/** A producer port double that writes into an array, as a stream would. */
function recordingProducer() {
  const written: ProducerEntry[] = [];
  return {
    written,
    put: async (entries: readonly ProducerEntry[]): Promise<ProducerResult[]> =>
      entries.map((entry) => {
        written.push(entry);
        return {
          status: 'written',
          shardId: 'shardId-000000000000',
          sequenceNumber: String(written.length),
          attempts: 1,
        };
      }),
  };
}

/** A payload-v2 event as API Gateway HTTP API builds it. */
function httpEvent(overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /events',
    rawPath: '/events',
    rawQueryString: '',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'test',
      domainPrefix: 'test',
      http: {
        method: 'POST',
        path: '/events',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'vitest',
      },
      requestId: 'r-1',
      routeKey: 'POST /events',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 0,
    },
    isBase64Encoded: false,
    ...overrides,
  };
}

function setup() {
  const producer = recordingProducer();
  const handler = createIngestHandler({
    producer,
    tokenProvider: async () => TOKEN,
    registry,
    ...quietTelemetry(),
  });
  return { producer, handler };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Function: createIngestHandler', () => {
  it('accepts a base64-encoded JSON body', async () => {
    const { producer, handler } = setup();
    const envelope = orderEnvelope('b64', 1);
    const result = await handler(
      httpEvent({ body: Buffer.from(JSON.stringify(envelope)).toString('base64'), isBase64Encoded: true }),
    );
    expect(result.statusCode).toBe(202);
    expect(producer.written.map((e) => decodeEnvelopeBytes(e.data))).toEqual([envelope]);
    expect(producer.written[0]?.partitionKey).toBe('b64');
  });

  it('answers 413 for a body over 5 MiB handed over by API Gateway (10 MB limit there)', async () => {
    const { producer, handler } = setup();
    const result = await handler(httpEvent({ body: ' '.repeat(5 * 1024 * 1024 + 1) }));
    expect(result.statusCode).toBe(413);
    expect(producer.written).toEqual([]);
  });

  it('answers 413 for an envelope under 256 KiB that cannot fit one PutEvents entry on the bus', async () => {
    const { producer, handler } = setup();
    const base = orderEnvelope('near-limit', 1);
    const limit = maxEnvelopeBytes(base.aggregateType, base.type);
    const grow = (bytes: number) => ({
      ...base,
      data: { ...base.data, customerId: 'x'.repeat(bytes - Buffer.byteLength(JSON.stringify(base)) + 3) },
    });
    const over = grow(limit + 1);
    expect(Buffer.byteLength(JSON.stringify(over))).toBe(limit + 1);
    expect(Buffer.byteLength(JSON.stringify(over))).toBeLessThan(256 * 1024);
    const refused = await handler(httpEvent({ body: JSON.stringify([orderEnvelope('ok', 1), over]) }));
    expect(refused.statusCode).toBe(413);
    expect(JSON.parse(refused.body ?? '{}')).toMatchObject({
      reason: 'envelope-too-large',
      errors: [{ index: 1, path: '', message: expect.stringContaining(`the limit is ${limit}`) }],
    });
    expect(producer.written).toEqual([]);
    const atLimit = grow(limit);
    expect((await handler(httpEvent({ body: JSON.stringify(atLimit) }))).statusCode).toBe(202);
  });

  it('answers 400, not 500, for 10,000-deep nesting, in data or as the whole body, and writes nothing', async () => {
    const { producer, handler } = setup();
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const inData = JSON.stringify(orderEnvelope('deep', 1)).replace(
      '"currency":"EUR"',
      `"currency":"EUR","x":${deep}`,
    );
    const nested = await handler(httpEvent({ body: inData }));
    expect(nested.statusCode).toBe(400);
    expect(JSON.parse(nested.body ?? '{}')).toMatchObject({
      reason: 'validation',
      errors: [
        { index: 0, path: expect.stringMatching(/^data\.x(\.a)+$/), message: expect.stringContaining('31') },
      ],
    });
    const bareArray = await handler(httpEvent({ body: `[${'['.repeat(10_000)}${']'.repeat(10_000)}]` }));
    expect(bareArray.statusCode).toBe(400);
    expect(producer.written).toEqual([]);
  });

  it('accepts data nested 31 levels deep (the envelope is level 1) and refuses 32', async () => {
    const { producer, handler } = setup();
    // envelope (1) > data (2) > x (3) > … : `levels` containers in all.
    const withNesting = (levels: number) =>
      JSON.stringify(orderEnvelope(`n-${levels}`, 1)).replace(
        '"currency":"EUR"',
        `"currency":"EUR","x":${'['.repeat(levels - 2)}${']'.repeat(levels - 2)}`,
      );
    // The order schema is strict about unknown fields, so only the nesting rule can refuse before it: look at why.
    const at31 = JSON.parse((await handler(httpEvent({ body: withNesting(31) }))).body ?? '{}');
    expect(JSON.stringify(at31)).not.toContain('nested deeper');
    const at32 = JSON.parse((await handler(httpEvent({ body: withNesting(32) }))).body ?? '{}');
    expect(at32).toMatchObject({
      reason: 'validation',
      errors: [{ message: expect.stringContaining('nested deeper') }],
    });
    expect(producer.written).toEqual([]);
  });

  it('refuses an aggregateId over 256 UTF-16 code units (129 astral characters) with an error naming the field', async () => {
    const { producer, handler } = setup();
    const astral = '\u{1F600}';
    const refused = await handler(
      httpEvent({ body: JSON.stringify([orderEnvelope('ok', 1), orderEnvelope(astral.repeat(129), 1)]) }),
    );
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body ?? '{}')).toMatchObject({
      reason: 'validation',
      errors: [{ index: 1, path: 'aggregateId', message: expect.stringContaining('UTF-16') }],
    });
    expect(producer.written).toEqual([]);
    // 128 astral characters are 256 code units, as are 256 BMP ones: both fit a partition key.
    const accepted = await handler(
      httpEvent({
        body: JSON.stringify([orderEnvelope(astral.repeat(128), 1), orderEnvelope('é'.repeat(256), 1)]),
      }),
    );
    expect(accepted.statusCode).toBe(202);
    expect(producer.written.map((entry) => entry.partitionKey.length)).toEqual([256, 256]);
  });

  it("one client's envelope Kinesis refuses fails only that client's request (400), not the others batched with it", async () => {
    const { client, log } = createFakeKinesis([], {
      invalidRecord: (record) => record.PartitionKey === 'refused-by-kinesis',
    });
    const handler = createIngestHandler({
      producer: createOrderedProducer({ client, streamName: 's', concurrency: 2 }),
      tokenProvider: async () => TOKEN,
      registry,
      ...quietTelemetry(),
    });
    const requests = Array.from({ length: 600 }, (_, i) =>
      i === 17 ? orderEnvelope('refused-by-kinesis', 1) : orderEnvelope(`client-${i}`, 1),
    );
    const answers = await Promise.all(
      requests.map((envelope) => handler(httpEvent({ body: JSON.stringify(envelope) }))),
    );
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses[17]).toBe(400);
    expect(JSON.parse(answers[17]?.body ?? '{}')).toMatchObject({
      reason: 'validation',
      failed: [
        { index: 0, reason: 'invalid-entry', message: expect.stringContaining('ValidationException') },
      ],
    });
    expect(statuses.filter((status) => status === 202)).toHaveLength(599);
    expect(log.stored).toHaveLength(599);
  });

  it.each([
    { reasons: ['invalid-entry'], status: 400 },
    { reasons: ['deadline-exceeded', 'invalid-entry'], status: 400 },
    { reasons: ['rejected'], status: 500 },
    { reasons: ['rejected', 'predecessor-failed'], status: 500 },
    { reasons: ['deadline-exceeded'], status: 503 },
    { reasons: ['predecessor-failed', 'deadline-exceeded'], status: 503 },
  ] as const)(
    'answers $status when the producer fails envelopes as $reasons',
    async ({ reasons, status }) => {
      const handler = createIngestHandler({
        producer: {
          put: async (entries) =>
            entries.map((_, i) => ({
              status: 'failed' as const,
              reason: reasons[i] ?? 'deadline-exceeded',
              message: 'injected',
              attempts: 1,
            })),
        },
        tokenProvider: async () => TOKEN,
        registry,
        ...quietTelemetry(),
      });
      const body = JSON.stringify(reasons.map((_, i) => orderEnvelope(`r-${i}`, 1)));
      const answer = await handler(httpEvent({ body }));
      expect(answer.statusCode).toBe(status);
      expect(answer.headers?.['retry-after'] !== undefined).toBe(status === 503);
      expect(failureStatus([...reasons])).toBe(status);
    },
  );

  it('answers 503 when the token cannot be read, and writes nothing', async () => {
    const producer = recordingProducer();
    const handler = createIngestHandler({
      producer,
      tokenProvider: async () => {
        throw new Error('secrets manager down');
      },
      registry,
      ...quietTelemetry(),
    });
    const result = await handler(httpEvent({ body: JSON.stringify(orderEnvelope('x', 1)) }));
    expect(result.statusCode).toBe(503);
    expect(producer.written).toEqual([]);
  });

  it('counts rejections by reason and accepted envelopes', async () => {
    const dimension = vi.spyOn(Metrics.prototype, 'addDimension');
    const metric = vi.spyOn(Metrics.prototype, 'addMetric');
    const { handler } = setup();
    await handler(httpEvent({ headers: { 'content-type': 'application/json' }, body: '{}' }));
    expect(dimension).toHaveBeenCalledWith('reason', 'unauthorized');
    expect(metric).toHaveBeenCalledWith('Rejected', 'Count', 1);
    await handler(httpEvent({ body: JSON.stringify([orderEnvelope('m', 1), orderEnvelope('m', 2)]) }));
    expect(metric).toHaveBeenCalledWith('Accepted', 'Count', 2);
    expect(metric).toHaveBeenCalledWith('LatencyMs', 'Milliseconds', expect.any(Number));
  });

  it('never throws, never answers 5xx to bad input, never writes an invalid envelope (fuzz)', async () => {
    const valid = fc
      .tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 4 }))
      .map(([id, seq]) => orderEnvelope(id, seq) as unknown as Record<string, unknown>);
    // Valid envelopes with one field replaced by anything: near-misses exercise the validators.
    const mutated = fc
      .tuple(
        valid,
        fc.constantFrom(
          'eventId',
          'aggregateType',
          'aggregateId',
          'sequence',
          'type',
          'schemaVersion',
          'occurredAt',
          'data',
          'extra',
        ),
        fc.jsonValue(),
      )
      .map(([envelope, field, value]) => ({ ...envelope, [field]: value }));
    const item = fc.oneof(valid, mutated, fc.jsonValue());
    const body = fc.oneof(
      item.map((v) => JSON.stringify(v) ?? ''),
      fc.array(item, { maxLength: 5 }).map((v) => JSON.stringify(v)),
      fc.string(),
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    );
    const headers = fc.record(
      {
        authorization: fc.oneof(fc.constant(`Bearer ${TOKEN}`), fc.constant(`bearer ${TOKEN}`), fc.string()),
        'content-type': fc.oneof(
          fc.constant('application/json'),
          fc.constant('application/json; charset=utf-8'),
          fc.constant('application/cloudevents+json'),
          fc.string(),
        ),
      },
      { requiredKeys: [] },
    );
    const { producer, handler } = setup();
    await fc.assert(
      fc.asyncProperty(body, headers, fc.boolean(), async (text, hdrs, base64) => {
        const before = producer.written.length;
        const result = await handler(
          httpEvent({
            headers: hdrs as Record<string, string>,
            body: base64 ? Buffer.from(text).toString('base64') : text,
            isBase64Encoded: base64,
          }),
        );
        const status = result.statusCode ?? 0;
        expect(status).toBeGreaterThanOrEqual(200);
        expect(status).toBeLessThan(500);
        expect(() => JSON.parse(result.body ?? '')).not.toThrow();
        const added = producer.written.slice(before);
        if (status !== 202) expect(added).toEqual([]);
        for (const entry of added) {
          const envelope = registry.validate(decodeEnvelopeBytes(entry.data));
          expect(entry.partitionKey).toBe(envelope.aggregateId);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('Bearer auth', () => {
  it('parses the Bearer scheme case-insensitively and nothing else', () => {
    expect(parseBearerToken('Bearer abc')).toBe('abc');
    expect(parseBearerToken('bearer  abc ')).toBe('abc');
    expect(parseBearerToken('Basic abc')).toBeUndefined();
    expect(parseBearerToken('Bearer a b')).toBeUndefined();
    expect(parseBearerToken(undefined)).toBeUndefined();
  });
  it('matches only the exact token, of any length, and never an empty expected token', () => {
    expect(tokensMatch('abc', 'abc')).toBe(true);
    expect(tokensMatch('abc', 'abcd')).toBe(false);
    expect(tokensMatch('', '')).toBe(false);
  });
});

describe('Function: isJsonContentType', () => {
  it.each([
    ['application/json', true],
    ['Application/JSON; charset=UTF-8', true],
    ['application/vnd.api+json', true],
    ['application/json; charset=iso-8859-1', false],
    ['text/plain', false],
    [undefined, false],
  ])('%s → %s', (value, expected) => {
    expect(isJsonContentType(value)).toBe(expected);
  });
});

describe('Function: loadIngestConfig', () => {
  it('reads the variables with defaults', () => {
    expect(loadIngestConfig({ STREAM_NAME: 's', INGEST_TOKEN_SECRET_ID: 'arn:secret' })).toEqual({
      streamName: 's',
      tokenSecretId: 'arn:secret',
      deadlineMs: 10_000,
      tokenMaxAgeSeconds: 300,
      tracing: { TRACING: 'off', TRACE_SAMPLING_RATIO: 1 },
    });
  });
  it.each([
    [{ INGEST_TOKEN_SECRET_ID: 'x' }, 'STREAM_NAME'],
    [{ STREAM_NAME: 's' }, 'INGEST_TOKEN_SECRET_ID'],
    [{ STREAM_NAME: 's', INGEST_TOKEN_SECRET_ID: 'x', INGEST_DEADLINE_MS: 'soon' }, 'INGEST_DEADLINE_MS'],
  ])('names the bad variable in %o', (env, variable) => {
    expect(() => loadIngestConfig(env)).toThrow(LambdaConfigError);
    expect(() => loadIngestConfig(env)).toThrow(variable);
  });
});
