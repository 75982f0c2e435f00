import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generateOrderEvents } from '../../processors/aggregates/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import {
  AggregateSequencer,
  ArchiveReadError,
  archivedEvent,
  compileEventFilter,
  type DeliveryOutcome,
  hourPrefixes,
  listArchiveObjects,
  parseArchiveKey,
  parseInstant,
  type ReplayTarget,
  runReplay,
  scanArchive,
  TokenBucket,
} from '../../processors/replay/index.js';
import { MemoryArchive } from './memory-archive.js';
import { archiveHour, firstHours, registry } from './replay-fixture.js';

const range = firstHours(6);

/** A target that records what it was sent. */
function recordingTarget(): ReplayTarget & { readonly received: Envelope[] } {
  const received: Envelope[] = [];
  return {
    description: 'memory',
    received,
    async send(events): Promise<DeliveryOutcome[]> {
      received.push(...events);
      return events.map(() => ({ status: 'sent' }));
    },
  };
}

/** Spreads events over objects in several hours, shuffled, with some copies duplicated. */
function scatteredArchive(events: readonly Envelope[], duplicateEvery = 7): MemoryArchive {
  const archive = new MemoryArchive();
  const reversed = [...events].reverse();
  const perObject = 13;
  for (let i = 0; i < reversed.length; i += perObject) {
    const slice = reversed.slice(i, i + perObject);
    const copies = slice.filter((_, j) => (i + j) % duplicateEvery === 0);
    archive.put(archiveHour((i / perObject) % 5, i % 60), [...slice, ...copies]);
  }
  return archive;
}

function byAggregate(events: readonly Envelope[]): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (const e of events) {
    const list = map.get(e.aggregateId) ?? [];
    list.push(e.sequence);
    map.set(e.aggregateId, list);
  }
  return map;
}

describe('time range and keys', () => {
  it('parses ISO and relative instants and rejects anything else', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    expect(parseInstant('-2h', now).toISOString()).toBe('2026-01-01T10:00:00.000Z');
    expect(parseInstant('-30m', now).toISOString()).toBe('2026-01-01T11:30:00.000Z');
    expect(parseInstant('2026-01-01T03:04:05Z', now).toISOString()).toBe('2026-01-01T03:04:05.000Z');
    expect(() => parseInstant('yesterday', now)).toThrow(/neither an ISO-8601/);
    expect(() => parseInstant('12', now)).toThrow();
  });

  it('lists every UTC hour prefix of a range, widened to whole hours', () => {
    expect(
      hourPrefixes('events/', {
        from: new Date('2026-01-01T22:30:00Z'),
        to: new Date('2026-01-02T00:10:00Z'),
      }),
    ).toEqual(['events/2026/01/01/22/', 'events/2026/01/01/23/', 'events/2026/01/02/00/']);
  });

  it('parses Firehose keys tolerantly', () => {
    const info = parseArchiveKey('events/2026/01/02/03/archive-1-2026-01-02-03-04-05-abc.gz');
    expect(info?.hour.toISOString()).toBe('2026-01-02T03:00:00.000Z');
    expect(info?.deliveredAt?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(parseArchiveKey('events/2026/01/02/03/whatever-name')?.deliveredAt).toBeUndefined();
    expect(parseArchiveKey('events/errors/x.gz')).toBeUndefined();
  });
});

describe('ordering and de-duplication across objects and hours', () => {
  const events = generateOrderEvents({ aggregates: 20, eventsPerAggregate: 9, seed: 3 });

  it.each([
    { name: 'in memory', memoryBudgetBytes: undefined },
    { name: 'spilled to disk in runs of 16 KiB', memoryBudgetBytes: 16 * 1024 },
  ])('emits each aggregate in sequence order exactly once ($name)', async ({ memoryBudgetBytes }) => {
    const archive = scatteredArchive(events);
    const target = recordingTarget();
    const summary = await runReplay({
      source: archive,
      registry,
      range,
      target,
      targetName: 'memory',
      ...(memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes }),
      chunkSize: 11,
    });
    expect(target.received).toHaveLength(events.length);
    expect(new Set(target.received.map((e) => e.eventId)).size).toBe(events.length);
    for (const sequences of byAggregate(target.received).values()) {
      expect(sequences).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    expect(summary.archiveDuplicates).toBeGreaterThan(0);
    expect(summary.read.kept).toBe(events.length + summary.archiveDuplicates);
    expect(summary.sent).toBe(events.length);
    if (memoryBudgetBytes === undefined) expect(summary.spilledRuns).toBe(0);
    else expect(summary.spilledRuns).toBeGreaterThan(1);
  });

  it('ignores objects outside the time range', async () => {
    const archive = scatteredArchive(events);
    archive.put(new Date('2026-01-01T07:00:00Z'), [events[0] as Envelope]);
    const objects = await listArchiveObjects({ source: archive, range });
    expect(objects.every((o) => o.key < 'events/2026/01/01/06/')).toBe(true);
  });
});

