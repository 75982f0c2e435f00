import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLocalStack, startLocalStack } from '../../local/stack/index.js';
import { tempDataDir } from '../stack/stack-fixture.js';

// With `kinesisLimits`, the stack's three polling readers of a shard (processor mapping, Firehose, Pipe) share its
// 5 GetRecords/s (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html); polling an idle
// shard once a second each, as AWS recommends (https://docs.aws.amazon.com/streams/latest/dev/kinesis-low-latency.html),
// they stay under it.
let stack: RunningLocalStack;
beforeAll(async () => {
  stack = await startLocalStack({
    dataDir: await tempDataDir(),
    shards: 1,
    quiet: true,
    logLevel: 'SILENT',
    kinesisLimits: true,
  });
});
afterAll(() => stack?.stop());

describe('startLocalStack({ kinesisLimits: true })', () => {
  it('counts reads per shard, and idle readers sharing a shard are not throttled', async () => {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const throttles = stack.kinesisThrottles();
    expect(throttles).toBeDefined();
    const [shard] = throttles ?? [];
    expect(shard?.shardId).toBe('shardId-000000000000');
    expect(shard?.acceptedReadCalls).toBeGreaterThanOrEqual(3);
    expect(shard?.throttledReadCalls).toBe(0);
  });
});
