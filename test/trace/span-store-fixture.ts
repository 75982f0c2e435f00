/**
 * A synthetic local span store built per the span catalogue (docs/tracing.md): real spans from the OpenTelemetry SDK
 * at chosen times, serialized by OpenTelemetry's own OTLP JSON serializer, one `ExportTraceServiceRequest` per line.
 *
 * Aggregate `order o-123`:
 * - `e-1` (#1) applied at once, later redelivered alone and found a duplicate (an event of the batch span);
 * - `e-3` (#3) arrives before `e-2` (#2): buffered behind the gap, applied when `e-2` comes;
 * - `e-5` (#5) buffered behind a gap that never fills (#4 never sent): stuck, not archived, not bridged;
 * - `e-q` quarantined (a poison record, no aggregate write), and its bus delivery dead-lettered;
 * - `e-1` replayed later from the archive.
 *
 * Aggregate `order x-1`: `e-t` came with its caller's own `traceparent` (the request span is a link of its record).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Context, type Link, ROOT_CONTEXT, type Span, SpanKind, trace } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  createTracing,
  DecisionEvent,
  MessagingAttribute,
  MessagingOperationType,
  MessagingSystem,
  PipelineAttribute,
  SpanName,
  type Tracing,
} from '../../processors/tracing/index.js';

/** Epoch ms of the fixture's first span. */
export const T0 = Date.UTC(2026, 0, 15, 9, 30, 0);

const STREAM = 'pipeline-events';
const TABLE = 'pipeline-aggregates';
const BUS = 'pipeline-bus';

interface SentEvent {
  readonly eventId: string;
  readonly sequence: number;
  readonly create: Span;
  readonly context: Context;
}

const common = (eventId: string, sequence: number, aggregateId = 'o-123') => ({
  [MessagingAttribute.system]: MessagingSystem.kinesis,
  [MessagingAttribute.messageId]: eventId,
  [PipelineAttribute.aggregateType]: 'order',
  [PipelineAttribute.aggregateId]: aggregateId,
  [PipelineAttribute.sequence]: sequence,
  [PipelineAttribute.eventType]: 'OrderPlaced',
  [MessagingAttribute.conversationId]: 'corr-1',
});

