import { InvalidLoadOptionsError, LoadTargetError } from './errors.js';
import { runLoadCommand } from './load-command.js';
import { LOAD_USAGE, parseLoadOptions } from './options.js';
import { asksReverify, parseReverifyOptions, REVERIFY_USAGE } from './reverify-options.js';
import { RunFileError } from './run-file.js';
import { reverifyRunFile } from './run-reverify.js';
import { runChaosCommand } from './scenarios/chaos-command.js';
import { runShardLimitsCommand } from './scenarios/shard-limits-command.js';
import { terminalSummary } from './terminal-summary.js';
import { verdictLines } from './verifier.js';

/** `npm run load -- …`: exit 0 on pass, 1 on a failed verification, 2 on bad options or an unusable target. */
async function main(argv: readonly string[]): Promise<number> {
  if (asksReverify(argv)) return reverify(argv);
  let options: ReturnType<typeof parseLoadOptions>;
  try {
    options = parseLoadOptions(argv);
  } catch (error) {
    if (error instanceof InvalidLoadOptionsError) {
      console.error(`load: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    console.log(`${LOAD_USAGE}\n\n${REVERIFY_USAGE}`);
    return 0;
  }
  try {
    // --scenario chaos (and the fault flags) run against a local stack of their own, started with the faults.
    // --scenario chaos / shard-limits (and their flags) run against a local stack of their own, started for them.
    const { report, reportDir, exitCode } =
      options.faults !== undefined
        ? await runChaosCommand(options)
        : options.kinesisLimits
          ? await runShardLimitsCommand(options)
          : await runLoadCommand(options);
    console.log(terminalSummary(report, reportDir));
    return exitCode;
  } catch (error) {
    if (error instanceof LoadTargetError || error instanceof InvalidLoadOptionsError) {
      console.error(`load: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

/** `npm run load -- --verify <run file>`: the recorded run's verdict, read again from the pipeline. */
async function reverify(argv: readonly string[]): Promise<number> {
  try {
    const options = parseReverifyOptions(argv);
    const result = await reverifyRunFile(options, { log: (line) => console.error(line) });
    const { accepted, sent, rejected, uncertain } = result.counts;
    console.log(
      [
        `run      ${result.runFile}: ${accepted}/${sent} accepted, ${rejected} rejected, ${uncertain} uncertain`,
        ...verdictLines(result.verification),
        ...(result.busSkipped === undefined ? [] : [`note     bus not verified: ${result.busSkipped}`]),
        ...(result.drain.drained ? [] : ['note     not every accepted event was found (see above)']),
        `written  ${result.written}`,
        result.verification.ok ? 'PASS' : 'FAIL',
      ].join('\n'),
    );
    return result.verification.ok ? 0 : 1;
  } catch (error) {
    if (
      error instanceof LoadTargetError ||
      error instanceof InvalidLoadOptionsError ||
      error instanceof RunFileError
    ) {
      console.error(`load: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
