import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { FileCheckpointStore } from '../kinesis/checkpoint-store.js';
import type { ShardLag } from '../kinesis/shard-reader.js';
import { KinesisStreamPoller, type ShardLease } from '../kinesis/stream-poller.js';
import type { StreamRecord } from '../kinesis/stream-record.js';
import type { LocalPipe, PipeKinesisRecord } from '../pipe/index.js';

/** Options of {@link PipeStreamSource}. */
export interface PipeStreamSourceOptions {
  readonly pipe: LocalPipe;
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly dataDir: string;
  /** Records per GetRecords. @default 500 */
  readonly readLimit?: number;
  /** Pause on a caught-up shard. @default 250 */
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown, shardId: string | undefined) => void;
}

/** A Kinesis record in the shape the Pipe takes (pure). */
export function toPipeRecord(record: StreamRecord): PipeKinesisRecord {
  return {
    data: Buffer.from(record.data).toString('base64'),
    partitionKey: record.partitionKey,
    sequenceNumber: record.sequenceNumber,
    approximateArrivalTimestamp: record.approximateArrivalTimestamp.getTime() / 1000,
    shardId: record.shardId,
  };
}

/**
 * The Pipe's Kinesis source: reads every shard from the Pipe's own checkpoint (consumer `pipe-<name>`) and
 * checkpoints a batch only after `handleBatch` resolved (sent, filtered or dead-lettered), so a crash
 * re-sends (at least once) and never skips.
 */
export class PipeStreamSource {
  private readonly poller: KinesisStreamPoller;
  private readonly readLimit: number;
  private readonly pollIntervalMs: number;

  constructor(private readonly options: PipeStreamSourceOptions) {
    this.readLimit = options.readLimit ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.poller = new KinesisStreamPoller({
      client: options.client,
      streamName: options.streamName,
      checkpoints: new FileCheckpointStore({
        dataDir: options.dataDir,
        consumer: `pipe-${options.pipe.name}`,
        streamName: options.streamName,
      }),
      consumeShard: (lease) => this.consumeShard(lease),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
  }

  /** Starts reading every shard. */
  start(): Promise<void> {
    return this.poller.start();
  }

  /** Finishes the batches in hand, flushes checkpoints. */
  stop(): Promise<void> {
    return this.poller.stop();
  }

  /** Per-shard lag of this Pipe's reader. */
  lag(): ShardLag[] {
    return this.poller.lag();
  }

  private async consumeShard(lease: ShardLease): Promise<void> {
    // Bounded by stop() (signal) or the shard's end.
    while (!lease.signal.aborted && !lease.reader.ended) {
      const records = await lease.reader.read(this.readLimit);
      const last = records.at(-1);
      if (last === undefined) {
        await lease.sleep(this.pollIntervalMs);
        continue;
      }
      // Finish the batch in hand even when stopping: its checkpoint then records it as done.
      await this.options.pipe.handleBatch(records.map(toPipeRecord));
      lease.checkpoint(last.sequenceNumber);
    }
  }
}
