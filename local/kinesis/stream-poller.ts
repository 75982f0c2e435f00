import { type KinesisClient, ListShardsCommand, type Shard } from '@aws-sdk/client-kinesis';
import { abortableSleep } from './abortable-sleep.js';
import type { CheckpointStore } from './checkpoint-store.js';
import { InvalidReaderOptionsError } from './errors.js';
import { type ShardDescription, shardsReadyToStart } from './shard-lineage.js';
import { type ShardLag, ShardReader } from './shard-reader.js';
import { resolveIteratorStart, StartingPosition } from './starting-position.js';

/** What a consumer gets for one shard: a reader positioned after its checkpoint, and a way to checkpoint. */
export interface ShardLease {
  readonly shardId: string;
  readonly reader: ShardReader;
  /** Aborts when the poller stops: finish the record in hand, checkpoint, and return. */
  readonly signal: AbortSignal;
  /** Marks every record up to and including `sequenceNumber` as processed. */
  checkpoint(sequenceNumber: string): void;
  /** Sleeps `ms`, waking early on stop. */
  sleep(ms: number): Promise<void>;
}

/**
 * Consumes one shard until `lease.signal` aborts or `lease.reader.ended`. Returning after the reader ended
 * tells the poller every record was processed and checkpointed, so the shard's children may start.
 * Throwing restarts the shard from its checkpoint after a back-off.
 */
export type ShardConsumer = (lease: ShardLease) => Promise<void>;

/** Options of {@link KinesisStreamPoller}. */
export interface KinesisStreamPollerOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly checkpoints: CheckpointStore;
  readonly consumeShard: ShardConsumer;
  /** Where a consumer with no checkpoint starts. @default 'TRIM_HORIZON' */
  readonly startingPosition?: StartingPosition;
  /** Required with AT_TIMESTAMP. */
  readonly startingTimestamp?: Date;
  /** How often ListShards looks for new shards. @default 5000 */
  readonly shardDiscoveryIntervalMs?: number;
  /** Pause before restarting a shard whose consumer threw. @default 1000 */
  readonly errorBackoffMs?: number;
  /** Told about every error a shard consumer or shard discovery throws. @default ignore */
  readonly onError?: (error: unknown, shardId: string | undefined) => void;
}

interface ResolvedPollerOptions extends Required<Omit<KinesisStreamPollerOptions, 'startingTimestamp'>> {
  readonly startingTimestamp: Date | undefined;
}

/**
 * Reads every shard of a stream, one consumer loop per shard running concurrently, parents before
 * children, each from its persisted checkpoint. Reusable by every emulated reader (Lambda ESM, Firehose,
 * Pipe): each gives its own consumer name, so each keeps its own checkpoints.
 * @example
 * const poller = new KinesisStreamPoller({ client, streamName, checkpoints, consumeShard: async (lease) => {
 *   while (!lease.signal.aborted && !lease.reader.ended) {
 *     const records = await lease.reader.read(100);
 *     if (records.length === 0) { await lease.sleep(200); continue; }
 *     lease.checkpoint(records.at(-1)!.sequenceNumber);
 *   }
 * } });
 * await poller.start();
 */
export class KinesisStreamPoller {
  private readonly options: ResolvedPollerOptions;
  private readonly running = new Map<string, { reader: ShardReader | undefined; done: Promise<void> }>();
  private readonly finished = new Set<string>();
  private readonly lastLag = new Map<string, ShardLag>();
  private controller = new AbortController();
  private discovery: Promise<void> | undefined;
  private firstRun = false;

  constructor(options: KinesisStreamPollerOptions) {
    if (options.startingPosition === 'AT_TIMESTAMP' && options.startingTimestamp === undefined)
      throw new InvalidReaderOptionsError('startingPosition AT_TIMESTAMP needs startingTimestamp');
    this.options = {
      client: options.client,
      streamName: options.streamName,
      checkpoints: options.checkpoints,
      consumeShard: options.consumeShard,
      startingPosition: options.startingPosition ?? StartingPosition.TRIM_HORIZON,
      startingTimestamp: options.startingTimestamp,
      shardDiscoveryIntervalMs: options.shardDiscoveryIntervalMs ?? 5000,
      errorBackoffMs: options.errorBackoffMs ?? 1000,
      onError: options.onError ?? (() => {}),
    };
  }

  /** Loads checkpoints, lists shards and starts a consumer loop per ready shard. */
  async start(): Promise<void> {
    if (this.discovery !== undefined) return;
    this.controller = new AbortController();
    await this.options.checkpoints.load();
    this.firstRun = this.options.checkpoints.isEmpty();
    await this.discoverOnce();
    this.firstRun = false;
    this.discovery = this.discoveryLoop();
  }

