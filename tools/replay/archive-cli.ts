/**
 * `npm run archive -- verify --from … --to …`: per-aggregate sequence coverage of the archive (gaps, duplicates,
 * conflicts) as a table, or JSON with `--json`. Exit codes: 0 clean, 1 findings (gaps, conflicts, unreadable objects)
 * or error, 2 bad flags, 3 no archive object in the range (nothing verified). Duplicates and poison lines are
 * information, not findings.
 */
import { orderAggregate } from '../../processors/aggregates/order.js';
import { AggregateRegistry } from '../../processors/aggregates/registry.js';
import { archiveSourceFor } from '../../processors/replay/environment-clients.js';
import { ReplayOptionsError } from '../../processors/replay/errors.js';
import { checkTimeRange, parseInstant } from '../../processors/replay/time-range.js';
import { formatVerification, verifyArchive } from '../../processors/replay/verify-archive.js';
import {
  ENVIRONMENT_USAGE,
  readEnvironmentFlags,
  requireResources,
  resolveEnvironment,
} from '../environment/index.js';
import { parseArchiveToolArgs } from './archive-tool-flags.js';
import { exitCodeOf } from './exit-code.js';

const USAGE = `usage: npm run archive -- verify --from <time> [--to <time>] [options]

  --from, --to            ISO-8601 or relative to now (-2h, -1d, now); --to defaults to now
  --aggregate-type <t>    only these aggregate types (repeatable)
  --aggregate-id <id>     only these aggregates (repeatable)
  --all                   list every aggregate, not only those with findings
  --json                  print JSON instead of the table
  --bad-input skip|fail   (default skip)

Exit codes: 0 clean; 1 gaps, conflicts or unreadable objects (duplicates and poison lines are information);
2 bad flags; 3 no archive object in the range (nothing verified).

${ENVIRONMENT_USAGE}`;

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArchiveToolArgs(argv, { all: { type: 'boolean', default: false } }, true);
  const { values } = parsed;
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const [command, ...rest] = parsed.positionals;
  if (command !== 'verify' || rest.length > 0) {
    throw new ReplayOptionsError(`unknown command "${parsed.positionals.join(' ')}"; the command is verify`);
  }
  if (typeof values.from !== 'string') throw new ReplayOptionsError('--from is required');
  const now = new Date();
  const range = checkTimeRange({
    from: parseInstant(values.from, now, '--from'),
    to: parseInstant(typeof values.to === 'string' ? values.to : 'now', now, '--to'),
  });
  const badInput = values['bad-input'];
  if (badInput !== 'skip' && badInput !== 'fail')
    throw new ReplayOptionsError('--bad-input must be skip or fail');
  const env = requireResources(await resolveEnvironment(readEnvironmentFlags(values)), 'archive verify', [
    'bucket',
  ]);
  const types = values['aggregate-type'] as string[] | undefined;
  const ids = values['aggregate-id'] as string[] | undefined;
  const verification = await verifyArchive({
    source: archiveSourceFor(env),
    registry: new AggregateRegistry([orderAggregate]),
    range,
    prefix: env.archivePrefix,
    filter: {
      ...(types === undefined ? {} : { aggregateTypes: types }),
      ...(ids === undefined ? {} : { aggregateIds: ids }),
    },
    badInput,
    includeClean: values.all === true,
  });
  console.log(
    values.json === true ? JSON.stringify(verification, null, 2) : formatVerification(verification),
  );
  return verification.outcome === 'clean' ? 0 : verification.outcome === 'empty' ? 3 : 1;
}

process.exitCode = await exitCodeOf('archive', USAGE, main(process.argv.slice(2)));
