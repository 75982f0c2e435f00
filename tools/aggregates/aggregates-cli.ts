import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { orderAggregate } from '../../processors/aggregates/order.js';
import { AggregateRegistry } from '../../processors/aggregates/registry.js';
import { resolveEngineOptions } from '../../processors/engine/options.js';
import {
  applySkip,
  listGaps,
  loadForOperator,
  planSkip,
} from '../../processors/operator/aggregate-operations.js';
import { PROCESSOR_DEFAULTS } from '../../processors/stream-processor/config.js';
import {
  ENVIRONMENT_OPTIONS,
  ENVIRONMENT_USAGE,
  EnvironmentError,
  readEnvironmentFlags,
  requireResources,
  resolveEnvironment,
} from '../environment/index.js';
import { formatAggregate, formatGaps } from './format.js';
import { explainMissingTable, type OperatorTarget, operatorTargetFor } from './operator-store.js';

const USAGE = `Usage: npm run aggregates -- <command> [options]

Commands:
  stalled                     list aggregates whose gap is older than the max gap age
  show <type> <id>            print an aggregate's snapshot, buffered events and chain
  skip-gap <type> <id>        skip the missing sequences up to the first buffered event (asks first)

Options:
  --max-gap-age <seconds>     stalled threshold (default: $MAX_GAP_AGE_SECONDS or the processor's ${PROCESSOR_DEFAULTS.maxGapAgeSeconds})
  --all                       with stalled: list every open gap, stalled or not
  --reason <text>             with skip-gap: recorded in the snapshot (default: "operator skip")
  --json                      machine-readable output
  --yes                       with skip-gap: do not ask for confirmation
  --help

Exit codes: 0 done, 1 error or not skipped, 2 bad command line or environment.

${ENVIRONMENT_USAGE}
`;

/** Thrown for bad command lines; exits 2. */
class AggregatesUsageError extends Error {
  override readonly name = 'AggregatesUsageError';
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY)
    throw new AggregatesUsageError('refusing to skip without confirmation: not a terminal, pass --yes');
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
    throw new AggregatesUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const [command, type, id] = positionals;
  const maxGapAgeSeconds = Number(
    values['max-gap-age'] ?? process.env.MAX_GAP_AGE_SECONDS ?? PROCESSOR_DEFAULTS.maxGapAgeSeconds,
  );
  if (!Number.isFinite(maxGapAgeSeconds) || maxGapAgeSeconds < 0) {
    throw new AggregatesUsageError(
      `--max-gap-age must be a number of seconds ≥ 0, got "${values['max-gap-age']}"`,
    );
  }
  const needsKey = command === 'show' || command === 'skip-gap';
  if (command !== 'stalled' && !needsKey) throw new AggregatesUsageError(`unknown command "${command}"`);
  if (needsKey && (type === undefined || id === undefined || positionals.length > 3)) {
    throw new AggregatesUsageError(`${command} takes <aggregate type> <aggregate id>`);
  }
  if (command === 'stalled' && positionals.length > 1)
    throw new AggregatesUsageError('stalled takes no arguments');

  let target: OperatorTarget;
  try {
    const env = await resolveEnvironment(readEnvironmentFlags(values));
    target = operatorTargetFor(requireResources(env, `aggregates ${command}`, ['table']));
  } catch (error) {
    if (error instanceof EnvironmentError) throw new AggregatesUsageError(error.message);
    throw error;
  }
  try {
    return await run(command, type, id, values, maxGapAgeSeconds, target);
  } catch (error) {
    throw explainMissingTable(error, target);
  } finally {
    target.close();
  }
}

async function run(
  command: string | undefined,
  type: string | undefined,
  id: string | undefined,
  values: ReturnType<typeof parseCommandLine>['values'],
  maxGapAgeSeconds: number,
  target: OperatorTarget,
): Promise<number> {
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
}

function parseCommandLine(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      ...ENVIRONMENT_OPTIONS,
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
    if (error instanceof AggregatesUsageError) process.stderr.write('run with --help for usage\n');
    process.exitCode = error instanceof AggregatesUsageError ? 2 : 1;
  },
);
