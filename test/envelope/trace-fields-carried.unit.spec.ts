import { describe, expect, it } from 'vitest';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import {
  createBridgeEnrichment,
  type EventBusPort,
  type PutEventsRequestEntry,
} from '../../processors/bus-bridge/index.js';
import { type Envelope, encodeEnvelope, encodeKinesisData } from '../../processors/envelope/index.js';
import { createOrderedProducer } from '../../processors/producer/index.js';
import { busTarget } from '../../processors/replay/bus-target.js';
import { runReplay } from '../../processors/replay/index.js';
import { streamTarget } from '../../processors/replay/stream-target.js';
import { createFakeKinesis } from '../producer/fake-kinesis.js';
import { MemoryArchive } from '../replay/memory-archive.js';
import { orderEvent } from '../support/order-events.js';

/**
 * Every hop after ingest carries the envelope's trace fields unchanged (docs/tracing.md, "Trace context in the
 * envelope"): the producer, the bus bridge's `detail.envelope`, and replay to the stream or the bus. Values with the
 * optional whitespace W3C allows in `tracestate` show that nothing re-serializes them.
 */
const TRACED: Partial<Envelope> = {
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  tracestate: 'rojo=00f067aa0ba902b7 ,\tcongo=t61rcWkgMzE',
};
const registry = new AggregateRegistry([orderAggregate]);
const events = [orderEvent('o-1', 1, TRACED), orderEvent('o-1', 2, TRACED), orderEvent('o-2', 1)];
const deliveredAt = new Date(Date.UTC(2026, 0, 1, 1));
const range = { from: new Date(Date.UTC(2026, 0, 1)), to: new Date(Date.UTC(2026, 0, 1, 2)) };

/** The archive as Firehose writes it: each record's bytes, one per line. */
function archiveOf(envelopes: readonly Envelope[]): MemoryArchive {
  const archive = new MemoryArchive();
  archive.put(
    deliveredAt,
    envelopes.map((e) => encodeEnvelope(e).toString('utf8')),
  );
  return archive;
}

describe('trace fields carried byte for byte', () => {
  it('by the producer: the record is the encoded envelope', async () => {
    const { client, log } = createFakeKinesis([]);
    const producer = createOrderedProducer({ client, streamName: 's' });
    await producer.put(events.map((e) => ({ partitionKey: e.aggregateId, data: encodeEnvelope(e) })));
    expect(log.stored.map((r) => Buffer.from(r.data).toString('utf8')).sort()).toEqual(
      events.map((e) => JSON.stringify(e)).sort(),
    );
  });

  it("by the bus bridge: detail.envelope has the record's fields", async () => {
    const enrich = createBridgeEnrichment({ sourcePrefix: 'pipeline', logger: { warn: () => {} } });
    const bridged = await enrich(events.map((e) => ({ data: encodeKinesisData(e) })));
    expect(bridged.map((b) => JSON.stringify(b.envelope))).toEqual(events.map((e) => JSON.stringify(e)));
  });

  it("by replay to the stream: each replayed record has the archived line's bytes", async () => {
    const { client, log } = createFakeKinesis([]);
    const target = streamTarget(createOrderedProducer({ client, streamName: 's' }), 'stream');
    const summary = await runReplay({
      source: archiveOf(events),
      registry,
      range,
      target,
      targetName: 'stream',
    });
    expect(summary.sent).toBe(events.length);
    const replayed = log.stored.map((r) => Buffer.from(r.data).toString('utf8')).sort();
    expect(replayed).toEqual(events.map((e) => JSON.stringify(e)).sort());
  });

  it("by replay to the bus: detail.envelope keeps the archived event's trace fields", async () => {
    const entries: PutEventsRequestEntry[] = [];
    const bus: EventBusPort = {
      async putEvents(batch) {
        entries.push(...batch);
        return { FailedEntryCount: 0, Entries: batch.map((_, i) => ({ EventId: `e-${i}` })) };
      },
    };
    const marker = { runId: 'run-1', replayedAt: '2026-11-30T00:00:00.000Z' };
    const target = busTarget({ bus, busName: 'b', marker, description: 'bus' });
    await runReplay({ source: archiveOf(events), registry, range, target, targetName: 'bus' });
    const envelopes = entries.map((e) => (JSON.parse(e.Detail ?? '{}') as { envelope: Envelope }).envelope);
    expect(envelopes.map((e) => JSON.stringify(e)).sort()).toEqual(
      events.map((e) => JSON.stringify(e)).sort(),
    );
    expect(envelopes.filter((e) => e.tracestate === TRACED.tracestate)).toHaveLength(2);
  });
});
