import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DETAIL_TYPE_PATH,
  ENVELOPE_INPUT_TEMPLATE,
  pipeFilterPattern,
  SOURCE_PATH,
} from '../../config/bus-routing.js';
import {
  type EventBusPort,
  type LocalEventBus,
  NdjsonQueue,
  openEventBus,
  type PutEventsRequestEntry,
  type PutEventsResult,
} from '../../local/bus/index.js';
import {
  chunkPutEventsEntries,
  createPipe,
  InvalidInputTemplateError,
  InvalidPipeConfigError,
  type PipeDeadLetter,
  type PipeKinesisRecord,
  type PipeOptions,
} from '../../local/pipe/index.js';
import { createBridgeEnrichment } from '../../processors/bus-bridge/index.js';

const TYPES = ['OrderPlaced', 'ItemAdded', 'OrderPaid'] as const;

function envelope(i: number) {
  return {
    eventId: `evt-${String(i).padStart(4, '0')}`,
    aggregateType: 'order',
    aggregateId: `order-${i % 3}`,
    sequence: i + 1,
    type: TYPES[i % 3],
    schemaVersion: 1,
    occurredAt: '2026-01-01T00:00:00.000Z',
    data: { n: i },
  };
}

function record(i: number, data: unknown = envelope(i), arrival = Date.now() / 1000): PipeKinesisRecord {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return {
    data: Buffer.from(text).toString('base64'),
    partitionKey: `order-${i % 3}`,
    sequenceNumber: String(1000 + i),
    approximateArrivalTimestamp: arrival,
    shardId: 'shardId-000000000000',
  };
}

/** Wraps the real bus: records each call's entry count, and lets a test fail chosen calls or entries. */
function faultyPort(
  bus: LocalEventBus,
  fault: (call: number, entries: readonly PutEventsRequestEntry[]) => 'throw' | number[] | undefined,
) {
  const calls: number[] = [];
  const port: EventBusPort = {
    async putEvents(entries): Promise<PutEventsResult> {
      calls.push(entries.length);
      const decision = fault(calls.length, entries);
      if (decision === 'throw') throw new Error('socket hang up');
      const failing = new Set(decision ?? []);
      const passing = entries.filter((_, i) => !failing.has(i));
      const real = passing.length > 0 ? await bus.putEvents(passing) : { FailedEntryCount: 0, Entries: [] };
      let next = 0;
      const results = entries.map((_, i) =>
        failing.has(i)
          ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }
          : (real.Entries[next++] ?? {}),
      );
      return {
        FailedEntryCount: results.filter((r) => 'ErrorCode' in r && r.ErrorCode).length,
        Entries: results,
      };
    },
  };
  return { port, calls };
}

/** A fresh bus (one catch-all rule) and Pipe dead-letter queue in a temporary directory for each test. */
function busFixture(
  prefix: string,
): () => { dir: string; bus: LocalEventBus; dlq: NdjsonQueue<PipeDeadLetter> } {
  let current: { dir: string; bus: LocalEventBus; dlq: NdjsonQueue<PipeDeadLetter> } | undefined;
  beforeEach(async () => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    const bus = await openEventBus({
      name: 'pipeline',
      dataDir: join(dir, 'bus'),
      rules: [{ name: 'all', eventPattern: { source: [{ prefix: '' }] } }],
    });
    current = { dir, bus, dlq: await NdjsonQueue.open<PipeDeadLetter>(join(dir, 'pipe-dlq.ndjson')) };
  });
  afterEach(async () => {
    await current?.bus.close();
    if (current !== undefined) await rm(current.dir, { recursive: true, force: true });
    current = undefined;
  });
  return () => {
    if (current === undefined) throw new Error('busFixture is read outside a test');
    return current;
  };
}

