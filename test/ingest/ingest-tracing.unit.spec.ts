import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { decodeEnvelopeBytes, type Envelope, maxEnvelopeBytes } from '../../processors/envelope/index.js';
import { createIngestEntry } from '../../processors/ingest/entry.js';
import { createIngestHandler } from '../../processors/ingest/index.js';
import { createOrderedProducer } from '../../processors/producer/index.js';
import { createTracing, TRACING_OFF } from '../../processors/tracing/index.js';
import { type CallFate, createFakeKinesis } from '../producer/fake-kinesis.js';
import { orderEnvelope, quietTelemetry } from './envelope-factory.js';
import { postEventsRequest } from './post-events-request.js';

const TOKEN = 'unit-token';
const STREAM = 'events-dev';
const registry = new AggregateRegistry([orderAggregate]);
// Examples from https://www.w3.org/TR/trace-context/#traceparent-header
const CALLER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const CALLER = `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01`;
const TRACEPARENT_OF = (traceId: string, spanId: string, flags = '01') => `00-${traceId}-${spanId}-${flags}`;

function setup(fates: readonly CallFate[] = []) {
  const exporter = new InMemorySpanExporter();
  const tracing = createTracing({ serviceName: 'ingest', exporter, processor: 'simple' });
  const kinesis = createFakeKinesis(fates);
  const handler = createIngestHandler({
    producer: createOrderedProducer({
      client: kinesis.client,
      streamName: STREAM,
      baseDelayMs: 1,
      deadlineMs: 50,
    }),
    tokenProvider: async () => TOKEN,
    registry,
    ...quietTelemetry(),
    tracing,
    streamName: STREAM,
  });
  const post = (body: unknown, headers: readonly string[] = []) =>
    handler(postEventsRequest(JSON.stringify(body), TOKEN, headers));
  const written = () => kinesis.log.stored.map((record) => decodeEnvelopeBytes(record.data));
  const spans = () => exporter.getFinishedSpans();
  const named = (name: string) => spans().filter((span) => span.name === name);
  return { post, written, spans, named, kinesis };
}

const only = (spans: readonly ReadableSpan[]): ReadableSpan => {
  expect(spans).toHaveLength(1);
  return spans[0] as ReadableSpan;
};

