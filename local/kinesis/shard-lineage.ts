/** The parts of a ListShards entry that decide read order. */
export interface ShardDescription {
  readonly shardId: string;
  readonly parentShardId?: string | undefined;
  readonly adjacentParentShardId?: string | undefined;
}

/**
 * Shards that may start now: not finished, not already running, and every parent either finished or no
 * longer listed (trimmed). Reading a child only after its parents keeps each partition key in order across
 * splits and merges, as the KCL and Lambda do.
 */
export function shardsReadyToStart(
  listed: readonly ShardDescription[],
  finished: ReadonlySet<string>,
  running: ReadonlySet<string>,
): ShardDescription[] {
  const listedIds = new Set(listed.map((shard) => shard.shardId));
  const parentDone = (parent: string | undefined) =>
    parent === undefined || finished.has(parent) || !listedIds.has(parent);
  return listed.filter(
    (shard) =>
      !finished.has(shard.shardId) &&
      !running.has(shard.shardId) &&
      parentDone(shard.parentShardId) &&
      parentDone(shard.adjacentParentShardId),
  );
}
