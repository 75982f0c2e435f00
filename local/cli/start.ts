/**
 * `npm start`: runs the whole pipeline locally, prints endpoints.json (without the ingest token, which stays in the
 * owner-only files) and a status line each second;
 * Ctrl-C stops it cleanly (checkpoints flushed, no partial archive object). Exit 2 on bad flags, 1 on errors.
 */

import { join } from 'node:path';
import { PortInUseError } from '../emulators/index.js';
import { ENDPOINTS_FILE, withoutIngestToken } from '../endpoints/index.js';
import { formatStatusLine, LocalStackError, startLocalStack } from '../stack/index.js';
import { parseStartFlags, START_USAGE, UsageError } from './start-flags.js';

async function main(): Promise<number> {
  let command: ReturnType<typeof parseStartFlags>;
  try {
    command = parseStartFlags(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n\n${START_USAGE}\n`);
    return 2;
  }
  if (command.help) {
    process.stdout.write(`${START_USAGE}\n`);
    return 0;
  }
  let stack: Awaited<ReturnType<typeof startLocalStack>>;
  try {
    stack = await startLocalStack(command.options);
  } catch (error) {
    if (error instanceof PortInUseError || error instanceof LocalStackError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  // The token is a secret: it stays in the 0600 files (terminals and CI logs are read by others).
  process.stdout.write(`${JSON.stringify(withoutIngestToken(stack.endpoints), null, 2)}\n`);
  const endpointsFile = join(stack.dataDir, ENDPOINTS_FILE);
  process.stdout.write(
    `ingest token: not printed; it is "ingestToken" in ${endpointsFile} (readable only by you).\n`,
  );
  process.stdout.write(
    `ready in ${(stack.readyInMs / 1000).toFixed(2)} s (${process.uptime().toFixed(2)} s since the process started); endpoints written to ${endpointsFile}. Ctrl-C stops.\n`,
  );
  process.stdout.write(
    stack.settings.tracing.enabled
      ? `spans: ${join(stack.dataDir, 'traces')} (follow an event with npm run trace -- <eventId>; --no-tracing records none).\n`
      : 'spans: not recorded (--no-tracing).\n',
  );
  const tty = process.stdout.isTTY === true;
  let ticks = 0;
  const timer = setInterval(() => {
    const line = formatStatusLine(stack.stats());
    ticks += 1;
    if (tty)
      process.stdout.write(`\r\x1b[2K${line.slice(0, Math.max(20, (process.stdout.columns ?? 200) - 1))}`);
    else if (ticks % 5 === 0) process.stdout.write(`${line}\n`);
  }, 1000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(timer);
  // A second Ctrl-C while stopping gives up on the clean stop.
  process.once('SIGINT', () => process.exit(130));
  process.stdout.write(`${tty ? '\n' : ''}stopping…\n`);
  await stack.stop();
  process.stdout.write(`stopped: ${formatStatusLine(stack.stats())}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`error: ${(error as Error)?.stack ?? error}\n`);
    process.exit(1);
  },
);
