import { parseArgs } from 'node:util';
import {
  type FaultOptions,
  InvalidFaultOptionsError,
  parseFaultKinds,
  resolveFaultOptions,
} from '../local/faults/index.js';
import { DEFAULT_ORDER_EVENT_MIX, type OrderEventMix } from '../processors/aggregates/order-events.js';
import {
  chooseEnvironmentSource,
  ENVIRONMENT_OPTIONS,
  ENVIRONMENT_USAGE,
  EnvironmentError,
  type EnvironmentFlags,
  readEnvironmentFlags,
} from '../tools/environment/index.js';
import { InvalidLoadOptionsError } from './errors.js';
import { parseEventMix } from './event-mix.js';
import { type LoadPhase, SCENARIOS } from './scenarios/index.js';

/**
 * Where the load goes: an environment of tools/environment. `local` is the local stack (`--data-dir`, the default),
 * `stack` a Pulumi stack, `explicit` the explicit form (`--url` and, for verification, `--table` and `--bucket`).
 */
export interface LoadTargetSpec {
  readonly kind: 'local' | 'stack' | 'explicit';
  readonly environment: EnvironmentFlags;
}

/** `--find-max` settings. */
export interface FindMaxOptions {
  /** Highest rate tried. @default 20000 */
  readonly maxRate: number;
  /** Each step's rate is the previous one × this. @default 1.5 */
  readonly stepFactor: number;
}

/** Fully resolved options of a load run (defaults applied once, here). */
export interface LoadOptions {
  readonly target: LoadTargetSpec;
  readonly scenario: string | undefined;
  readonly phases: readonly LoadPhase[];
  readonly aggregates: number;
  readonly eventsPerRequest: number;
  readonly connections: number;
  readonly seed: number;
  readonly mix: OrderEventMix;
  readonly findMax: FindMaxOptions | undefined;
  /** Seconds to wait for the pipeline to drain before verifying anyway. @default 120 */
  readonly drainTimeoutSeconds: number;
  /** Attempts of one request before its aggregates are given up. @default 5 */
  readonly maxAttempts: number;
  /** Seconds without an answer before a request counts as timed out and is retried. @default 10 */
  readonly requestTimeoutSeconds: number;
  /** Reports go to `<reportRoot>/<timestamp>/`. @default 'load/reports' */
  readonly reportRoot: string;
  readonly verify: boolean;
  /** Faults the chaos scenario's own local stack injects; undefined for every other scenario. */
  readonly faults: FaultOptions | undefined;
  /**
   * Run on a local stack of its own with Kinesis per-shard limits enforced (`--scenario shard-limits` or
   * `--kinesis-limits`), and report where AWS would throttle. @default false
   */
  readonly kinesisLimits: boolean;
  readonly help: boolean;
}

/** Defaults of a run without `--scenario`. */
export const LOAD_DEFAULTS = {
  rate: 200,
  durationSeconds: 10,
  aggregates: 100,
  eventsPerRequest: 10,
  connections: 4,
  seed: 1,
  drainTimeoutSeconds: 120,
  maxAttempts: 5,
  requestTimeoutSeconds: 10,
  reportRoot: 'load/reports',
  maxRate: 20_000,
  stepFactor: 1.5,
  faultRate: 0.05,
  /** Kinds with few calls (an archive write a second, an invocation a second per shard) get this rate by default. */
  rareFaultRate: 0.25,
  faultSlowMs: 250,
} as const;

/** The scenario that starts its own local stack with faults injected. */
export const CHAOS_SCENARIO = 'chaos';

/** The scenario that starts its own local stack with Kinesis per-shard limits enforced. */
export const SHARD_LIMITS_SCENARIO = 'shard-limits';

