import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { resolveDataDir } from '../../local/endpoints/endpoints-file.js';
import { orderAggregate } from '../../processors/aggregates/order.js';
import { AggregateRegistry } from '../../processors/aggregates/registry.js';
import { resolveEngineOptions } from '../../processors/engine/options.js';
import {
  applySkip,
  listGaps,
  loadForOperator,
  planSkip,
} from '../../processors/operator/aggregate-operations.js';
import { formatAggregate, formatGaps } from './format.js';
import { resolveOperatorTarget } from './operator-store.js';

const USAGE = `Usage: npm run aggregates -- <command> [options]

Commands:
  stalled                     list aggregates whose gap is older than the max gap age
  show <type> <id>            print an aggregate's snapshot, buffered events and chain
  skip-gap <type> <id>        skip the missing sequences up to the first buffered event (asks first)

Options:
  --data-dir <dir>            local stack data directory (default: $PIPELINE_DATA_DIR or .local)
  --table <name>              act on this DynamoDB table with the standard AWS environment instead
  --max-gap-age <seconds>     stalled threshold (default: $MAX_GAP_AGE_SECONDS or 3600)
  --all                       with stalled: list every open gap, stalled or not
  --reason <text>             with skip-gap: recorded in the snapshot (default: "operator skip")
  --json                      machine-readable output
  --yes                       with skip-gap: do not ask for confirmation
  --help
`;

/** Thrown for bad command lines; exits 2. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY)
    throw new UsageError('refusing to skip without confirmation: not a terminal, pass --yes');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const [command, type, id] = positionals;
  const maxGapAgeSeconds = Number(values['max-gap-age'] ?? process.env.MAX_GAP_AGE_SECONDS ?? 3600);
  if (!Number.isFinite(maxGapAgeSeconds) || maxGapAgeSeconds < 0) {
    throw new UsageError(`--max-gap-age must be a number of seconds ≥ 0, got "${values['max-gap-age']}"`);
  }
  const needsKey = command === 'show' || command === 'skip-gap';
  if (command !== 'stalled' && !needsKey) throw new UsageError(`unknown command "${command}"`);
  if (needsKey && (type === undefined || id === undefined || positionals.length > 3)) {
    throw new UsageError(`${command} takes <aggregate type> <aggregate id>`);
  }
  if (command === 'stalled' && positionals.length > 1) throw new UsageError('stalled takes no arguments');

  const target = await resolveOperatorTarget({
    dataDir: resolveDataDir(values['data-dir']),
    table: values.table,
  });
  try {
    if (command === 'stalled') {
      const gaps = await listGaps(target.store, {
        now: new Date(),
        maxGapAgeMs: maxGapAgeSeconds * 1000,
        all: values.all ?? false,
      });
      process.stdout.write(`${values.json ? JSON.stringify(gaps, null, 2) : formatGaps(gaps)}\n`);
      return 0;
    }
    const key = { aggregateType: type as string, aggregateId: id as string };
    const loaded = await loadForOperator(target.store, key);
    if (command === 'show') {
      const view = values.json
        ? JSON.stringify(
            { snapshot: loaded.snapshot, buffered: Object.fromEntries(loaded.pendingEvents) },
            null,
            2,
          )
        : formatAggregate(loaded);
      process.stdout.write(`${view}\n`);
      return 0;
    }
    const registry = new AggregateRegistry([orderAggregate]);
    const plan = planSkip(
      loaded,
      registry,
      resolveEngineOptions(),
      new Date(),
      values.reason ?? 'operator skip',
    );
    const summary =
      `skip sequences ${plan.skipped.from}-${plan.skipped.to} of ${key.aggregateType} ${key.aggregateId} ` +
      `(${target.description}); ${plan.pendingToDelete.length} buffered event(s) will then be applied, ` +
      `version ${loaded.snapshot.version} → ${plan.next.version}`;
    if (!values.yes && !(await confirm(`${summary}. Proceed?`))) {
      process.stderr.write('not skipped\n');
      return 1;
    }
    await applySkip(target.store, key, plan);
    process.stdout.write(`skipped: ${summary}\n`);
    return 0;
  } finally {
    target.close();
  }
}

function parseCommandLine(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      table: { type: 'string' },
      'max-gap-age': { type: 'string' },
      all: { type: 'boolean' },
      reason: { type: 'string' },
      json: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`aggregates: ${error.message}\n`);
    if (error instanceof UsageError) process.stderr.write('run with --help for usage\n');
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
