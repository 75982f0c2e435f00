/**
 * `npm run replay -- …`: replays the S3 archive into the stream, the bus or a projection table, in the environment
 * the flags choose (tools/environment). Exit codes: 0 done, 1 failures or error, 2 bad flags, 3 declined/stopped.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { resolveDataDir } from '../../local/endpoints/endpoints-file.js';
import { orderAggregate } from '../../processors/aggregates/order.js';
import { AggregateRegistry } from '../../processors/aggregates/registry.js';
import { readCheckpoint } from '../../processors/replay/checkpoint.js';
import { archiveSourceFor, targetFor } from '../../processors/replay/environment-clients.js';
import { ReplayOptionsError } from '../../processors/replay/errors.js';
import { runReplay } from '../../processors/replay/run-replay.js';
import { checkTimeRange } from '../../processors/replay/time-range.js';
import {
  type PipelineEnvironment,
  type PipelineResource,
  requireResources,
  resolveEnvironment,
} from '../environment/index.js';
import { formatBackfillProgress, startDistributedBackfill } from './distributed-backfill.js';
import { exitCodeOf } from './exit-code.js';
import { progressPrinter } from './progress-bar.js';
import { parseReplayArgs, REPLAY_USAGE } from './replay-cli-args.js';
import { formatReplaySummary } from './replay-summary-text.js';
import { replayTracingFor } from './replay-tracing.js';

async function main(argv: readonly string[]): Promise<number> {
  const args = parseReplayArgs(argv, new Date());
  if (args.help) {
    console.log(REPLAY_USAGE);
    return 0;
  }
  const dataDir = resolveDataDir(args.environment.dataDir);
  const needs: PipelineResource[] = ['bucket'];
  if (args.target === 'stream' && !args.dryRun) needs.push('streamName');
  if (args.target === 'bus' && !args.dryRun) needs.push('busName');
  if (args.target === 'projection' && args.projectionTable === undefined) needs.push('table');
  const env = requireResources(
    await resolveEnvironment(args.environment),
    `replay${args.target === undefined ? '' : ` --target ${args.target}`}`,
    needs,
  );
  if (args.distributed) {
    if (args.range === undefined || args.target === undefined) {
      throw new ReplayOptionsError('--distributed needs --from and --target');
    }
    const status = await startDistributedBackfill(
      env,
      {
        range: args.range,
        target: args.target,
        ...(args.projectionTable === undefined ? {} : { table: args.projectionTable }),
        filter: args.filter,
      },
      {
        // The execution's output is only the Map Run and its results manifest (ResultWriter): the outcome is
        // the Map Run's counts and the final status; each batch's counts are in the manifest's result files.
        onProgress: (progress) =>
          console.error(
            progress.status === 'STARTED'
              ? `backfill: started ${progress.executionArn} (Ctrl-C stops following, not the backfill)`
              : `backfill: ${formatBackfillProgress(progress)}`,
          ),
      },
    );
    return status === 'SUCCEEDED' ? 0 : 1;
  }
  const checkpointFile = args.checkpoint ?? join(dataDir, 'replay-checkpoint.json');
  let range = args.range;
  if (args.resume) {
    const checkpoint = await readCheckpoint(checkpointFile);
    if (checkpoint === undefined)
      throw new ReplayOptionsError(`--resume: no checkpoint at ${checkpointFile}`);
    // Relative times moved since the first run; the checkpoint's range is the run's range.
    range = checkTimeRange({
      from: new Date(checkpoint.fingerprint.from),
      to: new Date(checkpoint.fingerprint.to),
    });
  }
  if (range === undefined) throw new ReplayOptionsError('--from is required');
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
  if (!args.dryRun && !args.yes && !interactive) {
    throw new ReplayOptionsError('refusing to write without a terminal to confirm on: pass --yes');
  }

  const registry = new AggregateRegistry([orderAggregate]);
  const runId = crypto.randomUUID();
  const target =
    args.target === undefined || args.dryRun
      ? undefined
      : await targetFor(env, {
          kind: args.target,
          registry,
          marker: { runId, replayedAt: new Date().toISOString() },
          ...(args.projectionTable === undefined ? {} : { table: args.projectionTable }),
          createTable: args.createTable,
          checkTable: true,
        });
  const targetName =
    args.target === 'projection'
      ? `projection:${args.projectionTable ?? env.table}`
      : (args.target ?? 'dry-run');
  const progress = progressPrinter(process.stderr);
  const controller = new AbortController();
  const onSignal = () => {
    process.stderr.write(
      '\nstopping after the current chunk; the checkpoint is saved (resume with --resume)\n',
    );
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  const tracing = await replayTracingFor(env, dataDir);
  console.error(
    `replaying ${env.name}: s3://${env.bucket}/${env.archivePrefix} ${range.from.toISOString()} .. ${range.to.toISOString()}`,
  );
  const summary = await runReplay({
    source: archiveSourceFor(env),
    registry,
    range,
    prefix: env.archivePrefix,
    filter: args.filter,
    ...(target === undefined ? {} : { target }),
    targetName,
    dryRun: args.dryRun,
    ...(args.rate === undefined ? {} : { rate: args.rate }),
    badInput: args.badInput,
    ...(args.memoryBudgetMiB === undefined ? {} : { memoryBudgetBytes: args.memoryBudgetMiB * 2 ** 20 }),
    checkpointFile,
    resume: args.resume,
    runId,
    tracing,
    signal: controller.signal,
    onProgress: (p) => progress.update(p),
    ...(args.yes
      ? {}
      : {
          confirm: (plan) => {
            progress.done();
            return confirmOnTerminal(plan, env);
          },
        }),
  }).finally(async () => {
    process.off('SIGINT', onSignal);
    progress.done();
    // Flushes the last batches' spans to the stack before the process exits.
    await tracing.shutdown().catch((error: unknown) => {
      // The replay's outcome stands; only its trace is incomplete.
      console.error(
        `replay: spans could not be sent to the local stack: ${(error as Error)?.message ?? error}`,
      );
    });
  });
  if (args.json) console.log(JSON.stringify(summary, null, 2));
  else console.log(formatReplaySummary(summary));
  if (summary.declined || summary.stopped) return 3;
  return summary.failed > 0 || summary.conflicts.length > 0 ? 1 : 0;
}

async function confirmOnTerminal(
  plan: { target: string; events: number; objects: number },
  env: PipelineEnvironment,
): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `About to write up to ${plan.events.toLocaleString('en-US')} events (from ${plan.objects} objects) to ${plan.target} — environment: ${env.name}. Type "yes" to continue: `,
    );
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

process.exitCode = await exitCodeOf('replay', REPLAY_USAGE, main(process.argv.slice(2)));
