import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ArchivedEvent,
  CompactEventBuffer,
  compareEvents,
  decodeSpillRecord,
  ExternalEventSorter,
  encodeSpillRecord,
} from '../../processors/replay/index.js';

/** Drains a buffer filled with `events` (every other line handed over as bytes inside a larger buffer). */
function bufferOrder(events: readonly ArchivedEvent[], batchSize = 7): ArchivedEvent[] {
  const buffer = new CompactEventBuffer();
  events.forEach((event, i) => {
    if (i % 2 === 0) {
      buffer.add(event);
      return;
    }
    const bytes = Buffer.concat([
      Buffer.from('junk\n'),
      Buffer.from(event.line, 'utf8'),
      Buffer.from('\nmore'),
    ]);
    buffer.add(event, { bytes, start: 5, end: bytes.length - 5 });
  });
  const out: ArchivedEvent[] = [];
  for (const batch of buffer.drainSorted(batchSize)) {
    expect(batch.length).toBeLessThanOrEqual(batchSize);
    out.push(...batch);
  }
  expect(buffer.size).toBe(0);
  return out;
}

/** What survives a UTF-8 round trip (lines are held as UTF-8). */
const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('utf8');

/** Archived events over few aggregates and sequences, so duplicates and conflicts occur; ids may hold any character. */
const archivedEvents = fc
  .array(
    fc.record({
      type: fc.constantFrom('order', 'order.v2', 'cart'),
      id: fc.oneof(
        fc.constantFrom('a', 'a-b', 'b', 'tab\there', 'nl\nhere', 'back\\slash', '[x', '😀', '\ud800'),
        fc.string(),
      ),
      sequence: fc.integer({ min: 1, max: 6 }),
      eventId: fc.oneof(fc.constantFrom('e1', 'e2', 'e\t3'), fc.string({ minLength: 1 })),
      eventType: fc.constantFrom('OrderPlaced', 'Odd\tType', 'Back\\slash'),
      line: fc.oneof(
        fc.constant('{"a":\t1}'),
        fc.string().map((s) => s.replaceAll('\n', ' ')),
      ),
    }),
    { maxLength: 120 },
  )
  .map((rows) =>
    rows.map(
      (r): ArchivedEvent => ({
        key: `${r.type}\u0000${r.id}`,
        sequence: r.sequence,
        eventId: r.eventId,
        type: r.eventType,
        line: r.line,
      }),
    ),
  );

describe('replay order', () => {
  it('CompactEventBuffer hands events out exactly as compareEvents orders them, for any input', () => {
    fc.assert(
      fc.property(archivedEvents, (events) => {
        const expected = [...events].sort(compareEvents);
        const actual = bufferOrder(events);
        const fields = (e: ArchivedEvent) => [e.key, e.sequence, e.eventId, e.type, utf8(e.line)];
        expect(actual.map(fields)).toEqual(expected.map(fields));
      }),
    );
  });

  it('CompactEventBuffer keeps lines of any length and reports the bytes it holds', () => {
    const long = (n: number): ArchivedEvent => ({
      key: 'order\u0000o',
      sequence: n,
      eventId: `e${n}`,
      type: 'T',
      line: `{"x":"${'é'.repeat(n * 40_000)}"}`,
    });
    const buffer = new CompactEventBuffer();
    for (const n of [3, 1, 2]) buffer.add(long(n));
    expect(buffer.bytes).toBeGreaterThan(6 * 40_000 * 2);
    const out = [...buffer.drainSorted(10)].flat();
    expect(out.map((e) => e.line)).toEqual([long(1).line, long(2).line, long(3).line]);
  });

  it('keeps an aggregate whose id extends another’s (a < a-b) in one run', () => {
    const e = (id: string, sequence: number): ArchivedEvent => ({
      key: `order\u0000${id}`,
      sequence,
      eventId: `${id}-${sequence}`,
      type: 'T',
      line: '{}',
    });
    const sorted = bufferOrder([e('a-b', 1), e('a', 2), e('a-b', 2), e('a', 1)]);
    expect(sorted.map((x) => x.eventId)).toEqual(['a-1', 'a-2', 'a-b-1', 'a-b-2']);
  });
});

describe('spill records', () => {
  it('round-trip any event, tabs, newlines, backslashes and lone surrogates included, through UTF-8', () => {
    fc.assert(
      fc.property(archivedEvents, (events) => {
        for (const event of events) {
          const text = encodeSpillRecord(event);
          expect(text).not.toContain('\n');
          // The run file is UTF-8: what is read back is what survives encoding.
          const readBack = Buffer.from(text, 'utf8').toString('utf8');
          const decoded = decodeSpillRecord(readBack);
          expect({ ...decoded, line: undefined }).toEqual({ ...event, line: undefined });
          expect(decoded.line).toBe(Buffer.from(event.line, 'utf8').toString('utf8'));
        }
      }),
    );
  });

  it('writes the common case raw and tab-separated, not as JSON', () => {
    const event: ArchivedEvent = {
      key: 'order\u0000o-1',
      sequence: 3,
      eventId: 'e-1',
      type: 'T',
      line: '{"x":1}',
    };
    expect(encodeSpillRecord(event)).toBe('order\u0000o-1\t3\te-1\tT\t{"x":1}');
    expect(encodeSpillRecord({ ...event, eventId: 'e\t1' }).startsWith('["order')).toBe(true);
  });

  it('rejects a truncated record', () => {
    expect(() => decodeSpillRecord('order\u0000o-1\t3\te-1')).toThrow(/malformed spill record/);
  });
});

describe('Class: ExternalEventSorter memory budget', () => {
  const event = (i: number): ArchivedEvent => ({
    key: `order\u0000o-${i % 50}`,
    sequence: 1 + Math.floor(i / 50),
    eventId: `e-${i}`,
    type: 'OrderPlaced',
    line: JSON.stringify({ i, pad: 'x'.repeat(200) }),
  });

  it('spills a run each time the buffered bytes reach the budget, and merges them back in order', async () => {
    const events = Array.from({ length: 1000 }, (_, i) => event(999 - i));
    const sorter = new ExternalEventSorter({ memoryBudgetBytes: 64 * 1024, batchSize: 64 });
    try {
      for (const e of events) await sorter.add(e);
      const out: ArchivedEvent[] = [];
      for await (const batch of sorter.sorted()) out.push(...batch);
      expect(sorter.stats.spilledRuns).toBeGreaterThan(2);
      expect(out.map((e) => e.eventId)).toEqual([...events].sort(compareEvents).map((e) => e.eventId));
    } finally {
      await sorter.dispose();
    }
  });

  it('keeps everything in memory under the default budget', async () => {
    const sorter = new ExternalEventSorter();
    for (let i = 0; i < 1000; i++) await sorter.add(event(i));
    let n = 0;
    for await (const batch of sorter.sorted()) n += batch.length;
    expect(n).toBe(1000);
    expect(sorter.stats.spilledRuns).toBe(0);
    await sorter.dispose();
  });

  it('rejects a budget that is not a positive number', () => {
    expect(() => new ExternalEventSorter({ memoryBudgetBytes: 0 })).toThrow(/memoryBudgetBytes/);
    expect(() => new ExternalEventSorter({ memoryBudgetBytes: Number.NaN })).toThrow(/memoryBudgetBytes/);
  });
});
