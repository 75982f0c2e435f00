import type { ShardCheckpoint } from './checkpoint-store.js';

/** Where a consumer starts reading a stream it has no checkpoint for. */
export const StartingPosition = {
  TRIM_HORIZON: 'TRIM_HORIZON',
  LATEST: 'LATEST',
  AT_TIMESTAMP: 'AT_TIMESTAMP',
} as const;
export type StartingPosition = (typeof StartingPosition)[keyof typeof StartingPosition];

/** The GetShardIterator request a shard reader opens with. */
export type IteratorStart =
  | { readonly type: 'TRIM_HORIZON' }
  | { readonly type: 'LATEST' }
  | { readonly type: 'AT_TIMESTAMP'; readonly timestamp: Date }
  | { readonly type: 'AFTER_SEQUENCE_NUMBER'; readonly sequenceNumber: string };

/** What is known about a shard when its reader starts. */
export interface IteratorStartInput {
  /** The shard's persisted checkpoint, if any. */
  readonly checkpoint: ShardCheckpoint | undefined;
  /** True when this consumer has never run before (its checkpoint file held no shard at all). */
  readonly firstRun: boolean;
  readonly startingPosition: StartingPosition;
  /** Required with AT_TIMESTAMP. */
  readonly startingTimestamp?: Date;
}

/**
 * Decides where a shard reader opens. A checkpointed sequence number always wins. A shard the consumer
 * started on but never checkpointed resumes from the time it first started (so a restart before the first
 * record loses nothing, even from LATEST). A shard that appears after the consumer's first run (a split or
 * merge child) is read from TRIM_HORIZON, as Lambda does for new shards.
 */
export function resolveIteratorStart(input: IteratorStartInput): IteratorStart {
  const { checkpoint, startingPosition } = input;
  if (checkpoint?.sequenceNumber !== undefined)
    return { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint.sequenceNumber };
  if (checkpoint === undefined && !input.firstRun) return { type: 'TRIM_HORIZON' };
  switch (startingPosition) {
    case 'TRIM_HORIZON':
      return { type: 'TRIM_HORIZON' };
    case 'AT_TIMESTAMP':
      return { type: 'AT_TIMESTAMP', timestamp: input.startingTimestamp ?? new Date(0) };
    case 'LATEST':
      return checkpoint?.startedAt === undefined
        ? { type: 'LATEST' }
        : { type: 'AT_TIMESTAMP', timestamp: new Date(checkpoint.startedAt) };
    default: {
      const never: never = startingPosition;
      throw new Error(`unknown starting position ${String(never)}`);
    }
  }
}
