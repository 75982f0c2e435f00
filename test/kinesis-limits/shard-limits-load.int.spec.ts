import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLoadOptions } from '../../load/options.js';
import { ProgressLine } from '../../load/progress-bar.js';
import {
  runShardLimitsCommand,
  type ShardLimitsCommandResult,
} from '../../load/scenarios/shard-limits-command.js';

// The shard-limits scenario on its own stack (1 shard, Pulumi.dev.yaml): over 1,000 events/s on one shard, so
// AWS's write limit (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html) throttles some
// writes; the retries still deliver every accepted event exactly once, in order.
describe('load --scenario shard-limits: where AWS would throttle', () => {
  let dir: string;
  let result: ShardLimitsCommandResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shard-limits-load-'));
    const options = parseLoadOptions([
      '--scenario',
      'shard-limits',
      '--duration',
      '5',
      '--report-dir',
      dir,
      '--drain-timeout',
      '60',
      '--max-attempts',
      '20',
    ]);
    expect(options.kinesisLimits).toBe(true);
    result = await runShardLimitsCommand(options, { progress: new ProgressLine(undefined), log: () => {} });
  }, 120_000);

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('counts throttled writes on the one shard, and verification still passes', async () => {
    expect(result.throttles.shards).toBe(1);
    const [shard] = result.throttles.perShard;
    expect(shard?.shardId).toBe('shardId-000000000000');
    expect(shard?.acceptedWriteRecords).toBeGreaterThan(0);
    expect(shard?.throttledWriteRecords).toBeGreaterThan(0);
    const run = result.report.run;
    expect(run?.delivery).toMatchObject({ lost: 0, appliedTwice: 0, outOfOrder: 0 });
    const markdown = await readFile(join(result.reportDir, 'report.md'), 'utf8');
    expect(markdown).toContain('Where AWS would throttle');
    expect(markdown).toContain(`| shardId-000000000000 | `);
  });
});
