export {
  type AggregateCoverage,
  AggregateSequencer,
  type SequenceConflict,
  type SequencedItem,
  type SequenceGap,
} from './aggregate-sequencer.js';
export { type ArchiveKeyInfo, parseArchiveKey } from './archive-key.js';
export { archiveObjectLines } from './archive-object-lines.js';
export {
  type ArchiveIssue,
  type ArchiveScan,
  type BadInputPolicy,
  type ListArchiveOptions,
  listArchiveObjects,
  type ObjectRange,
  type ScanArchiveOptions,
  type ScanProgress,
  type ScanStats,
  scanArchive,
} from './archive-scan.js';
export type { ArchiveObject, ArchiveSource } from './archive-source.js';
export {
  type BusTargetOptions,
  busTarget,
  type ReplayMarker,
  replayBusEntry,
} from './bus-target.js';
export {
  checkFingerprint,
  type ReplayCheckpoint,
  type RunFingerprint,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint.js';
export { CompactEventBuffer } from './compact-event-buffer.js';
export { DirectoryArchiveSource } from './directory-archive-source.js';
export {
  archiveSourceFor,
  type ClientEnvironment,
  ensureTable,
  requireTable,
  TARGET_KINDS,
  type TargetEnvironment,
  type TargetForOptions,
  type TargetKind,
  targetFor,
} from './environment-clients.js';
export { ArchiveReadError, CheckpointError, ReplayError, ReplayOptionsError } from './errors.js';
export {
  compileEventFilter,
  type EventFilter,
  type EventPredicate,
  filtersEventTypes,
} from './event-filter.js';
export {
  type ArchivedEvent,
  aggregateSortKey,
  archivedEvent,
  compareEvents,
  envelopeOf,
  isAfterCursor,
  type ReplayCursor,
} from './event-order.js';
export {
  defaultMemoryBudgetBytes,
  ExternalEventSorter,
  type ExternalSorterOptions,
  type SorterStats,
} from './external-sorter.js';
export { type LineBatch, lineBatches } from './line-batches.js';
export { type ProjectionTargetOptions, projectionTarget } from './projection-target.js';
export type { ReplayEnvironment } from './replay-environment.js';
export type { DeliveryOutcome, ReplayTarget } from './replay-target.js';
export {
  type ReplayProgress,
  type ReplayRunOptions,
  type ReplaySummary,
  runReplay,
} from './run-replay.js';
export { S3ArchiveSource, type S3ArchiveSourceOptions } from './s3-archive-source.js';
export { decodeSpillRecord, encodeSpillRecord } from './spill-record.js';
export { streamTarget } from './stream-target.js';
export {
  archiveHourPrefixes,
  checkTimeRange,
  DEFAULT_ARRIVAL_SLACK_MS,
  hourMayHoldArrivals,
  hourPrefix,
  hourPrefixes,
  parseInstant,
  type TimeRange,
} from './time-range.js';
export { TokenBucket, type TokenBucketOptions } from './token-bucket.js';
export {
  type ArchiveVerification,
  formatVerification,
  type VerificationOutcome,
  type VerifyArchiveOptions,
  verifyArchive,
} from './verify-archive.js';
