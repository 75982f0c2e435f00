/**
 * Replay's spans (docs/tracing.md, "Replay"): one `replay <target>` PRODUCER span per written batch, a new trace
 * linked to every original event's context, with the run id; replayed envelopes keep their `traceparent`.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../processors/envelope/index.js';
import { type DeliveryOutcome, type ReplayEnvironment, runReplay } from '../../processors/replay/index.js';
import { createBackfillHandler } from '../../processors/replay/lambda-handler.js';
import { createTracing } from '../../processors/tracing/index.js';
import { orderEvent } from '../support/order-events.js';
import { useTempDir } from '../support/temp-dir.js';
import { MemoryArchive } from './memory-archive.js';
import { archiveHour, firstHours, registry } from './replay-fixture.js';

const traceIdOf = (n: number) => n.toString(16).padStart(32, 'c');
const spanIdOf = (n: number) => n.toString(16).padStart(16, 'd');

/** Events 1–5 of o-1; all but the third carry the trace context they were ingested with. */
const originals: Envelope[] = [1, 2, 3, 4, 5].map((sequence) =>
  orderEvent('o-1', sequence, {
    occurredAt: archiveHour(0, sequence).toISOString(),
    ...(sequence === 3 ? {} : { traceparent: `00-${traceIdOf(sequence)}-${spanIdOf(sequence)}-01` }),
  }),
);

const tempDir = useTempDir('replay-spans-');

function recording() {
  const exporter = new InMemorySpanExporter();
  return { exporter, tracing: createTracing({ serviceName: 'replay', exporter, processor: 'simple' }) };
}

describe('replay spans', () => {
  it('records a replay span per written batch, linked to the original events, with the run id', async () => {
    const archive = new MemoryArchive();
    archive.put(archiveHour(0, 0), originals);
    const delivered: Envelope[] = [];
    const target = {
      description: 'memory',
      async send(batch: readonly Envelope[]): Promise<DeliveryOutcome[]> {
        delivered.push(...batch);
        return batch.map(() => ({ status: 'sent' }));
      },
    };
    const { tracing, exporter } = recording();
    await runReplay({
      source: archive,
      registry,
      range: firstHours(1),
      target,
      targetName: 'stream',
      chunkSize: 3,
      runId: 'run-7',
      tracing,
    });

    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['replay stream', 'replay stream']);
    const [first, second] = spans as [ReadableSpan, ReadableSpan];
    for (const span of spans) {
      expect(span.kind).toBe(SpanKind.PRODUCER);
      expect(span.parentSpanContext).toBeUndefined();
      expect(span.attributes['pipeline.replay.run']).toBe('run-7');
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    }
    expect(first.attributes['messaging.batch.message_count']).toBe(3);
    expect(second.attributes['messaging.batch.message_count']).toBe(2);
    // Sequence 3 carries no trace context: no link for it.
    expect(first.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([
      [traceIdOf(1), spanIdOf(1)],
      [traceIdOf(2), spanIdOf(2)],
    ]);
    expect(first.links[0]?.attributes).toEqual({
      'messaging.system': 'aws_firehose',
      'messaging.message.id': 'o-1-e1',
      'pipeline.aggregate.type': 'order',
      'pipeline.aggregate.id': 'o-1',
      'pipeline.event.sequence': 1,
      'pipeline.event.type': 'OrderPlaced',
    });
    expect(second.links.map((l) => l.attributes?.['messaging.message.id'])).toEqual(['o-1-e4', 'o-1-e5']);
    // The replayed envelopes keep the context they were ingested with.
    expect(delivered.map((e) => e.traceparent)).toEqual(originals.map((e) => e.traceparent));
  });

  it('marks a batch with failed deliveries as an error', async () => {
    const archive = new MemoryArchive();
    archive.put(archiveHour(0, 0), originals.slice(0, 2));
    const target = {
      description: 'failing',
      async send(batch: readonly Envelope[]): Promise<DeliveryOutcome[]> {
        return batch.map((e) =>
          e.sequence === 2 ? { status: 'failed', message: 'boom' } : { status: 'sent' },
        );
      },
    };
    const { tracing, exporter } = recording();
    await runReplay({ source: archive, registry, range: firstHours(1), target, targetName: 'bus', tracing });
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('replay bus');
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: '1 of 2 events failed' });
  });
});

describe('the backfill replay Lambda with tracing', () => {
  it('passes the run id to its replay spans and flushes them before it returns', async () => {
    const archive = new MemoryArchive();
    archive.put(archiveHour(0, 0), originals);
    const exporter = new InMemorySpanExporter();
    // Batch export: nothing reaches the exporter unless the handler flushes.
    const tracing = createTracing({ serviceName: 'replay', exporter, processor: 'batch' });
    const handler = createBackfillHandler({
      environment: () => ({}) as ReplayEnvironment,
      settings: () => ({ rate: 100_000, eventBytes: 256, compressionRatio: 10, projectionTables: [] }),
      source: () => archive,
      target: async () => ({
        description: 'memory',
        send: async (batch: readonly Envelope[]) => batch.map((): DeliveryOutcome => ({ status: 'sent' })),
      }),
      freeTmpBytes: async () => 2 ** 30,
      tempDir: tempDir(),
      tracing,
    });
    await handler(
      {
        Items: [...archive.objects].map(([Key, bytes]) => ({ Key, Size: bytes.length })),
        BatchInput: {
          runId: 'backfill-3',
          from: firstHours(1).from.toISOString(),
          to: firstHours(1).to.toISOString(),
          target: 'stream',
        },
      },
      { getRemainingTimeInMillis: () => 800_000 },
    );
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => [s.name, s.attributes['pipeline.replay.run'], s.links.length])).toEqual([
      ['replay stream', 'backfill-3', 4],
    ]);
    await tracing.shutdown();
  });
});
