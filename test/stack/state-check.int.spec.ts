import { chmod, cp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createS3rverClient } from '../../local/firehose/index.js';
import { createKinesisClient } from '../../local/kinesis/index.js';
import {
  DataDirError,
  LocalPipelineOutputs,
  type LocalStackOptions,
  type RunningLocalStack,
  startLocalStack,
} from '../../local/stack/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { orderHistory } from '../support/order-events.js';
import { putEnvelopes, tempDataDir, waitUntil } from './stack-fixture.js';

const EVENTS = 3;
const PROCESSOR_CHECKPOINTS = 'lambda-stream-processor-dev.json';

let running: RunningLocalStack | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const options = (dataDir: string, repairs?: string[]): LocalStackOptions => ({
  dataDir,
  quiet: true,
  logLevel: 'SILENT',
  archiveBufferIntervalSeconds: 1,
  shards: 2,
  ...(repairs === undefined ? {} : { onStateRepair: (message: string) => repairs.push(message) }),
});

const batch = (prefix: string, aggregates = 4): Envelope[] =>
  Array.from({ length: aggregates }, (_, i) => orderHistory(`${prefix}-${i}`, EVENTS)).flat();

/** Starts a stack, writes `events`, waits until each is applied, archived and on the bus, and stops it. */
async function runThrough(dataDir: string, events: readonly Envelope[], repairs?: string[]) {
  running = await startLocalStack(options(dataDir, repairs));
  await expectDelivered(running, events);
  await running.stop();
  running = undefined;
}

async function expectDelivered(stack: RunningLocalStack, events: readonly Envelope[]) {
  const kinesis = createKinesisClient({ endpoint: stack.endpoints.endpoints.kinesis });
  const outputs = new LocalPipelineOutputs(stack.endpoints);
  try {
    await putEnvelopes(kinesis, stack.endpoints.stream.name, events);
    const ids = [...new Set(events.map((e) => e.eventId))];
    const aggregateIds = [...new Set(events.map((e) => e.aggregateId))];
    await waitUntil('every event applied, archived and on the bus', async () => {
      const projections = await outputs.projections('order', aggregateIds);
      const archived = new Set((await outputs.archive()).flatMap((o) => o.envelopes.map((e) => e.eventId)));
      const queued = new Set((await outputs.queue('order-events')).map((e) => e.detail.envelope.eventId));
      return (
        projections.length === aggregateIds.length &&
        projections.every((p) => p.version === EVENTS) &&
        ids.every((id) => archived.has(id) && queued.has(id))
      );
    });
  } finally {
    outputs.close();
    kinesis.destroy();
  }
}

