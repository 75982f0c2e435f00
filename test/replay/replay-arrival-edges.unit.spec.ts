/**
 * Firehose names an object's hour folder after the approximate arrival of the oldest record in it
 * (https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html#timestamp-namespace), and an object holds up to
 * one buffer interval of arrivals. So the listing of a range must start before the range's first hour; the upper
 * edge needs nothing more. Objects here are cut the way Firehose cuts them: a buffer opens with the first record and
 * is delivered when the interval has passed, keyed by its oldest record's arrival.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firehoseObjectKey } from '../../local/firehose/object-key.js';
import { listArchiveObjects } from '../../processors/replay/archive-scan.js';
import {
  archiveHourPrefixes,
  DEFAULT_ARRIVAL_SLACK_MS,
  hourMayHoldArrivals,
  type TimeRange,
} from '../../processors/replay/time-range.js';
import { MemoryArchive } from './memory-archive.js';

const at = (iso: string) => new Date(iso);

/** Buffers arrivals (ms, ascending) into objects as Firehose does; returns key → arrivals in it. */
function deliver(arrivals: readonly number[], intervalMs: number): Map<string, number[]> {
  const objects = new Map<string, number[]>();
  let open: number[] = [];
  const flush = () => {
    if (open.length === 0) return;
    const key = firehoseObjectKey({
      prefix: 'events/',
      deliveryStreamName: 'archive',
      deliveryStreamVersion: 1,
      timestamp: new Date(open[0] as number),
      id: `id-${objects.size}`,
    });
    objects.set(key, open);
    open = [];
  };
  for (const arrival of arrivals) {
    if (open.length > 0 && arrival - (open[0] as number) >= intervalMs) flush();
    open.push(arrival);
  }
  flush();
  return objects;
}

async function listedKeys(
  objects: Map<string, number[]>,
  range: TimeRange,
  slackMs?: number,
): Promise<Set<string>> {
  const archive = new MemoryArchive();
  for (const key of objects.keys()) archive.putRaw(key, Buffer.alloc(0));
  const listed = await listArchiveObjects({
    source: archive,
    range,
    ...(slackMs === undefined ? {} : { arrivalSlackMs: slackMs }),
  });
  return new Set(listed.map((o) => o.key));
}

describe('Replay listing at the edges of a range', () => {
  const range = { from: at('2026-11-30T10:00:00Z'), to: at('2026-11-30T11:00:00Z') };

  it('lower edge: lists the previous hour, whose last object holds records that arrived after `from`', async () => {
    // A 300 s buffer opened at 09:58:30 holds the record that arrived at 10:01:00, in folder 09.
    const objects = deliver(
      [at('2026-11-30T09:58:30Z').getTime(), at('2026-11-30T10:01:00Z').getTime()],
      300_000,
    );
    const [key] = objects.keys();
    expect(key).toMatch(/^events\/2026\/11\/30\/09\//);
    expect(await listedKeys(objects, range)).toContain(key);
    expect(archiveHourPrefixes('events/', range)[0]).toBe('events/2026/11/30/09/');
  });

  it('lower edge: does not list further back than the slack reaches', () => {
    const late = { from: at('2026-11-30T10:20:00Z'), to: at('2026-11-30T11:00:00Z') };
    expect(archiveHourPrefixes('events/', late)).toEqual(['events/2026/11/30/10/']);
    expect(hourMayHoldArrivals(at('2026-11-30T09:00:00Z'), late)).toBe(false);
    expect(hourMayHoldArrivals(at('2026-11-30T09:00:00Z'), range)).toBe(true);
  });

  it('upper edge: the last folder before `to` is listed; objects keyed at or after `to` hold nothing of the range', async () => {
    const objects = deliver(
      [
        at('2026-11-30T10:59:59Z').getTime(),
        at('2026-11-30T11:00:00Z').getTime(), // arrives in the 10:59:59 buffer: listed with it
        at('2026-11-30T11:06:00Z').getTime(), // a new object, keyed 11:06
      ],
      300_000,
    );
    const keys = [...objects.keys()];
    const listed = await listedKeys(objects, range);
    expect(listed).toContain(keys[0]);
    expect(listed).not.toContain(keys[1]);
    expect(hourMayHoldArrivals(at('2026-11-30T11:00:00Z'), range)).toBe(false);
  });

  it('every record that arrived in the range is in a listed object, for any buffer interval up to 900 s', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 4 * 3600_000 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 900 }),
        fc.integer({ min: 0, max: 3 * 3600_000 }),
        fc.integer({ min: 1, max: 2 * 3600_000 }),
        async (offsets, intervalSeconds, fromOffset, length) => {
          const base = at('2026-11-30T08:00:00Z').getTime();
          const arrivals = offsets.map((o) => base + o).sort((a, b) => a - b);
          const objects = deliver(arrivals, intervalSeconds * 1000);
          const r = { from: new Date(base + fromOffset), to: new Date(base + fromOffset + length) };
          const listed = await listedKeys(objects, r);
          for (const [key, inObject] of objects) {
            const holdsRange = inObject.some((a) => a >= r.from.getTime() && a < r.to.getTime());
            if (holdsRange) expect(listed, key).toContain(key);
          }
        },
      ),
      { numRuns: 200 },
    );
    expect(DEFAULT_ARRIVAL_SLACK_MS).toBe(900_000);
  });

  it('a Firehose that lagged needs a larger slack, which the caller can pass', async () => {
    // Read an hour late and caught up at once: one 60 s buffer holds records that arrived from 09:30 to 10:30.
    const arrivals = [at('2026-11-30T09:30:00Z').getTime(), at('2026-11-30T10:30:00Z').getTime()];
    const objects = new Map([
      [
        deliver([arrivals[0] as number], 60_000)
          .keys()
          .next().value as string,
        arrivals,
      ],
    ]);
    const [key] = objects.keys();
    const from = at('2026-11-30T10:20:00Z');
    expect(await listedKeys(objects, { ...range, from })).not.toContain(key);
    expect(await listedKeys(objects, { ...range, from }, 3600_000)).toContain(key);
    expect(() => archiveHourPrefixes('events/', range, -1)).toThrow(/arrival slack/);
  });
});
