import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AWS_SHARD_LIMITS } from '../../local/kinesis-limits/index.js';
import { startLocalStack } from '../../local/stack/index.js';
import { type LoadCommandIo, type LoadCommandResult, runLoadCommand } from '../load-command.js';
import type { LoadOptions } from '../options.js';
import type { LoadReport } from '../report.js';
import type { KinesisThrottleReport } from '../report-kinesis-throttles.js';
import { writeReport } from '../report-writer.js';

/** Options of {@link runShardLimitsCommand} beyond the load options. */
export interface ShardLimitsCommandIo extends LoadCommandIo {
  /** Keep the stack's temporary data directory. @default false */
  readonly keepDataDir?: boolean;
  /** Told about the stack's background errors (throttled reads are among them). @default ignored */
  readonly onStackError?: (error: unknown, where: string) => void;
}

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
  const log = io.log ?? ((line: string) => console.error(line));
  const dataDir = await mkdtemp(join(tmpdir(), 'pipeline-shard-limits-'));
  try {
    const stack = await startLocalStack({
      dataDir,
      quiet: true,
      logLevel: 'SILENT',
      archiveBufferIntervalSeconds: 1,
      kinesisLimits: true,
      onError: io.onStackError ?? (() => {}),
    });
    let result: LoadCommandResult;
    try {
      log(
        `shard-limits: local stack in ${dataDir}, ${stack.settings.shards} shard(s) at AWS's Kinesis limits`,
      );
      result = await runLoadCommand({ ...options, target: { kind: 'local', environment: { dataDir } } }, io);
    } finally {
      await stack.stop();
    }
    const throttles: KinesisThrottleReport = {
      shards: stack.settings.shards,
      limits: AWS_SHARD_LIMITS,
      perShard: stack.kinesisThrottles() ?? [],
    };
    const run = result.report.run;
    const report: LoadReport =
      run === undefined ? result.report : { ...result.report, run: { ...run, kinesisThrottles: throttles } };
    await writeReport(result.reportDir, report);
    return { ...result, report, throttles, dataDir };
  } finally {
    if (io.keepDataDir !== true) await rm(dataDir, { recursive: true, force: true });
  }
}
