/**
 * The bus bridge's `publish <bus>` spans (docs/tracing.md, "Pipe to bus"): one PRODUCER span per bridged event, a
 * child of the envelope's trace context, carrying the event's attributes; the Lambda entry flushes them before it
 * returns.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { describe, expect, it, vi } from 'vitest';
import { createBusBridgeEntry } from '../../processors/bus-bridge/entry.js';
import { createBridgeEnrichment } from '../../processors/bus-bridge/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { createTracing } from '../../processors/tracing/index.js';
import { orderEvent } from '../support/order-events.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

const pipeRecord = (envelope: Envelope | string, sequenceNumber: string) => ({
  sequenceNumber,
  data: Buffer.from(typeof envelope === 'string' ? envelope : JSON.stringify(envelope)).toString('base64'),
});
const logger = () => ({ warn: vi.fn() }) as unknown as Logger;

describe('the bus bridge publish spans', () => {
  it('records one publish span per bridged event, child of the envelope context, none for a left-off record', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({ serviceName: 'bus-bridge', exporter, processor: 'simple' });
    const enrich = createBridgeEnrichment({
      sourcePrefix: 'acme',
      logger: logger(),
      tracing,
      busName: 'orders',
    });
    const traced = orderEvent('o-1', 1, {
      traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`,
      tracestate: 'vendor=1',
      correlationId: 'c-1',
    });
    const untraced = orderEvent('o-2', 1);
    await enrich([pipeRecord(traced, '1'), pipeRecord('not json', '2'), pipeRecord(untraced, '3')]);

    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['publish orders', 'publish orders']);
    const [first, second] = spans;
    expect(first?.kind).toBe(SpanKind.PRODUCER);
    expect(first?.spanContext().traceId).toBe(TRACE_ID);
    expect(first?.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(first?.spanContext().traceState?.get('vendor')).toBe('1');
    expect(first?.attributes).toEqual({
      'messaging.system': 'aws_eventbridge',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'publish',
      'messaging.destination.name': 'orders',
      'messaging.message.id': 'o-1-e1',
      'messaging.message.conversation_id': 'c-1',
      'pipeline.aggregate.type': 'order',
      'pipeline.aggregate.id': 'o-1',
      'pipeline.event.sequence': 1,
      'pipeline.event.type': 'OrderPlaced',
    });
    // Without a trace context the event starts its own trace, still findable by its eventId.
    expect(second?.parentSpanContext).toBeUndefined();
    expect(second?.attributes['messaging.message.id']).toBe('o-2-e1');
  });

  it('the entry names the spans after EVENT_BUS_NAME and flushes them before it returns', async () => {
    const exporter = new InMemorySpanExporter();
    // Batch export: nothing reaches the exporter unless the entry flushes.
    const tracing = createTracing({ serviceName: 'bus-bridge', exporter, processor: 'batch' });
    const enrich = createBusBridgeEntry(
      { EVENT_SOURCE_PREFIX: 'acme', EVENT_BUS_NAME: 'pipeline-dev' },
      { logger: logger(), tracing },
    );
    await enrich([pipeRecord(orderEvent('o-1', 1), '1')]);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['publish pipeline-dev']);
    await tracing.shutdown();
  });
});
