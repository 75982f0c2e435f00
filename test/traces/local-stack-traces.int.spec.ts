/**
 * The local stack's span store, end to end: a few events through a real local stack (one buffered behind a gap, one
 * poison record quarantined), then the span files read back as OTLP JSON and the hops this stack emulates checked
 * against docs/tracing.md: the archive object, the bus rule's delivery, the example consumer's queue.
 */
import { randomBytes } from 'node:crypto';
import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKinesisClient } from '../../local/kinesis/index.js';
import { LocalPipelineOutputs, type RunningLocalStack, startLocalStack } from '../../local/stack/index.js';
import { spanFileNumber } from '../../local/traces/index.js';
import { readSpanStore as readStoredSpans } from '../../local/traces/span-store-reader.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { putEnvelopes, tempDataDir, waitUntil } from '../stack/stack-fixture.js';
import { orderEvent } from '../support/order-events.js';

/** One span of the store, flattened from OTLP JSON with its service name. */
interface StoredSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Record<string, unknown>;
  readonly links: { traceId: string; spanId: string; attributes: Record<string, unknown> }[];
  readonly status: { code?: number };
}

/** OTLP `KeyValue[]` to a plain object (string, int as string or number, bool, double). */
function attributesOf(list: { key: string; value: Record<string, unknown> }[] | undefined) {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) {
    const v = value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue;
    out[key] = typeof v === 'string' && value.intValue !== undefined ? Number(v) : v;
  }
  return out;
}

async function readSpanStore(dataDir: string): Promise<{ files: string[]; spans: StoredSpan[] }> {
  const folder = join(dataDir, 'traces');
  const files = (await readdir(folder)).filter((n) => spanFileNumber(n) !== undefined);
  const spans: StoredSpan[] = [];
  for (const file of files) {
    const text = await readFile(join(folder, file), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    for (const line of text.slice(0, -1).split('\n')) {
      const request = JSON.parse(line);
      for (const resourceSpans of request.resourceSpans) {
        const service = attributesOf(resourceSpans.resource.attributes)['service.name'] as string;
        for (const scope of resourceSpans.scopeSpans)
          for (const span of scope.spans)
            spans.push({
              service,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || undefined,
              name: span.name,
              kind: span.kind,
              attributes: attributesOf(span.attributes),
              links: (span.links ?? []).map(
                (l: { traceId: string; spanId: string; attributes: never[] }) => ({
                  traceId: l.traceId,
                  spanId: l.spanId,
                  attributes: attributesOf(l.attributes),
                }),
              ),
              status: span.status ?? {},
            });
      }
    }
  }
  return { files, spans };
}

/** An envelope with a fresh sampled W3C trace context, as ingest stamps it. */
function traced(envelope: Envelope): Envelope & { traceparent: string } {
  const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
  return { ...envelope, traceparent };
}

const ids = (traceparent: string) => {
  const [, traceId, spanId] = traceparent.split('-');
  return { traceId: traceId as string, spanId: spanId as string };
};

// OTLP span kinds: the API's SpanKind + 1.
const OTLP_KIND = { server: 2, client: 3, producer: 4, consumer: 5 } as const;

describe('local stack span store', () => {
  let dataDir: string;
  let stack: RunningLocalStack;
  let kinesis: KinesisClient;
  const placed = traced(orderEvent('trace-o-1', 1));
  const gapped = traced(orderEvent('trace-o-1', 3));
  const filler = traced(orderEvent('trace-o-1', 2));
  // Valid JSON with an eventId and a trace context, but sequence 0: the processor quarantines it.
  const poison = { ...traced(orderEvent('trace-o-2', 1)), sequence: 0 };
  let archiveKeys: string[] = [];

  beforeAll(async () => {
    dataDir = await tempDataDir();
    stack = await startLocalStack({
      dataDir,
      shards: 1,
      quiet: true,
      logLevel: 'SILENT',
      archiveBufferIntervalSeconds: 1,
    });
    kinesis = createKinesisClient({ endpoint: stack.endpoints.endpoints.kinesis });
    const stream = stack.endpoints.stream.name;
    await putEnvelopes(kinesis, stream, [placed, gapped]);
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: [{ Data: Buffer.from(JSON.stringify(poison)), PartitionKey: poison.aggregateId }],
      }),
    );
    await waitUntil('the gap to buffer event 3 and the poison record', () => {
      const s = stack.stats();
      return s.buffered >= 1 && s.poison >= 1;
    });
    await putEnvelopes(kinesis, stream, [filler]);
    await waitUntil('the pipeline to drain', () => {
      const s = stack.stats();
      return s.applied >= 3 && s.archived >= 4 && s.delivered >= 3;
    });
    const outputs = new LocalPipelineOutputs(stack.endpoints);
    archiveKeys = (await outputs.archive()).map((o) => o.key);
    outputs.close();
    kinesis.destroy();
    // Stopping flushes every component's spans.
    await stack.stop();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('writes OTLP JSON span files under <dataDir>/traces that parse, with hex ids and a service per component', async () => {
    const { files, spans } = await readSpanStore(dataDir);
    expect(files).toEqual(['spans-1.jsonl']);
    expect(spans.length).toBeGreaterThan(0);
    for (const span of spans) {
      expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    }
    const services = new Set(spans.map((s) => s.service));
    for (const service of ['firehose', 'event-bus', 'consumer']) expect(services).toContain(service);
  });

  it('archive: one span per object, linked to every record in it with its eventId', async () => {
    const { spans } = await readSpanStore(dataDir);
    const archives = spans.filter((s) => s.name === `archive ${stack.endpoints.stream.name}`);
    expect(archives.length).toBe(archiveKeys.length);
    expect(archives.map((s) => s.attributes['pipeline.object.key']).sort()).toEqual([...archiveKeys].sort());
    for (const span of archives) {
      expect(span.service).toBe('firehose');
      expect(span.kind).toBe(OTLP_KIND.consumer);
      expect(span.parentSpanId).toBeUndefined();
    }
    const links = archives.flatMap((s) => s.links);
    for (const envelope of [placed, gapped, filler, poison]) {
      const link = links.find((l) => l.attributes['messaging.message.id'] === envelope.eventId);
      expect(link, envelope.eventId).toBeDefined();
      expect({ traceId: link?.traceId, spanId: link?.spanId }).toEqual(ids(envelope.traceparent));
      expect(link?.attributes).toMatchObject({
        'pipeline.aggregate.type': 'order',
        'pipeline.aggregate.id': envelope.aggregateId,
        'pipeline.event.sequence': envelope.sequence,
      });
    }
  });

  it('bus: a deliver span per event and rule, child of the envelope context; none for the quarantined record', async () => {
    const { spans } = await readSpanStore(dataDir);
    const delivers = spans.filter((s) => s.name === 'deliver order-events');
    expect(delivers.map((s) => s.attributes['messaging.message.id']).sort()).toEqual(
      [placed, filler, gapped].map((e) => e.eventId).sort(),
    );
    for (const envelope of [placed, gapped, filler]) {
      const span = delivers.find((s) => s.attributes['messaging.message.id'] === envelope.eventId);
      const { traceId, spanId } = ids(envelope.traceparent);
      expect(span).toMatchObject({
        service: 'event-bus',
        kind: OTLP_KIND.producer,
        traceId,
        parentSpanId: spanId,
      });
      expect(span?.attributes).toMatchObject({
        'messaging.system': 'aws_eventbridge',
        'pipeline.bus.rule': 'order-events',
        'pipeline.bus.target': 'queue',
        'pipeline.delivery.outcome': 'delivered',
        'pipeline.event.sequence': envelope.sequence,
      });
    }
  });

  it('queue: the example consumer hop continues each delivered event from its envelope context', async () => {
    const { spans } = await readSpanStore(dataDir);
    const processed = spans.filter((s) => s.name === 'process order-events');
    expect(processed.map((s) => s.attributes['messaging.message.id']).sort()).toEqual(
      [placed, filler, gapped].map((e) => e.eventId).sort(),
    );
    for (const span of processed) {
      const envelope = [placed, gapped, filler].find(
        (e) => e.eventId === span.attributes['messaging.message.id'],
      );
      const { traceId, spanId } = ids(envelope?.traceparent ?? '');
      expect(span).toMatchObject({
        service: 'consumer',
        kind: OTLP_KIND.consumer,
        traceId,
        parentSpanId: spanId,
      });
      expect(span.attributes).toMatchObject({
        'messaging.system': 'aws_sqs',
        'messaging.operation.type': 'process',
      });
    }
  });
});

