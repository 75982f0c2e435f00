export { type InvocationOutcome, interpretBatchResponse } from './batch-response.js';
export {
  EventSourceMappingError,
  FunctionInvocationError,
  InvalidEventSourceMappingOptionsError,
  OnFailureDestinationError,
} from './errors.js';
export {
  type KinesisEventSourceMappingOptions,
  type KinesisStreamFunction,
  type ResolvedEventSourceMappingOptions,
  resolveEventSourceMappingOptions,
} from './event-source-mapping-options.js';
export { type EventSourceMappingStats, KinesisEventSourceMapping } from './kinesis-event-source-mapping.js';
export { buildKinesisStreamEvent, type KinesisEventSource } from './kinesis-stream-event.js';
export { createLambdaContext, type LambdaContextInput } from './lambda-context.js';
export { NdjsonFileDestination, type OnFailureDestination } from './on-failure-destination.js';
export {
  buildKinesisOnFailureRecord,
  type KinesisOnFailureRecord,
  type OnFailureCondition,
  type OnFailureRecordInput,
} from './on-failure-record.js';
export {
  countExpired,
  type EventSourceMappingRetryPolicy,
  type PendingBatch,
  planAfterInvocation,
  type RetryPlan,
} from './retry-plan.js';
