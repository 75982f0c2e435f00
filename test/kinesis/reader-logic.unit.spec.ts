import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CheckpointCorruptError,
  FileCheckpointStore,
  resolveIteratorStart,
  shardsReadyToStart,
} from '../../local/kinesis/index.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
async function dataDir() {
  const dir = await mkdtemp(join(tmpdir(), 'checkpoints-'));
  dirs.push(dir);
  return dir;
}

describe('Function: resolveIteratorStart', () => {
  it.each([
    [
      'a checkpoint wins',
      { checkpoint: { sequenceNumber: '42' }, firstRun: false, startingPosition: 'LATEST' as const },
      { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '42' },
    ],
    [
      'first run, TRIM_HORIZON',
      { checkpoint: undefined, firstRun: true, startingPosition: 'TRIM_HORIZON' as const },
      { type: 'TRIM_HORIZON' },
    ],
    [
      'first run, LATEST',
      { checkpoint: undefined, firstRun: true, startingPosition: 'LATEST' as const },
      { type: 'LATEST' },
    ],
    [
      'LATEST started but never checkpointed resumes at its start time',
      {
        checkpoint: { startedAt: '2026-01-01T00:00:00.000Z' },
        firstRun: false,
        startingPosition: 'LATEST' as const,
      },
      { type: 'AT_TIMESTAMP', timestamp: new Date('2026-01-01T00:00:00.000Z') },
    ],
    [
      'a shard new since the first run starts at TRIM_HORIZON',
      { checkpoint: undefined, firstRun: false, startingPosition: 'LATEST' as const },
      { type: 'TRIM_HORIZON' },
    ],
    [
      'AT_TIMESTAMP',
      {
        checkpoint: undefined,
        firstRun: true,
        startingPosition: 'AT_TIMESTAMP' as const,
        startingTimestamp: new Date(5),
      },
      { type: 'AT_TIMESTAMP', timestamp: new Date(5) },
    ],
  ])('%s', (_name, input, expected) => {
    expect(resolveIteratorStart(input)).toEqual(expected);
  });
});

describe('Function: shardsReadyToStart', () => {
  const listed = [
    { shardId: 'p' },
    { shardId: 'a', parentShardId: 'p' },
    { shardId: 'm', parentShardId: 'a', adjacentParentShardId: 'b' },
    { shardId: 'b', parentShardId: 'gone' },
  ];
  it('starts children only after every listed parent finished', () => {
    expect(shardsReadyToStart(listed, new Set(), new Set()).map((s) => s.shardId)).toEqual(['p', 'b']);
    expect(shardsReadyToStart(listed, new Set(['p']), new Set(['b'])).map((s) => s.shardId)).toEqual(['a']);
    expect(shardsReadyToStart(listed, new Set(['p', 'a']), new Set()).map((s) => s.shardId)).toEqual(['b']);
    expect(shardsReadyToStart(listed, new Set(['p', 'a', 'b']), new Set()).map((s) => s.shardId)).toEqual([
      'm',
    ]);
  });
});

describe('Class: FileCheckpointStore', () => {
  it('persists atomically and loads back', async () => {
    const dir = await dataDir();
    const store = new FileCheckpointStore({ dataDir: dir, consumer: 'firehose', streamName: 's' });
    await store.load();
    expect(store.isEmpty()).toBe(true);
    for (let i = 1; i <= 50; i += 1) store.set('shardId-000000000000', { sequenceNumber: String(i) });
    store.set('shardId-000000000001', { finished: true });
    await store.flush();
    expect(await readdir(join(dir, 'checkpoints'))).toEqual(['firehose.json']);
    const again = new FileCheckpointStore({ dataDir: dir, consumer: 'firehose', streamName: 's' });
    await again.load();
    expect(again.get('shardId-000000000000')).toEqual({
      sequenceNumber: '50',
      checkpointedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(again.get('shardId-000000000001')).toEqual({ finished: true });
  });

  it('stamps when a sequence number was checkpointed, and replace() can remove it', async () => {
    const dir = await dataDir();
    const store = new FileCheckpointStore({ dataDir: dir, consumer: 'pipe', streamName: 's' });
    await store.load();
    const before = Date.now();
    store.set('shardId-000000000000', { startedAt: '2026-01-01T00:00:00.000Z' });
    expect(store.get('shardId-000000000000')?.checkpointedAt).toBeUndefined();
    store.set('shardId-000000000000', { sequenceNumber: '7' });
    const at = Date.parse(store.get('shardId-000000000000')?.checkpointedAt ?? '');
    expect(at).toBeGreaterThanOrEqual(before);
    store.replace('shardId-000000000000', { startedAt: '2026-01-01T00:00:00.000Z' });
    await store.flush();
    const again = new FileCheckpointStore({ dataDir: dir, consumer: 'pipe', streamName: 's' });
    await again.load();
    expect(again.get('shardId-000000000000')).toEqual({ startedAt: '2026-01-01T00:00:00.000Z' });
  });

  it('refuses a corrupt file or another stream with a message naming the file', async () => {
    const dir = await dataDir();
    const store = new FileCheckpointStore({ dataDir: dir, consumer: 'pipe', streamName: 's' });
    store.set('x', { sequenceNumber: '1' });
    await store.flush();
    const other = new FileCheckpointStore({ dataDir: dir, consumer: 'pipe', streamName: 'other' });
    await expect(other.load()).rejects.toThrow(CheckpointCorruptError);
    await writeFile(store.file, '{ not json', 'utf8');
    await expect(store.load()).rejects.toThrow(/checkpoints\/pipe\.json is unusable/);
    expect(await readFile(store.file, 'utf8')).toBe('{ not json');
  });
});
