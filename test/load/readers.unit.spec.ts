import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hourPrefixes } from '../../load/archive-reader.js';
import { FileQueueReader } from '../../load/bus-reader.js';
import { EventCounter, envelopeIn } from '../../load/event-counter.js';

describe('hourPrefixes', () => {
  it('lists every UTC hour folder the run touched, across midnight', () => {
    expect(
      hourPrefixes('events/', new Date('2026-01-01T22:59:00Z'), new Date('2026-01-02T00:10:00Z')),
    ).toEqual(['events/2026/01/01/22/', 'events/2026/01/01/23/', 'events/2026/01/02/00/']);
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
  let dir: string | undefined;
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('counts only lines after the start offset and only whole lines, for this run', async () => {
    dir = await mkdtemp(join(tmpdir(), 'load-queue-'));
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
