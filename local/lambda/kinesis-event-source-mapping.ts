import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type Backoff, backoffDelayMs } from '../../processors/retry/backoff.js';
import { type CheckpointStore, FileCheckpointStore } from '../kinesis/checkpoint-store.js';
import type { ShardLag } from '../kinesis/shard-reader.js';
import { KinesisStreamPoller, type ShardLease } from '../kinesis/stream-poller.js';
import type { StreamRecord } from '../kinesis/stream-record.js';
import { type InvocationOutcome, interpretBatchResponse } from './batch-response.js';
import { FunctionInvocationError, OnFailureDestinationError } from './errors.js';
import {
  type KinesisEventSourceMappingOptions,
  type ResolvedEventSourceMappingOptions,
  resolveEventSourceMappingOptions,
} from './event-source-mapping-options.js';
import { buildKinesisStreamEvent, estimatedEventBytes } from './kinesis-stream-event.js';
import { createLambdaContext } from './lambda-context.js';
import { NdjsonFileDestination, type OnFailureDestination } from './on-failure-destination.js';
import { buildKinesisOnFailureRecord, type OnFailureCondition } from './on-failure-record.js';
import { countExpired, type PendingBatch, planAfterInvocation } from './retry-plan.js';

/** Counters for the status line. */
export interface EventSourceMappingStats {
  readonly invocations: number;
  /** Records handed to the function, redeliveries included. */
  readonly recordsDelivered: number;
  /** Records checkpointed after the function succeeded on them. */
  readonly recordsSucceeded: number;
  /** Invocations that threw. */
  readonly functionErrors: number;
  /** Invocations that returned batch item failures (or an unusable response). */
  readonly partialFailures: number;
  readonly retries: number;
  readonly bisects: number;
  readonly batchesToDestination: number;
  readonly recordsToDestination: number;
  /** Of those, discarded for maximumRecordAgeInSeconds. */
  readonly recordsExpired: number;
  /** Invocations running now (never more than the shard count). */
  readonly inFlight: number;
}

/** Lambda's synchronous invocation payload limit. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/**
 * The Lambda event source mapping for Kinesis, emulated with AWS's documented semantics: batch size,
 * batching window, starting position, ReportBatchItemFailures, BisectBatchOnFunctionError,
 * MaximumRetryAttempts, MaximumRecordAgeInSeconds, an on-failure destination, persisted checkpoints, and
 * one batch in flight per shard with shards polled concurrently.
 * @example
 * const esm = new KinesisEventSourceMapping({ client, streamName: 'events', dataDir: '.local', handler,
 *   functionResponseTypes: ['ReportBatchItemFailures'], bisectBatchOnFunctionError: true, maximumRetryAttempts: 3 });
 * await esm.start();
 * // …
 * await esm.stop();
 */
export class KinesisEventSourceMapping {
  private readonly options: ResolvedEventSourceMappingOptions;
  private readonly checkpoints: CheckpointStore;
  private readonly destination: OnFailureDestination | undefined;
  private readonly poller: KinesisStreamPoller;
  private readonly backoff: Backoff;
  private readonly counters = {
    invocations: 0,
    recordsDelivered: 0,
    recordsSucceeded: 0,
    functionErrors: 0,
    partialFailures: 0,
    retries: 0,
    bisects: 0,
    batchesToDestination: 0,
    recordsToDestination: 0,
    recordsExpired: 0,
    inFlight: 0,
  };

  constructor(options: KinesisEventSourceMappingOptions) {
    this.options = resolveEventSourceMappingOptions(options);
    // AWS documents that a failed batch is retried (until MaximumRetryAttempts or the records' age), not the delay
    // between retries (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html): locally it
    // doubles per retry without jitter, so tests can predict it.
    this.backoff = {
      baseDelayMs: this.options.retryDelayMs,
      maxDelayMs: this.options.maxRetryDelayMs,
      jitter: 'none',
    };
    const o = this.options;
    this.checkpoints =
      o.checkpoints ??
      new FileCheckpointStore({ dataDir: o.dataDir, consumer: o.consumerName, streamName: o.streamName });
    this.destination =
      o.onFailureDestination === false
        ? undefined
        : (o.onFailureDestination ??
          new NdjsonFileDestination(join(o.dataDir, 'lambda', o.functionName, 'on-failure.ndjson')));
    this.poller = new KinesisStreamPoller({
      client: o.client,
      streamName: o.streamName,
      checkpoints: this.checkpoints,
      startingPosition: o.startingPosition,
      ...(o.startingPositionTimestamp === undefined
        ? {}
        : { startingTimestamp: o.startingPositionTimestamp }),
      shardDiscoveryIntervalMs: o.shardDiscoveryIntervalMs,
      errorBackoffMs: o.retryDelayMs,
      onError: o.onError,
      consumeShard: (lease) => this.consumeShard(lease),
    });
  }

