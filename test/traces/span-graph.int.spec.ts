/**
 * The span graph of a small trace, end to end on a real local stack (docs/tracing.md): three events of one order sent
 * through `POST /events` with the caller's `traceparent` header (sequence 3 before 2, so 3 is buffered behind a gap),
 * and one poison record put straight on the stream (it never passes ingest) that the processor quarantines. The span
 * files are read back with the trace view's own reader, then `npm run trace`'s command follows each event.
 */
import { randomBytes } from 'node:crypto';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKinesisClient } from '../../local/kinesis/index.js';
import { type RunningLocalStack, startLocalStack } from '../../local/stack/index.js';
import { readSpanStore, type StoredSpan } from '../../local/traces/span-store-reader.js';
import type { EventWaterfall } from '../../tools/trace/event-waterfall.js';
import { runTraceCommand } from '../../tools/trace/trace-command.js';
import { tempDataDir, waitUntil } from '../stack/stack-fixture.js';
import { orderEvent } from '../support/order-events.js';

const CALLER_TRACE = randomBytes(16).toString('hex');
const CALLER_SPAN = randomBytes(8).toString('hex');
const ORDER = `graph-${randomBytes(3).toString('hex')}`;

describe('the span graph of one small trace', () => {
  let dataDir: string;
  let stack: RunningLocalStack;
  let spans: readonly StoredSpan[];
  const first = orderEvent(ORDER, 1);
  const third = orderEvent(ORDER, 3);
  const second = orderEvent(ORDER, 2);
  const poison = { ...orderEvent(`${ORDER}-poison`, 1), sequence: 0 };
  let names: { stream: string; table: string; bus: string };

  const post = async (events: unknown[]) => {
    const response = await fetch(`${stack.endpoints.endpoints.ingest}/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.endpoints.ingestToken}`,
        'content-type': 'application/json',
        traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
      },
      body: JSON.stringify(events),
    });
    expect(response.status).toBe(202);
  };

  beforeAll(async () => {
    dataDir = await tempDataDir();
    stack = await startLocalStack({
      dataDir,
      shards: 1,
      quiet: true,
      logLevel: 'SILENT',
      archiveBufferIntervalSeconds: 1,
    });
    names = {
      stream: stack.endpoints.stream.name,
      table: stack.settings.names.table,
      bus: stack.settings.names.bus,
    };
    await post([first, third]);
    const kinesis = createKinesisClient({ endpoint: stack.endpoints.endpoints.kinesis });
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: names.stream,
        Records: [{ Data: Buffer.from(JSON.stringify(poison)), PartitionKey: poison.aggregateId }],
      }),
    );
    kinesis.destroy();
    await waitUntil('event 3 buffered and the poison record quarantined', () => {
      const s = stack.stats();
      return s.buffered >= 1 && s.poison >= 1;
    });
    await post([second]);
    await waitUntil('the pipeline to drain', () => {
      const s = stack.stats();
      return s.applied >= 3 && s.archived >= 4 && s.delivered >= 3;
    });
    // Stopping flushes every component's spans.
    await stack.stop();
    const read = await readSpanStore(dataDir, () => true);
    if (read === undefined) throw new Error(`no span store in ${dataDir}`);
    spans = read.index.spans;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const named = (name: string) => spans.filter((s) => s.name === name);
  const createSpanOf = (eventId: string) =>
    named(`create ${names.stream}`).find((s) => s.attributes['messaging.message.id'] === eventId);

  it('ingest: a server span continuing the caller, a create span per envelope under it, a send span per call', () => {
    const requests = named('POST /events');
    expect(requests).toHaveLength(2);
    for (const request of requests)
      expect(request).toMatchObject({
        serviceName: 'ingest',
        kind: 'server',
        traceId: CALLER_TRACE,
        parentSpanId: CALLER_SPAN,
      });
    for (const event of [first, second, third]) {
      const create = createSpanOf(event.eventId);
      expect(create).toMatchObject({ kind: 'producer', traceId: CALLER_TRACE });
      expect(requests.map((r) => r.spanId)).toContain(create?.parentSpanId);
      expect(create?.attributes).toMatchObject({
        'messaging.system': 'aws_kinesis',
        'messaging.operation.type': 'create',
        'messaging.destination.name': names.stream,
        'pipeline.aggregate.type': 'order',
        'pipeline.aggregate.id': ORDER,
        'pipeline.event.sequence': event.sequence,
        'pipeline.kinesis.shard_id': 'shardId-000000000000',
      });
      expect(String(create?.attributes['pipeline.kinesis.sequence_number'])).toMatch(/^\d+$/);
    }
    expect(named(`send ${names.stream}`).length).toBeGreaterThanOrEqual(2);
  });

  it('processor: batch spans are roots linked to each record by its create span; writes carry the decisions', () => {
    const batches = named(`process ${names.stream}`);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    for (const batch of batches) expect(batch).toMatchObject({ kind: 'consumer', parentSpanId: undefined });
    for (const event of [first, second, third]) {
      const create = createSpanOf(event.eventId);
      const link = batches
        .flatMap((b) => b.links)
        .find((l) => l.attributes['messaging.message.id'] === event.eventId);
      expect(link).toMatchObject({ traceId: CALLER_TRACE, spanId: create?.spanId });
    }
    const writes = named(`write ${names.table}`).filter((w) =>
      batches.some((b) => b.spanId === w.parentSpanId),
    );
    const decisions = writes.flatMap((w) =>
      w.events.map((e) => `${e.name} ${e.attributes['pipeline.event.sequence']}`),
    );
    expect(decisions).toEqual(expect.arrayContaining(['applied 1', 'buffered 3', 'applied 2', 'applied 3']));
    const quarantined = batches
      .flatMap((b) => b.events)
      .find((e) => e.name === 'quarantined' && e.attributes['messaging.message.id'] === poison.eventId);
    expect(quarantined?.attributes['pipeline.reason']).toEqual(expect.any(String));
    expect(String(quarantined?.attributes['pipeline.object.key'])).toContain('quarantine/');
  });

  it('archive, bus and queue continue from the envelope the ingest stamped', () => {
    for (const event of [first, second, third]) {
      const create = createSpanOf(event.eventId);
      const archived = named(`archive ${names.stream}`).flatMap((a) =>
        a.links.filter((l) => l.attributes['messaging.message.id'] === event.eventId),
      );
      expect(archived).toEqual([expect.objectContaining({ spanId: create?.spanId })]);
      const publish = named(`publish ${names.bus}`).find(
        (s) => s.attributes['messaging.message.id'] === event.eventId,
      );
      expect(publish).toMatchObject({
        kind: 'producer',
        traceId: CALLER_TRACE,
        parentSpanId: create?.spanId,
      });
      const delivered = spans.filter(
        (s) => s.name.startsWith('deliver ') && s.attributes['messaging.message.id'] === event.eventId,
      );
      expect(delivered.length).toBeGreaterThanOrEqual(1);
      for (const d of delivered)
        expect(d).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: create?.spanId });
    }
  });

  const trace = async (...argv: string[]) => {
    let out = '';
    const code = await runTraceCommand([...argv, '--data-dir', dataDir, '--json'], {
      out: (text) => {
        out += text;
      },
      err: () => {},
    });
    return { code, json: code === 0 ? JSON.parse(out) : undefined };
  };

  it('npm run trace follows the buffered event hop by hop, and tells where the poison record stopped', async () => {
    const buffered = await trace(third.eventId);
    expect(buffered.code).toBe(0);
    const waterfall = buffered.json as EventWaterfall;
    expect(waterfall.traceId).toBe(CALLER_TRACE);
    expect(waterfall.rows.map((r) => r.hop)).toEqual(
      expect.arrayContaining(['ingest', 'stream', 'processor', 'write', 'archive', 'bus', 'deliver']),
    );
    expect(waterfall.decisions.map((d) => d.decision)).toEqual(['buffered', 'applied']);
    expect(waterfall.decisions[0]?.missingSequence).toBe(2);
    expect(waterfall.stopped).toEqual([]);

    const quarantined = await trace(poison.eventId);
    expect(quarantined.code).toBe(0);
    const stopped = (quarantined.json as EventWaterfall).stopped.join(' ');
    expect(stopped).toContain('quarantined');

    expect((await trace('no-such-event')).code).toBe(1);
  });
});
