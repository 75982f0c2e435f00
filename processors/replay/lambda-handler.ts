/**
 * The replay Lambda of distributed backfills: the Step Functions Distributed Map hands it a batch of archive objects
 * (`Items` from the S3 ItemReader) and the run's input (`BatchInput`); it replays them with the same core as
 * `npm run replay`. Batches run concurrently, so an aggregate's events can reach the target out of order across
 * batches: the processor's engine (stream target) and the projection target buffer gaps and apply in order anyway;
 * bus consumers order by `sequence` as for live events.
 *
 * A batch that did not deliver everything fails (a typed error, see backfill-errors.ts), so the Map's
 * `ToleratedFailurePercentage: 0` fails the run and the operator sees it. Re-running a batch — a Step Functions retry
 * or a redrive — is safe even after partial progress: the stream target's copies reach the processor, whose engine
 * answers `duplicate` for any sequence at or below the aggregate's version (processors/engine/decide.ts); the
 * projection target folds with the same engine, so an applied event is a duplicate by version; bus consumers
 * dedupe by eventId (docs/replay.md).
 */
import { statfs } from 'node:fs/promises';
import { z } from 'zod';
import { orderAggregate } from '../aggregates/order.js';
import { AggregateRegistry } from '../aggregates/registry.js';
import { type EnvironmentInput, parseEnvironment } from '../lambda-config/index.js';
import { lambdaTracing } from '../tracing/lambda-tracing.js';
import { TRACING_OFF, type Tracing } from '../tracing/tracing.js';
import { tracingEnvironmentShape } from '../tracing/tracing-environment.js';
import { parseArchiveKey } from './archive-key.js';
import type { ArchiveObject, ArchiveSource } from './archive-source.js';
import {
  BackfillBatchTooLargeError,
  BackfillConflictError,
  BackfillDeliveryError,
  BackfillTableNotGrantedError,
} from './backfill-errors.js';
import { checkBatchFits, checkSendFits } from './backfill-sizing.js';
import {
  archiveSourceFor,
  TARGET_KINDS,
  type TargetForOptions,
  type TargetKind,
  targetFor,
} from './environment-clients.js';
import { ReplayOptionsError } from './errors.js';
import type { EventFilter } from './event-filter.js';
import { lambdaEnvironment, type ReplayFunctionSettings, replayFunctionSettings } from './lambda-config.js';
import type { ReplayEnvironment } from './replay-environment.js';
import type { ReplayTarget } from './replay-target.js';
import { runReplay } from './run-replay.js';
import { checkTimeRange, hourMayHoldArrivals } from './time-range.js';

export {
  lambdaEnvironment,
  type ReplayFunctionSettings,
  replayFunctionSettings,
} from './lambda-config.js';

/** One item of the S3 ItemReader (ListObjectsV2). */
export interface BackfillItem {
  readonly Key: string;
  readonly Size?: number;
  readonly Etag?: string;
}

/** The Lambda's event: an ItemBatcher batch. */
export interface BackfillBatchEvent {
  readonly Items: readonly BackfillItem[];
  readonly BatchInput: {
    readonly runId: string;
    readonly from: string;
    readonly to: string;
    readonly target: string;
    readonly options?: { readonly table?: string; readonly filter?: EventFilter };
  };
}

/** What one batch did (the Map's ResultWriter collects these). */
export interface BackfillBatchResult {
  readonly objects: number;
  readonly sent: number;
  readonly failed: number;
  readonly duplicates: number;
  readonly conflicts: number;
  readonly badLines: number;
  readonly corruptObjects: number;
}

/** The part of the Lambda context the handler uses. */
export interface BackfillLambdaContext {
  getRemainingTimeInMillis(): number;
}

/** What the handler is built from; tests pass an in-memory archive and target. */
export interface BackfillHandlerDependencies {
  readonly environment: () => ReplayEnvironment;
  readonly settings: () => ReplayFunctionSettings;
  readonly source: (env: ReplayEnvironment) => ArchiveSource;
  readonly target: (env: ReplayEnvironment, options: TargetForOptions) => Promise<ReplayTarget>;
  /** Free bytes in the spill directory. */
  readonly freeTmpBytes: (dir: string) => Promise<number>;
  /** @default '/tmp' */
  readonly tempDir?: string;
  /**
   * `replay <target>` spans (docs/tracing.md), flushed before the handler returns.
   * @default `lambdaTracing` from `TRACING`, in the entry
   */
  readonly tracing?: Tracing;
}

/** The first failures of a batch, short enough for a Step Functions error cause (≤ 32,768 characters). */
const FAILURES_IN_MESSAGE = 5;