/** The `--help` text. */
export const LOAD_USAGE = `Usage: npm run load -- [environment] [options]

The load needs the ingest API (--url and --token in the explicit form); it verifies the run when it can read the
table and the archive (--data-dir, --stack, or --table and --bucket in the explicit form). --stack reads the secret
ingest token (pulumi stack output --json --show-secrets). --target local is the old spelling of the default.

Options:
  --scenario <name>         ${Object.keys(SCENARIOS).join(' | ')}
  --rate <events/s>         overall target rate (default ${LOAD_DEFAULTS.rate})
  --duration <s>            seconds of sending (default ${LOAD_DEFAULTS.durationSeconds}; also 30s, 2m)
  --aggregates <n>          distinct order aggregates (default ${LOAD_DEFAULTS.aggregates})
  --events-per-request <n>  1–500 (default ${LOAD_DEFAULTS.eventsPerRequest})
  --connections <n>         HTTP connections, one request in flight each (default ${LOAD_DEFAULTS.connections})
  --seed <n>                PRNG seed of the event contents (default ${LOAD_DEFAULTS.seed})
  --mix <type=w,...>        weights of ItemAdded, ItemRemoved, OrderPaid, OrderShipped, OrderCancelled
  --find-max                step search for the highest sustained rate (local target)
  --max-rate <events/s>     find-max: highest rate tried (default ${LOAD_DEFAULTS.maxRate})
  --step-factor <x>         find-max: rate multiplier per step (default ${LOAD_DEFAULTS.stepFactor})
  --drain-timeout <s>       wait for the pipeline to drain (default ${LOAD_DEFAULTS.drainTimeoutSeconds})
  --max-attempts <n>        attempts per request before its aggregates are given up (default ${LOAD_DEFAULTS.maxAttempts})
  --timeout <s>             request timeout (default ${LOAD_DEFAULTS.requestTimeoutSeconds})
  --report-dir <dir>        reports root (default ${LOAD_DEFAULTS.reportRoot})
  --no-verify               skip drain and verification

Chaos (--scenario chaos: its own local stack in a temporary data dir, faults injected):
  --fault-rate <0-1>        probability of each fault kind per eligible call (default ${LOAD_DEFAULTS.faultRate}, and
                            ${LOAD_DEFAULTS.rareFaultRate} for the rare calls: s3-5xx, processor-crash)
  --fault-seed <n>          PRNG seed of the fault decisions (default: --seed)
  --faults <kinds|all>      comma-separated: kinesis-throttling, kinesis-5xx, dynamodb-throttling, dynamodb-5xx,
                            s3-5xx, put-events-partial, processor-crash, slow-response (default all)
  --fault-slow-ms <ms>      delay of a slow response (default ${LOAD_DEFAULTS.faultSlowMs})

Shard limits (--scenario shard-limits, or --kinesis-limits with any other scenario: its own local stack in a
temporary data dir, Kinesis per-shard limits of AWS enforced; the report says where AWS would throttle):
  --kinesis-limits          enforce the limits on this run's own stack (1,000 records/s or 1 MB/s written, 5 reads/s
                            and 2 MB/s read per shard), with the shard count of Pulumi.dev.yaml

${ENVIRONMENT_USAGE}`;

function fail(message: string): never {
  throw new InvalidLoadOptionsError(message);
}

function integer(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    fail(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
  return value;
}

function positive(name: string, text: string | undefined, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > max)
    fail(`--${name} must be a number above 0 and at most ${max}, got "${text}"`);
  return value;
}

/** Seconds from `10`, `10s`, `2m`. */
export function parseDurationSeconds(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (match === null) fail(`--${name} must be seconds (10, 10s, 2m, 500ms), got "${text}"`);
  const value = Number(match[1]) * (match[2] === 'm' ? 60 : match[2] === 'ms' ? 0.001 : 1);
  if (value <= 0 || value > 3600) fail(`--${name} must be above 0 and at most 1 hour, got "${text}"`);
  return value;
}

/**
 * Parses and checks the command line; every problem is an {@link InvalidLoadOptionsError} raised before
 * any traffic. Precedence: explicit option, then the scenario, then {@link LOAD_DEFAULTS}.
 * @example parseLoadOptions(['--scenario', 'smoke', '--target', 'local'])
 */