  /** The function's ARN as the destination records name it. */
  get functionArn(): string {
    return this.options.functionArn;
  }

  /** Starts polling every shard. */
  async start(): Promise<void> {
    await this.poller.start();
  }

  /** Stops polling; waits for each shard's in-flight batch, then flushes checkpoints. */
  async stop(): Promise<void> {
    await this.poller.stop();
  }

  /** A copy of the counters. */
  stats(): EventSourceMappingStats {
    return { ...this.counters };
  }

  /** Per-shard lag (iterator age, caught up) for the status line. */
  lag(): ShardLag[] {
    return this.poller.lag();
  }

  private async consumeShard(lease: ShardLease): Promise<void> {
    const o = this.options;
    const carry: StreamRecord[] = [];
    const queue: PendingBatch[] = [];
    // Bounded by stop() (the signal) and by the shard's end.
    while (!lease.signal.aborted) {
      if (queue.length === 0) {
        const records = await this.gather(lease, carry);
        if (records.length === 0) {
          if (lease.reader.ended && carry.length === 0) return;
          continue;
        }
        queue.push({ records, retries: 0, invokeCount: 0, lastFunctionError: false });
      }
      let batch = queue[0] as PendingBatch;
      const expired = countExpired(batch.records, Date.now(), o.maximumRecordAgeMs);
      if (expired > 0) {
        const discarded = batch.records.slice(0, expired);
        if (!(await this.discard(lease, batch, discarded, 'RecordAgeExceeded'))) return;
        this.counters.recordsExpired += discarded.length;
        batch = { ...batch, records: batch.records.slice(expired) };
        if (batch.records.length === 0) {
          queue.shift();
          continue;
        }
        queue[0] = batch;
      }
      const outcome = await this.invoke(lease.shardId, batch.records);
      batch = { ...batch, invokeCount: batch.invokeCount + 1 };
      const plan = planAfterInvocation(batch, outcome, o);
      if (plan.action === 'done') {
        this.checkpointThrough(lease, batch.records, batch.records.length);
        queue.shift();
        continue;
      }
      this.checkpointThrough(lease, batch.records, plan.succeeded);
      if (plan.action === 'discard') {
        if (!(await this.discard(lease, plan.discarded, plan.discarded.records, 'RetryAttemptsExhausted')))
          return;
        queue.shift();
        continue;
      }
      queue.splice(0, 1, ...plan.next);
      if (plan.bisected) {
        this.counters.bisects += 1;
      } else {
        this.counters.retries += 1;
        const retries = plan.next[0]?.retries ?? 1;
        await lease.sleep(backoffDelayMs(retries, this.backoff, 0));
      }
    }
  }

  /** Reads until a full batch, the batching window, or the payload limit; [] after an idle poll. */
  private async gather(lease: ShardLease, carry: StreamRecord[]): Promise<StreamRecord[]> {
    const o = this.options;
    let windowStart = carry.length > 0 ? Date.now() : undefined;
    // Bounded: each pass reads records, or sleeps toward the window's end, or returns.
    for (;;) {
      if (lease.signal.aborted) return [];
      if (carry.length >= o.batchSize || payloadBytes(carry) >= MAX_PAYLOAD_BYTES) break;
      if (windowStart !== undefined && Date.now() - windowStart >= o.batchingWindowMs) break;
      if (lease.reader.ended) break;
      const records = await lease.reader.read(o.batchSize - carry.length);
      if (records.length > 0) {
        carry.push(...records);
        windowStart ??= Date.now();
        continue;
      }
      if (windowStart === undefined) {
        await lease.sleep(o.pollIntervalMs);
        return [];
      }
      const remaining = o.batchingWindowMs - (Date.now() - windowStart);
      if (remaining <= 0) break;
      await lease.sleep(Math.min(o.pollIntervalMs, remaining));
    }
    return takeBatch(carry, o.batchSize);
  }

