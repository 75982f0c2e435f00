import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveReader } from '../../load/archive-reader.js';
import { FileQueueReader } from '../../load/bus-reader.js';
import { EventCounter, envelopeIn } from '../../load/event-counter.js';
import { DirectoryArchiveSource } from '../../processors/replay/directory-archive-source.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'load-readers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Class: ArchiveReader', () => {
  it('reads the gzipped objects of every hour folder since the run began, each object once', async () => {
    const root = join(dir, 'archive');
    const put = async (key: string, lines: string[]) => {
      await mkdir(join(root, dirname(key)), { recursive: true });
      await writeFile(join(root, key), gzipSync(lines.join('\n')));
    };
    const envelope = (eventId: string, aggregateId: string) => JSON.stringify({ eventId, aggregateId });
    // Across midnight; the 21:00 folder is before the run (minus a minute of slack) and not listed.
    await put('events/2026/01/01/21/old.gz', [envelope('e0', 'load-run-1')]);
    await put('events/2026/01/01/22/a.gz', [
      envelope('e1', 'load-run-1'),
      'not json',
      envelope('x', 'other'),
    ]);
    await put('events/2026/01/02/00/b.gz', ['', envelope('e2', 'load-run-1')]);
    const counter = new EventCounter((id) => id.startsWith('load-run-'));
    const reader = new ArchiveReader({
      source: new DirectoryArchiveSource(root),
      prefix: 'events/',
      since: new Date('2026-01-01T22:01:30Z'),
      counter,
    });
    await reader.poll(new Date('2026-01-01T23:59:30Z'));
    expect(reader.objects).toBe(2);
    expect([...counter.counts]).toEqual([
      ['e1', 1],
      ['e2', 1],
    ]);
    await put('events/2026/01/02/00/c.gz', [envelope('e3', 'load-run-1')]);
    await reader.poll(new Date('2026-01-02T00:10:00Z'));
    expect(reader.objects).toBe(3);
    expect([...counter.counts]).toEqual([
      ['e1', 1],
      ['e2', 1],
      ['e3', 1],
    ]);
  });
});

describe('envelopeIn', () => {
  it('finds the envelope in a bus event built with {"envelope": <$.data>}, in a bare detail, or as is', () => {
    const envelope = { eventId: 'e1', aggregateId: 'a1' };
    expect(envelopeIn({ 'detail-type': 'OrderPlaced', detail: { envelope } })).toEqual(envelope);
    expect(envelopeIn({ detail: envelope })).toEqual(envelope);
    expect(envelopeIn(envelope)).toEqual(envelope);
    expect(envelopeIn({ detail: { other: 1 } })).toBeUndefined();
  });
});

describe('Class: FileQueueReader', () => {
  it('counts only lines after the start offset and only whole lines, for this run', async () => {
    const file = join(dir, 'order-events.ndjson');
    const line = (eventId: string, aggregateId: string) =>
      `${JSON.stringify({ detail: { envelope: { eventId, aggregateId } } })}\n`;
    await writeFile(file, line('old', 'load-run-1'));
    const offset = Buffer.byteLength(line('old', 'load-run-1'));
    const counter = new EventCounter((id) => id.startsWith('load-run-'));
    const reader = new FileQueueReader(file, offset, counter);
    await appendFile(file, `${line('e1', 'load-run-1')}${line('x', 'other')}{"detail":`);
    await reader.poll();
    expect([...counter.counts]).toEqual([['e1', 1]]);
    await appendFile(file, `{"envelope":{"eventId":"e1","aggregateId":"load-run-1"}}}\n`);
    await reader.poll();
    expect(counter.counts.get('e1')).toBe(2);
  });
});
