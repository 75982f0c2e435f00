import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  OtlpJsonFileExporter,
  type RunningOtlpHttpReceiver,
  spanFileName,
  startOtlpHttpReceiver,
} from '../../local/traces/index.js';
import { readSpanStore } from '../../local/traces/span-store-reader.js';
import { createTracing } from '../../processors/tracing/index.js';
import { hangUpMidBody, MALFORMED_REQUESTS, rawExchange } from '../http/raw-http-exchange.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

/** A hand-written OTLP JSON request (as a non-JS sender would write it), pretty-printed over several lines. */
function requestBody(spans: readonly Record<string, unknown>[]): string {
  return JSON.stringify(
    {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'my-consumer' } }] },
          scopeSpans: [{ scope: { name: 'test' }, spans }],
        },
      ],
    },
    null,
    2,
  );
}

const span = (overrides: Record<string, unknown> = {}) => ({
  traceId: TRACE,
  spanId: SPAN,
  name: 'process orders',
  kind: 5,
  startTimeUnixNano: '1795428000000000000',
  endTimeUnixNano: '1795428000005000000',
  attributes: [{ key: 'messaging.message.id', value: { stringValue: 'e-1' } }],
  ...overrides,
});

let running: { receiver: RunningOtlpHttpReceiver; store: OtlpJsonFileExporter; dataDir: string } | undefined;

async function start(maxBodyBytes?: number) {
  const dataDir = await mkdtemp(join(tmpdir(), 'otlp-receiver-'));
  const store = new OtlpJsonFileExporter({ dataDir });
  const receiver = await startOtlpHttpReceiver({
    store,
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
  });
  running = { receiver, store, dataDir };
  return running;
}

afterEach(async () => {
  await running?.receiver.close();
  await running?.store.shutdown();
  running = undefined;
});

function post(
  endpoint: string,
  body: string | Uint8Array,
  headers: Record<string, string>,
  path = '/v1/traces',
) {
  return fetch(`${endpoint}${path}`, { method: 'POST', headers, body });
}

