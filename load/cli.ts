import { InvalidLoadOptionsError, LoadTargetError } from './errors.js';
import { runLoadCommand } from './load-command.js';
import { LOAD_USAGE, parseLoadOptions } from './options.js';
import { terminalSummary } from './terminal-summary.js';

/** `npm run load -- …`: exit 0 on pass, 1 on a failed verification, 2 on bad options or an unusable target. */
async function main(argv: readonly string[]): Promise<number> {
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
    console.log(LOAD_USAGE);
    return 0;
  }
  try {
    const { report, reportDir, exitCode } = await runLoadCommand(options);
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
