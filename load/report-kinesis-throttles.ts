import type { ShardLimits, ShardThrottles } from '../local/kinesis-limits/index.js';
import { fmt } from './number-format.js';

/** Where the run would have been throttled on AWS: the local stack's Kinesis limits, per shard (`--scenario shard-limits`). */
export interface KinesisThrottleReport {
  /** The stream's shard count (the stack config's `stream.shardCount`). */
  readonly shards: number;
  readonly limits: ShardLimits;
  readonly perShard: readonly ShardThrottles[];
}

/** The "Where AWS would throttle" section of report.md (pure); empty when the run had no Kinesis limits. */
export function kinesisThrottleSection(report: KinesisThrottleReport | undefined, heading = '##'): string[] {
  if (report === undefined) return [];
  const { limits } = report;
  const writes = report.perShard.reduce((sum, s) => sum + s.throttledWriteRecords, 0);
  const reads = report.perShard.reduce((sum, s) => sum + s.throttledReadCalls, 0);
  return [
    `${heading}# Where AWS would throttle`,
    '',
    `Kinesis per-shard limits enforced on ${fmt(report.shards)} shard(s): writes ${fmt(limits.writeRecordsPerSecond)} records/s or ${fmt(limits.writeBytesPerSecond / 1024 / 1024, 1)} MiB/s, reads ${fmt(limits.readCallsPerSecond)} GetRecords/s and ${fmt(limits.readBytesPerSecond / 1024 / 1024, 1)} MiB/s shared by every reader (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html). ` +
      (writes + reads === 0
        ? 'Nothing was throttled: this load fits the configured shard count.'
        : `${fmt(writes)} record writes and ${fmt(reads)} GetRecords calls were answered ProvisionedThroughputExceededException (then retried): on AWS this load needs more shards or a lower rate.`),
    '',
    '| shard | writes accepted | writes throttled | reads accepted | reads throttled |',
    '|---|---|---|---|---|',
    ...report.perShard.map(
      (s) =>
        `| ${s.shardId} | ${fmt(s.acceptedWriteRecords)} | ${fmt(s.throttledWriteRecords)} | ${fmt(s.acceptedReadCalls)} | ${fmt(s.throttledReadCalls)} |`,
    ),
    '',
  ];
}

/** The terminal summary's line for the same figures (pure); undefined when the run had no Kinesis limits. */
export function kinesisThrottleLine(report: KinesisThrottleReport | undefined): string | undefined {
  if (report === undefined) return undefined;
  const parts = report.perShard.map(
    (s) => `${s.shardId} writes ${fmt(s.throttledWriteRecords)}, reads ${fmt(s.throttledReadCalls)}`,
  );
  return `throttle ${fmt(report.shards)} shard(s) at AWS limits: ${parts.length === 0 ? 'no traffic' : parts.join('; ')}`;
}
