import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import type { AggregateRegistry } from '../aggregates/registry.js';
import type { Envelope } from '../envelope/schema.js';
import { TRACING_OFF, type Tracing } from '../tracing/tracing.js';
import { AggregateSequencer, type SequenceConflict, type SequencedItem } from './aggregate-sequencer.js';
import {
  type ArchiveIssue,
  type BadInputPolicy,
  listArchiveObjects,
  type ObjectRange,
  type ScanStats,
  scanArchive,
} from './archive-scan.js';
import type { ArchiveObject, ArchiveSource } from './archive-source.js';
import {
  checkFingerprint,
  type ReplayCheckpoint,
  type RunFingerprint,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint.js';
import { CheckpointError, ReplayOptionsError } from './errors.js';
import type { EventFilter } from './event-filter.js';
import { type ArchivedEvent, envelopeOf, isAfterCursor, type ReplayCursor } from './event-order.js';
import { endReplaySpan, startReplaySpan } from './replay-span.js';
import type { DeliveryOutcome, ReplayTarget } from './replay-target.js';
import type { TimeRange } from './time-range.js';
import { TokenBucket } from './token-bucket.js';

/** Progress of a replay, for the progress bar. */
export interface ReplayProgress {
  readonly phase: 'read' | 'send';
  readonly objectsDone: number;
  readonly objectsTotal: number;
  /** Events handled so far in the send phase (sent, duplicate or failed). */
  readonly eventsDone: number;
  /** Upper bound of events to send (kept events, duplicates included). */
  readonly eventsTotal: number;
  readonly elapsedMs: number;
}

/** The closing summary. */
export interface ReplaySummary {
  readonly runId: string;
  readonly target: string;
  readonly dryRun: boolean;
  /** The run was stopped (signal) before the end; resume with the checkpoint. */
  readonly stopped: boolean;
  /** The confirmation was declined: nothing was written. */
  readonly declined: boolean;
  readonly objects: number;
  /** Objects not read because a checkpoint marked them finished. */
  readonly objectsSkipped: number;
  readonly read: ScanStats;
  /** Distinct events to deliver after de-duplication. */
  readonly toSend: number;
  readonly sent: number;
  readonly failed: number;
  /** Copies dropped by eventId while reading the archive. */
  readonly archiveDuplicates: number;
  /** Events the target already had (projection duplicates). */
  readonly targetDuplicates: number;
  /** Events not delivered because their aggregate has a conflict in the archive. */
  readonly held: number;
  /** Events at or before the checkpoint's position, not sent again. */
  readonly alreadyDone: number;
  readonly conflicts: readonly SequenceConflict[];
  readonly issues: readonly ArchiveIssue[];
  /** First failures, for the report. */
  readonly failures: readonly { aggregate: string; sequence: number; message: string }[];
  readonly spilledRuns: number;
  readonly elapsedMs: number;
  /** A sample of what would be sent (dry run) or was sent first. */
  readonly sample: readonly Envelope[];
  readonly byEventType: Readonly<Record<string, number>>;
}

/** Options of {@link runReplay}. */
export interface ReplayRunOptions {
  readonly source: ArchiveSource;
  readonly registry: AggregateRegistry;
  readonly range: TimeRange;
  /** @default 'events/' */
  readonly prefix?: string;
  /** How much later than its object's hour folder a record may have arrived (archive-scan). @default 15 minutes */
  readonly arrivalSlackMs?: number;
  readonly filter?: EventFilter;
  /** Required unless `dryRun`. */
  readonly target?: ReplayTarget;
  /** Names the target kind in the checkpoint fingerprint (e.g. `projection:my-table`). */
  readonly targetName: string;
  readonly dryRun?: boolean;
  /** Events per second; unlimited when absent. */
  readonly rate?: number;
  /** Events per target call. @default 500 */
  readonly chunkSize?: number;
  readonly badInput?: BadInputPolicy;
  /** Validate `data` against the registry's schemas while reading. @default true */
  readonly validateData?: boolean;
  /** Estimated bytes of buffered events before sorted runs spill to disk. @default a quarter of V8's heap limit */
  readonly memoryBudgetBytes?: number;
  readonly tempDir?: string;
  readonly readConcurrency?: number;
  /** Checkpoint file; written after every chunk. */
  readonly checkpointFile?: string;
  /** Continue from the checkpoint file (which must exist and match this run). */
  readonly resume?: boolean;
  /** Asked after the read phase, before anything is written; false stops the run. */
  readonly confirm?: (plan: { target: string; events: number; objects: number }) => Promise<boolean>;
  readonly onProgress?: (progress: ReplayProgress) => void;
  readonly onIssue?: (issue: ArchiveIssue) => void;
  /** Stops between chunks; the checkpoint is saved. */
  readonly signal?: AbortSignal;
  /** Pre-listed objects (the distributed Lambda passes its batch); skips listing. */
  readonly objects?: readonly ArchiveObject[];
  readonly runId?: string;
  /** A `replay <target>` span per written batch, linked to the original events (docs/tracing.md). @default TRACING_OFF */
  readonly tracing?: Tracing;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

const MAX_FAILURES_REPORTED = 100;
const SAMPLE_SIZE = 5;
const CHECKPOINT_INTERVAL_MS = 1000;

/**
 * Replays the archive for a time range into a target: list → read (streaming, filtered, sorted with bounded memory)
 * → per-aggregate order and de-duplication → confirm → deliver in chunks at the given rate, checkpointing the
 * position after every chunk. An aggregate whose delivery fails is not delivered further in this run (that would
 * reorder it); the checkpoint keeps where it stopped so `resume` retries it.
 */
export async function runReplay(options: ReplayRunOptions): Promise<ReplaySummary> {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = now();
  const dryRun = options.dryRun ?? false;
  const tracing = options.tracing ?? TRACING_OFF;
  const chunkSize = options.chunkSize ?? 500;
  if (!dryRun && options.target === undefined) throw new ReplayOptionsError('a target is required');
  const prefix = options.prefix ?? 'events/';
  const fingerprint: RunFingerprint = {
    source: options.source.description,
    prefix,
    from: options.range.from.toISOString(),
    to: options.range.to.toISOString(),
    filter: options.filter ?? {},
    target: options.targetName,
  };

  let previous: ReplayCheckpoint | undefined;
  if (options.resume === true) {
    if (options.checkpointFile === undefined)
      throw new ReplayOptionsError('--resume needs --checkpoint <file>');
    previous = await readCheckpoint(options.checkpointFile);
    if (previous === undefined)
      throw new CheckpointError(`no checkpoint at ${options.checkpointFile} to resume`);
    checkFingerprint(previous, fingerprint);
  }
  // The default checkpoint lives in the local stack's data directory, which a run against AWS never created.
  if (options.checkpointFile !== undefined && !dryRun) {
    await mkdir(dirname(options.checkpointFile), { recursive: true });
  }
  const runId = previous?.runId ?? options.runId ?? randomUUID();
  const objects =
    previous?.objects ??
    options.objects ??
    (await listArchiveObjects({
      source: options.source,
      range: options.range,
      prefix,
      ...(options.arrivalSlackMs === undefined ? {} : { arrivalSlackMs: options.arrivalSlackMs }),
    }));
  const finished = new Set(previous?.finishedObjects ?? []);
  const toRead = objects.filter((o) => !finished.has(o.key));
  const resumeCursor = previous?.cursor ?? null;
  const retryFrom = new Map(Object.entries(previous?.failed ?? {}));

  const progress = (p: Omit<ReplayProgress, 'elapsedMs' | 'objectsTotal'>) =>
    options.onProgress?.({ ...p, objectsTotal: toRead.length, elapsedMs: now() - started });
  const scan = await scanArchive({
    source: options.source,
    objects: toRead,
    registry: options.registry,
    ...(options.filter === undefined ? {} : { filter: options.filter }),
    ...(options.badInput === undefined ? {} : { badInput: options.badInput }),
    ...(options.validateData === undefined ? {} : { validateData: options.validateData }),
    ...(options.memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: options.memoryBudgetBytes }),
    ...(options.tempDir === undefined ? {} : { tempDir: options.tempDir }),
    ...(options.readConcurrency === undefined ? {} : { concurrency: options.readConcurrency }),
    ...(options.onIssue === undefined ? {} : { onIssue: options.onIssue }),
    onProgress: (p) =>
      progress({ phase: 'read', objectsDone: p.objectsDone, eventsDone: 0, eventsTotal: p.stats.kept }),
  });

  const counters = {
    toSend: 0,
    sent: 0,
    failed: 0,
    archiveDuplicates: 0,
    targetDuplicates: 0,
    held: 0,
    alreadyDone: 0,
  };
  const conflicts: SequenceConflict[] = [];
  const failures: ReplaySummary['failures'][number][] = [];
  const sample: Envelope[] = [];
  const byEventType: Record<string, number> = {};
  const failed = new Map<string, number>();
  let cursor: ReplayCursor | null = resumeCursor;
  let stopped = false;
  let declined = false;
  /** Kept events through the sequencer (sent, duplicate, held, conflicting or already done): the bar's numerator. */
  let sequenced = 0;

  const summary = (): ReplaySummary => ({
    runId,
    target: options.target?.description ?? options.targetName,
    dryRun,
    stopped,
    declined,
    objects: objects.length,
    objectsSkipped: objects.length - toRead.length,
    read: { ...scan.stats },
    ...counters,
    conflicts,
    issues: scan.issues,
    failures,
    spilledRuns: scan.spilledRuns,
    elapsedMs: now() - started,
    sample,
    byEventType,
  });

  try {
    if (!dryRun && options.confirm !== undefined) {
      const ok = await options.confirm({
        target: options.target?.description ?? options.targetName,
        events: scan.stats.kept,
        objects: toRead.length,
      });
      if (!ok) {
        declined = true;
        return summary();
      }
    }

    let lastSave = Number.NEGATIVE_INFINITY;
    /** Saves after a chunk at most once a second (`force` at the end), so large object lists stay cheap. */
    const saveCheckpoint = async (completed: boolean, force = true) => {
      if (options.checkpointFile === undefined || dryRun) return;
      if (!force && now() - lastSave < CHECKPOINT_INTERVAL_MS) return;
      lastSave = now();
      // Failures carried from the previous run stay until this run reaches their aggregate.
      const stillFailed = new Map<string, number>();
      for (const [key, sequence] of retryFrom) {
        if (cursor === null || key >= cursor.key) stillFailed.set(key, sequence);
      }
      for (const [key, sequence] of failed) stillFailed.set(key, sequence);
      const failedRecord: Record<string, number> = {};
      for (const [key, sequence] of stillFailed) failedRecord[key] = sequence;
      await writeCheckpoint(options.checkpointFile, {
        version: 1,
        runId,
        fingerprint,
        objects,
        finishedObjects: finishedObjects(objects, finished, scan.objectRanges, cursor, stillFailed),
        cursor,
        failed: failedRecord,
        sent: (previous?.sent ?? 0) + counters.sent,
        completed,
        updatedAt: new Date().toISOString(),
      });
    };

    const bucket = options.rate === undefined ? undefined : new TokenBucket({ ratePerSecond: options.rate });
    let chunk: ArchivedEvent[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      const batch = chunk;
      chunk = [];
      if (bucket !== undefined) {
        const wait = bucket.take(batch.length);
        if (wait > 0) await sleep(wait);
      }
      const target = options.target as ReplayTarget;
      const envelopes = batch.map(envelopeOf);
      const span = tracing.enabled
        ? startReplaySpan(tracing, options.targetName, runId, envelopes)
        : undefined;
      let outcomes: DeliveryOutcome[];
      try {
        outcomes = await target.send(envelopes);
      } catch (error) {
        span?.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        span?.end();
        throw error;
      }
      if (span !== undefined)
        endReplaySpan(
          span,
          batch.map((_, i) => outcomes[i]),
        );
      batch.forEach((item, i) => {
        const outcome = outcomes[i] ?? { status: 'failed' as const, message: 'no outcome from target' };
        if (outcome.status === 'sent') counters.sent++;
        else if (outcome.status === 'duplicate') counters.targetDuplicates++;
        else {
          counters.failed++;
          if (!failed.has(item.key)) failed.set(item.key, item.sequence);
          if (failures.length < MAX_FAILURES_REPORTED) {
            failures.push({
              aggregate: item.key.replace('\u0000', '#'),
              sequence: item.sequence,
              message: outcome.message,
            });
          }
        }
      });
      const last = batch.at(-1) as ArchivedEvent;
      if (cursor === null || isAfterCursor(last, cursor)) cursor = { key: last.key, sequence: last.sequence };
      await saveCheckpoint(false, false);
      reportSent();
    };
    // Archive duplicates are part of `kept` but never sent: counting only sent events left the bar short of 100 %.
    let reported = -1;
    const reportSent = () => {
      const eventsDone = sequenced - chunk.length;
      if (eventsDone === reported) return;
      reported = eventsDone;
      progress({ phase: 'send', objectsDone: toRead.length, eventsDone, eventsTotal: scan.stats.kept });
    };

    const sequencer = new AggregateSequencer();
    // Synchronous per event; the caller flushes when the chunk is full, so no promise is made per event.
    const handle = (items: readonly SequencedItem[]) => {
      for (const decision of items) {
        switch (decision.kind) {
          case 'duplicate':
            counters.archiveDuplicates++;
            break;
          case 'held':
            counters.held++;
            break;
          case 'conflict':
            conflicts.push(decision.conflict);
            break;
          case 'aggregate-end':
            break;
          case 'event': {
            const item = decision.item;
            const retry = retryFrom.get(item.key);
            const isRetry = retry !== undefined && item.sequence >= retry;
            if (resumeCursor !== null && !isRetry && !isAfterCursor(item, resumeCursor)) {
              counters.alreadyDone++;
              break;
            }
            counters.toSend++;
            byEventType[item.type] = (byEventType[item.type] ?? 0) + 1;
            if (sample.length < SAMPLE_SIZE) sample.push(envelopeOf(item));
            if (dryRun) break;
            if (failed.has(item.key)) {
              // Delivering past a failed event would reorder the aggregate at the target.
              counters.failed++;
              break;
            }
            chunk.push(item);
            break;
          }
          default: {
            const exhaustive: never = decision;
            throw new Error(`unhandled ${JSON.stringify(exhaustive)}`);
          }
        }
      }
    };

    reading: for await (const batch of scan.ordered()) {
      for (const item of batch) {
        if (options.signal?.aborted === true) {
          stopped = true;
          break reading;
        }
        sequenced++;
        handle(sequencer.push(item));
        if (chunk.length >= chunkSize) await flush();
      }
    }
    if (!stopped) handle(sequencer.finish());
    if (!dryRun) await flush();
    if (!stopped) reportSent();
    await saveCheckpoint(!stopped);
    return summary();
  } finally {
    await scan.dispose();
  }
}

/** Objects whose events all lie at or before the cursor and whose span holds no failed aggregate's remainder. */
function finishedObjects(
  objects: readonly ArchiveObject[],
  alreadyFinished: ReadonlySet<string>,
  ranges: ReadonlyMap<string, ObjectRange>,
  cursor: ReplayCursor | null,
  failed: ReadonlyMap<string, number>,
): string[] {
  const out: string[] = [];
  for (const object of objects) {
    if (alreadyFinished.has(object.key)) {
      out.push(object.key);
      continue;
    }
    const range = ranges.get(object.key);
    if (range === undefined) {
      // It kept no event (or could not be read, which is reported): nothing of it is left to deliver.
      out.push(object.key);
      continue;
    }
    if (cursor === null) continue;
    if (isAfterCursor(range.max, cursor)) continue;
    // Conservative: any failed aggregate inside the span may have undelivered events in this object.
    let holdsFailure = false;
    for (const key of failed.keys()) if (key >= range.min.key && key <= range.max.key) holdsFailure = true;
    if (!holdsFailure) out.push(object.key);
  }
  return out;
}
