import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  DescribeStateMachineCommand,
  ListMapRunsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { MAX_EXECUTION_INPUT_BYTES } from '../../processors/replay/backfill-sizing.js';
import { ReplayOptionsError } from '../../processors/replay/errors.js';
import type { EventFilter } from '../../processors/replay/event-filter.js';
import type { TimeRange } from '../../processors/replay/time-range.js';
import { DEFAULT_ARRIVAL_SLACK_MS, hourPrefix } from '../../processors/replay/time-range.js';
import type { PipelineEnvironment } from '../environment/index.js';

/** What a distributed backfill is asked to do (the state machine's execution input). */
export interface BackfillRequest {
  readonly range: TimeRange;
  readonly target: string;
  readonly table?: string;
  readonly filter?: EventFilter;
}

/**
 * The execution input: the longest common key prefix of the range's hour folders (the ItemReader lists it; the Lambda
 * drops objects outside the range), the range, the target and its options. Pure.
 */
export function backfillExecutionInput(
  archivePrefix: string,
  request: BackfillRequest,
): Record<string, unknown> {
  // An object keyed up to the arrival slack before `from` can hold records that arrived in the range.
  const first = hourPrefix(archivePrefix, new Date(request.range.from.getTime() - DEFAULT_ARRIVAL_SLACK_MS));
  const last = hourPrefix(archivePrefix, new Date(request.range.to.getTime() - 1));
  let common = 0;
  while (common < first.length && first[common] === last[common]) common++;
  const prefix = first.slice(0, first.lastIndexOf('/', common - 1) + 1);
  return {
    prefix,
    from: request.range.from.toISOString(),
    to: request.range.to.toISOString(),
    target: request.target,
    ...(request.table === undefined ? {} : { table: request.table }),
    ...(request.filter === undefined ? {} : { filter: request.filter }),
  };
}

/**
 * The tables a deployed backfill state machine lets a run name: the `StringEquals` of its `CheckTable` Choice state
 * (pulumi/replay-backfill.ts), or undefined when the definition has none (a stack deployed before separate projection
 * tables, whose replay function may write only the live table). Pure.
 */
export function grantedTablesOf(definition: string): string[] | undefined {
  const parsed = JSON.parse(definition) as {
    States?: Record<string, { Type?: string; Choices?: { StringEquals?: unknown }[] }>;
  };
  const check = parsed.States?.CheckTable;
  if (check?.Type !== 'Choice') return undefined;
  return (check.Choices ?? []).flatMap((c) => (typeof c.StringEquals === 'string' ? [c.StringEquals] : []));
}

/** Where the Map's ResultWriter put the run's results (the execution's output). */
export interface BackfillResults {
  readonly bucket: string;
  /** The manifest's key: it lists the result files of succeeded and failed batches. */
  readonly manifestKey: string;
}

