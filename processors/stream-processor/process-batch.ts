import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { AggregateRegistry } from '../aggregates/registry.js';
import {
  type AggregateDecision,
  type AggregateGroup,
  type AggregateSnapshot,
  decideAggregate,
  emptySnapshot,
  groupByAggregate,
  type LoadedAggregate,
  type RecordOutcome,
  type ResolvedEngineOptions,
  stalledGap,
} from '../engine/index.js';
import { decodeKinesisData } from '../envelope/codec.js';
import { EnvelopeError } from '../envelope/errors.js';
import type { Envelope } from '../envelope/schema.js';
import type { Quarantine, QuarantineReason, QuarantineRecord } from '../quarantine/quarantine-record.js';
import type { AggregateStore } from '../store/aggregate-store.js';
import { ConcurrentWriteError, StoreRejectedError } from '../store/errors.js';
import { mapWithConcurrency } from '../store/map-with-concurrency.js';
import { TRACING_OFF, type Tracing } from '../tracing/tracing.js';
import { type BatchSummary, emptySummary } from './batch-summary.js';
import {
  type AggregateWriteTrace,
  type BatchTrace,
  type EventIdentity,
  NO_BATCH_TRACE,
  startBatchTrace,
  undecodedIdentity,
} from './batch-trace.js';

/** What the batch processor needs; the Lambda handler and the local stack wire the same. */
export interface BatchProcessorDeps {
  readonly registry: AggregateRegistry;
  readonly store: AggregateStore;
  readonly quarantine: Quarantine;
  readonly engine: ResolvedEngineOptions;
  readonly processorVersion: string;
  /** Aggregates written at once. */
  readonly writeConcurrency: number;
  /** Attempts per aggregate when a concurrent writer wins the conditional write. */
  readonly maxWriteAttempts: number;
  /** Clock, injectable for tests. */
  readonly now?: () => Date;
  /** Told about failures worth a log line (the handler logs them with context). */
  readonly onAggregateFailure?: (group: { pk: string; firstSequenceNumber: string }, error: Error) => void;
  /** Told about every quarantine write that failed (the record is then reported for redelivery). */
  readonly onQuarantineFailure?: (
    record: { sequenceNumber: string; shardId: string; reason: QuarantineReason },
    error: Error,
  ) => void;
  /** Told when the store refused an aggregate's write as invalid (its events are quarantined instead). */
  readonly onStoreRejected?: (group: { pk: string }, error: Error) => void;
  /** Spans of every batch (docs/tracing.md). @default TRACING_OFF */
  readonly tracing?: Tracing;
  /** The aggregate table, naming the `write <table>` spans. @default 'aggregates' */
  readonly tableName?: string;
  /** `messaging.consumer.group.name` of the batch span: the processor function's name. @default 'stream-processor' */
  readonly consumerGroup?: string;
}

/** The Lambda response plus what happened. */
export interface BatchResult {
  readonly response: KinesisStreamBatchResponse;
  readonly summary: BatchSummary;
}

interface DecodedRecord {
  readonly index: number;
  readonly record: KinesisStreamRecord;
  readonly envelope: Envelope;
}

/**
 * Processes one Kinesis batch: decode, quarantine poison, group by aggregate, load, decide, write once per aggregate,
 * and report the first unapplied record of every aggregate that could not be written (docs/design.md §3).
 */
