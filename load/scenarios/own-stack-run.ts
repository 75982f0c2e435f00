import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStackOptions, type RunningLocalStack, startLocalStack } from '../../local/stack/index.js';
import { type LoadCommandIo, type LoadCommandResult, runLoadCommand } from '../load-command.js';
import type { LoadOptions } from '../options.js';
import type { LoadReport } from '../report.js';
import { writeReport } from '../report-writer.js';

/** Options of a run against a local stack of its own, beyond the load options. */
export interface OwnStackRunIo extends LoadCommandIo {
  /** Keep the stack's temporary data directory (for a look afterwards). @default false */
  readonly keepDataDir?: boolean;
  /** Told about the stack's background errors. @default ignored */
  readonly onStackError?: (error: unknown, where: string) => void;
}

/** How a scenario that needs its own stack differs from a plain run. */
export interface OwnStackScenario<Extra> {
  /** Names the temporary data directory, `pipeline-<name>-…`. */
  readonly name: string;
  /** What the stack is started with beyond the common settings (faults, Kinesis limits, …). */
  readonly stackOptions: Partial<LocalStackOptions>;
  /** The line logged once the stack runs. */
  describe(stack: RunningLocalStack, dataDir: string): string;
  /** What the stack measured, read after it stopped, and how it goes into the report's run. */
  collect(stack: RunningLocalStack): {
    extra: Extra;
    amend: (run: NonNullable<LoadReport['run']>) => LoadReport['run'];
  };
}

/**
 * Starts a local stack of its own in a temporary data directory, runs the load against it, verifies as every run
 * does, adds what the scenario measured to the report and rewrites it.
 */
export async function runAgainstOwnStack<Extra>(
  options: LoadOptions,
  scenario: OwnStackScenario<Extra>,
  io: OwnStackRunIo = {},
): Promise<LoadCommandResult & { readonly extra: Extra; readonly dataDir: string }> {
  const log = io.log ?? ((line: string) => console.error(line));
  const dataDir = await mkdtemp(join(tmpdir(), `pipeline-${scenario.name}-`));
  try {
    const stack = await startLocalStack({
      dataDir,
      quiet: true,
      logLevel: 'SILENT',
      // Short archive flushes so the drain does not wait on Firehose's buffer.
      archiveBufferIntervalSeconds: 1,
      onError: io.onStackError ?? (() => {}),
      ...scenario.stackOptions,
    });
    let result: LoadCommandResult;
    try {
      log(scenario.describe(stack, dataDir));
      result = await runLoadCommand({ ...options, target: { kind: 'local', environment: { dataDir } } }, io);
    } finally {
      await stack.stop();
    }
    const { extra, amend } = scenario.collect(stack);
    const run = result.report.run;
    const report: LoadReport = run === undefined ? result.report : { ...result.report, run: amend(run) };
    await writeReport(result.reportDir, report);
    return { ...result, report, extra, dataDir };
  } finally {
    if (io.keepDataDir !== true) await rm(dataDir, { recursive: true, force: true });
  }
}
