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

/** A stored item does not have the shape this processor writes. */
export class CorruptItemError extends AggregateStoreError {
  override readonly name = 'CorruptItemError';
}
