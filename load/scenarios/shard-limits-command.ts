import { AWS_SHARD_LIMITS } from '../../local/kinesis-limits/index.js';
import type { LoadCommandResult } from '../load-command.js';
import type { LoadOptions } from '../options.js';
import type { KinesisThrottleReport } from '../report-kinesis-throttles.js';
import { type OwnStackRunIo, runAgainstOwnStack } from './own-stack-run.js';

/** Options of {@link runShardLimitsCommand} beyond the load options (throttled reads are stack errors). */
export type ShardLimitsCommandIo = OwnStackRunIo;

/** What a shard-limits run produced: the load command's result, with the throttles per shard. */
export interface ShardLimitsCommandResult extends LoadCommandResult {
  readonly throttles: KinesisThrottleReport;
  readonly dataDir: string;
}

/**
 * `npm run load -- --scenario shard-limits` (or `--kinesis-limits`): starts a local stack of its own in a
 * temporary data directory with Kinesis per-shard limits enforced (docs/load.md "Where AWS would throttle"), runs
 * the load against it, verifies as every run does, and adds the throttles per shard to the report.
 */
export async function runShardLimitsCommand(
  options: LoadOptions,
  io: ShardLimitsCommandIo = {},
): Promise<ShardLimitsCommandResult> {
  const { extra, ...result } = await runAgainstOwnStack(
    options,
    {
      name: 'shard-limits',
      stackOptions: { kinesisLimits: true },
      describe: (stack, dataDir) =>
        `shard-limits: local stack in ${dataDir}, ${stack.settings.shards} shard(s) at AWS's Kinesis limits`,
      collect: (stack) => {
        const throttles: KinesisThrottleReport = {
          shards: stack.settings.shards,
          limits: AWS_SHARD_LIMITS,
          perShard: stack.kinesisThrottles() ?? [],
        };
        return { extra: throttles, amend: (run) => ({ ...run, kinesisThrottles: throttles }) };
      },
    },
    io,
  );
  return { ...result, throttles: extra };
}
