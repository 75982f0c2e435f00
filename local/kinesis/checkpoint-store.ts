import { join } from 'node:path';
import { z } from 'zod';
import { JsonFileError, readJsonFile, writeJsonFile } from '../../processors/files/index.js';
import { CheckpointCorruptError, InvalidReaderOptionsError } from './errors.js';

/** What a consumer has durably done on one shard. */
export interface ShardCheckpoint {
  /** Last sequence number fully processed; reading resumes after it. */
  readonly sequenceNumber?: string | undefined;
  /** When the consumer first opened the shard (ISO-8601); lets a LATEST start resume without loss. */
  readonly startedAt?: string | undefined;
  /** The shard is closed and every record of it was processed; children may start. */
  readonly finished?: boolean | undefined;
  /**
   * When `sequenceNumber` was last set (ISO-8601): every record that arrived later is unprocessed. Lets the start-up
   * state check rewind a checkpoint the stream lost the end of without skipping what arrived since.
   */
  readonly checkpointedAt?: string | undefined;
}

/** Where a consumer keeps its per-shard checkpoints (the port; the file store is the local adapter). */
export interface CheckpointStore {
  /** Reads persisted state; call once before use. */
  load(): Promise<void>;
  /** True when nothing was ever checkpointed for this consumer. */
  isEmpty(): boolean;
  get(shardId: string): ShardCheckpoint | undefined;
  /** Records progress; persisted soon after, and for certain by `flush()`. */
  set(shardId: string, checkpoint: ShardCheckpoint): void;
  /** Resolves once everything set so far is on disk; rejects if the last write failed. */
  flush(): Promise<void>;
}

/** Options of {@link FileCheckpointStore}. */
export interface FileCheckpointStoreOptions {
  /** Data directory; the file is `<dataDir>/checkpoints/<consumer>.json`. */
  readonly dataDir: string;
  /** Consumer name (processor, firehose, pipe…): one file each. */
  readonly consumer: string;
  /** Stream the checkpoints belong to; a file written for another stream is refused. */
  readonly streamName: string;
}

const FORMAT = 'kinesis-checkpoints/1';

const fileSchema = z.object({
  format: z.literal(FORMAT),
  consumer: z.string(),
  streamName: z.string(),
  shards: z.record(
    z.string(),
    z.object({
      sequenceNumber: z.string().regex(/^\d+$/).optional(),
      startedAt: z.string().optional(),
      finished: z.boolean().optional(),
      checkpointedAt: z.string().optional(),
    }),
  ),
});

/**
 * Checkpoints as one JSON file per consumer, written atomically (temporary file, then rename) so a crash
 * leaves either the old or the new file, never half of one. Writes are coalesced: many `set`s in a burst
 * cost one or two writes.
 * @example
 * const store = new FileCheckpointStore({ dataDir: '.local', consumer: 'firehose', streamName: 'events' });
 * await store.load();
 */
export class FileCheckpointStore implements CheckpointStore {
  /** Absolute or relative path of the checkpoint file. */
  readonly file: string;
  private readonly shards = new Map<string, ShardCheckpoint>();
  private dirty = false;
  private writing: Promise<void> | undefined;
  private lastError: unknown;

  constructor(private readonly options: FileCheckpointStoreOptions) {
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(options.consumer))
      throw new InvalidReaderOptionsError(
        `consumer name "${options.consumer}" must be 1-128 characters of [A-Za-z0-9._-] (it names a file)`,
      );
    this.file = join(options.dataDir, 'checkpoints', `${options.consumer}.json`);
  }

  /** Loads the file if it exists; a missing file is a consumer that never ran. */
  async load(): Promise<void> {
    let stored: unknown;
    try {
      stored = await readJsonFile(this.file);
    } catch (error) {
      if (!(error instanceof JsonFileError)) throw error;
      throw new CheckpointCorruptError(this.file, 'not a checkpoint file of this version', { cause: error });
    }
    if (stored === undefined) return;
    const result = fileSchema.safeParse(stored);
    if (!result.success)
      throw new CheckpointCorruptError(this.file, 'not a checkpoint file of this version', {
        cause: result.error,
      });
    const parsed = result.data;
    if (parsed.streamName !== this.options.streamName)
      throw new CheckpointCorruptError(
        this.file,
        `written for stream "${parsed.streamName}", not "${this.options.streamName}"`,
      );
    this.shards.clear();
    for (const [shardId, checkpoint] of Object.entries(parsed.shards)) this.shards.set(shardId, checkpoint);
  }

  isEmpty(): boolean {
    return this.shards.size === 0;
  }

  get(shardId: string): ShardCheckpoint | undefined {
    return this.shards.get(shardId);
  }

  /** A copy of every shard's checkpoint. */
  snapshot(): Record<string, ShardCheckpoint> {
    return Object.fromEntries(this.shards);
  }

  set(shardId: string, checkpoint: ShardCheckpoint): void {
    const stamped =
      checkpoint.sequenceNumber === undefined || checkpoint.checkpointedAt !== undefined
        ? checkpoint
        : { ...checkpoint, checkpointedAt: new Date().toISOString() };
    this.write(shardId, { ...this.shards.get(shardId), ...stamped });
  }

  /** Replaces a shard's checkpoint as a whole (a repair may remove its sequence number); persisted like `set`. */
  replace(shardId: string, checkpoint: ShardCheckpoint): void {
    this.write(shardId, { ...checkpoint });
  }

  private write(shardId: string, checkpoint: ShardCheckpoint): void {
    this.shards.set(shardId, checkpoint);
    this.dirty = true;
    this.writing ??= this.writeLoop().finally(() => {
      this.writing = undefined;
    });
  }

  async flush(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
    if (this.dirty) {
      // The last write failed: try once more so flush reports the current state of the disk.
      this.writing = this.writeLoop().finally(() => {
        this.writing = undefined;
      });
      await this.writing;
    }
    if (this.dirty) throw this.lastError;
  }

  private async writeLoop(): Promise<void> {
    // Bounded by the writes requested meanwhile; a failure leaves `dirty` set for the next set() or flush().
    while (this.dirty) {
      this.dirty = false;
      try {
        await this.writeSnapshot();
        this.lastError = undefined;
      } catch (error) {
        this.dirty = true;
        this.lastError = error;
        return;
      }
    }
  }

  private async writeSnapshot(): Promise<void> {
    const body = {
      format: FORMAT,
      consumer: this.options.consumer,
      streamName: this.options.streamName,
      shards: Object.fromEntries([...this.shards].sort(([a], [b]) => (a < b ? -1 : 1))),
    };
    await writeJsonFile(this.file, body);
  }
}
