/**
 * The processor's span graph (docs/tracing.md, "Processor batch", "Aggregate write", "Quarantine"): one CONSUMER span
 * per batch in a new trace, linked to each record's envelope context; a CLIENT write span per aggregate written, with
 * one event per event decided; quarantined records as events on the batch span.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it, vi } from 'vitest';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { resolveEngineOptions } from '../../processors/engine/index.js';
import { type QuarantineRecord, quarantineKey } from '../../processors/quarantine/index.js';
import { InMemoryAggregateStore } from '../../processors/store/index.js';
import {
  type BatchProcessorDeps,
  createStreamProcessorHandler,
  processKinesisBatch,
} from '../../processors/stream-processor/index.js';
import { createTracing, type Tracing } from '../../processors/tracing/index.js';
import { FaultInjectingStore } from '../support/fault-injecting-store.js';
import { envelopeRecord, kinesisEvent, kinesisRecord } from '../support/kinesis-events.js';
import { MemoryQuarantine } from '../support/memory-quarantine.js';
import { orderEvent } from '../support/order-events.js';

/** A quarantine that names its objects as the S3 one does. */
class KeyedMemoryQuarantine extends MemoryQuarantine {
  keyOf(record: QuarantineRecord): string {
    return quarantineKey('quarantine/', record);
  }
}

let spanIds = 0;
function traceparent(): { traceparent: string; traceId: string; spanId: string } {
  spanIds++;
  const traceId = spanIds.toString(16).padStart(32, 'a');
  const spanId = spanIds.toString(16).padStart(16, 'b');
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId, spanId };
}

function deps(overrides: Partial<BatchProcessorDeps> = {}): BatchProcessorDeps {
  return {
    registry: new AggregateRegistry([orderAggregate]),
    store: new InMemoryAggregateStore(),
    quarantine: new KeyedMemoryQuarantine(),
    engine: resolveEngineOptions(),
    processorVersion: 'test',
    writeConcurrency: 4,
    maxWriteAttempts: 2,
    tableName: 'aggregates-dev',
    ...overrides,
  };
}

function recording(): { tracing: Tracing; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  return {
    exporter,
    tracing: createTracing({ serviceName: 'stream-processor', exporter, processor: 'simple' }),
  };
}

const named = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);
const eventsOf = (span: ReadableSpan, name: string) =>
  span.events.filter((e) => e.name === name).map((e) => e.attributes);

describe('the processor batch span', () => {
  it('starts a new trace linked to every record with a trace context, with the records’ attributes', async () => {
    const { tracing, exporter } = recording();
    const a = traceparent();
    const b = traceparent();
    const first = orderEvent('o-1', 1, { traceparent: a.traceparent, correlationId: 'corr-1' });
    const second = orderEvent('o-2', 1, { traceparent: b.traceparent, causationId: 'cause-2' });
    const untraced = orderEvent('o-3', 1);
    await processKinesisBatch(
      kinesisEvent([envelopeRecord(first), envelopeRecord(second), envelopeRecord(untraced)]),
      deps({ tracing, consumerGroup: 'pipeline-dev-processor' }),
    );

    const [batch] = named(exporter.getFinishedSpans(), 'process events');
    expect(batch).toBeDefined();
    const span = batch as ReadableSpan;
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.parentSpanContext).toBeUndefined();
    expect([a.traceId, b.traceId]).not.toContain(span.spanContext().traceId);
    expect(span.attributes).toMatchObject({
      'messaging.system': 'aws_kinesis',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'events',
      'messaging.batch.message_count': 3,
      'messaging.consumer.group.name': 'pipeline-dev-processor',
    });
    expect(span.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([
      [a.traceId, a.spanId],
      [b.traceId, b.spanId],
    ]);
    expect(span.links[0]?.attributes).toEqual({
      'messaging.system': 'aws_kinesis',
      'messaging.message.id': 'o-1-e1',
      'pipeline.aggregate.type': 'order',
      'pipeline.aggregate.id': 'o-1',
      'pipeline.event.sequence': 1,
      'pipeline.event.type': 'OrderPlaced',
      'messaging.message.conversation_id': 'corr-1',
    });
    expect(span.links[1]?.attributes).toMatchObject({
      'messaging.message.id': 'o-2-e1',
      'pipeline.event.causation_id': 'cause-2',
    });
  });
});

