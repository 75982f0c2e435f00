import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEventBus } from '../../local/bus/index.js';
import { createTracing } from '../../processors/tracing/index.js';

const fast = { baseDelayMs: 1, maxDelayMs: 2, maximumRetryAttempts: 2 };
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

function envelope(eventId: string, sequence: number) {
  return {
    eventId,
    aggregateType: 'order',
    aggregateId: 'o-1',
    sequence,
    type: 'OrderPlaced',
    correlationId: 'c-9',
    causationId: 'cause-1',
    traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`,
    tracestate: 'congo=t61rcWkgMzE',
  };
}

function entry(detail: Record<string, unknown>) {
  return {
    EventBusName: 'pipeline',
    Source: 'pipeline.order',
    DetailType: 'OrderPlaced',
    Detail: JSON.stringify(detail),
  };
}

/** A loopback webhook that always answers 500. */
async function failingWebhook() {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const byName = (spans: readonly ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

describe('LocalEventBus tracing', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bus-tracing-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('records deliver spans per (event, target) from detail.envelope, with outcome, and the consumer hop of the queue', async () => {
    const busSpans = new InMemorySpanExporter();
    const consumerSpans = new InMemorySpanExporter();
    const tracing = createTracing({ serviceName: 'event-bus', exporter: busSpans, processor: 'simple' });
    const consumerTracing = createTracing({
      serviceName: 'consumer',
      exporter: consumerSpans,
      processor: 'simple',
    });
    const webhook = await failingWebhook();
    const bus = await openEventBus({
      name: 'pipeline',
      dataDir,
      retry: fast,
      tracing,
      consumerTracing,
      rules: [
        { name: 'orders', eventPattern: { source: ['pipeline.order'] }, webhook: { url: webhook.url } },
      ],
    });
    const result = await bus.putEvents([
      entry({ envelope: envelope('e-1', 1) }),
      entry({ envelope: envelope('e-2', 2) }),
      entry({ ping: true }),
    ]);
    expect(result.FailedEntryCount).toBe(0);
    await bus.close();
    await webhook.close();

    const delivered = byName(busSpans.getFinishedSpans(), 'deliver orders');
    expect(delivered).toHaveLength(6);
    const queued = delivered.filter((s) => s.attributes['pipeline.bus.target'] === 'queue');
    const hooked = delivered.filter((s) => s.attributes['pipeline.bus.target'] === 'webhook');
    expect(queued.map((s) => s.attributes['messaging.message.id'])).toEqual(['e-1', 'e-2', undefined]);
    for (const span of [...queued.slice(0, 2), ...hooked.slice(0, 2)]) {
      expect(span.kind).toBe(SpanKind.PRODUCER);
      expect(span.spanContext().traceId).toBe(TRACE_ID);
      expect(span.parentSpanContext?.spanId).toBe(PARENT_ID);
      expect(span.parentSpanContext?.isRemote).toBe(true);
    }
    expect(queued[0]?.attributes).toMatchObject({
      'messaging.system': 'aws_eventbridge',
      'messaging.destination.name': 'orders',
      'pipeline.bus.rule': 'orders',
      'pipeline.delivery.outcome': 'delivered',
      'pipeline.delivery.attempts': 1,
      'pipeline.aggregate.type': 'order',
      'pipeline.aggregate.id': 'o-1',
      'pipeline.event.sequence': 1,
      'pipeline.event.type': 'OrderPlaced',
      'messaging.message.conversation_id': 'c-9',
      'pipeline.event.causation_id': 'cause-1',
    });
    expect(queued[0]?.status.code).not.toBe(SpanStatusCode.ERROR);
    // No envelope: a new trace.
    expect(queued[2]?.parentSpanContext).toBeUndefined();
    expect(queued[2]?.spanContext().traceId).not.toBe(TRACE_ID);
    // The webhook kept failing: dead-lettered after its retries, with the error.
    expect(hooked).toHaveLength(3);
    for (const span of hooked) {
      expect(span.attributes).toMatchObject({
        'messaging.destination.name': webhook.url,
        'pipeline.delivery.outcome': 'dead_lettered',
        'pipeline.delivery.attempts': 3,
        'pipeline.reason': 'HTTP_500',
      });
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
    }

    const consumed = byName(consumerSpans.getFinishedSpans(), 'process orders');
    expect(consumed).toHaveLength(3);
    expect(consumed.map((s) => s.attributes['messaging.message.id'])).toEqual(['e-1', 'e-2', undefined]);
    expect(consumed[1]?.kind).toBe(SpanKind.CONSUMER);
    expect(consumed[1]?.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(consumed[1]?.spanContext().traceId).toBe(TRACE_ID);
    expect(consumed[1]?.attributes).toMatchObject({
      'messaging.system': 'aws_sqs',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'orders',
      'pipeline.event.sequence': 2,
    });
    await tracing.shutdown();
    await consumerTracing.shutdown();
  });
});