/** Builds every span of the scenario; returns them in the order they ended. */
export function buildScenarioSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const tracing = (serviceName: string): Tracing =>
    createTracing({ serviceName, exporter, processor: 'simple' });
  const ingest = tracing('ingest');
  const processor = tracing('stream-processor');
  const firehose = tracing('firehose');
  const pipe = tracing('pipe');
  const bus = tracing('bus');
  const consumer = tracing('order-consumer');

  /** One POST /events with these events; records placed `placedAfter` ms later. */
  const post = (
    at: number,
    events: { eventId: string; sequence: number; aggregateId?: string; caller?: Context }[],
    shard = 'shardId-000000000000',
  ) => {
    const request = ingest.tracer.startSpan(
      SpanName.ingestRequest('/events'),
      {
        kind: SpanKind.SERVER,
        startTime: at,
        attributes: { 'http.request.method': 'POST', 'url.path': '/events' },
      },
      ROOT_CONTEXT,
    );
    const requestContext = trace.setSpan(ROOT_CONTEXT, request);
    const sent: SentEvent[] = events.map((event) => {
      const create = ingest.tracer.startSpan(
        SpanName.createRecord(STREAM),
        {
          kind: SpanKind.PRODUCER,
          startTime: at + 1,
          // An envelope that came with its own traceparent: the caller's context is the parent, the request a link.
          ...(event.caller === undefined ? {} : { links: [{ context: request.spanContext() }] }),
          attributes: {
            ...common(event.eventId, event.sequence, event.aggregateId),
            [MessagingAttribute.operationType]: MessagingOperationType.create,
          },
        },
        event.caller ?? requestContext,
      );
      return { ...event, create, context: trace.setSpan(ROOT_CONTEXT, create) };
    });
    const send = ingest.tracer.startSpan(
      SpanName.putRecords(STREAM),
      {
        kind: SpanKind.CLIENT,
        startTime: at + 2,
        attributes: {
          [MessagingAttribute.operationType]: MessagingOperationType.send,
          [MessagingAttribute.batchMessageCount]: events.length,
        },
      },
      requestContext,
    );
    send.end(at + 8);
    sent.forEach((event, i) => {
      event.create.setAttribute(PipelineAttribute.shardId, shard);
      event.create.setAttribute(PipelineAttribute.kinesisSequenceNumber, `4960${event.sequence}${i}`);
      event.create.end(at + 8);
    });
    request.setAttribute('http.response.status_code', 202);
    request.end(at + 10);
    return sent;
  };

  const link = (event: SentEvent): Link => ({
    context: event.create.spanContext(),
    attributes: common(event.eventId, event.sequence),
  });

  /** One processor invocation over these records, with the writes given. */
  const batch = (
    at: number,
    records: SentEvent[],
    writes: { decisions: [SentEvent, string, Record<string, string>?][]; before: number; after: number }[],
    quarantined: [SentEvent, string, string][] = [],
    /** Decisions on an aggregate with nothing to write: events of the batch span. */
    unwritten: [SentEvent, string][] = [],
  ) => {
    const span = processor.tracer.startSpan(
      SpanName.processBatch(STREAM),
      {
        kind: SpanKind.CONSUMER,
        startTime: at,
        links: records.map(link),
        attributes: {
          [MessagingAttribute.system]: MessagingSystem.kinesis,
          [MessagingAttribute.operationType]: MessagingOperationType.process,
          [MessagingAttribute.batchMessageCount]: records.length,
          [MessagingAttribute.consumerGroupName]: 'stream-processor',
        },
      },
      ROOT_CONTEXT,
    );
    let t = at + 2;
    for (const write of writes) {
      const writeSpan = processor.tracer.startSpan(
        SpanName.writeAggregate(TABLE),
        {
          kind: SpanKind.CLIENT,
          startTime: t,
          attributes: {
            [PipelineAttribute.aggregateType]: 'order',
            [PipelineAttribute.aggregateId]: 'o-123',
            [PipelineAttribute.versionBefore]: write.before,
            [PipelineAttribute.versionAfter]: write.after,
          },
        },
        trace.setSpan(ROOT_CONTEXT, span),
      );
      for (const [event, decision, extra] of write.decisions)
        writeSpan.addEvent(
          decision,
          {
            [MessagingAttribute.messageId]: event.eventId,
            [PipelineAttribute.sequence]: event.sequence,
            ...extra,
          },
          t + 1,
        );
      writeSpan.end(t + 4);
      t += 5;
    }
    for (const [event, reason, key] of quarantined)
      span.addEvent(
        DecisionEvent.quarantined,
        {
          [MessagingAttribute.messageId]: event.eventId,
          [PipelineAttribute.reason]: reason,
          [PipelineAttribute.objectKey]: key,
        },
        t,
      );
    for (const [event, decision] of unwritten)
      span.addEvent(
        decision,
        { [MessagingAttribute.messageId]: event.eventId, [PipelineAttribute.sequence]: event.sequence },
        t,
      );
    span.end(t + 1);
  };

  const archive = (at: number, records: SentEvent[], key: string) =>
    firehose.tracer
      .startSpan(
        SpanName.archiveObject(STREAM),
        {
          kind: SpanKind.CONSUMER,
          startTime: at,
          links: records.map(link),
          attributes: {
            [MessagingAttribute.system]: MessagingSystem.firehose,
            [PipelineAttribute.objectKey]: key,
          },
        },
        ROOT_CONTEXT,
      )
      .end(at + 3);

  const bridge = (at: number, event: SentEvent, outcome = 'delivered') => {
    const publish = pipe.tracer.startSpan(
      SpanName.publishToBus(BUS),
      {
        kind: SpanKind.PRODUCER,
        startTime: at,
        attributes: {
          ...common(event.eventId, event.sequence),
          [MessagingAttribute.system]: MessagingSystem.eventBridge,
        },
      },
      event.context,
    );
    publish.end(at + 2);
    bus.tracer
      .startSpan(
        SpanName.deliverToTarget('order-events'),
        {
          kind: SpanKind.PRODUCER,
          startTime: at + 3,
          attributes: {
            [MessagingAttribute.messageId]: event.eventId,
            [PipelineAttribute.ruleName]: 'order-events',
            [PipelineAttribute.targetId]: 'queue',
            'pipeline.delivery.outcome': outcome,
          },
        },
        trace.setSpan(ROOT_CONTEXT, publish),
      )
      .end(at + 5);
    consumer.tracer
      .startSpan(
        SpanName.consumeFromQueue('order-events'),
        {
          kind: SpanKind.CONSUMER,
          startTime: at + 20,
          attributes: {
            [MessagingAttribute.system]: MessagingSystem.sqs,
            [MessagingAttribute.messageId]: event.eventId,
          },
        },
        event.context,
      )
      .end(at + 26);
  };

  const [e1] = post(T0, [{ eventId: 'e-1', sequence: 1 }]) as [SentEvent];
  const [e3] = post(T0 + 50, [{ eventId: 'e-3', sequence: 3 }]) as [SentEvent];
  batch(
    T0 + 200,
    [e1, e3],
    [
      {
        before: 0,
        after: 1,
        decisions: [
          [e1, DecisionEvent.applied],
          [e3, DecisionEvent.buffered],
        ],
      },
    ],
  );
  const [e2, e5, eq] = post(T0 + 400, [
    { eventId: 'e-2', sequence: 2 },
    { eventId: 'e-5', sequence: 5 },
    { eventId: 'e-q', sequence: 6 },
  ]) as [SentEvent, SentEvent, SentEvent];
  batch(
    T0 + 600,
    [e2, e5, eq],
    [
      {
        before: 1,
        after: 3,
        decisions: [
          [e2, DecisionEvent.applied],
          [e3, DecisionEvent.applied],
          [e5, DecisionEvent.buffered],
        ],
      },
    ],
    [[eq, 'schema: payload.total must be a number', 'quarantine/2026/01/15/09/e-q.json']],
  );
  // e-1 redelivered alone: a duplicate, nothing to write, so the decision is an event of the batch span.
  batch(T0 + 1000, [e1], [], [], [[e1, DecisionEvent.duplicate]]);
  archive(T0 + 900, [e1, e3], 'events/2026/01/15/09/pipeline-archive-1.gz');
  archive(T0 + 1300, [e2, eq], 'events/2026/01/15/09/pipeline-archive-2.gz');
  bridge(T0 + 260, e1);
  bridge(T0 + 650, e2);
  bridge(T0 + 660, e3);
  bridge(T0 + 670, eq, 'dead_lettered');
  // x-1's first event came with the caller's own traceparent (a remote span, not in the store).
  const caller = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: 1,
    isRemote: true,
  });
  post(T0 + 3000, [{ eventId: 'e-t', sequence: 1, aggregateId: 'x-1', caller }]);
  // An operator replays e-1 from the archive: the replay batch links the original event.
  tracing('replay')
    .tracer.startSpan(
      SpanName.replayBatch(STREAM),
      {
        kind: SpanKind.PRODUCER,
        startTime: T0 + 5000,
        links: [link(e1)],
        attributes: { [PipelineAttribute.replayRun]: 'replay-1' },
      },
      ROOT_CONTEXT,
    )
    .end(T0 + 5012);
  return exporter.getFinishedSpans();
}

/** One OTLP JSON line for these spans (OpenTelemetry's serializer: hex ids, int64 as strings). */
export function exportLine(spans: ReadableSpan[]): string {
  return new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans));
}

/**
 * Writes the scenario into `<dataDir>/traces/`: two files (the second with a torn last line, as when the exporter is
 * still writing it), a few spans per line.
 */
export async function writeScenarioStore(dataDir: string): Promise<void> {
  const spans = buildScenarioSpans();
  const folder = join(dataDir, 'traces');
  await mkdir(folder, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < spans.length; i += 5) lines.push(exportLine(spans.slice(i, i + 5)));
  const half = Math.ceil(lines.length / 2);
  await writeFile(join(folder, 'spans-1.jsonl'), `${lines.slice(0, half).join('\n')}\n`);
  const torn = exportLine(spans.slice(0, 2)).slice(0, 120);
  await writeFile(join(folder, 'spans-2.jsonl'), `${lines.slice(half).join('\n')}\n${torn}`);
}