describe('a large batch', () => {
  it('links every record, beyond OpenTelemetry’s default of 128 links', async () => {
    const { tracing, exporter } = recording();
    const records = Array.from({ length: 300 }, (_, i) =>
      envelopeRecord(orderEvent(`o-${i}`, 1, { traceparent: traceparent().traceparent })),
    );
    await processKinesisBatch(kinesisEvent(records), deps({ tracing }));
    const batch = named(exporter.getFinishedSpans(), 'process events')[0] as ReadableSpan;
    expect(batch.links).toHaveLength(300);
    expect(batch.droppedLinksCount).toBe(0);
  });
});

describe('a batch mixing every decision', () => {
  it('records a write span per aggregate written with its decisions, and quarantines on the batch span', async () => {
    const { tracing, exporter } = recording();
    const store = new InMemoryAggregateStore();
    const quarantine = new KeyedMemoryQuarantine();
    // o-1 already holds sequences 1–2.
    await processKinesisBatch(
      kinesisEvent([envelopeRecord(orderEvent('o-1', 1)), envelopeRecord(orderEvent('o-1', 2))]),
      deps({ store, quarantine }),
    );

    const poison = kinesisRecord(Buffer.from('not json').toString('base64'), 'p');
    const conflicting = orderEvent('o-1', 2, { eventId: 'impostor' });
    const records = [
      envelopeRecord(orderEvent('o-1', 2)), // duplicate
      envelopeRecord(conflicting), // conflict: sequence 2 is held by o-1-e2
      envelopeRecord(orderEvent('o-1', 3)), // applied
      envelopeRecord(orderEvent('o-2', 1)), // applied
      envelopeRecord(orderEvent('o-2', 3)), // buffered behind sequence 2
      poison,
    ];
    const { response } = await processKinesisBatch(
      kinesisEvent(records),
      deps({ store, quarantine, tracing }),
    );
    expect(response.batchItemFailures).toEqual([]);

    const spans = exporter.getFinishedSpans();
    const batch = named(spans, 'process events')[0] as ReadableSpan;
    const writes = named(spans, 'write aggregates-dev');
    expect(writes).toHaveLength(2);
    for (const write of writes) {
      expect(write.kind).toBe(SpanKind.CLIENT);
      expect(write.parentSpanContext?.spanId).toBe(batch.spanContext().spanId);
      expect(write.spanContext().traceId).toBe(batch.spanContext().traceId);
    }
    const writeOf = (eventId: string) =>
      writes.find((w) =>
        w.events.some((e) => e.attributes?.['messaging.message.id'] === eventId),
      ) as ReadableSpan;

    const o1 = writeOf('o-1-e3');
    expect(o1.attributes).toMatchObject({
      'pipeline.aggregate.version_before': 2,
      'pipeline.aggregate.version_after': 3,
    });
    expect(eventsOf(o1, 'duplicate')).toEqual([
      { 'messaging.message.id': 'o-1-e2', 'pipeline.event.sequence': 2 },
    ]);
    expect(eventsOf(o1, 'conflict')).toEqual([
      expect.objectContaining({ 'messaging.message.id': 'impostor', 'pipeline.event.sequence': 2 }),
    ]);
    expect(eventsOf(o1, 'conflict')[0]?.['pipeline.reason']).toEqual(
      // The snapshot keeps only a hash of the eventId at an applied sequence (docs/design.md §3), not the id.
      expect.stringContaining('sequence 2 was already applied'),
    );
    expect(eventsOf(o1, 'applied')).toEqual([
      { 'messaging.message.id': 'o-1-e3', 'pipeline.event.sequence': 3 },
    ]);

    const o2 = writeOf('o-2-e1');
    expect(o2.attributes).toMatchObject({
      'pipeline.aggregate.version_before': 0,
      'pipeline.aggregate.version_after': 1,
    });
    expect(o2.events.map((e) => [e.name, e.attributes])).toEqual([
      ['applied', { 'messaging.message.id': 'o-2-e1', 'pipeline.event.sequence': 1 }],
      [
        'buffered',
        {
          'messaging.message.id': 'o-2-e3',
          'pipeline.event.sequence': 3,
          'pipeline.reason': 'waiting for sequence 2',
        },
      ],
    ]);

    const conflictRecord = records[1] as (typeof records)[number];
    const day = '2026/11/23';
    expect(eventsOf(batch, 'quarantined')).toEqual(
      expect.arrayContaining([
        {
          'messaging.message.id': 'impostor',
          'pipeline.reason': 'conflict',
          'pipeline.object.key': `quarantine/${day}/shardId-000000000000/${conflictRecord.kinesis.sequenceNumber}.json`,
        },
        {
          'pipeline.reason': 'not-json',
          'pipeline.object.key': `quarantine/${day}/shardId-000000000000/${poison.kinesis.sequenceNumber}.json`,
        },
      ]),
    );
    expect(eventsOf(batch, 'quarantined')).toHaveLength(2);
  });

  it('puts the decisions of an aggregate with nothing to write on the batch span', async () => {
    const { tracing, exporter } = recording();
    const store = new InMemoryAggregateStore();
    await processKinesisBatch(kinesisEvent([envelopeRecord(orderEvent('o-1', 1))]), deps({ store }));
    await processKinesisBatch(kinesisEvent([envelopeRecord(orderEvent('o-1', 1))]), deps({ store, tracing }));

    const spans = exporter.getFinishedSpans();
    expect(named(spans, 'write aggregates-dev')).toEqual([]);
    const batch = named(spans, 'process events')[0] as ReadableSpan;
    expect(eventsOf(batch, 'duplicate')).toEqual([
      { 'messaging.message.id': 'o-1-e1', 'pipeline.event.sequence': 1 },
    ]);
  });

  it('marks the events of an aggregate whose write failed as retried, and the write span as an error', async () => {
    const { tracing, exporter } = recording();
    const store = new FaultInjectingStore(new InMemoryAggregateStore(), (w) => w.key.aggregateId === 'o-9');
    const failing = [envelopeRecord(orderEvent('o-9', 1)), envelopeRecord(orderEvent('o-9', 2))];
    const { response } = await processKinesisBatch(
      kinesisEvent([envelopeRecord(orderEvent('o-1', 1)), ...failing]),
      deps({ store, tracing }),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: failing[0]?.kinesis.sequenceNumber }]);

    const writes = named(exporter.getFinishedSpans(), 'write aggregates-dev');
    const failed = writes.find((w) => w.status.code === SpanStatusCode.ERROR) as ReadableSpan;
    expect(failed.events.map((e) => [e.name, e.attributes?.['messaging.message.id']])).toEqual([
      ['retried', 'o-9-e1'],
      ['retried', 'o-9-e2'],
      ['exception', undefined],
    ]);
    expect(eventsOf(failed, 'retried')[0]?.['pipeline.reason']).toMatch(/ProvisionedThroughputExceeded/);
    expect(writes.filter((w) => w.status.code !== SpanStatusCode.ERROR)).toHaveLength(1);
  });

  it('records a failed quarantine write as retried on the batch span', async () => {
    const { tracing, exporter } = recording();
    const quarantine = new KeyedMemoryQuarantine();
    quarantine.failNext = 1;
    await processKinesisBatch(
      kinesisEvent([kinesisRecord(Buffer.from('{').toString('base64'), 'p')]),
      deps({ quarantine, tracing }),
    );
    const batch = named(exporter.getFinishedSpans(), 'process events')[0] as ReadableSpan;
    expect(eventsOf(batch, 'quarantined')).toEqual([]);
    expect(eventsOf(batch, 'retried')).toEqual([
      { 'pipeline.reason': 'quarantine (not-json) failed: injected: quarantine unavailable' },
    ]);
  });
});

