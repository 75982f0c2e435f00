/**
 * The replay Lambda of distributed backfills: the Step Functions Distributed Map hands it a batch of archive objects
 * (`Items` from the S3 ItemReader) and the run's input (`BatchInput`); it replays them with the same core as
 * `npm run replay`. Batches run concurrently, so an aggregate's events can reach the target out of order across
 * batches: the processor's engine (stream target) and the projection target buffer gaps and apply in order anyway;
 * bus consumers order by `sequence` as for live events.
 */
import { orderAggregate } from '../aggregates/order.js';
import { AggregateRegistry } from '../aggregates/registry.js';
import { parseArchiveKey } from './archive-key.js';
import type { ArchiveObject } from './archive-source.js';
import { archiveSourceFor, TARGET_KINDS, type TargetKind, targetFor } from './environment-clients.js';
import { ReplayOptionsError } from './errors.js';
import type { EventFilter } from './event-filter.js';
import type { ReplayEnvironment } from './replay-environment.js';
import { runReplay } from './run-replay.js';
import { checkTimeRange } from './time-range.js';

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

/** What one batch did (the Map collects these). */
export interface BackfillBatchResult {
  readonly objects: number;
  readonly sent: number;
  readonly failed: number;
  readonly duplicates: number;
  readonly conflicts: number;
  readonly badLines: number;
  readonly corruptObjects: number;
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new ReplayOptionsError(`environment variable ${name} is not set`);
  return value;
}

/** The environment from the function's variables (validated at cold start). */
export function lambdaEnvironment(): ReplayEnvironment {
  return {
    name: `aws ${process.env.AWS_REGION ?? ''}`,
    local: false,
    region: requireEnv('AWS_REGION'),
    endpoints: {},
    streamName: requireEnv('REPLAY_STREAM_NAME'),
    table: requireEnv('REPLAY_TABLE_NAME'),
    bucket: requireEnv('REPLAY_BUCKET'),
    archivePrefix: requireEnv('REPLAY_ARCHIVE_PREFIX'),
    busName: requireEnv('REPLAY_BUS_NAME'),
    sourcePrefix: requireEnv('REPLAY_SOURCE_PREFIX'),
  };
}

const registry = new AggregateRegistry([orderAggregate]);

/** Replays one batch of archive objects into the run's target. */
export async function handler(event: BackfillBatchEvent): Promise<BackfillBatchResult> {
  const env = lambdaEnvironment();
  const input = event.BatchInput;
  if (!(TARGET_KINDS as readonly string[]).includes(input.target)) {
    throw new ReplayOptionsError(`target must be one of ${TARGET_KINDS.join(', ')}, got "${input.target}"`);
  }
  const range = checkTimeRange({ from: new Date(input.from), to: new Date(input.to) });
  const fromHour = Math.floor(range.from.getTime() / 3_600_000) * 3_600_000;
  // The ItemReader lists a whole prefix; keep the objects whose hour folder is inside the range.
  const objects: ArchiveObject[] = event.Items.filter((item) => {
    const hour = parseArchiveKey(item.Key)?.hour.getTime();
    return hour !== undefined && hour >= fromHour && hour < range.to.getTime();
  }).map((item) => ({
    key: item.Key,
    size: item.Size ?? 0,
    ...(item.Etag === undefined ? {} : { etag: item.Etag }),
  }));
  const rate = Number(process.env.REPLAY_RATE ?? '0');
  const target = await targetFor(env, {
    kind: input.target as TargetKind,
    registry,
    marker: { runId: input.runId, replayedAt: new Date().toISOString() },
    ...(input.options?.table === undefined ? {} : { table: input.options.table }),
  });
  const summary = await runReplay({
    source: archiveSourceFor(env),
    registry,
    range,
    prefix: env.archivePrefix,
    objects,
    target,
    targetName: input.target,
    runId: input.runId,
    ...(input.options?.filter === undefined ? {} : { filter: input.options.filter }),
    ...(rate > 0 ? { rate } : {}),
    tempDir: '/tmp',
  });
  return {
    objects: summary.objects,
    sent: summary.sent,
    failed: summary.failed,
    duplicates: summary.archiveDuplicates + summary.targetDuplicates,
    conflicts: summary.conflicts.length,
    badLines: summary.read.badLines,
    corruptObjects: summary.read.corruptObjects,
  };
}
