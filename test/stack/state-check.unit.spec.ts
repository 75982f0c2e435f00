import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { firehoseObjectKey, firehoseObjectKeyTime } from '../../local/firehose/index.js';
import { archiveObjectDamage, checkArchiveObjects } from '../../local/stack/state-check-archive.js';
import { repairBeyondEnd } from '../../local/stack/state-check-checkpoints.js';
import { checkQueueFiles } from '../../local/stack/state-check-queues.js';
import { useTempDir } from '../support/temp-dir.js';

const dir = useTempDir('state-check-');

describe('a checkpoint beyond the stream end', () => {
  const end = { last: { sequenceNumber: '40', arrival: new Date(0) }, lastArrivedBy: '40', after: 0 };

  it('resumes after the last record that arrived before it was written, keeping the rest', () => {
    const repair = repairBeyondEnd(
      'f.json',
      'shard-0',
      {
        sequenceNumber: '90',
        startedAt: 's',
        checkpointedAt: '2026-01-01T00:00:00.000Z',
      },
      { ...end, lastArrivedBy: '30', after: 2 },
    );
    expect(repair.checkpoint).toEqual({ sequenceNumber: '30', startedAt: 's' });
    expect(repair.message).toMatch(
      /^f\.json: shard shard-0 was checkpointed at 90, beyond the stream's end \(the stream ends at 40\)/,
    );
    expect(repair.message).toContain('2 record(s) are read again');
  });

  it('resumes from the oldest record when the checkpoint does not say when it was written', () => {
    const repair = repairBeyondEnd('f.json', 'shard-0', { sequenceNumber: '90' }, { ...end, after: 5 });
    expect(repair.checkpoint).toEqual({});
    expect(repair.message).toContain('TRIM_HORIZON');
  });

  it('on an empty shard, says so', () => {
    const repair = repairBeyondEnd(
      'f.json',
      's',
      { sequenceNumber: '9', checkpointedAt: 'x' },
      {
        last: undefined,
        lastArrivedBy: undefined,
        after: 0,
      },
    );
    expect(repair.checkpoint).toEqual({});
    expect(repair.message).toContain('the shard is empty');
    expect(repair.message).toContain('expired past the retention period');
  });
});

describe('archive objects', () => {
  it('are damaged when empty or not whole GZIP', () => {
    const whole = gzipSync('{"a":1}\n');
    expect(archiveObjectDamage(whole)).toBeUndefined();
    expect(archiveObjectDamage(new Uint8Array())).toContain('empty');
    expect(archiveObjectDamage(whole.subarray(0, whole.byteLength - 4))).toContain('not whole GZIP');
  });

  it('keys read back the time they were dated by', () => {
    const timestamp = new Date('2026-03-04T05:06:07Z');
    const key = firehoseObjectKey({
      prefix: 'events/',
      deliveryStreamName: 'archive-dev',
      deliveryStreamVersion: 1,
      timestamp,
      id: '0b6d0a0e-1f2a-4c3b-9d8e-7f6a5b4c3d2e',
    });
    expect(firehoseObjectKeyTime(key)).toEqual(timestamp);
    expect(firehoseObjectKeyTime('events/notes.txt')).toBeUndefined();
  });
});

it('repairs the queue files of every folder, one line each', async () => {
  await mkdir(join(dir(), 'bus'), { recursive: true });
  await mkdir(join(dir(), 'lambda', 'fn'), { recursive: true });
  await writeFile(join(dir(), 'bus', 'rule.ndjson'), '{"id":1}\n{"id":2}');
  await writeFile(join(dir(), 'lambda', 'fn', 'on-failure.ndjson'), '{"id":1}\n{"id":');
  const lines: string[] = [];
  await checkQueueFiles(dir(), (line) => lines.push(line));
  expect(lines).toHaveLength(2);
  expect(await readFile(join(dir(), 'bus', 'rule.ndjson'), 'utf8')).toBe('{"id":1}\n{"id":2}\n');
  expect(await readFile(join(dir(), 'lambda', 'fn', 'on-failure.ndjson'), 'utf8')).toBe('{"id":1}\n');
});

describe('the archive check', () => {
  it('reads every object the first time, then only those written since the previous check', async () => {
    const dataDir = join(dir(), 'archive-incremental');
    const now = Date.now();
    const listed = [
      { Key: 'events/old.gz', LastModified: new Date(now - 3_600_000) },
      { Key: 'events/new.gz', LastModified: new Date(now + 60_000) },
    ];
    const read: string[] = [];
    const s3 = {
      send: async (command: { constructor: { name: string }; input: { Key?: string } }) => {
        if (command.constructor.name === 'ListObjectsCommand')
          return { Contents: listed, IsTruncated: false };
        read.push(command.input.Key ?? '');
        return { Body: { transformToByteArray: async () => gzipSync('{"a":1}\n') } };
      },
    };
    const check = () =>
      checkArchiveObjects({
        dataDir,
        s3: s3 as never,
        bucket: 'b',
        prefix: 'events/',
        kinesis: undefined as never,
        streamName: 's',
        firehoseConsumer: 'firehose-archive',
        onRepair: () => {},
      });
    await check();
    expect(read).toEqual(['events/old.gz', 'events/new.gz']);
    read.length = 0;
    await check();
    expect(read).toEqual(['events/new.gz']);
  });
});
