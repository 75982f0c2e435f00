import { TARGET_KINDS, type TargetKind } from '../../processors/replay/environment-clients.js';
import { ReplayOptionsError } from '../../processors/replay/errors.js';
import type { EventFilter } from '../../processors/replay/event-filter.js';
import { checkTimeRange, parseInstant, type TimeRange } from '../../processors/replay/time-range.js';
import {
  ENVIRONMENT_USAGE,
  EnvironmentError,
  type EnvironmentFlags,
  readEnvironmentFlags,
} from '../environment/index.js';
import { parseArchiveToolArgs } from './archive-tool-flags.js';

export { joinRelativeTimes } from './archive-tool-flags.js';

/** The parsed and checked flags of `npm run replay`. */
export interface ReplayCliArgs {
  /** Absent only with --resume, which takes the range from the checkpoint. */
  readonly range: TimeRange | undefined;
  readonly filter: EventFilter;
  readonly target: TargetKind | undefined;
  /** `--projection-table`: where `--target projection` folds (default: the environment's table). */
  readonly projectionTable: string | undefined;
  readonly createTable: boolean;
  readonly rate: number | undefined;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly resume: boolean;
  readonly checkpoint: string | undefined;
  readonly environment: EnvironmentFlags;
  readonly badInput: 'skip' | 'fail';
  /** MiB of buffered events before sorted runs spill to disk. */
  readonly memoryBudgetMiB: number | undefined;
  readonly distributed: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

/** Usage text of `npm run replay`. */
export const REPLAY_USAGE = `usage: npm run replay -- --from <time> [--to <time>] --target stream|bus|projection [options]

  --from, --to            ISO-8601 or relative to now (-2h, -30m, -1d, now); --to defaults to now
  --aggregate-type <t>    only these aggregate types (repeatable)
  --aggregate-id <id>     only these aggregates (repeatable)
  --event-type <t>        only these event types (repeatable; not with --target projection)
  --target <kind>         stream (re-put on Kinesis), bus (PutEvents with detail.replay), projection (fold into a table)
  --projection-table <t>  projection table (default: the environment's table); --create-table creates it if missing
  --rate <events/s>       token-bucket rate limit
  --dry-run               read and count, show what would be sent, write nothing
  --yes                   do not ask for confirmation (required without a TTY)
  --checkpoint <file>     where progress is saved (default: <data dir>/replay-checkpoint.json, the data dir
                          being --data-dir, else PIPELINE_DATA_DIR, else .local; created if missing)
  --resume                continue the run recorded in the checkpoint
  --bad-input skip|fail   corrupt objects and bad lines are reported and skipped (default) or stop the run
  --memory-budget <MiB>   memory for sorting before sorted runs spill to disk (default: a quarter of
                          Node's heap limit, e.g. 1036 MiB with a 4 GiB heap)
  --distributed           start the Step Functions backfill instead of replaying here (AWS only; not with
                          --create-table, --rate, --dry-run or --resume)
  --json                  print the summary as JSON on stdout

${ENVIRONMENT_USAGE}`;

const positiveNumber = (flag: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new ReplayOptionsError(`${flag} must be a number > 0, got "${text}"`);
  return value;
};

const environmentFlags = (values: Record<string, unknown>): EnvironmentFlags => {
  try {
    return readEnvironmentFlags(values);
  } catch (error) {
    if (error instanceof EnvironmentError) throw new ReplayOptionsError(error.message, { cause: error });
    throw error;
  }
};

/** Parses `npm run replay` flags; throws {@link ReplayOptionsError} with a message naming the flag. */
export function parseReplayArgs(argv: readonly string[], now: Date): ReplayCliArgs {
  const { values } = parseArchiveToolArgs(
    argv,
    {
      'event-type': { type: 'string', multiple: true },
      target: { type: 'string' },
      'projection-table': { type: 'string' },
      'create-table': { type: 'boolean', default: false },
      rate: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      yes: { type: 'boolean', short: 'y', default: false },
      resume: { type: 'boolean', default: false },
      checkpoint: { type: 'string' },
      'memory-budget': { type: 'string' },
      distributed: { type: 'boolean', default: false },
    },
    false,
  );
  const str = (name: string) => values[name] as string | undefined;
  const list = (name: string) => values[name] as string[] | undefined;
  const flag = (name: string) => values[name] === true;
  const help = flag('help');
  if (help) {
    return { help } as ReplayCliArgs;
  }
  const fromText = str('from');
  if (fromText === undefined && !flag('resume')) {
    throw new ReplayOptionsError('--from is required (e.g. --from -2h)');
  }
  const range =
    fromText === undefined
      ? undefined
      : checkTimeRange({
          from: parseInstant(fromText, now, '--from'),
          to: parseInstant(str('to') ?? 'now', now, '--to'),
        });
  const target = str('target');
  if (target !== undefined && !(TARGET_KINDS as readonly string[]).includes(target)) {
    throw new ReplayOptionsError(`--target must be one of ${TARGET_KINDS.join(', ')}, got "${target}"`);
  }
  const dryRun = flag('dry-run');
  if (target === undefined && !dryRun)
    throw new ReplayOptionsError('--target is required (or use --dry-run)');
  if (str('projection-table') !== undefined && target !== 'projection') {
    throw new ReplayOptionsError('--projection-table applies only to --target projection');
  }
  if (str('table') !== undefined && target === 'projection' && str('bucket') === undefined) {
    throw new ReplayOptionsError(
      '--table names the environment’s table in the explicit form (with --bucket); the table to fold into is --projection-table <name>',
    );
  }
  const eventTypes = list('event-type');
  if (target === 'projection' && (eventTypes?.length ?? 0) > 0) {
    throw new ReplayOptionsError(
      '--event-type cannot be used with --target projection: folding a subset of an aggregate’s events would leave gaps',
    );
  }
  const badInput = str('bad-input');
  if (badInput !== 'skip' && badInput !== 'fail') {
    throw new ReplayOptionsError(`--bad-input must be skip or fail, got "${badInput}"`);
  }
  const memoryBudgetMiB = positiveNumber('--memory-budget', str('memory-budget'));
  if (flag('distributed')) {
    // What the state machine decides from the stack's config, or cannot do, is refused rather than ignored.
    const refused: [string, boolean, string][] = [
      ['--create-table', flag('create-table'), 'the stack creates the tables in replay.projectionTables'],
      ['--rate', str('rate') !== undefined, 'the rate is the stack config replay.backfillTargetRate'],
      ['--dry-run', dryRun, 'run a dry run from this machine instead'],
      [
        '--resume',
        flag('resume'),
        'redrive the failed execution instead (aws stepfunctions redrive-execution)',
      ],
    ];
    for (const [name, given, instead] of refused) {
      if (given) throw new ReplayOptionsError(`${name} cannot be used with --distributed: ${instead}`);
    }
  }
  const aggregateTypes = list('aggregate-type');
  const aggregateIds = list('aggregate-id');
  const filter: EventFilter = {
    ...(aggregateTypes === undefined ? {} : { aggregateTypes }),
    ...(aggregateIds === undefined ? {} : { aggregateIds }),
    ...(eventTypes === undefined ? {} : { eventTypes }),
  };
  return {
    range,
    filter,
    target: target as TargetKind | undefined,
    projectionTable: str('projection-table'),
    createTable: flag('create-table'),
    rate: positiveNumber('--rate', str('rate')),
    dryRun,
    yes: flag('yes'),
    resume: flag('resume'),
    checkpoint: str('checkpoint'),
    environment: environmentFlags(values),
    badInput,
    memoryBudgetMiB,
    distributed: flag('distributed'),
    json: flag('json'),
    help,
  };
}