/** The results location from an execution's output (`{ MapRunArn, ResultWriterDetails: { Bucket, Key } }`). Pure. */
export function backfillResultsOf(output: string | undefined): BackfillResults | undefined {
  if (output === undefined) return undefined;
  try {
    const details = (JSON.parse(output) as { ResultWriterDetails?: { Bucket?: unknown; Key?: unknown } })
      .ResultWriterDetails;
    return typeof details?.Bucket === 'string' && typeof details.Key === 'string'
      ? { bucket: details.Bucket, manifestKey: details.Key }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Where a distributed backfill stands: the execution's status and, once its Map Run exists, the archive objects. */
export interface BackfillProgress {
  readonly executionArn: string;
  /** Step Functions' execution status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE. */
  readonly status: string;
  readonly objects?: {
    readonly total: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly running: number;
  };
  /** Set once the execution ended with the Map's results exported. */
  readonly results?: BackfillResults;
}

/** Options of {@link startDistributedBackfill}. */
export interface DistributedBackfillOptions {
  /** Told after the start and after every poll. */
  readonly onProgress: (progress: BackfillProgress) => void;
  /** @default an SFNClient for the environment's region */
  readonly client?: Pick<SFNClient, 'send'>;
  /** @default 10_000 */
  readonly pollIntervalMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** One line for a progress report, e.g. `RUNNING · objects 120/200 done, 8 running, 1 failed`. */
export function formatBackfillProgress(progress: BackfillProgress): string {
  const objects = progress.objects;
  const results =
    progress.results === undefined
      ? ''
      : ` · results s3://${progress.results.bucket}/${progress.results.manifestKey}`;
  if (objects === undefined) return `${progress.status}${results}`;
  return `${progress.status} · objects ${objects.succeeded}/${objects.total} done, ${objects.running} running, ${objects.failed} failed${results}`;
}

/** What a distributed backfill reads from its environment (a {@link PipelineEnvironment} or the Lambda's). */
export type BackfillEnvironment = Pick<
  PipelineEnvironment,
  'name' | 'region' | 'table' | 'archivePrefix' | 'backfillStateMachineArn'
>;

/** Refuses a run the state machine would refuse: an oversized input, or a table its replay function is not granted. */
async function checkRequest(
  client: Pick<SFNClient, 'send'>,
  env: BackfillEnvironment,
  stateMachineArn: string,
  request: BackfillRequest,
  input: string,
): Promise<void> {
  const bytes = Buffer.byteLength(input);
  if (bytes > MAX_EXECUTION_INPUT_BYTES) {
    throw new ReplayOptionsError(
      `the backfill's input is ${bytes} bytes, more than ${MAX_EXECUTION_INPUT_BYTES} (every batch carries it): use fewer --aggregate-id values`,
    );
  }
  if (request.table === undefined || request.table === env.table) return;
  const described = await client.send(new DescribeStateMachineCommand({ stateMachineArn }));
  const granted =
    grantedTablesOf(described.definition ?? '{}') ?? (env.table === undefined ? [] : [env.table]);
  if (!granted.includes(request.table)) {
    throw new ReplayOptionsError(
      `--projection-table ${request.table} is not a table ${env.name} lets a distributed backfill write (${granted.join(', ')}): add it to the stack config replay.projectionTables and run pulumi up`,
    );
  }
}

/**
 * Starts the backfill state machine (Step Functions) and follows it until it ends: the execution's status and its
 * Distributed Map Run's item counts (one item per archive object), then where the Map exported the batches' results.
 * Before starting, refuses an input above {@link MAX_EXECUTION_INPUT_BYTES} and a `table` the deployed state machine
 * does not grant (read with DescribeStateMachine). Returns the final status.
 */
export async function startDistributedBackfill(
  env: BackfillEnvironment,
  request: BackfillRequest,
  options: DistributedBackfillOptions,
): Promise<string> {
  if (env.backfillStateMachineArn === undefined) {
    throw new ReplayOptionsError(
      `${env.name} has no backfillStateMachineArn output: the backfill is not deployed (--distributed needs --stack)`,
    );
  }
  const own =
    options.client === undefined
      ? new SFNClient(env.region === undefined ? {} : { region: env.region })
      : undefined;
  const client = options.client ?? (own as SFNClient);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pollIntervalMs = options.pollIntervalMs ?? 10_000;
  try {
    const input = JSON.stringify(backfillExecutionInput(env.archivePrefix, request));
    await checkRequest(client, env, env.backfillStateMachineArn, request, input);
    const started = await client.send(
      new StartExecutionCommand({ stateMachineArn: env.backfillStateMachineArn, input }),
    );
    const executionArn = started.executionArn as string;
    options.onProgress({ executionArn, status: 'STARTED' });
    let mapRunArn: string | undefined;
    // Bounded: 100,000 polls of 10 s outlast any Step Functions standard execution (one year).
    for (let i = 0; i < 100_000; i++) {
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      const status = String(described.status);
      mapRunArn ??= (await client.send(new ListMapRunsCommand({ executionArn }))).mapRuns?.[0]?.mapRunArn;
      const counts =
        mapRunArn === undefined
          ? undefined
          : (await client.send(new DescribeMapRunCommand({ mapRunArn }))).itemCounts;
      const results = status === 'RUNNING' ? undefined : backfillResultsOf(described.output);
      options.onProgress({
        executionArn,
        status,
        ...(results === undefined ? {} : { results }),
        ...(counts === undefined
          ? {}
          : {
              objects: {
                total: counts.total ?? 0,
                succeeded: counts.succeeded ?? 0,
                failed: (counts.failed ?? 0) + (counts.timedOut ?? 0) + (counts.aborted ?? 0),
                running: counts.running ?? 0,
              },
            }),
      });
      if (status !== 'RUNNING') return status;
      await sleep(pollIntervalMs);
    }
    return 'UNKNOWN';
  } finally {
    own?.destroy();
  }
}