describe('the local stack checks its state at start', () => {
  it('repairs checkpoints left beyond the stream end by a Kinesis store that lost its tail; new events flow again', async () => {
    const dataDir = await tempDataDir();
    await runThrough(dataDir, batch('kept'));
    // The store as it was before the next run: restoring it later is a log that lost that run's records.
    const snapshot = `${dataDir}-kinesis-before`;
    await cp(join(dataDir, 'kinesis'), snapshot, { recursive: true });
    await runThrough(dataDir, batch('lost'));
    await rm(join(dataDir, 'kinesis'), { recursive: true });
    await cp(snapshot, join(dataDir, 'kinesis'), { recursive: true });

    // An endpoints.json an older version left readable by others is made owner-only before anything starts.
    await chmod(join(dataDir, 'endpoints.json'), 0o644);
    const repairs: string[] = [];
    running = await startLocalStack(options(dataDir, repairs));
    expect(repairs[0]).toContain(`made ${join(dataDir, 'endpoints.json')} readable by its owner only (0600)`);
    for (const consumer of [PROCESSOR_CHECKPOINTS, 'firehose-archive-dev.json', 'pipe-bridge.json'])
      expect(repairs.some((line) => line.startsWith(join(dataDir, 'checkpoints', consumer)))).toBe(true);
    expect(repairs.join('\n')).toMatch(/beyond the stream's end .*cannot be recovered.*reset to after \d+/);
    await expectDelivered(running, batch('after'));
    // Nothing of the surviving records was read again: the checkpoints resumed after the last of them.
    const checkpointLines = repairs.filter((line) => line.startsWith(join(dataDir, 'checkpoints')));
    expect(checkpointLines.length).toBeGreaterThanOrEqual(3);
    expect(checkpointLines.every((line) => line.includes('no record is read again'))).toBe(true);
  });

  it('refuses a well-formed checkpoint the stream cannot use, naming the file and the fix', async () => {
    const dataDir = await tempDataDir();
    await runThrough(dataDir, batch('one'));
    const file = join(dataDir, 'checkpoints', PROCESSOR_CHECKPOINTS);
    const checkpoints = JSON.parse(await readFile(file, 'utf8'));
    const [a, b] = Object.keys(checkpoints.shards) as [string, string];
    // Each shard gets the other's sequence number: valid numbers of this stream, but not of that shard.
    [checkpoints.shards[a], checkpoints.shards[b]] = [checkpoints.shards[b], checkpoints.shards[a]];
    await writeFile(file, JSON.stringify(checkpoints));
    const error = await startLocalStack(options(dataDir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirError);
    expect((error as Error).message).toContain(`checkpoint file ${file}`);
    expect((error as Error).message).toContain(`Fix: move ${file} aside`);
    // A number of no stream at all (digits, so the file's schema accepts it).
    checkpoints.shards[a].sequenceNumber = '123';
    await writeFile(file, JSON.stringify(checkpoints));
    await expect(startLocalStack(options(dataDir))).rejects.toThrow(`checkpoint file ${file}`);
    // Following the fix, the stack starts and the processor catches up (it skips what it applied).
    await rm(file);
    running = await startLocalStack(options(dataDir));
    await expectDelivered(running, batch('two'));
  });

  it('moves empty and torn archive objects aside and archives their records again', async () => {
    const dataDir = await tempDataDir();
    const events = batch('archived');
    running = await startLocalStack(options(dataDir));
    await expectDelivered(running, events);
    const { bucket, endpoints } = running.endpoints;
    const s3 = createS3rverClient({ endpoint: endpoints.s3 });
    const [key] = (
      (await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'events/' }))).Contents ?? []
    )
      .map((o) => o.Key as string)
      .sort();
    const whole = await (
      await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    ).Body?.transformToByteArray();
    const torn = whole?.subarray(0, Math.floor(whole.byteLength / 2));
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key as string, Body: torn ?? new Uint8Array() }),
    );
    const emptyKey = (key as string).replace(/\.gz$/, '-empty.gz');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: emptyKey, Body: new Uint8Array() }));
    s3.destroy();
    await running.stop();

    const repairs: string[] = [];
    running = await startLocalStack(options(dataDir, repairs));
    // In key order: '-empty.gz' sorts before '.gz'.
    expect(repairs.filter((line) => line.startsWith('archive object'))).toEqual([
      expect.stringContaining(`s3://${bucket}/${emptyKey}: it is empty (0 bytes); moved to`),
      expect.stringContaining(`s3://${bucket}/${key}: it is not whole GZIP`),
    ]);
    expect(repairs.join('\n')).toContain('firehose-archive-dev.json: shard');
    expect((await stat(join(dataDir, 'damaged', bucket, ...(key as string).split('/')))).size).toBe(
      torn?.byteLength,
    );
    // Every archive object reads again, and the archive holds every event once more.
    const outputs = new LocalPipelineOutputs(running.endpoints);
    try {
      await waitUntil('the damaged object records archived again', async () => {
        const archived = new Set((await outputs.archive()).flatMap((o) => o.envelopes.map((e) => e.eventId)));
        return events.every((e) => archived.has(e.eventId));
      });
    } finally {
      outputs.close();
    }
  });
});