describe('the OTLP/HTTP receiver', () => {
  it('appends a valid JSON request as one line of the store, readable by readSpanStore, and answers 200 {}', async () => {
    const { receiver, store, dataDir } = await start();
    const response = await post(receiver.endpoint, requestBody([span()]), {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({});
    await store.forceFlush();
    const lines = (await readFile(join(dataDir, 'traces', spanFileName(1)), 'utf8')).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('');
    const read = await readSpanStore(dataDir, (a) => a['messaging.message.id'] === 'e-1');
    expect(read?.index.spans.map((s) => [s.serviceName, s.traceId, s.spanId, s.name, s.kind])).toEqual([
      ['my-consumer', TRACE, SPAN, 'process orders', 'consumer'],
    ]);
    expect(store.stats()).toMatchObject({ spansWritten: 1, linesWritten: 1 });
  });

  it("receives what OpenTelemetry's OTLP/HTTP exporter sends by default (JSON)", async () => {
    const { receiver, store, dataDir } = await start();
    const tracing = createTracing({
      serviceName: 'replay',
      exporter: new OTLPTraceExporter({ url: `${receiver.endpoint}/v1/traces` }),
    });
    tracing.tracer
      .startSpan('replay stream', { kind: SpanKind.PRODUCER, attributes: { 'messaging.message.id': 'e-9' } })
      .end();
    await tracing.shutdown();
    await store.forceFlush();
    const read = await readSpanStore(dataDir, (a) => a['messaging.message.id'] === 'e-9');
    expect(read?.index.spans.map((s) => [s.serviceName, s.name, s.kind])).toEqual([
      ['replay', 'replay stream', 'producer'],
    ]);
  });

  it('rejects spans without valid ids on their own, with partialSuccess, and keeps the others', async () => {
    const { receiver, store, dataDir } = await start();
    const response = await post(
      receiver.endpoint,
      requestBody([span(), span({ spanId: '0000000000000000' }), span({ traceId: 'xyz' })]),
      { 'content-type': 'application/json' },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      partialSuccess: { rejectedSpans: number; errorMessage: string };
    };
    expect(body.partialSuccess.rejectedSpans).toBe(2);
    expect(body.partialSuccess.errorMessage).toMatch(/spanId/);
    await store.forceFlush();
    const read = await readSpanStore(dataDir, () => true);
    expect(read?.index.spans).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{"resourceSpans": ['],
    ['not an object', '[1, 2]'],
    ['resourceSpans not a list', '{"resourceSpans": {"x": 1}}'],
    ['scopeSpans not a list of objects', '{"resourceSpans": [{"scopeSpans": [1]}]}'],
    ['spans not a list', '{"resourceSpans": [{"scopeSpans": [{"spans": "s"}]}]}'],
  ])('answers 400 with a Status body for a body that is %s, and writes nothing', async (_name, body) => {
    const { receiver, store, dataDir } = await start();
    const response = await post(receiver.endpoint, body, { 'content-type': 'application/json' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 3, message: expect.stringMatching(/OTLP JSON/) });
    await store.forceFlush();
    expect(await readSpanStore(dataDir, () => true)).toBeUndefined();
  });

  it('answers 415 for protobuf (JSON only) and for an encoding other than gzip', async () => {
    const { receiver } = await start();
    const protobuf = await post(receiver.endpoint, new Uint8Array([10, 0]), {
      'content-type': 'application/x-protobuf',
    });
    expect(protobuf.status).toBe(415);
    expect(((await protobuf.json()) as { message: string }).message).toMatch(/application\/json/);
    const brotli = await post(receiver.endpoint, brotliCompressSync(requestBody([span()])), {
      'content-type': 'application/json',
      'content-encoding': 'br',
    });
    expect(brotli.status).toBe(415);
  });

  it('reads a gzipped body (OTLP clients may gzip), refusing one that inflates over the limit or is not gzip', async () => {
    const { receiver, store, dataDir } = await start(4096);
    const gzipped = await post(receiver.endpoint, gzipSync(requestBody([span()])), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(gzipped.status).toBe(200);
    const bomb = gzipSync(requestBody([span({ name: 'x'.repeat(100_000) })]));
    expect(bomb.byteLength).toBeLessThan(4096);
    const inflated = await post(receiver.endpoint, bomb, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(inflated.status).toBe(413);
    const fake = await post(receiver.endpoint, requestBody([span()]), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(fake.status).toBe(400);
    await store.forceFlush();
    expect((await readSpanStore(dataDir, () => true))?.index.spans).toHaveLength(1);
  });

  it('answers 413 over the body limit, by declared length and by bytes streamed', async () => {
    const { receiver, store, dataDir } = await start(1024);
    const big = requestBody([span({ name: 'x'.repeat(2048) })]);
    const declared = await post(receiver.endpoint, big, { 'content-type': 'application/json' });
    expect(declared.status).toBe(413);
    const streamed = await fetch(`${receiver.endpoint}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    await store.forceFlush();
    expect(await readSpanStore(dataDir, () => true)).toBeUndefined();
  });

  it('answers 404 on other paths and 405 for other methods on /v1/traces', async () => {
    const { receiver } = await start();
    const other = await post(
      receiver.endpoint,
      requestBody([span()]),
      { 'content-type': 'application/json' },
      '/v1/metrics',
    );
    expect(other.status).toBe(404);
    const get = await fetch(`${receiver.endpoint}/v1/traces`);
    expect(get.status).toBe(405);
  });

  it('answers 503 once the store is shut down (the stack is stopping)', async () => {
    const { receiver, store } = await start();
    await store.shutdown();
    const response = await post(receiver.endpoint, requestBody([span()]), {
      'content-type': 'application/json',
    });
    expect(response.status).toBe(503);
  });

  it('survives malformed request lines and hang-ups, and still receives afterwards', async () => {
    const { receiver, store, dataDir } = await start();
    for (const request of MALFORMED_REQUESTS) {
      const outcome = await rawExchange(receiver.port, Buffer.from(request.bytes, 'latin1'));
      expect({ request: request.name, answered: typeof outcome.status === 'number' }).toEqual({
        request: request.name,
        answered: true,
      });
    }
    await hangUpMidBody(receiver.port, '/v1/traces');
    const response = await post(receiver.endpoint, requestBody([span()]), {
      'content-type': 'application/json',
    });
    expect(response.status).toBe(200);
    await store.forceFlush();
    expect((await readSpanStore(dataDir, () => true))?.index.spans).toHaveLength(1);
  });
});