  private async invoke(shardId: string, records: readonly StreamRecord[]): Promise<InvocationOutcome> {
    const o = this.options;
    const event = buildKinesisStreamEvent(records, {
      awsRegion: o.region,
      eventSourceARN: o.streamArn,
      invokeIdentityArn: o.invokeIdentityArn,
    });
    const context = createLambdaContext({
      functionName: o.functionName,
      functionArn: o.functionArn,
      memoryLimitInMB: o.memoryLimitInMB,
      timeoutMs: o.timeoutMs,
      requestId: randomUUID(),
    });
    this.counters.invocations += 1;
    this.counters.recordsDelivered += records.length;
    this.counters.inFlight += 1;
    try {
      // Through a promise so a synchronous throw is a function error too.
      const response: unknown = await Promise.resolve().then(() => o.handler(event, context));
      const outcome = interpretBatchResponse(records, response, o.reportBatchItemFailures);
      if (outcome.kind !== 'success') this.counters.partialFailures += 1;
      return outcome;
    } catch (error) {
      this.counters.functionErrors += 1;
      const first = records[0]?.sequenceNumber ?? '';
      o.onError(new FunctionInvocationError(shardId, first, records.length, { cause: error }), shardId);
      return { kind: 'failure', functionError: true, reason: (error as Error)?.message ?? String(error) };
    } finally {
      this.counters.inFlight -= 1;
    }
  }

  private checkpointThrough(lease: ShardLease, records: readonly StreamRecord[], count: number): void {
    const last = records[count - 1];
    if (last === undefined) return;
    lease.checkpoint(last.sequenceNumber);
    this.counters.recordsSucceeded += count;
  }

  /** Sends discarded records to the destination (retrying until stored or stopped), then checkpoints past them. */
  private async discard(
    lease: ShardLease,
    batch: PendingBatch,
    records: readonly StreamRecord[],
    condition: OnFailureCondition,
  ): Promise<boolean> {
    const o = this.options;
    const last = records.at(-1);
    if (last === undefined) return true;
    if (this.destination !== undefined) {
      const record = buildKinesisOnFailureRecord({
        records,
        condition,
        approximateInvokeCount: batch.invokeCount,
        functionError: batch.lastFunctionError,
        functionArn: o.functionArn,
        streamArn: o.streamArn,
        requestId: randomUUID(),
        timestamp: new Date(),
      });
      // Bounded by stop(): the records stay unacknowledged (and are redelivered) if it never succeeds.
      for (let attempt = 1; ; attempt += 1) {
        try {
          await this.destination.send(record);
          break;
        } catch (error) {
          o.onError(
            new OnFailureDestinationError(`on-failure destination rejected a batch of ${lease.shardId}`, {
              cause: error,
            }),
            lease.shardId,
          );
          await lease.sleep(backoffDelayMs(attempt, this.backoff, 0));
          if (lease.signal.aborted) return false;
        }
      }
    }
    this.counters.batchesToDestination += 1;
    this.counters.recordsToDestination += records.length;
    lease.checkpoint(last.sequenceNumber);
    return true;
  }
}

function payloadBytes(records: readonly StreamRecord[]): number {
  let total = 0;
  for (const record of records) total += estimatedEventBytes(record);
  return total;
}

/** Takes the next batch off `carry`: at most `batchSize` records within the payload limit, at least one. */
function takeBatch(carry: StreamRecord[], batchSize: number): StreamRecord[] {
  let count = 0;
  let bytes = 0;
  for (const record of carry) {
    const size = estimatedEventBytes(record);
    if (count >= batchSize || (count > 0 && bytes + size > MAX_PAYLOAD_BYTES)) break;
    bytes += size;
    count += 1;
  }
  return carry.splice(0, count);
}
