import type { StreamRecord } from '../kinesis/stream-record.js';

/** How one invocation ended, as the mapping sees it. */
export type InvocationOutcome =
  | { readonly kind: 'success' }
  /** `failedIndex` is the position in the batch of the lowest reported sequence number (≥ 0). */
  | { readonly kind: 'partial'; readonly failedIndex: number }
  /** The whole batch failed: the function threw (`functionError`) or its response was unusable. */
  | { readonly kind: 'failure'; readonly functionError: boolean; readonly reason: string };

/**
 * Reads a function's response with Lambda's rules for Kinesis partial batch responses. Without
 * ReportBatchItemFailures any response is success. With it: a null/undefined response, a missing or null
 * `batchItemFailures`, or an empty list is success; an entry with an empty, null or missing
 * `itemIdentifier`, or one that names no record of the batch, fails the whole batch; otherwise the batch
 * resumes at the lowest reported sequence number.
 */
export function interpretBatchResponse(
  records: readonly StreamRecord[],
  response: unknown,
  reportBatchItemFailures: boolean,
): InvocationOutcome {
  if (!reportBatchItemFailures || response === null || response === undefined) return { kind: 'success' };
  if (typeof response !== 'object' || Array.isArray(response)) return failure('response is not an object');
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return { kind: 'success' };
  if (!Array.isArray(failures)) return failure('batchItemFailures is not a list');
  if (failures.length === 0) return { kind: 'success' };
  const positions = new Map(records.map((record, index) => [record.sequenceNumber, index]));
  let lowest = Number.POSITIVE_INFINITY;
  for (const entry of failures) {
    const identifier =
      entry !== null && typeof entry === 'object'
        ? (entry as { itemIdentifier?: unknown }).itemIdentifier
        : undefined;
    if (typeof identifier !== 'string' || identifier === '')
      return failure('a batch item failure has an empty, null or missing itemIdentifier');
    const index = positions.get(identifier);
    if (index === undefined) return failure(`itemIdentifier ${identifier} is not in the batch`);
    lowest = Math.min(lowest, index);
  }
  return { kind: 'partial', failedIndex: lowest };
}

function failure(reason: string): InvocationOutcome {
  return { kind: 'failure', functionError: false, reason };
}
