import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { generateOrderEvents } from '../../processors/aggregates/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import {
  formatVerification,
  ReplayOptionsError,
  type ReplayProgress,
  requireTable,
  runReplay,
  verifyArchive,
} from '../../processors/replay/index.js';
import { useTempDir } from '../support/temp-dir.js';
import { MemoryArchive } from './memory-archive.js';
import { firstHours, registry } from './replay-fixture.js';

const range = firstHours(3);
const events = generateOrderEvents({ aggregates: 4, eventsPerAggregate: 5, seed: 7 });
const at = new Date('2026-01-01T01:10:00Z');
const accepting = {
  description: 'accepting',
  send: async (batch: readonly Envelope[]) => batch.map(() => ({ status: 'sent' as const })),
};
const tempDir = useTempDir('replay-defects-');

describe('replay checkpoint', () => {
  it('creates the checkpoint’s directory (a run against AWS never created .local/)', async () => {
    const archive = new MemoryArchive();
    archive.put(at, events);
    const checkpointFile = join(tempDir(), 'never', 'created', 'replay-checkpoint.json');
    const summary = await runReplay({
      source: archive,
      registry,
      range,
      target: accepting,
      targetName: 'stream',
      chunkSize: 3,
      checkpointFile,
    });
    expect(summary.sent).toBe(events.length);
    expect(existsSync(checkpointFile)).toBe(true);
  });
});

describe('replay progress', () => {
  it('reaches 100 % when the archive holds duplicates (at-least-once)', async () => {
    const archive = new MemoryArchive();
    archive.put(at, events);
    archive.put(new Date('2026-01-01T01:20:00Z'), events.slice(0, 7));
    const seen: ReplayProgress[] = [];
    const summary = await runReplay({
      source: archive,
      registry,
      range,
      target: accepting,
      targetName: 'stream',
      chunkSize: 4,
      onProgress: (p) => seen.push(p),
    });
    expect(summary.archiveDuplicates).toBe(7);
    const last = seen.filter((p) => p.phase === 'send').at(-1);
    expect(last?.eventsTotal).toBe(events.length + 7);
    expect(last?.eventsDone).toBe(last?.eventsTotal);
  });
});

describe('archive verify verdicts', () => {
  it('an empty range is not OK: it says nothing was verified', async () => {
    const v = await verifyArchive({ source: new MemoryArchive(), registry, range });
    expect(v.outcome).toBe('empty');
    expect(v.ok).toBe(false);
    expect(formatVerification(v)).toMatch(/EMPTY: no archive objects .* nothing was verified/);
  });

  it('poison lines and duplicates are information; the aggregates listed are those with gaps or conflicts', async () => {
    const archive = new MemoryArchive();
    archive.put(at, [...events, 'not json at all', '{"half":']);
    archive.put(new Date('2026-01-01T01:20:00Z'), events.slice(0, 3));
    const v = await verifyArchive({ source: archive, registry, range });
    expect(v.read.badLines).toBe(2);
    expect(v.totals.duplicates).toBe(3);
    expect(v.outcome).toBe('clean');
    expect(v.ok).toBe(true);
    expect(v.aggregates).toEqual([]);
    expect(formatVerification(v)).toMatch(/information, not findings\n\nOK$/);
  });

  it('a gap still fails', async () => {
    const archive = new MemoryArchive();
    archive.put(
      at,
      events.filter((e) => !(e.aggregateId === events[0]?.aggregateId && e.sequence === 2)),
    );
    const v = await verifyArchive({ source: archive, registry, range });
    expect(v.outcome).toBe('findings');
    expect(v.aggregates.map((a) => a.aggregateId)).toEqual([events[0]?.aggregateId]);
  });
});

describe('replay decoding', () => {
  it('classifies invalid UTF-8 as not-utf8, as the processor does (processors/envelope/codec.ts)', async () => {
    const archive = new MemoryArchive();
    const good = JSON.stringify(events[0]);
    // An invalid byte (0xFF) inside a JSON string: a lenient decode would turn it into U+FFFD and accept the line.
    const text = JSON.stringify({ ...events[1], aggregateId: 'XX' });
    const bytes = Buffer.from(text);
    const bad = Buffer.concat([
      bytes.subarray(0, bytes.indexOf('XX')),
      Buffer.from([0xff]),
      bytes.subarray(bytes.indexOf('XX') + 1),
    ]);
    const key = archive.put(at, []);
    archive.putRaw(key, gzipSync(Buffer.concat([Buffer.from(`${good}\n`), bad, Buffer.from('\n')])));
    const summary = await runReplay({ source: archive, registry, range, targetName: 'dry', dryRun: true });
    expect(summary.read.badLines).toBe(1);
    expect(summary.issues[0]?.reason).toMatch(/^not-utf8: /);
    expect(summary.toSend).toBe(1);
  });

  it('still decodes a genuine U+FFFD character', async () => {
    const archive = new MemoryArchive();
    archive.put(at, [{ ...(events[0] as Envelope), aggregateId: 'caf\uFFFD' }]);
    const summary = await runReplay({ source: archive, registry, range, targetName: 'dry', dryRun: true });
    expect(summary.read.badLines).toBe(0);
    expect(summary.toSend).toBe(1);
  });
});

describe('projection table check', () => {
  it('names the missing table and --create-table instead of "Requested resource not found"', async () => {
    const client = {
      send: async () => {
        throw new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} });
      },
    } as unknown as DynamoDBClient;
    const error = await requireTable(client, 'rebuild-2026', 'pulumi stack prod').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplayOptionsError);
    expect((error as Error).message).toBe(
      'table rebuild-2026 does not exist in pulumi stack prod: pass --create-table to create it, or name another with --projection-table',
    );
  });
});