  /** Stops every shard loop (each finishes what it holds), then flushes checkpoints. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.discovery;
    this.discovery = undefined;
    await Promise.all([...this.running.values()].map((entry) => entry.done));
    await this.options.checkpoints.flush();
  }

  /** Per-shard lag for the status line, running shards first. */
  lag(): ShardLag[] {
    for (const [shardId, entry] of this.running)
      if (entry.reader !== undefined) this.lastLag.set(shardId, entry.reader.lag());
    return [...this.lastLag.values()].sort((a, b) => (a.shardId < b.shardId ? -1 : 1));
  }

  /** Ids of shards with a running consumer loop. */
  activeShards(): string[] {
    return [...this.running.keys()].sort();
  }

  private async discoveryLoop(): Promise<void> {
    const signal = this.controller.signal;
    while (!signal.aborted) {
      await abortableSleep(this.options.shardDiscoveryIntervalMs, signal);
      if (signal.aborted) return;
      try {
        await this.discoverOnce();
      } catch (error) {
        this.options.onError(error, undefined);
      }
    }
  }

  private async discoverOnce(): Promise<void> {
    const listed = await this.listShards();
    for (const shard of listed) {
      const checkpoint = this.options.checkpoints.get(shard.shardId);
      if (checkpoint?.finished === true) this.finished.add(shard.shardId);
    }
    const ready = shardsReadyToStart(listed, this.finished, new Set(this.running.keys()));
    for (const shard of ready) this.launch(shard.shardId);
  }

  private async listShards(): Promise<ShardDescription[]> {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    // Bounded: one page per 1,000 shards; kinesalite caps an account far lower.
    for (let page = 0; page < 100; page += 1) {
      const output = await this.options.client.send(
        new ListShardsCommand(
          nextToken === undefined ? { StreamName: this.options.streamName } : { NextToken: nextToken },
        ),
      );
      shards.push(...(output.Shards ?? []));
      nextToken = output.NextToken;
      if (nextToken === undefined) break;
    }
    return shards.map((shard) => ({
      shardId: shard.ShardId ?? '',
      parentShardId: shard.ParentShardId,
      adjacentParentShardId: shard.AdjacentParentShardId,
    }));
  }

  private launch(shardId: string): void {
    const entry: { reader: ShardReader | undefined; done: Promise<void> } = {
      reader: undefined,
      done: Promise.resolve(),
    };
    this.running.set(shardId, entry);
    entry.done = this.runShard(shardId, entry).finally(() => {
      if (entry.reader !== undefined) this.lastLag.set(shardId, entry.reader.lag());
      this.running.delete(shardId);
    });
  }

  private async runShard(shardId: string, entry: { reader: ShardReader | undefined }): Promise<void> {
    const signal = this.controller.signal;
    const { checkpoints } = this.options;
    // Bounded by stop(): every pass either ends the shard, or backs off after an error.
    while (!signal.aborted) {
      const checkpoint = checkpoints.get(shardId);
      const start = resolveIteratorStart({
        checkpoint,
        firstRun: this.firstRun,
        startingPosition: this.options.startingPosition,
        ...(this.options.startingTimestamp === undefined
          ? {}
          : { startingTimestamp: this.options.startingTimestamp }),
      });
      if (checkpoint === undefined) checkpoints.set(shardId, { startedAt: new Date().toISOString() });
      const reader = new ShardReader({
        client: this.options.client,
        streamName: this.options.streamName,
        shardId,
        start,
      });
      entry.reader = reader;
      const lease: ShardLease = {
        shardId,
        reader,
        signal,
        checkpoint: (sequenceNumber) => checkpoints.set(shardId, { sequenceNumber }),
        sleep: (ms) => abortableSleep(ms, signal),
      };
      try {
        await this.options.consumeShard(lease);
      } catch (error) {
        this.options.onError(error, shardId);
        await abortableSleep(this.options.errorBackoffMs, signal);
        continue;
      }
      // A consumer that returned because of stop() may still hold records: only a clean end finishes a shard.
      if (reader.ended && !signal.aborted) {
        checkpoints.set(shardId, { finished: true });
        this.finished.add(shardId);
        // Children may be ready now; do not wait for the next discovery tick.
        if (!signal.aborted)
          await this.discoverOnce().catch((error) => this.options.onError(error, undefined));
      }
      return;
    }
  }
}
