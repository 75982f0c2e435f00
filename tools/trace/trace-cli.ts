/** Entry of `npm run trace` (tools/trace/trace-command.ts). */
import { runTraceCommand } from './trace-command.js';

runTraceCommand(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`trace: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
