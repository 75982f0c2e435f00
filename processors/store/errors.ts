import type { AggregateKey } from '../engine/snapshot.js';

/** Base class of aggregate store failures. */
export class AggregateStoreError extends Error {
  override readonly name: string = 'AggregateStoreError';
  constructor(
    message: string,
    readonly key: AggregateKey | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Another writer changed the aggregate since it was read: re-read, recompute, retry. */
export class ConcurrentWriteError extends AggregateStoreError {
  override readonly name = 'ConcurrentWriteError';
}

/** The store could not be reached or throttled us past the SDK's retries. */
export class StoreUnavailableError extends AggregateStoreError {
  override readonly name = 'StoreUnavailableError';
}

/**
 * DynamoDB (or the SDK's marshaller, before sending) refused the write as invalid: a validation or size error,
 * e.g. `ValidationException: Item size has exceeded the maximum allowed size`. Retrying cannot succeed.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 */
export class StoreRejectedError extends AggregateStoreError {
  override readonly name = 'StoreRejectedError';
}

/** A stored item does not have the shape this processor writes. */
export class CorruptItemError extends AggregateStoreError {
  override readonly name = 'CorruptItemError';
}

/**
 * The gap index exists but DynamoDB is still building it (an index added to a table that already holds items):
 * it cannot be read until its backfill ends. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.OnlineOps.html
 */
export class GapIndexNotReadyError extends AggregateStoreError {
  override readonly name = 'GapIndexNotReadyError';
}
