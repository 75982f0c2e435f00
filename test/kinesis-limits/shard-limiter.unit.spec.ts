import { describe, expect, it } from 'vitest';
import { AWS_SHARD_LIMITS, ShardLimiter, shardForKey } from '../../local/kinesis-limits/index.js';

// Limits from https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html: per shard, writes
// 1 MB/s or 1,000 records/s; reads 5 GetRecords transactions/s and 2 MB/s ("if a call to GetRecords returns
// 10 MB, subsequent calls made within the next 5 seconds throw an exception").
function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('ShardLimiter: token buckets per shard, one second of each documented limit', () => {
  it('uses the documented numbers', () => {
    expect(AWS_SHARD_LIMITS).toEqual({
      writeRecordsPerSecond: 1000,
      writeBytesPerSecond: 1_048_576,
      readCallsPerSecond: 5,
      readBytesPerSecond: 2_097_152,
    });
  });

  it('admits 1,000 records in a second on one shard and throttles the 1,001st; another shard is independent', () => {
    const c = clock();
    const limiter = new ShardLimiter({}, c.now);
    let admitted = 0;
    for (let i = 0; i < 1500; i += 1) if (limiter.admitWrite('shard-0', 10)) admitted += 1;
    expect(admitted).toBe(1000);
    expect(limiter.admitWrite('shard-1', 10)).toBe(true);
    const [s0, s1] = limiter.throttles();
    expect(s0).toMatchObject({ shardId: 'shard-0', throttledWriteRecords: 500, acceptedWriteRecords: 1000 });
    expect(s1).toMatchObject({ shardId: 'shard-1', throttledWriteRecords: 0, acceptedWriteRecords: 1 });
  });

  it('refills continuously: 100 ms later 100 more records pass, not 101', () => {
    const c = clock();
    const limiter = new ShardLimiter({}, c.now);
    for (let i = 0; i < 1000; i += 1) limiter.admitWrite('s', 1);
    c.advance(100);
    let admitted = 0;
    for (let i = 0; i < 200; i += 1) if (limiter.admitWrite('s', 1)) admitted += 1;
    expect(admitted).toBe(100);
  });

  it('throttles on 1 MiB/s of bytes before the record count', () => {
    const c = clock();
    const limiter = new ShardLimiter({}, c.now);
    const size = 256 * 1024;
    const results = Array.from({ length: 5 }, () => limiter.admitWrite('s', size));
    expect(results).toEqual([true, true, true, true, false]);
    c.advance(250);
    expect(limiter.admitWrite('s', size)).toBe(true);
  });

  it('admits 5 GetRecords calls per second per shard, shared by all readers', () => {
    const c = clock();
    const limiter = new ShardLimiter({}, c.now);
    const results = Array.from({ length: 7 }, () => limiter.admitRead('s'));
    expect(results).toEqual([true, true, true, true, true, false, false]);
    c.advance(200);
    expect(limiter.admitRead('s')).toBe(true);
    expect(limiter.admitRead('s')).toBe(false);
    expect(limiter.throttles()[0]).toMatchObject({ throttledReadCalls: 3, acceptedReadCalls: 6 });
  });

  it('a 10 MB read blocks reads of the shard for the next 5 seconds, as the documentation describes', () => {
    const c = clock();
    const limiter = new ShardLimiter({}, c.now);
    expect(limiter.admitRead('s')).toBe(true);
    limiter.chargeRead('s', 10 * 1024 * 1024);
    c.advance(4_900);
    expect(limiter.admitRead('s')).toBe(false);
    c.advance(200);
    expect(limiter.admitRead('s')).toBe(true);
  });
});

describe('shardForKey: MD5 of the partition key within the hash key ranges', () => {
  const half = (2n ** 127n).toString();
  const ranges = [
    { shardId: 'a', startingHashKey: '0', endingHashKey: (2n ** 127n - 1n).toString() },
    { shardId: 'b', startingHashKey: half, endingHashKey: (2n ** 128n - 1n).toString() },
  ];
  it('maps by the MD5 high bit for two even shards', async () => {
    const { createHash } = await import('node:crypto');
    for (const key of ['a', 'order-1', 'order-2', 'x', 'y', 'z']) {
      const high = createHash('md5').update(key).digest()[0] as number;
      expect(shardForKey(ranges, key)).toBe(high >= 128 ? 'b' : 'a');
    }
  });
  it('an ExplicitHashKey wins over the partition key', () => {
    expect(shardForKey(ranges, 'a', '0')).toBe('a');
    expect(shardForKey(ranges, 'a', half)).toBe('b');
  });
});