describe('sampling a batch (sampling ratio 0: only what its events carry decides)', () => {
  const unsampledRatio = () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({
      serviceName: 'stream-processor',
      exporter,
      processor: 'simple',
      samplingRatio: 0,
    });
    return { exporter, tracing };
  };

  it('records the batch when a record carries a sampled context, linked to it, so the event keeps its decisions', async () => {
    const { exporter, tracing } = unsampledRatio();
    const { traceparent: sampled } = traceparent();
    await processKinesisBatch(
      kinesisEvent([
        envelopeRecord(orderEvent('o-1', 1, { traceparent: sampled })),
        envelopeRecord(orderEvent('o-2', 1)),
      ]),
      deps({ tracing }),
    );
    const batch = named(exporter.getFinishedSpans(), 'process events')[0] as ReadableSpan;
    expect(batch.links.map((l) => l.context.spanId)).toEqual([sampled.split('-')[2]]);
    expect(named(exporter.getFinishedSpans(), 'write aggregates-dev')).toHaveLength(2);
  });

  it('records nothing when no record carries a sampled context (flags 00, or none)', async () => {
    const { exporter, tracing } = unsampledRatio();
    const notSampled = traceparent().traceparent.replace(/-01$/, '-00');
    await processKinesisBatch(
      kinesisEvent([
        envelopeRecord(orderEvent('o-1', 1, { traceparent: notSampled })),
        envelopeRecord(orderEvent('o-2', 1)),
      ]),
      deps({ tracing }),
    );
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('the processor handler with tracing', () => {
  const observability = () => ({
    logger: {
      info: vi.fn(),
      warn: vi.fn(),
      error: vi.fn(),
      addContext: vi.fn(),
      appendKeys: vi.fn(),
      removeKeys: vi.fn(),
    } as unknown as Logger,
    metrics: { addMetric: vi.fn(), publishStoredMetrics: vi.fn() } as unknown as Metrics,
  });

  it('flushes the spans before it returns, naming the consumer group after the function', async () => {
    const exporter = new InMemorySpanExporter();
    // Batch export: nothing reaches the exporter unless the handler flushes.
    const tracing = createTracing({ serviceName: 'stream-processor', exporter, processor: 'batch' });
    const handler = createStreamProcessorHandler(deps({ tracing }), observability());
    await handler(kinesisEvent([envelopeRecord(orderEvent('o-1', 1))]), {
      functionName: 'pipeline-dev-processor',
    } as Parameters<typeof handler>[1]);
    const [batch] = named(exporter.getFinishedSpans(), 'process events');
    expect(batch?.attributes['messaging.consumer.group.name']).toBe('pipeline-dev-processor');
    await tracing.shutdown();
  });

  it('never touches the tracer when tracing is off', async () => {
    const tracer = new Proxy({} as Tracer, {
      get: () => {
        throw new Error('the tracer was used with tracing off');
      },
    });
    const flush = vi.fn(async () => {});
    const off: Tracing = { enabled: false, tracer, flush, shutdown: async () => {} };
    const handler = createStreamProcessorHandler(deps({ tracing: off }), observability());
    const poison = kinesisRecord(Buffer.from('not json').toString('base64'), 'p');
    const response = await handler(
      kinesisEvent([
        envelopeRecord(orderEvent('o-1', 1, { traceparent: traceparent().traceparent })),
        poison,
      ]),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(flush).not.toHaveBeenCalled();
  });
});
