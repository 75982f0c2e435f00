/** How the archive tools (`npm run replay`, `npm run archive`) end: one exit-code rule for both. */
import { ReplayError, ReplayOptionsError } from '../../processors/replay/errors.js';
import { EnvironmentError } from '../environment/index.js';

/**
 * The exit code of a tool's run: what `run` resolves to; 2 after bad flags or an unusable environment (printed with
 * the usage); 1 after any other error (a replay error by its message, anything else in full).
 */
export function exitCodeOf(tool: string, usage: string, run: Promise<number>): Promise<number> {
  return run.catch((error: unknown) => {
    if (error instanceof ReplayOptionsError || error instanceof EnvironmentError) {
      console.error(`${tool}: ${error.message}\n\n${usage}`);
      return 2;
    }
    console.error(error instanceof ReplayError ? `${tool}: ${error.message}` : error);
    return 1;
  });
}