/** Builds the handler: checks the run's options and the batch's fit, replays, and fails the batch unless all of it was delivered. */
export function createBackfillHandler(deps: BackfillHandlerDependencies) {
  const tempDir = deps.tempDir ?? '/tmp';
  const registry = new AggregateRegistry([orderAggregate]);
  return async function backfillHandler(
    event: BackfillBatchEvent,
    context: BackfillLambdaContext,
  ): Promise<BackfillBatchResult> {
    const env = deps.environment();
    const settings = deps.settings();
    const input = event.BatchInput;
    if (!(TARGET_KINDS as readonly string[]).includes(input.target)) {
      throw new ReplayOptionsError(`target must be one of ${TARGET_KINDS.join(', ')}, got "${input.target}"`);
    }
    const table = input.target === 'projection' ? input.options?.table : undefined;
    if (table !== undefined && table !== env.table && !settings.projectionTables.includes(table)) {
      throw new BackfillTableNotGrantedError(
        `projection table "${table}" is not granted to the replay function: add it to the stack's config ` +
          `replay.projectionTables (granted: ${[env.table, ...settings.projectionTables].join(', ')})`,
      );
    }
    const range = checkTimeRange({ from: new Date(input.from), to: new Date(input.to) });
    // The ItemReader lists a whole prefix; keep the objects whose hour folder can hold arrivals in the range (folders are
    // named after an object's oldest record, so the one before `from` can hold later arrivals too).
    const objects: ArchiveObject[] = event.Items.filter((item) => {
      const hour = parseArchiveKey(item.Key)?.hour;
      return hour !== undefined && hourMayHoldArrivals(hour, range);
    }).map((item) => ({
      key: item.Key,
      size: item.Size ?? 0,
      ...(item.Etag === undefined ? {} : { etag: item.Etag }),
    }));
    // Fail fast, before reading or writing anything, when the batch cannot finish in this invocation.
    const tooLarge = checkBatchFits({
      compressedBytes: objects.reduce((sum, o) => sum + o.size, 0),
      compressionRatio: settings.compressionRatio,
      eventBytes: settings.eventBytes,
      perInvocationRate: settings.rate,
      remainingMs: context.getRemainingTimeInMillis(),
      freeTmpBytes: await deps.freeTmpBytes(tempDir),
    });
    if (tooLarge !== undefined)
      throw new BackfillBatchTooLargeError(`${objects.length} objects: ${tooLarge}`);

    const target = await deps.target(env, {
      kind: input.target as TargetKind,
      registry,
      marker: { runId: input.runId, replayedAt: new Date().toISOString() },
      ...(table === undefined ? {} : { table }),
    });
    let sendTooLong: string | undefined;
    const tracing = deps.tracing ?? TRACING_OFF;
    const summary = await runReplay({
      tracing,
      source: deps.source(env),
      registry,
      range,
      prefix: env.archivePrefix,
      objects,
      target,
      targetName: input.target,
      runId: input.runId,
      ...(input.options?.filter === undefined ? {} : { filter: input.options.filter }),
      rate: settings.rate,
      tempDir,
      // After the read the event count is exact: refuse to start sending what cannot finish in time.
      confirm: async (plan) => {
        sendTooLong = checkSendFits(plan.events, settings.rate, context.getRemainingTimeInMillis());
        return sendTooLong === undefined;
      },
    }).finally(async () => {
      // Lambda freezes the environment once the handler returns, so spans not exported now may never be
      // (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
      if (tracing.enabled) await tracing.flush().catch(() => {});
    });
    if (sendTooLong !== undefined) {
      throw new BackfillBatchTooLargeError(`${objects.length} objects: ${sendTooLong}; nothing was sent`);
    }
    if (summary.failed > 0) {
      const first = summary.failures
        .slice(0, FAILURES_IN_MESSAGE)
        .map((f) => `${f.aggregate}@${f.sequence}: ${f.message}`)
        .join('; ');
      throw new BackfillDeliveryError(
        `${summary.failed} of ${summary.toSend} events were not delivered to ${summary.target} (${summary.sent} sent); first: ${first}`,
      );
    }
    if (summary.conflicts.length > 0) {
      const first = summary.conflicts[0];
      throw new BackfillConflictError(
        `${summary.conflicts.length} aggregates have conflicting events in the archive and were held (${summary.held} events not delivered); first: ${JSON.stringify(first)}`,
      );
    }
    return {
      objects: summary.objects,
      sent: summary.sent,
      failed: summary.failed,
      duplicates: summary.archiveDuplicates + summary.targetDuplicates,
      conflicts: summary.conflicts.length,
      badLines: summary.read.badLines,
      corruptObjects: summary.read.corruptObjects,
    };
  };
}

/** Free bytes of the file system holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}

/**
 * Builds the deployed handler from the function's variables; `overrides` replace the AWS clients (tests). The
 * variables are checked at the first invocation, as before: this module is also imported where no function
 * environment exists (tests, tools), and Step Functions reports the error of the failed batch.
 * @throws LambdaConfigError naming each bad variable (from the first invocation).
 */
export function createBackfillEntry(
  variables: EnvironmentInput,
  overrides: Partial<Omit<BackfillHandlerDependencies, 'environment' | 'settings'>> = {},
) {
  let checked:
    | { readonly environment: ReplayEnvironment; readonly settings: ReplayFunctionSettings }
    | undefined;
  const config = () => {
    checked ??= { environment: lambdaEnvironment(variables), settings: replayFunctionSettings(variables) };
    return checked;
  };
  return createBackfillHandler({
    source: archiveSourceFor,
    target: targetFor,
    freeTmpBytes: freeBytes,
    tracing: lambdaTracing(
      parseEnvironment('replay', z.object(tracingEnvironmentShape), variables),
      'replay',
      { env: variables },
    ),
    ...overrides,
    environment: () => config().environment,
    settings: () => config().settings,
  });
}

/** The deployed handler: AWS clients from the function's variables. */
export const handler = createBackfillEntry(process.env);