describe('ingest tracing', () => {
  it('starts a trace, a create span per envelope and a send span per call, and stamps each envelope', async () => {
    const { post, written, named } = setup();
    const envelopes = [
      orderEnvelope('o-1', 1, { correlationId: 'corr-1', causationId: 'cause-1' }),
      orderEnvelope('o-2', 1),
    ];
    expect((await post(envelopes)).statusCode).toBe(202);

    const request = only(named('POST /events'));
    expect(request.kind).toBe(SpanKind.SERVER);
    expect(request.parentSpanContext).toBeUndefined();
    expect(request.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/events',
      'url.path': '/events',
      'http.response.status_code': 202,
    });
    const { traceId, spanId: requestSpanId } = request.spanContext();

    const creates = named(`create ${STREAM}`);
    expect(creates).toHaveLength(2);
    const records = written();
    for (const [index, envelope] of envelopes.entries()) {
      const create = creates.find((s) => s.attributes['messaging.message.id'] === envelope.eventId);
      expect(create?.kind).toBe(SpanKind.PRODUCER);
      expect(create?.parentSpanContext?.spanId).toBe(requestSpanId);
      expect(create?.spanContext().traceId).toBe(traceId);
      const record = records.find((r) => r.eventId === envelope.eventId) as Envelope;
      expect(create?.attributes).toEqual({
        'messaging.system': 'aws_kinesis',
        'messaging.operation.type': 'create',
        'messaging.operation.name': 'create',
        'messaging.destination.name': STREAM,
        'messaging.message.id': envelope.eventId,
        'pipeline.aggregate.type': 'order',
        'pipeline.aggregate.id': envelope.aggregateId,
        'pipeline.event.sequence': 1,
        'pipeline.event.type': 'OrderPlaced',
        ...(index === 0
          ? { 'messaging.message.conversation_id': 'corr-1', 'pipeline.event.causation_id': 'cause-1' }
          : {}),
        'pipeline.kinesis.shard_id': 'shardId-000000000000',
        'pipeline.kinesis.sequence_number': expect.stringMatching(/^\d+$/),
      });
      // The record carries the create span's context, and nothing else changed.
      expect(record).toEqual({
        ...envelope,
        traceparent: TRACEPARENT_OF(traceId, create?.spanContext().spanId ?? ''),
      });
      expect(record.tracestate).toBeUndefined();
    }

    const send = only(named(`send ${STREAM}`));
    expect(send.kind).toBe(SpanKind.CLIENT);
    expect(send.parentSpanContext?.spanId).toBe(requestSpanId);
    expect(send.attributes).toMatchObject({
      'messaging.system': 'aws_kinesis',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'PutRecords',
      'messaging.destination.name': STREAM,
      'messaging.batch.message_count': 2,
    });
    expect(send.links.map((l) => l.context.spanId).sort()).toEqual(
      creates.map((c) => c.spanContext().spanId).sort(),
    );
    expect(send.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("continues the caller's traceparent header and carries its tracestate into the stamped envelope", async () => {
    const { post, written, named } = setup();
    await post(
      [orderEnvelope('o-1', 1)],
      ['traceparent', CALLER, 'tracestate', 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'],
    );
    const request = only(named('POST /events'));
    expect(request.spanContext().traceId).toBe(CALLER_TRACE_ID);
    expect(request.parentSpanContext).toMatchObject({
      traceId: CALLER_TRACE_ID,
      spanId: CALLER_SPAN_ID,
      isRemote: true,
    });
    const create = only(named(`create ${STREAM}`));
    expect(written()[0]).toMatchObject({
      traceparent: TRACEPARENT_OF(CALLER_TRACE_ID, create.spanContext().spanId),
      tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
    });
  });

  it('combines repeated tracestate headers into one list, as API Gateway and W3C do', async () => {
    const { post, written } = setup();
    await post(
      [orderEnvelope('o-1', 1)],
      ['traceparent', CALLER, 'tracestate', 'rojo=1', 'tracestate', 'congo=2'],
    );
    expect(written()[0]?.tracestate).toBe('rojo=1,congo=2');
  });

  it.each([
    ['uppercase hex', CALLER.toUpperCase()],
    ['version ff', `ff${CALLER.slice(2)}`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${CALLER_SPAN_ID}-01`],
    ['two traceparent headers', [CALLER, CALLER]],
  ])('ignores an invalid traceparent header (%s) and starts a new trace', async (_name, value) => {
    const { post, written, named } = setup();
    const headers = (Array.isArray(value) ? value : [value]).flatMap((v) => ['traceparent', v]);
    const response = await post([orderEnvelope('o-1', 1)], [...headers, 'tracestate', 'rojo=1']);
    expect(response.statusCode).toBe(202);
    const request = only(named('POST /events'));
    expect(request.parentSpanContext).toBeUndefined();
    expect(request.spanContext().traceId).not.toBe(CALLER_TRACE_ID);
    // W3C: without a valid traceparent the tracestate is not used either.
    expect(written()[0]?.traceparent?.slice(3, 35)).toBe(request.spanContext().traceId);
    expect(written()[0]?.tracestate).toBeUndefined();
  });

  it("keeps an envelope's own trace fields byte for byte and makes it the create span's parent", async () => {
    const { post, kinesis, named } = setup();
    const own = orderEnvelope('o-1', 1, { traceparent: CALLER, tracestate: 'congo=t61rcWkgMzE ,\trojo=1' });
    await post([own], ['traceparent', TRACEPARENT_OF('a'.repeat(32), 'b'.repeat(16))]);
    const sent = JSON.stringify(own);
    expect(Buffer.from(kinesis.log.stored[0]?.data ?? []).toString('utf8')).toBe(sent);
    const request = only(named('POST /events'));
    const create = only(named(`create ${STREAM}`));
    expect(create.spanContext().traceId).toBe(CALLER_TRACE_ID);
    expect(create.parentSpanContext).toMatchObject({ spanId: CALLER_SPAN_ID, isRemote: true });
    expect(create.links.map((l) => l.context.spanId)).toEqual([request.spanContext().spanId]);
  });

  it('refuses an invalid traceparent field as any schema violation: 400 naming the field, nothing written', async () => {
    const { post, kinesis, named } = setup();
    const response = await post([
      orderEnvelope('o-1', 1),
      orderEnvelope('o-2', 1, { traceparent: CALLER.toUpperCase() }),
    ]);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({
      reason: 'validation',
      errors: [{ index: 1, path: 'traceparent', message: expect.stringContaining('W3C traceparent') }],
    });
    expect(kinesis.log.stored).toEqual([]);
    expect(named(`create ${STREAM}`)).toEqual([]);
    expect(only(named('POST /events')).attributes['http.response.status_code']).toBe(400);
  });

  it('propagates an unsampled context (flags 00) without recording a span', async () => {
    const { post, written, spans } = setup();
    await post(
      [orderEnvelope('o-1', 1)],
      ['traceparent', TRACEPARENT_OF(CALLER_TRACE_ID, CALLER_SPAN_ID, '00')],
    );
    expect(spans()).toEqual([]);
    const traceparent = written()[0]?.traceparent ?? '';
    expect(traceparent).toMatch(new RegExp(`^00-${CALLER_TRACE_ID}-[0-9a-f]{16}-00$`));
    expect(traceparent).not.toContain(CALLER_SPAN_ID);
  });

  it('replaces an orphan tracestate (no traceparent) when stamping', async () => {
    const { post, written } = setup();
    await post([orderEnvelope('o-1', 1, { tracestate: 'orphan=1' })]);
    expect(written()[0]?.tracestate).toBeUndefined();
    expect(written()[0]?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('leaves off a tracestate header whose every member is invalid', async () => {
    const { post, written } = setup();
    await post([orderEnvelope('o-1', 1)], ['traceparent', CALLER, 'tracestate', 'Upper=1']);
    expect(written()[0]?.traceparent?.slice(3, 35)).toBe(CALLER_TRACE_ID);
    expect(written()[0]).not.toHaveProperty('tracestate');
  });

  it('writes an envelope at the size limit as sent, unstamped, rather than refuse it', async () => {
    const { post, written, named } = setup();
    const base = orderEnvelope('o-1', 1);
    const limit = maxEnvelopeBytes(base.aggregateType, base.type);
    const atLimit = {
      ...base,
      data: { ...base.data, customerId: 'x'.repeat(limit - Buffer.byteLength(JSON.stringify(base)) + 3) },
    };
    expect(Buffer.byteLength(JSON.stringify(atLimit))).toBe(limit);
    expect((await post([atLimit])).statusCode).toBe(202);
    expect(written()).toEqual([atLimit]);
    expect(only(named(`create ${STREAM}`)).attributes['pipeline.kinesis.shard_id']).toBe(
      'shardId-000000000000',
    );
  });

  it('marks the create and send spans of a refused write as errors, and the request span of its 500', async () => {
    const { post, named } = setup([{ kind: 'throw', name: 'ResourceNotFoundException', retryable: false }]);
    expect((await post([orderEnvelope('o-1', 1), orderEnvelope('o-1', 2)])).statusCode).toBe(500);
    const creates = named(`create ${STREAM}`);
    expect(creates.map((c) => c.status)).toEqual([
      {
        code: SpanStatusCode.ERROR,
        message: expect.stringMatching(/^rejected: .*ResourceNotFoundException/),
      },
      { code: SpanStatusCode.ERROR, message: expect.stringMatching(/^predecessor-failed: /) },
    ]);
    expect(creates.every((c) => c.attributes['pipeline.kinesis.shard_id'] === undefined)).toBe(true);
    const send = only(named(`send ${STREAM}`));
    expect(send.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: expect.stringContaining('1 of 1 record(s) not written'),
    });
    const request = only(named('POST /events'));
    expect(request.status.code).toBe(SpanStatusCode.ERROR);
    expect(request.attributes['http.response.status_code']).toBe(500);
  });

  it('records a send span per attempt when records are retried', async () => {
    const { post, named, spans } = setup([{ kind: 'answer', failRecords: ['throttle'] }]);
    expect((await post([orderEnvelope('o-1', 1)])).statusCode).toBe(202);
    const sends = named(`send ${STREAM}`);
    expect(sends).toHaveLength(2);
    expect(sends[0]?.status.code).toBe(SpanStatusCode.ERROR);
    expect(sends[1]?.status.code).toBe(SpanStatusCode.UNSET);
    const create = only(named(`create ${STREAM}`));
    // The create span ends once the record is placed: when the second call answered, not the first. The simple
    // processor exports each span as it ends, so the export order is the end order.
    const order = spans().map((span) => span.spanContext().spanId);
    const at = (span: ReadableSpan | undefined) => order.indexOf(span?.spanContext().spanId ?? '');
    expect(at(sends[0])).toBeLessThan(at(create));
    expect(at(create)).toBeLessThan(at(sends[1]));
  });

  it('records nothing and leaves envelopes as sent with tracing off', async () => {
    const kinesis = createFakeKinesis([]);
    const handler = createIngestHandler({
      producer: createOrderedProducer({ client: kinesis.client, streamName: STREAM }),
      tokenProvider: async () => TOKEN,
      registry,
      ...quietTelemetry(),
      tracing: TRACING_OFF,
    });
    const envelope = orderEnvelope('o-1', 1);
    await handler(postEventsRequest(JSON.stringify([envelope]), TOKEN, ['traceparent', CALLER]));
    expect(Buffer.from(kinesis.log.stored[0]?.data ?? []).toString('utf8')).toBe(JSON.stringify(envelope));
  });

  it('needs the stream name when tracing is on', () => {
    const exporter = new InMemorySpanExporter();
    expect(() =>
      createIngestHandler({
        producer: { put: async () => [] },
        tokenProvider: async () => TOKEN,
        registry,
        ...quietTelemetry(),
        tracing: createTracing({ serviceName: 'ingest', exporter }),
      }),
    ).toThrow(/streamName/);
  });
});

describe('ingest Lambda entry tracing', () => {
  it('exports every span of a request before the handler returns', async () => {
    const exporter = new InMemorySpanExporter();
    // Batch processor, as in a Lambda: only the entry's flush exports before the return.
    const tracing = createTracing({ serviceName: 'ingest', exporter, processor: 'batch' });
    const kinesis = createFakeKinesis([]);
    const handler = createIngestEntry(
      { STREAM_NAME: STREAM, INGEST_TOKEN_SECRET_ID: 'secret', TRACING: 'on' },
      { kinesis: kinesis.client as never, tokenProvider: async () => TOKEN, ...quietTelemetry(), tracing },
    );
    expect(
      (await handler(postEventsRequest(JSON.stringify([orderEnvelope('o-1', 1)]), TOKEN))).statusCode,
    ).toBe(202);
    expect(
      exporter
        .getFinishedSpans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['POST /events', `create ${STREAM}`, `send ${STREAM}`]);
    await tracing.shutdown();
  });
});