describe('Class: LocalPipe', () => {
  const fixture = busFixture('pipe-');
  let bus: LocalEventBus;
  let dlq: NdjsonQueue<PipeDeadLetter>;
  beforeEach(() => {
    ({ bus, dlq } = fixture());
  });

  function pipe(port: EventBusPort, extra: Partial<PipeOptions> = {}) {
    return createPipe({
      name: 'bridge',
      sourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/events',
      bus: port,
      dlq,
      inputTemplate: '{"envelope": <$.data>}',
      target: { eventBusName: 'pipeline', detailType: '$.data.type', source: 'pipeline.order' },
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
      ...extra,
    });
  }

  it('puts every envelope on the bus in stream order, ≤ 10 per call, with detail-type, source and detail', async () => {
    const { port, calls } = faultyPort(bus, () => undefined);
    const records = Array.from({ length: 23 }, (_, i) => record(i));
    const result = await pipe(port).handleBatch(records);
    expect(result).toEqual({ received: 23, filtered: 0, sent: 23, failed: 0, retried: 0 });
    expect(calls).toEqual([10, 10, 3]);
    const events = await bus.queue('all').read();
    expect(events.map((e) => (e.detail.envelope as { eventId: string }).eventId)).toEqual(
      records.map((_, i) => envelope(i).eventId),
    );
    expect(events[1]).toMatchObject({
      'detail-type': 'ItemAdded',
      source: 'pipeline.order',
      detail: { envelope: envelope(1) },
    });
  });

  it('honours a smaller batch size', async () => {
    const { port, calls } = faultyPort(bus, () => undefined);
    await pipe(port, { batchSize: 4 }).handleBatch(Array.from({ length: 9 }, (_, i) => record(i)));
    expect(calls).toEqual([4, 4, 1]);
  });

  it('drops records the filters do not match', async () => {
    const { port } = faultyPort(bus, () => undefined);
    const filtered = pipe(port, {
      filters: { Filters: [{ Pattern: '{"data":{"type":["OrderPlaced","OrderPaid"]}}' }] },
    });
    const result = await filtered.handleBatch(Array.from({ length: 9 }, (_, i) => record(i)));
    expect(result).toMatchObject({ received: 9, filtered: 3, sent: 6, failed: 0 });
    const types = (await bus.queue('all').read()).map((e) => e['detail-type']);
    expect(types).toEqual([
      'OrderPlaced',
      'OrderPaid',
      'OrderPlaced',
      'OrderPaid',
      'OrderPlaced',
      'OrderPaid',
    ]);
    expect(filtered.stats()).toMatchObject({ received: 9, filtered: 3, sent: 6 });
  });

  it('re-sends only the failed entries and delivers them all', async () => {
    const { port, calls } = faultyPort(bus, (call) => (call === 1 ? [1, 3] : undefined));
    const result = await pipe(port).handleBatch(Array.from({ length: 5 }, (_, i) => record(i)));
    expect(result).toMatchObject({ sent: 5, failed: 0, retried: 2 });
    expect(calls).toEqual([5, 2]);
    const ids = (await bus.queue('all').read()).map(
      (e) => (e.detail.envelope as { eventId: string }).eventId,
    );
    expect(ids).toEqual(['evt-0000', 'evt-0002', 'evt-0004', 'evt-0001', 'evt-0003']);
    expect(await dlq.count()).toBe(0);
  });

  it('retries a call that throws', async () => {
    const { port, calls } = faultyPort(bus, (call) => (call <= 2 ? 'throw' : undefined));
    const result = await pipe(port).handleBatch([record(0), record(1)]);
    expect(result).toMatchObject({ sent: 2, failed: 0, retried: 4 });
    expect(calls).toEqual([2, 2, 2]);
  });

  it('sends records to the DLQ once retries run out', async () => {
    const { port, calls } = faultyPort(bus, (_call, entries) => entries.map((_, i) => i));
    const result = await pipe(port, { retry: { maximumRetryAttempts: 2, baseDelayMs: 1 } }).handleBatch([
      record(0),
      record(1),
    ]);
    expect(result).toMatchObject({ sent: 0, failed: 2, retried: 4 });
    expect(calls).toEqual([2, 2, 2]);
    const letters = await dlq.read();
    expect(letters.map((l) => l.record?.sequenceNumber)).toEqual(['1000', '1001']);
    expect(letters[0]).toMatchObject({
      pipeName: 'bridge',
      pipeArn: 'arn:aws:pipes:us-east-1:000000000000:pipe/bridge',
      errorCode: 'ThrottlingException',
      attempts: 3,
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: '1000',
        endSequenceNumber: '1001',
        streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/events',
        batchSize: 2,
      },
    });
  });

  it('dead-letters a record whose target parameter is missing, without retrying, and sends the rest', async () => {
    const { port } = faultyPort(bus, () => undefined);
    const result = await pipe(port).handleBatch([record(0), record(1, 'not json at all'), record(2)]);
    expect(result).toMatchObject({ sent: 2, failed: 1, retried: 0 });
    const [letter] = await dlq.read();
    expect(letter).toMatchObject({
      errorCode: 'TargetParameterNotFound',
      attempts: 0,
      record: { sequenceNumber: '1001' },
    });
  });

  it('dead-letters records older than maximumRecordAgeMs', async () => {
    const { port, calls } = faultyPort(bus, () => undefined);
    const old = record(0, envelope(0), Date.now() / 1000 - 120);
    const result = await pipe(port, { retry: { maximumRecordAgeMs: 60_000 } }).handleBatch([old, record(1)]);
    expect(result).toMatchObject({ sent: 1, failed: 1 });
    expect(calls).toEqual([1]);
    expect((await dlq.read())[0]).toMatchObject({ errorCode: 'MaximumRecordAgeExceeded' });
  });

  it('passes the whole Pipe event as detail when there is no input template', async () => {
    const { port } = faultyPort(bus, () => undefined);
    await pipe(port, { inputTemplate: undefined }).handleBatch([record(0)]);
    const [event] = await bus.queue('all').read();
    expect(event?.detail).toMatchObject({
      partitionKey: 'order-0',
      eventID: 'shardId-000000000000:1000',
      data: envelope(0),
    });
  });

  it('rejects invalid configurations', () => {
    const { port } = faultyPort(bus, () => undefined);
    expect(() => pipe(port, { batchSize: 11 })).toThrow(InvalidPipeConfigError);
    expect(() => pipe(port, { batchSize: 0 })).toThrow(InvalidPipeConfigError);
    expect(() => pipe(port, { inputTemplate: 'Hello <$.data.type>' })).toThrow(/JSON object/);
    expect(() => pipe(port, { inputTemplate: '{"a": <$.data.>}' })).toThrow(InvalidInputTemplateError);
    expect(() => pipe(port, { filters: { Filters: [{ Pattern: '{"data":"x"}' }] } })).toThrow(
      InvalidPipeConfigError,
    );
  });

  describe('with an enrichment', () => {
    /** The bridge as the stack wires it: one Pipe, the bridge's enrichment, dynamic source and detail-type. */
    function bridge(enrichment: PipeOptions['enrichment'], extra: Partial<PipeOptions> = {}) {
      return createPipe({
        name: 'bridge',
        sourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/events',
        bus,
        dlq,
        filters: { Filters: [{ Pattern: pipeFilterPattern(['order', 'customer']) }] },
        enrichment,
        inputTemplate: ENVELOPE_INPUT_TEMPLATE,
        target: { eventBusName: 'pipeline', detailType: DETAIL_TYPE_PATH, source: SOURCE_PATH },
        retry: { baseDelayMs: 1, maxDelayMs: 2 },
        ...extra,
      });
    }

    const customer = (i: number) => ({
      ...envelope(i),
      aggregateType: 'customer',
      type: 'CustomerRegistered',
    });
    const mixed = (i: number) => (i % 2 === 0 ? envelope(i) : customer(i));
    const sequenceOf = (event: unknown) =>
      (JSON.parse(Buffer.from((event as { data: string }).data, 'base64').toString()) as { sequence: number })
        .sequence;

    it('puts every aggregate type on the bus with source <prefix>.<type> and its detail-type, in stream order', async () => {
      const calls: unknown[][] = [];
      const enrich = createBridgeEnrichment({ sourcePrefix: 'acme', logger: { warn: () => undefined } });
      const pipe = bridge(async (events) => {
        calls.push(events);
        return enrich(events);
      });
      const records = Array.from({ length: 23 }, (_, i) => record(i, mixed(i)));
      records.push(record(23, { ...envelope(23), aggregateType: 'invoice' }));
      const result = await pipe.handleBatch(records);
      expect(result).toMatchObject({ received: 24, filtered: 1, sent: 23, failed: 0 });
      // One synchronous call per batch of ≤ 10 matched records, each record with base64 data.
      expect(calls.map((c) => c.length)).toEqual([10, 10, 3]);
      expect(calls[0]?.[0]).toMatchObject({ eventID: 'shardId-000000000000:1000', data: records[0]?.data });
      const events = await bus.queue('all').read();
      expect(events.map((e) => [e.source, e['detail-type'], e.detail])).toEqual(
        Array.from({ length: 23 }, (_, i) => {
          const expected = mixed(i);
          return [`acme.${expected.aggregateType}`, expected.type, { envelope: expected }];
        }),
      );
    });

    it('bisects a failing batch down to the failing record, delivers the rest in order, dead-letters it', async () => {
      const enrich = createBridgeEnrichment({ sourcePrefix: 'pipeline', logger: { warn: () => undefined } });
      let calls = 0;
      const pipe = bridge(
        async (events) => {
          calls += 1;
          if (events.some((event) => sequenceOf(event) === 3)) throw new Error('enrichment bug');
          return enrich(events);
        },
        { retry: { maximumRetryAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } },
      );
      const result = await pipe.handleBatch(Array.from({ length: 5 }, (_, i) => record(i)));
      expect(result).toMatchObject({ sent: 4, failed: 1, retried: 2 });
      // [0..4] fails → [0,1,2] fails → [0,1] ok, [2] fails 1 + 2 retries → [3,4] ok.
      expect(calls).toBe(7);
      const ids = (await bus.queue('all').read()).map(
        (e) => (e.detail.envelope as { eventId: string }).eventId,
      );
      expect(ids).toEqual(['evt-0000', 'evt-0001', 'evt-0003', 'evt-0004']);
      const [letter] = await dlq.read();
      expect(letter).toMatchObject({
        errorCode: 'EnrichmentFailed',
        errorMessage: 'Error: enrichment bug',
        attempts: 3,
        record: { sequenceNumber: '1002' },
      });
    });

    it('sends nothing for an empty response, and fails a response bigger than the target’s batch', async () => {
      const empty = bridge(async () => ({}));
      expect(await empty.handleBatch([record(0), record(1)])).toMatchObject({ sent: 0, failed: 0 });
      const tooMany = bridge(
        async () => Array.from({ length: 11 }, () => ({ source: 's', detailType: 'd', envelope: {} })),
        { bisectOnEnrichmentError: false, retry: { maximumRetryAttempts: 0 } },
      );
      expect(await tooMany.handleBatch([record(0)])).toMatchObject({ sent: 0, failed: 1 });
      expect((await dlq.read())[0]).toMatchObject({ errorCode: 'EnrichmentResponseTooLarge' });
      expect(await bus.queue('all').count()).toBe(0);
    });

    it('renders the enrichment input template per record, against the parsed data', async () => {
      const seen: unknown[] = [];
      const pipe = bridge(
        async (events) => {
          seen.push(...events);
          return events.map((e) => ({ source: 'x.order', detailType: 'T', envelope: e }));
        },
        { enrichmentInputTemplate: '{"id": <$.data.eventId>, "arn": <aws.pipes.enrichment-arn>}' },
      );
      await pipe.handleBatch([record(0)]);
      expect(seen).toEqual([
        { id: 'evt-0000', arn: 'arn:aws:lambda:us-east-1:000000000000:function:bridge-enrichment' },
      ]);
      expect(() => bridge(undefined, { enrichmentInputTemplate: '{}' })).toThrow(InvalidPipeConfigError);
    });

    it('dead-letters an enriched event the target cannot take, naming the event', async () => {
      const pipe = bridge(async () => [{ detailType: 'T', envelope: { eventId: 'e' } }]);
      expect(await pipe.handleBatch([record(0)])).toMatchObject({ sent: 0, failed: 1 });
      const [letter] = await dlq.read();
      expect(letter).toMatchObject({
        errorCode: 'TargetParameterNotFound',
        event: { detailType: 'T', envelope: { eventId: 'e' } },
      });
      expect(letter?.record).toBeUndefined();
    });
  });
});

describe('Function: chunkPutEventsEntries', () => {
  const item = (bytes: number) => ({ entry: { Source: 's', DetailType: 'd', Detail: 'x'.repeat(bytes) } });

  it('splits by count and by total size, keeping order', () => {
    const small = Array.from({ length: 12 }, () => item(10));
    expect(chunkPutEventsEntries(small).map((c) => c.length)).toEqual([10, 2]);
    const big = [item(100_000), item(100_000), item(100_000), item(10)];
    expect(chunkPutEventsEntries(big).map((c) => c.length)).toEqual([2, 2]);
    expect(chunkPutEventsEntries([item(300_000), item(10)]).map((c) => c.length)).toEqual([1, 1]);
  });

  it('keeps each call strictly under 256 KiB, as PutEvents requires', () => {
    // Each item counts 1 (Source) + 1 (DetailType) + its Detail bytes.
    const pair = [item(131_070), item(131_070)];
    expect(chunkPutEventsEntries(pair).map((c) => c.length)).toEqual([1, 1]);
    expect(chunkPutEventsEntries([item(131_069), item(131_070)]).map((c) => c.length)).toEqual([2]);
  });
});
