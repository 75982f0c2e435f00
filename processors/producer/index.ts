export {
  type CallErrorVerdict,
  classifyCallError,
  classifyEntryError,
  describeError,
} from './call-error-classification.js';
export { InvalidProducerOptionsError, ProducerError } from './errors.js';
export {
  type KinesisSender,
  MAX_PARTITION_KEY_LENGTH,
  MAX_PUT_RECORDS_BYTES,
  MAX_PUT_RECORDS_COUNT,
  MAX_RECORD_BYTES,
  type OrderedProducerOptions,
  type ResolvedProducerOptions,
  resolveProducerOptions,
} from './options.js';
export {
  OrderedBatchPlanner,
  type PlannedEntry,
  type PlannerSettings,
  type PutRecordsEntryOutcome,
  type Settlement,
} from './planner.js';
export { createOrderedProducer, recordSize } from './producer.js';
export {
  type ObservedPutRecordsCall,
  type OrderedProducer,
  type ProducerEntry,
  type ProducerFailed,
  ProducerFailureReason,
  type ProducerResult,
  type ProducerWritten,
  type PutObserver,
  type PutOptions,
} from './types.js';
