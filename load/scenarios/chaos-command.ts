import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAULT_KINDS, type FaultCounts, type FaultKind } from '../../local/faults/index.js';
import { startLocalStack } from '../../local/stack/index.js';
import { type LoadCommandIo, type LoadCommandResult, runLoadCommand } from '../load-command.js';
import { LOAD_DEFAULTS, type LoadOptions } from '../options.js';
import type { LoadReport } from '../report.js';
import { writeReport } from '../report-writer.js';

/** Options of {@link runChaosCommand} beyond the load options. */
export interface ChaosCommandIo extends LoadCommandIo {
  /** Keep the stack's temporary data directory (for a look afterwards). @default false */
  readonly keepDataDir?: boolean;
  /** Told about the stack's background errors (injected crashes are function errors). @default ignored */
  readonly onStackError?: (error: unknown, where: string) => void;
}

/** What a chaos run produced: the load command's result, with the faults injected. */
export interface ChaosCommandResult extends LoadCommandResult {
  /** Faults the stack injected during the run, by kind. */
  readonly faults: FaultCounts;
  /** Enabled kinds never injected (too short a run, or too low a rate). */
  readonly kindsNotInjected: readonly FaultKind[];
  readonly dataDir: string;
}

/**
 * `npm run load -- --scenario chaos`: starts a local stack of its own in a temporary data directory with the
 * faults of `options.faults` (docs/load.md "Chaos"), runs the load against it, verifies version and chain of
 * every aggregate, the archive and the bus, and adds the faults injected by kind to the report. The run passes
 * when verification does: 0 lost, 0 applied twice, 0 out of order, every accepted event archived and bridged.
 */
export async function runChaosCommand(
  options: LoadOptions,
  io: ChaosCommandIo = {},
): Promise<ChaosCommandResult> {
  const faults = options.faults ?? { rate: LOAD_DEFAULTS.faultRate, seed: options.seed };
  const log = io.log ?? ((line: string) => console.error(line));
  const dataDir = await mkdtemp(join(tmpdir(), 'pipeline-chaos-'));
  try {
    const stack = await startLocalStack({
      dataDir,
      quiet: true,
      logLevel: 'SILENT',
      // Short archive flushes so the drain does not wait on Firehose's buffer.
      archiveBufferIntervalSeconds: 1,
      faults,
      onError: io.onStackError ?? (() => {}),
    });
    let result: LoadCommandResult;
    try {
      log(
        `chaos: local stack in ${dataDir}, faults at rate ${faults.rate} (seed ${faults.seed ?? 1}): ${(faults.kinds ?? FAULT_KINDS).join(', ')}`,
      );
      result = await runLoadCommand({ ...options, target: { kind: 'local', environment: { dataDir } } }, io);
    } finally {
      await stack.stop();
    }
    const counts = stack.faults() as FaultCounts;
    const enabled = faults.kinds ?? FAULT_KINDS;
    const kindsNotInjected = enabled.filter((kind) => counts[kind] === 0);
    const run = result.report.run;
    const report: LoadReport =
      run === undefined
        ? result.report
        : {
            ...result.report,
            run: {
              ...run,
              faults: counts,
              notes:
                kindsNotInjected.length === 0
                  ? run.notes
                  : [
                      ...run.notes,
                      `fault kinds never injected: ${kindsNotInjected.join(', ')} (raise --fault-rate or --duration)`,
                    ],
            },
          };
    await writeReport(result.reportDir, report);
    return { ...result, report, faults: counts, kindsNotInjected, dataDir };
  } finally {
    if (io.keepDataDir !== true) await rm(dataDir, { recursive: true, force: true });
  }
}