// The ingest, processor and bus-bridge spans, and the trace view over them: test/traces/span-graph.int.spec.ts.

describe('local stack without tracing', () => {
  it('serves the OTLP receiver at endpoints.otlp (also in endpoints.json), appending into the same store', async () => {
    const dataDir = await tempDataDir();
    const stack = await startLocalStack({ dataDir, quiet: true, logLevel: 'SILENT' });
    let status: number;
    try {
      const otlp = stack.endpoints.endpoints.otlp;
      expect(otlp).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const written = JSON.parse(await readFile(join(dataDir, 'endpoints.json'), 'utf8'));
      expect(written.endpoints.otlp).toBe(otlp);
      const response = await fetch(`${otlp}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          resourceSpans: [
            {
              resource: { attributes: [{ key: 'service.name', value: { stringValue: 'my-consumer' } }] },
              scopeSpans: [
                {
                  spans: [
                    {
                      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
                      spanId: '00f067aa0ba902b7',
                      name: 'process from outside',
                      attributes: [{ key: 'messaging.message.id', value: { stringValue: 'outside-1' } }],
                    },
                  ],
                },
              ],
            },
          ],
        }),
      });
      status = response.status;
    } finally {
      await stack.stop();
    }
    expect(status).toBe(200);
    const read = await readStoredSpans(dataDir, (a) => a['messaging.message.id'] === 'outside-1');
    expect(read?.index.spans.map((span) => [span.serviceName, span.name])).toEqual([
      ['my-consumer', 'process from outside'],
    ]);
  });

  it('records no span store with tracing: false', async () => {
    const dataDir = await tempDataDir();
    const stack = await startLocalStack({ dataDir, quiet: true, logLevel: 'SILENT', tracing: false });
    // No receiver either: nothing could be stored.
    expect(stack.endpoints.endpoints.otlp).toBeUndefined();
    const kinesis = createKinesisClient({ endpoint: stack.endpoints.endpoints.kinesis });
    try {
      await putEnvelopes(kinesis, stack.endpoints.stream.name, [traced(orderEvent('untraced-1', 1))]);
      await waitUntil('the event to reach the bus', () => stack.stats().delivered >= 1);
    } finally {
      kinesis.destroy();
      await stack.stop();
    }
    await expect(access(join(dataDir, 'traces'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
