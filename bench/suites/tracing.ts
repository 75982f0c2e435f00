/**
 * (t) What tracing costs the processor: the same batches through the real batch processor (in-memory store, as the
 * engine suite) with tracing off (`TRACING_OFF`, what a stack runs with by default), on at sampling 0 with unsampled events (a
 * provider, nothing recorded) and on at sampling 1 (a batch span linked to every record, a write span per aggregate, a decision
 * event per event, exported to memory), rounds interleaved so drift hits every mode alike. Every envelope carries a
 * `traceparent`, the worst case for links.
 */
import { randomBytes } from 'node:crypto';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { generateOrderEvents } from '../../processors/aggregates/order-events.js';
import { resolveEngineOptions } from '../../processors/engine/index.js';
import { InMemoryAggregateStore } from '../../processors/store/index.js';
import { processKinesisBatch } from '../../processors/stream-processor/index.js';
import { createTracing, TRACING_OFF, type Tracing } from '../../processors/tracing/index.js';
import { toKinesisStreamEvent } from '../envelope-stream-event.js';
import { median } from '../median.js';
import type { BenchResult } from '../result.js';

/** Options of {@link runTracingBench} (smaller values for tests). */
export interface TracingBenchOptions {
  /** @default 1000 */
  readonly aggregates?: number;
  /** @default 10 */
  readonly eventsPerAggregate?: number;
  /** @default 9 */
  readonly rounds?: number;
}

interface Mode {
  readonly name: string;
  readonly tracing: Tracing;
  readonly event: ReturnType<typeof toKinesisStreamEvent>;
  readonly exporter?: InMemorySpanExporter;
  readonly nsPerEvent: number[];
}

/** Runs suite (t): ns per event with tracing off, on at sampling 0 and on at sampling 1, side by side. */
export async function runTracingBench(options: TracingBenchOptions = {}): Promise<BenchResult[]> {
  const aggregates = options.aggregates ?? 1_000;
  const eventsPerAggregate = options.eventsPerAggregate ?? 10;
  const rounds = options.rounds ?? 9;
  const registry = new AggregateRegistry([orderAggregate]);
  // The same events with a sampled and with an unsampled trace context (flags 01 / 00): a batch holding a sampled
  // event is recorded whatever the ratio (LinkAwareSampler), so "sampling 0" only means nothing when none is.
  const withFlags = (flags: string) =>
    toKinesisStreamEvent(
      generateOrderEvents({ aggregates, eventsPerAggregate, seed: 7 }).map((envelope) => ({
        ...envelope,
        traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-${flags}`,
      })),
    );
  const sampledEvent = withFlags('01');
  const unsampledEvent = withFlags('00');
  const records = sampledEvent.Records.length;
  const engine = resolveEngineOptions();
  const quarantine = { put: async () => undefined };

  const exporter = new InMemorySpanExporter();
  const sampled = createTracing({ serviceName: 'bench', exporter, processor: 'simple', samplingRatio: 1 });
  const unsampled = createTracing({
    serviceName: 'bench',
    exporter: new InMemorySpanExporter(),
    processor: 'simple',
    samplingRatio: 0,
  });
  const modes: Mode[] = [
    { name: 'tracing off', tracing: TRACING_OFF, event: sampledEvent, nsPerEvent: [] },
    {
      name: 'tracing on, sampling 0, unsampled events',
      tracing: unsampled,
      event: unsampledEvent,
      nsPerEvent: [],
    },
    { name: 'tracing on, sampling 1', tracing: sampled, event: sampledEvent, exporter, nsPerEvent: [] },
  ];
  const run = async (mode: Mode) => {
    // A fresh store each round, so every round applies all events (a second pass would be all duplicates).
    const store = new InMemoryAggregateStore();
    const started = performance.now();
    const { summary } = await processKinesisBatch(mode.event, {
      registry,
      store,
      quarantine,
      engine,
      processorVersion: 'bench',
      writeConcurrency: 16,
      maxWriteAttempts: 3,
      tracing: mode.tracing,
      tableName: 'bench-aggregates',
    });
    const elapsedMs = performance.now() - started;
    if (summary.applied + summary.drained !== records)
      throw new Error(`${mode.name}: applied ${summary.applied + summary.drained} of ${records}`);
    if (mode.exporter !== undefined) {
      // One batch span linked to every record, one write span per aggregate: else the mode measured nothing.
      const spans = mode.exporter.getFinishedSpans();
      const links = spans.reduce((sum, span) => sum + span.links.length, 0);
      if (spans.length !== aggregates + 1 || links !== records)
        throw new Error(`${mode.name}: ${spans.length} spans with ${links} links`);
      mode.exporter.reset();
    }
    return (elapsedMs * 1e6) / records;
  };

  try {
    // One warm-up round per mode (JIT), then the measured rounds, interleaved.
    for (const mode of modes) await run(mode);
    for (let round = 0; round < rounds; round++) {
      for (const mode of modes) mode.nsPerEvent.push(await run(mode));
    }
  } finally {
    await Promise.all([sampled.shutdown(), unsampled.shutdown()]);
  }

  const [off, ...on] = modes as [Mode, ...Mode[]];
  const offNs = median(off.nsPerEvent);
  const label = `${records.toLocaleString('en-US')} records / ${aggregates.toLocaleString('en-US')} aggregates`;
  return [
    {
      suite: 'tracing',
      name: `(t) ${off.name}, ${label}`,
      value: Math.round(offNs),
      unit: 'ns/event',
      note: `median of ${rounds} rounds; the engine suite's figure without any tracing code path runs the same code`,
    },
    ...on.map(
      (mode): BenchResult => ({
        suite: 'tracing',
        name: `(t) ${mode.name}, ${label}`,
        value: Math.round(median(mode.nsPerEvent)),
        unit: 'ns/event',
        baseline: { name: off.name, value: Math.round(offNs) },
        // Above 1 would mean faster than off; the overhead is 1/ratio − 1.
        ratio: offNs / median(mode.nsPerEvent),
        ...(mode.exporter === undefined ? { target: '>= 0.9x' } : {}),
        note:
          mode.exporter === undefined
            ? 'an unsampled batch starts one span and builds no links'
            : 'a batch span with a link per record, a write span per aggregate, a decision event per event, exported to memory',
      }),
    ),
  ];
}
