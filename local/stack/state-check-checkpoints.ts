import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { FileCheckpointStore, type ShardCheckpoint } from '../kinesis/checkpoint-store.js';
import { CheckpointCorruptError } from '../kinesis/errors.js';
import { MAX_GET_RECORDS_LIMIT, ShardReader } from '../kinesis/shard-reader.js';
import { DataDirError } from './errors.js';

/** Where a checkpointed sequence number stands against its shard. */
export type CheckpointProbe =
  /** A record at or after it exists: reading resumes normally. */
  | { readonly kind: 'in-stream' }
  /** No record at or after it: the stream ends before it (its store lost its tail), or the shard is empty. */
  | { readonly kind: 'beyond-end' }
  /** Kinesis will not open an iterator there (another stream's or shard's number): every read would fail. */
  | { readonly kind: 'unusable'; readonly answer: string };

/** What a scan of a shard from its oldest record found. */
export interface ShardEnd {
  /** The last record, if the shard holds any. */
  readonly last: { readonly sequenceNumber: string; readonly arrival: Date } | undefined;
  /** The last record that arrived at or before the time asked for (the checkpoint's), if any. */
  readonly lastArrivedBy: string | undefined;
  /** Records after `lastArrivedBy` (read again once the checkpoint is reset there). */
  readonly after: number;
}

/** A repaired checkpoint and the line saying what was done. */
export interface CheckpointRepair {
  readonly checkpoint: ShardCheckpoint;
  readonly message: string;
}

/**
 * Decides how to repair a checkpoint that lies beyond its shard's end (pure). Records that arrived after the
 * checkpoint was written were never processed by this consumer (they can only have been written after the store
 * lost its tail), so it resumes after the last record that arrived by then; when that time is not recorded (files
 * of older versions) it resumes from the oldest record. Either way nothing is skipped; some records may be read
 * again, which is safe: the processor skips events it applied, the archive and the bus are at least once.
 */
export function repairBeyondEnd(
  file: string,
  shardId: string,
  checkpoint: ShardCheckpoint,
  end: ShardEnd,
): CheckpointRepair {
  const { sequenceNumber: _lost, checkpointedAt, ...kept } = checkpoint;
  const known = checkpointedAt !== undefined;
  const resumeAfter = known ? end.lastArrivedBy : undefined;
  const streamEnd =
    end.last === undefined ? 'the shard is empty' : `the stream ends at ${end.last.sequenceNumber}`;
  const resumed =
    resumeAfter === undefined
      ? `reset to the shard's oldest record (TRIM_HORIZON${known ? '' : ': the checkpoint does not record when it was written'})`
      : `reset to after ${resumeAfter}, the last record that arrived before the checkpoint was written`;
  const reread =
    end.after === 0
      ? 'no record is read again'
      : `${end.after} record(s) are read again (safe: the processor skips events it applied; the archive and the bus may get them twice)`;
  // Retention makes records inaccessible by age, oldest first, so only an empty shard may be plain expiry:
  // https://docs.aws.amazon.com/streams/latest/dev/kinesis-extended-retention.html
  const cause =
    end.last === undefined
      ? 'its records expired past the retention period, or the Kinesis store lost them (a truncated log)'
      : 'the Kinesis store lost records it had acknowledged (a truncated log; those records cannot be recovered). ' +
        'Without a repair this consumer would skip every new record';
  return {
    checkpoint: resumeAfter === undefined ? kept : { ...kept, sequenceNumber: resumeAfter },
    message:
      `${file}: shard ${shardId} was checkpointed at ${checkpoint.sequenceNumber}, beyond the stream's end (${streamEnd}): ` +
      `${cause}. ${resumed}; ${reread}.`,
  };
}

/** Inputs of {@link checkCheckpoints}. */
export interface CheckpointCheckOptions {
  readonly dataDir: string;
  readonly client: KinesisClient;
  readonly streamName: string;
  /** Told what was repaired, one line each. */
  readonly onRepair: (message: string) => void;
}

/**
 * Checks every consumer's checkpoint file (`<dataDir>/checkpoints/*.json`) against the stream before any reader
 * starts: a checkpoint beyond its shard's end is repaired (see {@link repairBeyondEnd}); one Kinesis will not open an
 * iterator at, or a file that cannot be read, is refused with a DataDirError naming the file and the fix.
 */