export function parseLoadOptions(argv: readonly string[]): LoadOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        target: { type: 'string' },
        ...ENVIRONMENT_OPTIONS,
        scenario: { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        aggregates: { type: 'string' },
        'events-per-request': { type: 'string' },
        connections: { type: 'string' },
        seed: { type: 'string' },
        mix: { type: 'string' },
        'find-max': { type: 'boolean' },
        'max-rate': { type: 'string' },
        'step-factor': { type: 'string' },
        'drain-timeout': { type: 'string' },
        'max-attempts': { type: 'string' },
        timeout: { type: 'string' },
        'report-dir': { type: 'string' },
        'no-verify': { type: 'boolean' },
        'fault-rate': { type: 'string' },
        'fault-seed': { type: 'string' },
        faults: { type: 'string' },
        'kinesis-limits': { type: 'boolean' },
        'fault-slow-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n\n${LOAD_USAGE}`);
  }
  const str = (name: string) => values[name] as string | undefined;
  const help = values.help === true;

  const target = resolveTarget(str('target'), values);
  const scenarioName = str('scenario');
  const scenario = scenarioName === undefined ? undefined : SCENARIOS[scenarioName];
  if (scenarioName !== undefined && scenario === undefined)
    fail(`--scenario: unknown scenario "${scenarioName}"; known: ${Object.keys(SCENARIOS).join(', ')}`);

  const rate = positive('rate', str('rate'), 1_000_000);
  const duration = parseDurationSeconds('duration', str('duration'));
  let phases: readonly LoadPhase[];
  if (scenario !== undefined && scenario.phases.length > 1) {
    if (rate !== undefined || duration !== undefined)
      fail(`--rate and --duration cannot override the multi-phase scenario "${scenario.name}"`);
    phases = scenario.phases;
  } else {
    const base = scenario?.phases[0];
    phases = [
      {
        rate: rate ?? base?.rate ?? LOAD_DEFAULTS.rate,
        durationSeconds: duration ?? base?.durationSeconds ?? LOAD_DEFAULTS.durationSeconds,
      },
    ];
  }
  const aggregates =
    integer('aggregates', str('aggregates'), 1, 1_000_000) ??
    scenario?.aggregates ??
    LOAD_DEFAULTS.aggregates;
  const eventsPerRequest =
    integer('events-per-request', str('events-per-request'), 1, 500) ??
    scenario?.eventsPerRequest ??
    LOAD_DEFAULTS.eventsPerRequest;
  const connections =
    integer('connections', str('connections'), 1, 1000) ?? scenario?.connections ?? LOAD_DEFAULTS.connections;
  if (connections > aggregates)
    fail(
      `--connections ${connections} exceeds --aggregates ${aggregates}: each aggregate is pinned to one connection, so every connection needs at least one`,
    );
  for (const phase of phases)
    if (phase.rate < eventsPerRequest)
      fail(
        `--rate ${phase.rate} events/s is below one request per second at --events-per-request ${eventsPerRequest}; lower --events-per-request`,
      );

  const findMax =
    values['find-max'] === true
      ? {
          maxRate: positive('max-rate', str('max-rate'), 1_000_000) ?? LOAD_DEFAULTS.maxRate,
          stepFactor: positive('step-factor', str('step-factor'), 10) ?? LOAD_DEFAULTS.stepFactor,
        }
      : undefined;
  if (findMax !== undefined) {
    if (findMax.stepFactor <= 1) fail('--step-factor must be above 1');
    if (target.kind !== 'local')
      fail('--find-max measures the local stack and its emulators: use it with the local stack (--data-dir)');
    if (scenario !== undefined && scenario.phases.length > 1)
      fail('--find-max steps a single rate; it cannot run the multi-phase scenario');
  } else if (str('max-rate') !== undefined || str('step-factor') !== undefined) {
    fail('--max-rate and --step-factor only apply with --find-max');
  }

  const seed = integer('seed', str('seed'), 0, 2 ** 32 - 1) ?? LOAD_DEFAULTS.seed;
  const faults = chaosFaults(scenario?.name, target, values, seed, findMax !== undefined);
  const kinesisLimits = wantsKinesisLimits(scenario?.name, target, values, findMax !== undefined);

  return {
    target,
    scenario: scenario?.name,
    phases,
    aggregates,
    eventsPerRequest,
    connections,
    seed,
    mix: str('mix') === undefined ? DEFAULT_ORDER_EVENT_MIX : parseEventMix(str('mix') as string),
    findMax,
    drainTimeoutSeconds:
      parseDurationSeconds('drain-timeout', str('drain-timeout')) ?? LOAD_DEFAULTS.drainTimeoutSeconds,
    maxAttempts: integer('max-attempts', str('max-attempts'), 1, 100) ?? LOAD_DEFAULTS.maxAttempts,
    requestTimeoutSeconds:
      parseDurationSeconds('timeout', str('timeout')) ?? LOAD_DEFAULTS.requestTimeoutSeconds,
    reportRoot: str('report-dir') ?? LOAD_DEFAULTS.reportRoot,
    verify: values['no-verify'] !== true,
    faults,
    kinesisLimits,
    help,
  };
}

