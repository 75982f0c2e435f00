import { FAULT_KINDS, type FaultCounts, type FaultKind } from '../../local/faults/index.js';
import type { LoadCommandResult } from '../load-command.js';
import { LOAD_DEFAULTS, type LoadOptions } from '../options.js';
import { type OwnStackRunIo, runAgainstOwnStack } from './own-stack-run.js';

/** Options of {@link runChaosCommand} beyond the load options (injected crashes are stack errors). */
export type ChaosCommandIo = OwnStackRunIo;

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
  const enabled = faults.kinds ?? FAULT_KINDS;
  const { extra, ...result } = await runAgainstOwnStack(
    options,
    {
      name: 'chaos',
      stackOptions: { faults },
      describe: (_stack, dataDir) =>
        `chaos: local stack in ${dataDir}, faults at rate ${faults.rate} (seed ${faults.seed ?? 1}): ${enabled.join(', ')}`,
      collect: (stack) => {
        const counts = stack.faults() as FaultCounts;
        const kindsNotInjected = enabled.filter((kind) => counts[kind] === 0);
        return {
          extra: { faults: counts, kindsNotInjected },
          amend: (run) => ({
            ...run,
            faults: counts,
            notes:
              kindsNotInjected.length === 0
                ? run.notes
                : [
                    ...run.notes,
                    `fault kinds never injected: ${kindsNotInjected.join(', ')} (raise --fault-rate or --duration)`,
                  ],
          }),
        };
      },
    },
    io,
  );
  return { ...result, ...extra };
}
