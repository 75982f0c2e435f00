import { parseArgs } from 'node:util';
import {
  chooseEnvironmentSource,
  ENVIRONMENT_OPTIONS,
  EnvironmentError,
  readEnvironmentFlags,
} from '../tools/environment/index.js';
import { InvalidLoadOptionsError } from './errors.js';
import { parseDurationSeconds } from './options.js';
import type { ReverifyOptions } from './run-reverify.js';

/** The `--help` lines of `--verify`. */
export const REVERIFY_USAGE = `Re-verify a recorded run (no traffic):
  npm run load -- --verify <run file> [environment] [--drain-timeout <s>]
  <run file>                the run's run.ndjson (or a find-max step-N.ndjson) in its report folder
  --drain-timeout <s>       wait for events still in flight (default 0: read each place once)
  Reads the projections, the archive from the run's first request on, and the local bus queue file from its start
  (an SQS queue is consumed by the run that read it and is not read again); prints the run's verdict and writes
  reverify-<time>.json beside the run file. Exit 0 PASS, 1 FAIL, 2 bad options or environment.`;

/** True when the command line asks to re-verify a run file (`--verify <file>`, not `--no-verify`). */
export function asksReverify(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === '--verify' || arg.startsWith('--verify='));
}

/**
 * Parses `--verify <run file>` with the environment flags; every problem is an {@link InvalidLoadOptionsError}.
 * @example parseReverifyOptions(['--verify', 'load/reports/2026-11-30T02-00-00Z/run.ndjson', '--data-dir', '.local'])
 */
export function parseReverifyOptions(argv: readonly string[]): ReverifyOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        verify: { type: 'string' },
        target: { type: 'string' },
        ...ENVIRONMENT_OPTIONS,
        'drain-timeout': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new InvalidLoadOptionsError(
      `${(error as Error).message}: --verify <run file> takes only the environment flags and --drain-timeout\n\n${REVERIFY_USAGE}`,
    );
  }
  const runFile = values.verify;
  if (typeof runFile !== 'string' || runFile === '')
    throw new InvalidLoadOptionsError(`--verify needs the run file\n\n${REVERIFY_USAGE}`);
  const target = values.target;
  if (target !== undefined && target !== 'local')
    throw new InvalidLoadOptionsError(`--target: only "local" is known, got "${String(target)}"`);
  let kind: ReverifyOptions['target']['kind'];
  let environment: ReverifyOptions['target']['environment'];
  try {
    environment = readEnvironmentFlags(values);
    const source = chooseEnvironmentSource(environment).kind;
    kind = source === 'data-dir' ? 'local' : source;
  } catch (error) {
    if (error instanceof EnvironmentError) throw new InvalidLoadOptionsError(error.message);
    throw error;
  }
  const drain = values['drain-timeout'];
  return {
    runFile,
    target: { kind, environment },
    drainTimeoutSeconds:
      typeof drain === 'string' && drain !== '0' ? (parseDurationSeconds('drain-timeout', drain) ?? 0) : 0,
  };
}