export async function checkCheckpoints(options: CheckpointCheckOptions): Promise<void> {
  const directory = join(options.dataDir, 'checkpoints');
  const names = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const consumers = names
    .filter((name) => /^[A-Za-z0-9._-]{1,128}\.json$/.test(name))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
  if (consumers.length === 0) return;
  const shardIds = new Set(await listShardIds(options.client, options.streamName));
  for (const consumer of consumers) {
    const store = new FileCheckpointStore({
      dataDir: options.dataDir,
      consumer,
      streamName: options.streamName,
    });
    try {
      await store.load();
    } catch (error) {
      if (error instanceof CheckpointCorruptError)
        throw new DataDirError(options.dataDir, error.message, { cause: error });
      throw error;
    }
    let repaired = false;
    for (const [shardId, checkpoint] of Object.entries(store.snapshot())) {
      // A shard the stream does not have is never read (the poller starts listed shards only); a finished one is done.
      if (checkpoint.sequenceNumber === undefined || checkpoint.finished === true || !shardIds.has(shardId))
        continue;
      const probe = await probeCheckpoint(
        options.client,
        options.streamName,
        shardId,
        checkpoint.sequenceNumber,
      );
      if (probe.kind === 'in-stream') continue;
      if (probe.kind === 'unusable')
        throw new DataDirError(
          options.dataDir,
          `checkpoint file ${store.file}: shard ${shardId}'s sequence number ${checkpoint.sequenceNumber} is not one of stream ${options.streamName}'s (Kinesis answers: ${probe.answer}), so that consumer would fail on every read while ingest keeps accepting events. ` +
            `Fix: move ${store.file} aside, and the consumer reads the stream again from its oldest record (safe: the processor skips events it applied; the archive and the bus may get events twice); or put back the right file`,
        );
      const end = await scanShardEnd(
        options.client,
        options.streamName,
        shardId,
        checkpoint.checkpointedAt === undefined ? undefined : new Date(checkpoint.checkpointedAt),
      );
      const repair = repairBeyondEnd(store.file, shardId, checkpoint, end);
      store.replace(shardId, repair.checkpoint);
      options.onRepair(repair.message);
      repaired = true;
    }
    if (repaired) await store.flush();
  }
}

/** Where a checkpointed sequence number stands: one GetShardIterator (AT_SEQUENCE_NUMBER) and one GetRecords. */
export async function probeCheckpoint(
  client: KinesisClient,
  streamName: string,
  shardId: string,
  sequenceNumber: string,
): Promise<CheckpointProbe> {
  let iterator: string | undefined;
  try {
    const output = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: sequenceNumber,
      }),
    );
    iterator = output.ShardIterator;
  } catch (error) {
    // InvalidArgumentException: another stream's or shard's number; kinesalite answers InternalFailure (500) to a
    // number of an older format. Neither changes on retry: https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetShardIterator.html
    const name = (error as Error).name;
    if (name === 'InvalidArgumentException' || name === 'InternalFailure')
      return { kind: 'unusable', answer: `${name}: ${(error as Error).message}` };
    throw error;
  }
  if (iterator === undefined) return { kind: 'beyond-end' };
  const output = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1 }));
  return (output.Records ?? []).length > 0 ? { kind: 'in-stream' } : { kind: 'beyond-end' };
}

/**
 * Reads a shard from its oldest record to its end (only when a checkpoint is beyond it, so at most once per shard
 * and start) and notes the last record, and the last that arrived by `arrivedBy`.
 */
export async function scanShardEnd(
  client: KinesisClient,
  streamName: string,
  shardId: string,
  arrivedBy: Date | undefined,
): Promise<ShardEnd> {
  const reader = new ShardReader({ client, streamName, shardId, start: { type: 'TRIM_HORIZON' } });
  let last: ShardEnd['last'];
  let lastArrivedBy: string | undefined;
  let after = 0;
  // Bounded by the shard's length: each call returns the next records, an empty page is its end.
  for (;;) {
    const records = await reader.read(MAX_GET_RECORDS_LIMIT);
    if (records.length === 0) break;
    for (const record of records) {
      last = { sequenceNumber: record.sequenceNumber, arrival: record.approximateArrivalTimestamp };
      if (arrivedBy !== undefined && record.approximateArrivalTimestamp.getTime() <= arrivedBy.getTime()) {
        lastArrivedBy = record.sequenceNumber;
        after = 0;
      } else after += 1;
    }
  }
  return { last, lastArrivedBy, after };
}

async function listShardIds(client: KinesisClient, streamName: string): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  // Bounded: one page per 1,000 shards; the local stack has at most 50.
  for (let page = 0; page < 100; page += 1) {
    const output = await client.send(
      new ListShardsCommand(nextToken === undefined ? { StreamName: streamName } : { NextToken: nextToken }),
    );
    ids.push(...(output.Shards ?? []).map((shard) => shard.ShardId ?? ''));
    nextToken = output.NextToken;
    if (nextToken === undefined) break;
  }
  return ids;
}