describe('Class: AggregateSequencer', () => {
  const [a1, a2, a3, a4] = generateOrderEvents({ aggregates: 1, eventsPerAggregate: 4, seed: 5 }) as [
    Envelope,
    Envelope,
    Envelope,
    Envelope,
  ];
  const keyed = (e: Envelope) => archivedEvent(e, JSON.stringify(e));
  const run = (items: Envelope[]) => {
    const s = new AggregateSequencer();
    return [...items.flatMap((e) => s.push(keyed(e))), ...s.finish()];
  };

  it('reports a gap and counts duplicates', () => {
    const out = run([a1, a1, a2, a4]);
    const end = out.at(-1);
    expect(end?.kind).toBe('aggregate-end');
    if (end?.kind !== 'aggregate-end') return;
    expect(end.coverage.gaps).toEqual([{ from: 3, to: 3 }]);
    expect(end.coverage.duplicates).toBe(1);
    expect(out.filter((o) => o.kind === 'event')).toHaveLength(3);
  });

  it('reports a conflict and holds the aggregate rather than choosing', () => {
    const rival = { ...a2, eventId: `${a2.eventId}X` };
    const out = run([a1, a2, rival, a3]);
    expect(out.filter((o) => o.kind === 'conflict')).toHaveLength(1);
    expect(
      out.filter((o) => o.kind === 'event').map((o) => (o.kind === 'event' ? o.item.sequence : 0)),
    ).toEqual([1]);
    expect(out.filter((o) => o.kind === 'held')).toHaveLength(3);
  });
});

describe('filters', () => {
  it('matches aggregate type, id and event type together', () => {
    const events = generateOrderEvents({ aggregates: 3, eventsPerAggregate: 5, seed: 9 });
    const id = (events[0] as Envelope).aggregateId;
    const keep = compileEventFilter({ aggregateIds: [id], eventTypes: ['OrderPlaced', 'ItemAdded'] });
    const kept = events.filter(keep);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((e) => e.aggregateId === id && ['OrderPlaced', 'ItemAdded'].includes(e.type))).toBe(
      true,
    );
    expect(events.filter(compileEventFilter({ aggregateTypes: ['invoice'] }))).toHaveLength(0);
    expect(events.filter(compileEventFilter({}))).toHaveLength(events.length);
  });
});

describe('Class: TokenBucket', () => {
  it('lets a burst of its capacity through, then paces at the rate', () => {
    let t = 0;
    const bucket = new TokenBucket({ ratePerSecond: 100, now: () => t });
    expect(bucket.take(100)).toBe(0);
    expect(bucket.take(50)).toBe(500);
    t = 1500;
    expect(bucket.take(50)).toBe(0);
    expect(() => new TokenBucket({ ratePerSecond: 0 })).toThrow(RangeError);
  });
});

describe('bad input', () => {
  const events = generateOrderEvents({ aggregates: 2, eventsPerAggregate: 3, seed: 1 });

  function brokenArchive(): { archive: MemoryArchive; badLineKey: string; corruptKey: string } {
    const archive = new MemoryArchive();
    const badLineKey = archive.put(archiveHour(1), [
      events[0] as Envelope,
      '{not json',
      { ...(events[1] as Envelope), data: { nope: 1 } },
      events[2] as Envelope,
    ]);
    const corruptKey = 'events/2026/01/01/02/archive-1-2026-01-01-02-00-00-corrupt.gz';
    const good = gzipSync(`${JSON.stringify(events[3])}\n`);
    archive.putRaw(corruptKey, Buffer.concat([good.subarray(0, 10), Buffer.from('garbage-garbage')]));
    return { archive, badLineKey, corruptKey };
  }

  it('reports bad lines with key and line number and bad gzip by key, and skips them', async () => {
    const { archive, badLineKey, corruptKey } = brokenArchive();
    const objects = await listArchiveObjects({ source: archive, range });
    const scan = await scanArchive({ source: archive, objects, registry });
    await scan.dispose();
    expect(scan.stats.badLines).toBe(2);
    expect(scan.stats.corruptObjects).toBe(1);
    expect(scan.stats.kept).toBe(2);
    expect(scan.issues.map((i) => [i.key, i.line])).toEqual(
      expect.arrayContaining([
        [badLineKey, 2],
        [badLineKey, 3],
        [corruptKey, undefined],
      ]),
    );
  });

  it('stops at the first bad line when told to', async () => {
    const { archive, badLineKey } = brokenArchive();
    const objects = (await listArchiveObjects({ source: archive, range })).filter(
      (o) => o.key === badLineKey,
    );
    const error = await scanArchive({ source: archive, objects, registry, badInput: 'fail' }).catch((e) => e);
    expect(error).toBeInstanceOf(ArchiveReadError);
    expect(error).toMatchObject({ key: badLineKey, line: 2 });
  });
});
