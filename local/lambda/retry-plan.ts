import type { StreamRecord } from '../kinesis/stream-record.js';
import type { InvocationOutcome } from './batch-response.js';

/** A batch waiting for (re)invocation on one shard. */
export interface PendingBatch {
  readonly records: readonly StreamRecord[];
  /** Retries already spent on these records (counts against maximumRetryAttempts). */
  readonly retries: number;
  /** Invocations that carried these records so far (the destination's approximateInvokeCount). */
  readonly invokeCount: number;
  /** Whether the last invocation of these records ended in a function error (thrown). */
  readonly lastFunctionError: boolean;
}

/** The error-handling settings the plan follows. */
export interface EventSourceMappingRetryPolicy {
  readonly bisectBatchOnFunctionError: boolean;
  /** -1 = retry until the records expire. */
  readonly maximumRetryAttempts: number;
}

/** What the shard does after an invocation. */
export type RetryPlan =
  | { readonly action: 'done' }
  | {
      readonly action: 'retry';
      /** Records before this index succeeded and may be checkpointed; 0 = none. */
      readonly succeeded: number;
      /** Replaces the batch at the head of the shard's queue, in order. */
      readonly next: readonly PendingBatch[];
      /** True when the split did not consume retry quota. */
      readonly bisected: boolean;
    }
  | {
      readonly action: 'discard';
      readonly succeeded: number;
      /** Records whose retries are exhausted: sent to the on-failure destination, then skipped. */
      readonly discarded: PendingBatch;
    };

/**
 * Decides what follows an invocation, with Lambda's documented semantics: a partial failure checkpoints
 * before the lowest failed record and retries from it; with BisectBatchOnFunctionError a failed batch is
 * split in two (or, after a partial failure, at the returned sequence number) and splitting does not
 * consume the retry quota; a batch that can no longer be split is retried, counting against
 * maximumRetryAttempts; once that is spent the records are discarded to the destination.
 * `batch.invokeCount` must already include the invocation being judged.
 */
export function planAfterInvocation(
  batch: PendingBatch,
  outcome: InvocationOutcome,
  policy: EventSourceMappingRetryPolicy,
): RetryPlan {
  if (outcome.kind === 'success') return { action: 'done' };
  const succeeded = outcome.kind === 'partial' ? outcome.failedIndex : 0;
  const lastFunctionError = outcome.kind === 'failure' && outcome.functionError;
  const remaining = batch.records.slice(succeeded);
  const carry = { invokeCount: batch.invokeCount, lastFunctionError };
  if (policy.bisectBatchOnFunctionError) {
    if (succeeded > 0)
      return {
        action: 'retry',
        succeeded,
        next: [{ records: remaining, retries: batch.retries, ...carry }],
        bisected: true,
      };
    if (remaining.length > 1) {
      const half = Math.ceil(remaining.length / 2);
      return {
        action: 'retry',
        succeeded,
        next: [
          { records: remaining.slice(0, half), retries: batch.retries, ...carry },
          { records: remaining.slice(half), retries: batch.retries, ...carry },
        ],
        bisected: true,
      };
    }
  }
  const retries = batch.retries + 1;
  const pending: PendingBatch = { records: remaining, retries, ...carry };
  if (policy.maximumRetryAttempts !== -1 && retries > policy.maximumRetryAttempts)
    return { action: 'discard', succeeded, discarded: { ...pending, retries: batch.retries } };
  return { action: 'retry', succeeded, next: [pending], bisected: false };
}

/** How many leading records are older than `maxAgeMs` (arrival times rise along a shard). */
export function countExpired(records: readonly StreamRecord[], nowMs: number, maxAgeMs: number): number {
  if (maxAgeMs < 0) return 0;
  let count = 0;
  for (const record of records) {
    if (nowMs - record.approximateArrivalTimestamp.getTime() <= maxAgeMs) break;
    count += 1;
  }
  return count;
}
