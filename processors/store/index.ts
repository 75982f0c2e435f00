export type { AggregateStore, AggregateWrite, LoadResult } from './aggregate-store.js';
export { STATE_COMPRESSION_MIN_BYTES } from './compact-attributes.js';
export { DynamoDbAggregateStore, type DynamoDbAggregateStoreOptions } from './dynamodb-aggregate-store.js';
export {
  AggregateStoreError,
  ConcurrentWriteError,
  CorruptItemError,
  GapIndexNotReadyError,
  StoreRejectedError,
  StoreUnavailableError,
} from './errors.js';
export { InMemoryAggregateStore } from './in-memory-aggregate-store.js';
export {
  fromPendingItem,
  fromSnapshotItem,
  measureSnapshotItem,
  measureSnapshotItemWithin,
  PENDING_SK_PREFIX,
  type PendingItem,
  pendingSk,
  SNAPSHOT_SK,
  type SnapshotItem,
  snapshotItemKey,
  storedPendingCount,
  toPendingItem,
  toSnapshotItem,
} from './item-layout.js';
export { mapWithConcurrency } from './map-with-concurrency.js';
export { marshallableValue } from './marshallable-value.js';
export { aggregateTableDefinition, GAP_INDEX_NAME } from './table-definition.js';
export { isNonRetryableWriteError } from './write-error-classification.js';
