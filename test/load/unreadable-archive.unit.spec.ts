import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveReader, MAX_OBJECT_ATTEMPTS } from '../../load/archive-reader.js';
import { FileQueueReader } from '../../load/bus-reader.js';
import { waitForDrain } from '../../load/drain-waiter.js';
import { EventCounter } from '../../load/event-counter.js';
import { RunLedger } from '../../load/ledger.js';
import type { ProjectionSnapshot } from '../../load/projection-reader.js';
import { verdictLines, verifyRun } from '../../load/verifier.js';
import { chainOf } from '../../processors/engine/index.js';
import { DirectoryArchiveSource } from '../../processors/replay/directory-archive-source.js';
import { seededLane } from './lane-fixture.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'load-unreadable-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SINCE = new Date('2026-01-01T22:00:00Z');
const NOW = new Date('2026-01-01T22:30:00Z');
const line = (e: { eventId: string; aggregateId: string }) => JSON.stringify(e);

async function put(root: string, key: string, bytes: Buffer): Promise<void> {
  await mkdir(join(root, dirname(key)), { recursive: true });
  await writeFile(join(root, key), bytes);
}

/** A run of 12 accepted events over 3 aggregates, as the ledger saw it. */
function acceptedRun(): RunLedger {
  const ledger = new RunLedger();
  const lane = seededLane({
    listener: ledger,
    seed: 5,
    prefix: 'load-r-',
    aggregates: 3,
    eventsPerRequest: 3,
    maxAttempts: 2,
  });
  for (let i = 0; i < 4; i++) {
    lane.nextBody(1000 * i);
    lane.respond(202, 1000 * i + 10);
  }
  return ledger;
}

function projectionsOf(ledger: RunLedger): Map<string, ProjectionSnapshot> {
  const projections = new Map<string, ProjectionSnapshot>();
  for (const [aggregateId, events] of ledger.aggregates)
    projections.set(aggregateId, {
      aggregateId,
      version: events.length,
      chain: chainOf(events.map((e) => e.eventId)),
      recent: [],
      recentAppliedAt: [],
    });
  return projections;
}

describe('an unreadable archive object', () => {
  it('neither hides the bus nor the objects after it: both copies verify complete and the object is named', async () => {
    const ledger = acceptedRun();
    const events = [...ledger.events()];
    const half = Math.ceil(events.length / 2);
    const root = join(dir, 'archive');
    await put(root, 'events/2026/01/01/22/a.gz', gzipSync(events.slice(0, half).map(line).join('\n')));
    // Between the two halves, an object that is not GZIP at all (a torn write, a foreign file).
    await put(root, 'events/2026/01/01/22/b.gz', Buffer.from('not gzip'));
    await put(root, 'events/2026/01/01/22/c.gz', gzipSync(events.slice(half).map(line).join('\n')));
    const queue = join(dir, 'order-events.ndjson');
    await writeFile(queue, events.map((e) => `${JSON.stringify({ detail: { envelope: e } })}\n`).join(''));

    const belongs = (id: string) => id.startsWith('load-r-');
    const archive = new EventCounter(belongs);
    const bus = new EventCounter(belongs);
    const reader = new ArchiveReader({
      source: new DirectoryArchiveSource(root),
      prefix: 'events/',
      since: SINCE,
      counter: archive,
    });
    const errors: unknown[] = [];
    const drain = await waitForDrain({
      ledger,
      readProjections: async () => projectionsOf(ledger),
      archive: { reader: { poll: () => reader.poll(NOW) }, counter: archive },
      bus: { reader: new FileQueueReader(queue, 0, bus), counter: bus },
      timeoutMs: 2_000,
      intervalMs: 10,
      onError: (error) => errors.push(error),
    });
    expect(drain.drained).toBe(true);
    const result = verifyRun(ledger, { projections: drain.projections, archive, bus });
    expect(result.ok).toBe(true);
    expect(result.bus).toMatchObject({ expected: 12, found: 12, missing: 0, unreadable: [] });
    expect(result.archive).toMatchObject({ expected: 12, found: 12, missing: 0 });
    expect(result.archive?.unreadable).toEqual([
      { where: 'events/2026/01/01/22/b.gz', error: expect.stringMatching(/header|gzip/i) },
    ]);
    expect(verdictLines(result).join('\n')).toMatch(
      /archive: unreadable, skipped: events\/2026\/01\/01\/22\/b\.gz/,
    );
  });

  it('is read at most a few times; its readable start is counted once, and it is no longer listed once read', async () => {
    const root = join(dir, 'archive');
    const key = 'events/2026/01/01/22/t.gz';
    const whole = gzipSync(
      ['e1', 'e2', 'e3'].map((eventId) => line({ eventId, aggregateId: 'load-r-1' })).join('\n'),
    );
    // A torn object: the first lines decompress, then the stream ends early.
    await put(root, key, whole.subarray(0, whole.length - 12));
    const counter = new EventCounter(() => true);
    let opened = 0;
    const source = new DirectoryArchiveSource(root);
    const counting = {
      description: source.description,
      list: (prefix: string) => source.list(prefix),
      open: (k: string) => {
        opened += 1;
        return source.open(k);
      },
    };
    const reader = new ArchiveReader({ source: counting, prefix: 'events/', since: SINCE, counter });
    for (let i = 0; i < MAX_OBJECT_ATTEMPTS + 2; i++) await reader.poll(NOW);
    expect(opened).toBe(MAX_OBJECT_ATTEMPTS);
    expect(reader.objects).toBe(0);
    expect([...counter.counts.values()].every((count) => count === 1)).toBe(true);
    expect(counter.unreadable.map((u) => u.where)).toEqual([key]);

    // Rewritten whole (e.g. repaired): a fresh reader counts every line once and lists nothing unreadable.
    await put(root, key, whole);
    const fresh = new EventCounter(() => true);
    const again = new ArchiveReader({ source, prefix: 'events/', since: SINCE, counter: fresh });
    await again.poll(NOW);
    expect([...fresh.counts]).toEqual([
      ['e1', 1],
      ['e2', 1],
      ['e3', 1],
    ]);
    expect(fresh.unreadable).toEqual([]);
  });
});

describe('a bus queue line that is not JSON', () => {
  it('is skipped and named by file and byte offset; the lines after it are counted', async () => {
    const file = join(dir, 'order-events.ndjson');
    const good = (eventId: string) =>
      `${JSON.stringify({ detail: { envelope: { eventId, aggregateId: 'a' } } })}\n`;
    await writeFile(file, `${good('e1')}{"torn\n${good('e2')}`);
    const counter = new EventCounter(() => true);
    await new FileQueueReader(file, 0, counter).poll();
    expect([...counter.counts.keys()]).toEqual(['e1', 'e2']);
    expect(counter.unreadable).toEqual([
      { where: `${file}:${Buffer.byteLength(good('e1'))}`, error: expect.any(String) },
    ]);
  });
});