/** Whether the run gets its own stack with Kinesis limits; refuses what cannot go with it. */
function wantsKinesisLimits(
  scenario: string | undefined,
  target: LoadTargetSpec,
  values: Record<string, string | boolean | undefined>,
  findMax: boolean,
): boolean {
  if (scenario !== SHARD_LIMITS_SCENARIO && values['kinesis-limits'] !== true) return false;
  const how = scenario === SHARD_LIMITS_SCENARIO ? `--scenario ${SHARD_LIMITS_SCENARIO}` : '--kinesis-limits';
  if (scenario === CHAOS_SCENARIO) fail(`${how} cannot run with --scenario ${CHAOS_SCENARIO}`);
  if (Object.values(target.environment).some((value) => value !== undefined))
    fail(
      `${how} starts its own local stack (limits cannot be added to a running one): drop --data-dir, --stack and --url`,
    );
  if (findMax) fail(`--find-max cannot run ${how}`);
  return true;
}

const FAULT_FLAGS = ['fault-rate', 'fault-seed', 'faults', 'fault-slow-ms'] as const;

/** The chaos scenario's faults from the fault flags; the flags anywhere else are an error. */
function chaosFaults(
  scenario: string | undefined,
  target: LoadTargetSpec,
  values: Record<string, string | boolean | undefined>,
  seed: number,
  findMax: boolean,
): FaultOptions | undefined {
  const given = FAULT_FLAGS.filter((flag) => values[flag] !== undefined);
  if (scenario !== CHAOS_SCENARIO) {
    if (given.length > 0) fail(`--${given[0]} only applies with --scenario ${CHAOS_SCENARIO}`);
    return undefined;
  }
  const environment = Object.entries(target.environment).filter(([, value]) => value !== undefined);
  if (environment.length > 0)
    fail(
      `--scenario ${CHAOS_SCENARIO} starts its own local stack (faults cannot be injected into a running one): drop --data-dir, --stack and --url`,
    );
  if (findMax) fail(`--find-max cannot run --scenario ${CHAOS_SCENARIO}`);
  const text = (flag: string) => values[flag] as string | undefined;
  const rateText = text('fault-rate');
  const faults: FaultOptions = {
    rate: rateText === undefined ? LOAD_DEFAULTS.faultRate : Number(rateText),
    ...(rateText === undefined
      ? { rates: { 's3-5xx': LOAD_DEFAULTS.rareFaultRate, 'processor-crash': LOAD_DEFAULTS.rareFaultRate } }
      : {}),
    seed: integer('fault-seed', text('fault-seed'), 0, 2 ** 32 - 1) ?? seed,
    slowMs: integer('fault-slow-ms', text('fault-slow-ms'), 0, 60_000) ?? LOAD_DEFAULTS.faultSlowMs,
    ...(text('faults') === undefined ? {} : { kinds: parseKinds(text('faults') as string) }),
  };
  try {
    resolveFaultOptions(faults);
  } catch (error) {
    if (error instanceof InvalidFaultOptionsError) fail(`--fault-rate: ${error.message}`);
    throw error;
  }
  return faults;
}

function parseKinds(text: string) {
  try {
    return parseFaultKinds(text);
  } catch (error) {
    if (error instanceof InvalidFaultOptionsError) fail(`--faults: ${error.message}`);
    throw error;
  }
}

function resolveTarget(target: string | undefined, values: Record<string, unknown>): LoadTargetSpec {
  if (target !== undefined && target !== 'local')
    fail(`--target: only "local" is known, got "${target}"; for another environment use --stack or --url`);
  let environment: EnvironmentFlags;
  let kind: LoadTargetSpec['kind'];
  try {
    environment = readEnvironmentFlags(values);
    const source = chooseEnvironmentSource(environment).kind;
    kind = source === 'data-dir' ? 'local' : source;
  } catch (error) {
    if (error instanceof EnvironmentError) fail(error.message);
    throw error;
  }
  if (target !== undefined && kind !== 'local')
    fail(
      'choose one target: --target local (the local stack), --stack <name>, or the explicit form (--url …)',
    );
  if (kind === 'explicit') {
    if (environment.url === undefined)
      fail(
        environment.token === undefined
          ? 'load needs --url <ingest URL> in the explicit form'
          : '--token needs --url <ingest URL>',
      );
    if ((environment.token ?? process.env.PIPELINE_INGEST_TOKEN ?? '') === '')
      fail('--url needs --token <ingest token> (or PIPELINE_INGEST_TOKEN)');
  }
  return { kind, environment };
}
