import { beforeAll, describe, expect, it } from 'vitest';
import { readSpanStore, type SpanIndex } from '../../local/traces/span-store-reader.js';
import {
  buildEventWaterfall,
  type EventWaterfall,
  finalDecision,
} from '../../tools/trace/event-waterfall.js';
import { hopLatencies } from '../../tools/trace/hop-latency.js';
import { bar, renderAggregateLines, renderWaterfall } from '../../tools/trace/waterfall-text.js';
import { useTempDir } from '../support/temp-dir.js';
import { T0, writeScenarioStore } from './span-store-fixture.js';

const tempDir = useTempDir('event-waterfall-');
let index: SpanIndex;

beforeAll(async () => {
  await writeScenarioStore(tempDir());
  const read = await readSpanStore(tempDir(), (a) => a['pipeline.aggregate.type'] === 'order');
  if (read === undefined) throw new Error('no store');
  index = read.index;
});

const waterfallOf = (eventId: string): EventWaterfall => {
  const waterfall = buildEventWaterfall(index, eventId);
  if (waterfall === undefined) throw new Error(`${eventId} not found`);
  return waterfall;
};
const hops = (waterfall: EventWaterfall) => waterfall.rows.map((row) => `${row.hop} ${row.label}`);

describe('buildEventWaterfall', () => {
  it('follows an applied event hop by hop, in time order, with the time at each hop', () => {
    const w = waterfallOf('e-2');
    expect(w).toMatchObject({
      aggregateType: 'order',
      aggregateId: 'o-123',
      sequence: 2,
      eventType: 'OrderPlaced',
    });
    expect(w.startedAt).toBe(T0 + 400);
    expect(hops(w)).toEqual([
      'ingest POST /events',
      'ingest create pipeline-events',
      'stream stream',
      'processor process pipeline-events',
      'write write pipeline-aggregates',
      'bus publish pipeline-bus',
      'deliver deliver order-events',
      'queue process order-events',
      'archive archive pipeline-events',
    ]);
    const stream = w.rows.find((row) => row.hop === 'stream');
    // create ends when PutRecords placed the record (+8 ms); the batch starts at +200 ms.
    expect(stream).toMatchObject({ startMs: 8, durationMs: 192, detail: 'shardId-000000000000 seq 496020' });
    expect(w.rows.find((row) => row.hop === 'write')?.detail).toBe('applied, version 1 → 3');
    expect(w.rows.find((row) => row.hop === 'archive')?.detail).toBe(
      'events/2026/01/15/09/pipeline-archive-2.gz',
    );
    expect(w.rows.find((row) => row.hop === 'deliver')?.detail).toBe('order-events → queue: delivered');
    expect(w.decisions.map((d) => d.decision)).toEqual(['applied']);
    expect(w.stopped).toEqual([]);
    expect(hopLatencies(w)).toEqual({
      ingest: 10,
      stream: 192,
      processor: 3,
      write: 4,
      applied: 203,
      // From the record written (create end, +8 ms) to the archive object delivered (+903 ms), and so on.
      archive: 903 - 8,
      bus: 252 - 8,
      queue: 270 - 252,
    });
  });

  it('shows an event buffered behind a gap and applied when the gap filled, in its two batches', () => {
    const w = waterfallOf('e-3');
    expect(w.decisions.map((d) => [d.decision, d.atMs, d.missingSequence])).toEqual([
      ['buffered', 153, 2],
      ['applied', 553, undefined],
    ]);
    expect(w.rows.filter((row) => row.hop === 'processor').map((row) => row.startMs)).toEqual([150, 550]);
    expect(finalDecision(w)?.decision).toBe('applied');
    expect(w.stopped).toEqual([]);
    // From the first batch to the applied decision: the time buffered counts in the processor's hop.
    expect(hopLatencies(w).processor).toBe(553 - 150);
  });

  it('says where a buffered event stopped: behind the missing sequence, not archived, not on the bus', () => {
    const w = waterfallOf('e-5');
    expect(finalDecision(w)).toMatchObject({ decision: 'buffered', missingSequence: 4 });
    expect(w.stopped).toEqual([
      'buffered behind a gap: waiting for sequence 4',
      'not archived yet',
      'not on the bus yet',
    ]);
    expect(hopLatencies(w).applied).toBeUndefined();
  });

  it('says a quarantined event stopped with its reason and quarantine object', () => {
    const w = waterfallOf('e-q');
    expect(finalDecision(w)).toMatchObject({
      decision: 'quarantined',
      reason: 'schema: payload.total must be a number',
      objectKey: 'quarantine/2026/01/15/09/e-q.json',
    });
    expect(w.stopped).toEqual([
      'quarantined: schema: payload.total must be a number (quarantine/2026/01/15/09/e-q.json)',
      'bus delivery order-events → queue: dead-lettered',
    ]);
    expect(w.rows.some((row) => row.hop === 'write')).toBe(false);
  });

  it('keeps an applied event applied when a redelivery is found a duplicate', () => {
    const w = waterfallOf('e-1');
    expect(w.decisions.map((d) => d.decision)).toEqual(['applied', 'duplicate']);
    expect(finalDecision(w)?.decision).toBe('applied');
    expect(w.rows.filter((row) => row.hop === 'write').map((row) => row.detail)).toEqual([
      'applied, version 0 → 1',
    ]);
    expect(w.decisions[1]?.atMs).toBe(1002);
    expect(w.stopped).toEqual([]);
  });

  it('shows a replay that linked the event', () => {
    const w = waterfallOf('e-1');
    expect(w.rows.at(-1)).toEqual({
      hop: 'replay',
      label: 'replay pipeline-events',
      startMs: 5000,
      durationMs: 12,
      detail: 'run replay-1',
    });
    expect(w.totalMs).toBe(5012);
  });

  it("finds the ingest request of an event that came with its own traceparent, through its record's link", () => {
    const w = waterfallOf('e-t');
    expect(w.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(hops(w)).toEqual(['ingest POST /events', 'ingest create pipeline-events']);
    expect(w.stopped).toEqual([
      'not yet read by the processor (still in the stream)',
      'not archived yet',
      'not on the bus yet',
    ]);
  });

  it('is undefined for an event no span carries', () => {
    expect(buildEventWaterfall(index, 'e-404')).toBeUndefined();
  });
});

describe('the text', () => {
  it('scales bars to the trace, at least one character wide', () => {
    expect(bar({ startMs: 0, durationMs: 50 }, 100, 10)).toBe('█████     ');
    expect(bar({ startMs: 50, durationMs: 0 }, 100, 10)).toBe('     █    ');
    expect(bar({ startMs: 100, durationMs: 0 }, 100, 10)).toBe('         █');
    expect(bar({ startMs: 0, durationMs: 0 }, 0, 4)).toBe('█   ');
  });

  it('prints the waterfall with the decisions and where it stopped', () => {
    const text = renderWaterfall(waterfallOf('e-5'));
    expect(text).toContain('event e-5  order o-123 #5  OrderPlaced');
    expect(text).toMatch(/stream {4}stream +\+8\.0 ms +192\.0 ms {2}│ █+ +│ {2}shardId-000000000000/);
    expect(text).toContain('decision  buffered behind a gap: waiting for sequence 4 at +203.0 ms');
    expect(text).toContain('stopped   not archived yet');
  });

  it('prints one line per event of an aggregate, by sequence', () => {
    const waterfalls = index.eventsOfAggregate('order', 'o-123').map((e) => waterfallOf(e.eventId));
    const lines = renderAggregateLines('order', 'o-123', waterfalls).split('\n');
    expect(lines[0]).toBe('aggregate order o-123: 5 event(s) in the span store');
    expect(lines.slice(2).map((line) => line.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      '#1 e-1 applied',
      '#2 e-2 applied',
      '#3 e-3 applied',
      '#5 e-5 buffered',
      '#6 e-q quarantined',
    ]);
    expect(lines[5]).toContain(
      '⟂ buffered behind a gap: waiting for sequence 4; not archived yet; not on the bus yet',
    );
  });
});