export async function processKinesisBatch(
  event: KinesisStreamEvent,
  deps: BatchProcessorDeps,
): Promise<BatchResult> {
  const now = deps.now ?? (() => new Date());
  const tracing = deps.tracing ?? TRACING_OFF;
  const startTime = tracing.enabled ? Date.now() : 0;
  const records = event.Records ?? [];
  const summary = emptySummary(records.length);
  const failed = new Set<number>();

  const decoded: DecodedRecord[] = [];
  const poison: { index: number; error: EnvelopeError }[] = [];
  records.forEach((record, index) => {
    try {
      const envelope = deps.registry.validate(decodeKinesisData(record.kinesis.data));
      decoded.push({ index, record, envelope });
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw error;
      poison.push({ index, error });
    }
  });
  summary.poison = poison.length;
  const batchTrace: BatchTrace =
    tracing.enabled && records.length > 0
      ? startBatchTrace(
          tracing,
          {
            stream: streamNameOf(records[0] as KinesisStreamRecord),
            table: deps.tableName ?? 'aggregates',
            consumerGroup: deps.consumerGroup ?? 'stream-processor',
          },
          records.length,
          decoded.map((r) => r.envelope),
          startTime,
        )
      : NO_BATCH_TRACE;

  const quarantine = async (
    index: number,
    reason: QuarantineReason,
    detail: string,
    extra: Partial<QuarantineRecord> = {},
    envelope?: EventIdentity,
  ) => {
    const record = records[index] as KinesisStreamRecord;
    try {
      const quarantined: QuarantineRecord = {
        reason,
        detail,
        data: record.kinesis.data,
        shardId: shardIdOf(record),
        sequenceNumber: record.kinesis.sequenceNumber,
        partitionKey: record.kinesis.partitionKey,
        approximateArrivalTimestamp: new Date(
          record.kinesis.approximateArrivalTimestamp * 1000,
        ).toISOString(),
        eventSourceARN: record.eventSourceARN,
        processorVersion: deps.processorVersion,
        quarantinedAt: now().toISOString(),
        ...extra,
      };
      await deps.quarantine.put(quarantined);
      summary.quarantineWrites++;
      batchTrace.quarantined(envelope, reason, deps.quarantine.keyOf?.(quarantined));
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      summary.quarantineFailures++;
      failed.add(index);
      batchTrace.quarantineFailed(envelope, reason, cause);
      deps.onQuarantineFailure?.(
        { sequenceNumber: record.kinesis.sequenceNumber, shardId: shardIdOf(record), reason },
        cause,
      );
    }
  };

  const poisonWrites = mapWithConcurrency(poison, deps.writeConcurrency, ({ index, error }) =>
    quarantine(
      index,
      error.reason,
      error.message,
      { issues: error.issues },
      batchTrace.recording
        ? undecodedIdentity((records[index] as KinesisStreamRecord).kinesis.data)
        : undefined,
    ),
  );

  const groups = groupByAggregate(decoded, (r) => r.envelope);
  const loaded = groups.length > 0 ? await deps.store.loadMany(groups.map((g) => g.key)) : new Map();

  await mapWithConcurrency(groups, deps.writeConcurrency, async (group) => {
    const initial = loaded.get(group.pk);
    const writeTrace = batchTrace.aggregate();
    const decision =
      initial === undefined || !initial.ok
        ? undefined
        : await decideAndWrite(group, initial.aggregate, deps, now, summary, writeTrace).catch(
            (error: Error) => error,
          );
    if (decision === undefined || decision instanceof Error) {
      const error =
        decision ?? (initial && !initial.ok ? initial.error : new Error('aggregate was not loaded'));
      if (batchTrace.recording)
        writeTrace.failed(
          group.items.map((r) => r.envelope),
          error,
        );
      summary.failedAggregates++;
      const first = group.items[0] as DecodedRecord;
      failed.add(first.index);
      deps.onAggregateFailure?.(
        { pk: group.pk, firstSequenceNumber: first.record.kinesis.sequenceNumber },
        error,
      );
      return;
    }
    if (batchTrace.recording) {
      const versionAfter =
        decision.next?.version ?? (initial?.ok === true ? (initial.aggregate?.snapshot.version ?? 0) : 0);
      writeTrace.decided(
        group.items.map((r) => r.envelope),
        decision.outcomes,
        versionAfter,
        decision.drainedStoredEvents,
      );
    }
    await recordOutcomes(group, decision, summary, now(), quarantine);
  });
  await poisonWrites;
  batchTrace.end();

  const batchItemFailures = [...failed]
    .sort((a, b) => a - b)
    .map((index) => ({ itemIdentifier: (records[index] as KinesisStreamRecord).kinesis.sequenceNumber }));
  return { response: { batchItemFailures }, summary };
}

async function decideAndWrite(
  group: AggregateGroup<DecodedRecord>,
  initial: LoadedAggregate | undefined,
  deps: BatchProcessorDeps,
  now: () => Date,
  summary: BatchSummary,
  writeTrace: AggregateWriteTrace,
): Promise<AggregateDecision> {
  const envelopes = group.items.map((r) => r.envelope);
  let loaded = initial;
  for (let attempt = 1; ; attempt++) {
    const decision = decideAggregate(
      { key: group.key, loaded, records: envelopes, now: now() },
      deps.registry,
      deps.engine,
    );
    if (decision.next === undefined) return decision;
    writeTrace.writing(loaded?.snapshot.version ?? 0);
    try {
      await deps.store.write({
        key: group.key,
        next: decision.next,
        expectedRevision: decision.expectedRevision,
        pendingToPut: decision.pendingToPut,
        pendingToDelete: decision.pendingToDelete,
      });
      summary.writes++;
      return decision;
    } catch (error) {
      if (error instanceof StoreRejectedError) {
        deps.onStoreRejected?.({ pk: group.pk }, error);
        return writeStoreRejected(group, loaded, decision, error, deps, now, summary, writeTrace);
      }
      if (!(error instanceof ConcurrentWriteError) || attempt >= deps.maxWriteAttempts) throw error;
      summary.writeRetries++;
      loaded = await deps.store.load(group.key);
    }
  }
}

/**
 * The store refused the aggregate's write as invalid, so retrying cannot help: what this batch would have stored
 * (applied, drained or buffered) is refused with `store-rejected` and quarantined, and the stored aggregate is only
 * marked blocked at the lowest such sequence, so the shard moves on and `aggregates stalled` reports it.
 */
