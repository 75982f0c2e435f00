/**
 * Kinesis per-shard limits, as https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html
 * documents them for a provisioned shard: writes up to 1 MB/s or 1,000 records/s (a record's size counts its data
 * and partition key); reads up to 5 GetRecords transactions/s and 2 MB/s, shared by every reader of the shard
 * ("if a call to GetRecords returns 10 MB, subsequent calls made within the next 5 seconds throw an exception").
 */
export interface ShardLimits {
  /** @default 1_000 */
  readonly writeRecordsPerSecond: number;
  /** @default 1 MiB */
  readonly writeBytesPerSecond: number;
  /** @default 5 */
  readonly readCallsPerSecond: number;
  /** @default 2 MiB */
  readonly readBytesPerSecond: number;
}

/** The documented per-shard limits. */
export const AWS_SHARD_LIMITS: ShardLimits = {
  writeRecordsPerSecond: 1_000,
  writeBytesPerSecond: 1024 * 1024,
  readCallsPerSecond: 5,
  readBytesPerSecond: 2 * 1024 * 1024,
};

/** What was throttled on one shard. */
export interface ShardThrottles {
  readonly shardId: string;
  /** Records refused with ProvisionedThroughputExceededException (PutRecord calls count one each). */
  readonly throttledWriteRecords: number;
  /** GetRecords calls refused with ProvisionedThroughputExceededException. */
  readonly throttledReadCalls: number;
  /** Records and GetRecords calls let through. */
  readonly acceptedWriteRecords: number;
  readonly acceptedReadCalls: number;
}

/** A token bucket that holds at most one second of its rate and refills continuously. */
class TokenBucket {
  #tokens: number;
  #at: number;
  constructor(
    private readonly perSecond: number,
    now: number,
  ) {
    this.#tokens = perSecond;
    this.#at = now;
  }
  /** Tokens available at `now` (may be negative after a debt). */
  level(now: number): number {
    const elapsed = Math.max(0, now - this.#at) / 1000;
    this.#tokens = Math.min(this.perSecond, this.#tokens + elapsed * this.perSecond);
    this.#at = now;
    return this.#tokens;
  }
  /** Takes `amount` if available; false (and nothing taken) otherwise. */
  take(amount: number, now: number): boolean {
    if (this.level(now) < amount) return false;
    this.#tokens -= amount;
    return true;
  }
  /**
   * Takes `amount` known only after the fact, as a debt to be paid at the rate from now: what the documentation
   * describes for reads (10 MB read at 2 MB/s blocks the next 5 seconds), so no unused second offsets it.
   */
  charge(amount: number, now: number): void {
    this.#tokens = Math.min(0, this.level(now)) - amount;
  }
}

interface ShardState {
  readonly records: TokenBucket;
  readonly writeBytes: TokenBucket;
  readonly calls: TokenBucket;
  readonly readBytes: TokenBucket;
  throttledWriteRecords: number;
  throttledReadCalls: number;
  acceptedWriteRecords: number;
  acceptedReadCalls: number;
}

/**
 * Per-shard token buckets for the documented write and read limits, and the throttle counts (pure: time comes
 * from `now`, milliseconds).
 */
export class ShardLimiter {
  readonly limits: ShardLimits;
  readonly #shards = new Map<string, ShardState>();
  readonly #now: () => number;

  constructor(limits: Partial<ShardLimits> = {}, now: () => number = () => performance.now()) {
    this.limits = { ...AWS_SHARD_LIMITS, ...limits };
    this.#now = now;
  }

  /** Whether one record of `bytes` (data + partition key) may be written to `shardId` now; counted either way. */
  admitWrite(shardId: string, bytes: number): boolean {
    const shard = this.#shard(shardId);
    const now = this.#now();
    // Both limits must hold: check both before taking from either.
    if (shard.records.level(now) < 1 || shard.writeBytes.level(now) < bytes) {
      shard.throttledWriteRecords += 1;
      return false;
    }
    shard.records.take(1, now);
    shard.writeBytes.take(bytes, now);
    shard.acceptedWriteRecords += 1;
    return true;
  }

  /** Whether a GetRecords call on `shardId` may run now: a call token, and no read-bytes debt; counted either way. */
  admitRead(shardId: string): boolean {
    const shard = this.#shard(shardId);
    const now = this.#now();
    if (shard.readBytes.level(now) < 0 || !shard.calls.take(1, now)) {
      shard.throttledReadCalls += 1;
      return false;
    }
    shard.acceptedReadCalls += 1;
    return true;
  }

  /** Charges the bytes a GetRecords call returned to its shard's 2 MB/s (may go into debt, as on AWS). */
  chargeRead(shardId: string, bytes: number): void {
    this.#shard(shardId).readBytes.charge(bytes, this.#now());
  }

  /** Throttle counts per shard, sorted by shard ID. */
  throttles(): ShardThrottles[] {
    return [...this.#shards]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([shardId, s]) => ({
        shardId,
        throttledWriteRecords: s.throttledWriteRecords,
        throttledReadCalls: s.throttledReadCalls,
        acceptedWriteRecords: s.acceptedWriteRecords,
        acceptedReadCalls: s.acceptedReadCalls,
      }));
  }

  #shard(shardId: string): ShardState {
    let shard = this.#shards.get(shardId);
    if (shard === undefined) {
      const now = this.#now();
      shard = {
        records: new TokenBucket(this.limits.writeRecordsPerSecond, now),
        writeBytes: new TokenBucket(this.limits.writeBytesPerSecond, now),
        calls: new TokenBucket(this.limits.readCallsPerSecond, now),
        readBytes: new TokenBucket(this.limits.readBytesPerSecond, now),
        throttledWriteRecords: 0,
        throttledReadCalls: 0,
        acceptedWriteRecords: 0,
        acceptedReadCalls: 0,
      };
      this.#shards.set(shardId, shard);
    }
    return shard;
  }
}
