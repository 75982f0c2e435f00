export { KinesisLimits, type KinesisLimitsOptions } from './kinesis-limits.js';
export { type ShardHashRange, shardForKey } from './shard-for-key.js';
export { AWS_SHARD_LIMITS, ShardLimiter, type ShardLimits, type ShardThrottles } from './shard-limiter.js';