async function writeStoreRejected(
  group: AggregateGroup<DecodedRecord>,
  initial: LoadedAggregate | undefined,
  refused: AggregateDecision,
  error: StoreRejectedError,
  deps: BatchProcessorDeps,
  now: () => Date,
  summary: BatchSummary,
  writeTrace: AggregateWriteTrace,
): Promise<AggregateDecision> {
  const detail = `DynamoDB refused the aggregate's write: ${(error.cause as Error | undefined)?.message ?? error.message}`;
  const outcomes = refused.outcomes.map(
    (outcome): RecordOutcome =>
      outcome.decision === 'applied' || outcome.decision === 'drained' || outcome.decision === 'buffered'
        ? { decision: 'rejected', reason: 'store-rejected', detail }
        : outcome,
  );
  let lowest: Envelope | undefined;
  outcomes.forEach((outcome, i) => {
    const envelope = (group.items[i] as DecodedRecord).envelope;
    if (outcome.decision === 'rejected' && (lowest === undefined || envelope.sequence < lowest.sequence))
      lowest = envelope;
  });
  let loaded = initial;
  for (let attempt = 1; ; attempt++) {
    const at = now();
    const base =
      loaded?.snapshot ?? emptySnapshot(group.key, deps.registry.initialState(group.key.aggregateType));
    const keep =
      base.blocked !== undefined && (lowest === undefined || base.blocked.sequence <= lowest.sequence);
    const next: AggregateSnapshot | undefined =
      lowest === undefined || keep
        ? undefined
        : {
            ...base,
            blocked: {
              sequence: lowest.sequence,
              eventId: lowest.eventId,
              reason: 'store-rejected',
              detail,
              at: at.toISOString(),
            },
            revision: base.revision + 1,
            updatedAt: at.toISOString(),
          };
    const decision: AggregateDecision = {
      key: group.key,
      outcomes,
      next,
      expectedRevision: base.revision,
      pendingToPut: [],
      pendingToDelete: [],
      drainedFromStore: 0,
      drainedStoredEvents: [],
      drainFailures: [],
      stalled: stalledGap(next ?? base, at, deps.engine.maxGapAgeMs),
    };
    if (next === undefined) return decision;
    writeTrace.writing(base.version);
    try {
      await deps.store.write({
        key: group.key,
        next,
        expectedRevision: base.revision,
        pendingToPut: [],
        pendingToDelete: [],
      });
      summary.writes++;
      return decision;
    } catch (retry) {
      if (!(retry instanceof ConcurrentWriteError) || attempt >= deps.maxWriteAttempts) throw retry;
      summary.writeRetries++;
      loaded = await deps.store.load(group.key);
    }
  }
}

async function recordOutcomes(
  group: AggregateGroup<DecodedRecord>,
  decision: AggregateDecision,
  summary: BatchSummary,
  appliedAt: Date,
  quarantine: (
    index: number,
    reason: QuarantineReason,
    detail: string,
    extra?: Partial<QuarantineRecord>,
    envelope?: Envelope,
  ) => Promise<void>,
): Promise<void> {
  const quarantined: Promise<void>[] = [];
  decision.outcomes.forEach((outcome: RecordOutcome, i) => {
    const item = group.items[i] as DecodedRecord;
    switch (outcome.decision) {
      case 'applied':
      case 'drained':
        if (outcome.decision === 'applied') summary.applied++;
        else summary.drained++;
        summary.appliedLagMs.push(
          appliedAt.getTime() - item.record.kinesis.approximateArrivalTimestamp * 1000,
        );
        break;
      case 'duplicate':
        summary.duplicates++;
        if (!outcome.verified) summary.unverifiedDuplicates++;
        break;
      case 'buffered':
        summary.buffered++;
        break;
      case 'conflict':
      case 'rejected': {
        if (outcome.decision === 'conflict') summary.conflicts++;
        else summary.rejected++;
        const { eventId, aggregateType, aggregateId, sequence, type } = item.envelope;
        quarantined.push(
          quarantine(
            item.index,
            outcome.decision === 'conflict' ? 'conflict' : outcome.reason,
            outcome.detail,
            {
              event: { eventId, aggregateType, aggregateId, sequence, type },
              ...(outcome.decision === 'conflict' && outcome.existingEventId !== undefined
                ? { existingEventId: outcome.existingEventId }
                : {}),
            },
            item.envelope,
          ),
        );
        break;
      }
      default: {
        const exhaustive: never = outcome;
        throw new Error(`unhandled outcome ${JSON.stringify(exhaustive)}`);
      }
    }
  });
  summary.drained += decision.drainedFromStore;
  if (decision.stalled !== undefined) summary.stalled.push({ ...group.key, ...decision.stalled });
  await Promise.all(quarantined);
}

/** The stream's name from a record's `eventSourceARN` (`arn:aws:kinesis:<region>:<account>:stream/<name>`). */
export function streamNameOf(record: KinesisStreamRecord): string {
  const separator = record.eventSourceARN.lastIndexOf('/');
  return separator >= 0 ? record.eventSourceARN.slice(separator + 1) : record.eventSourceARN;
}

/** The shard id of a record, from its `eventID` (`shardId-000000000000:<sequence number>`). */
export function shardIdOf(record: KinesisStreamRecord): string {
  const separator = record.eventID.indexOf(':');
  return separator > 0 ? record.eventID.slice(0, separator) : 'unknown-shard';
}
