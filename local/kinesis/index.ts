export { abortableSleep } from './abortable-sleep.js';
export {
  type CheckpointStore,
  FileCheckpointStore,
  type FileCheckpointStoreOptions,
  type ShardCheckpoint,
} from './checkpoint-store.js';
export { createActiveStream, StreamNotActiveError } from './create-active-stream.js';
export { CheckpointCorruptError, InvalidReaderOptionsError, KinesisReaderError } from './errors.js';
export { createKinesisClient, type KinesisClientOptions } from './kinesis-client.js';
export { type PlainPutRecordsOptions, plainPutRecords } from './plain-put-records.js';
export { type ShardDescription, shardsReadyToStart } from './shard-lineage.js';
export {
  MAX_GET_RECORDS_LIMIT,
  type ShardLag,
  ShardReader,
  type ShardReaderOptions,
} from './shard-reader.js';
export {
  type IteratorStart,
  type IteratorStartInput,
  resolveIteratorStart,
  StartingPosition,
} from './starting-position.js';
export {
  KinesisStreamPoller,
  type KinesisStreamPollerOptions,
  type ShardConsumer,
  type ShardLease,
} from './stream-poller.js';
export { compareSequenceNumbers, type StreamRecord } from './stream-record.js';
