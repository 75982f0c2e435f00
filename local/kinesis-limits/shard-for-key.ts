import { createHash } from 'node:crypto';

/** One shard's hash key range, as ListShards answers it (decimal strings). */
export interface ShardHashRange {
  readonly shardId: string;
  readonly startingHashKey: string;
  readonly endingHashKey: string;
}

/**
 * The shard a record goes to: the MD5 of its partition key as a 128-bit integer, or its ExplicitHashKey, within a
 * shard's hash key range (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html: "An MD5
 * hash function is used to map partition keys to 128-bit integer values and to map associated data records to
 * shards"). Undefined when no range holds it.
 */
export function shardForKey(
  ranges: readonly ShardHashRange[],
  partitionKey: string,
  explicitHashKey?: string,
): string | undefined {
  const hash =
    explicitHashKey === undefined
      ? BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`)
      : BigInt(explicitHashKey);
  for (const range of ranges)
    if (hash >= BigInt(range.startingHashKey) && hash <= BigInt(range.endingHashKey)) return range.shardId;
  return undefined;
}
