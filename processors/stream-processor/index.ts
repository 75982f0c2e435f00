export { type BatchSummary, emptySummary, type StalledAggregate } from './batch-summary.js';
export {
  loadProcessorConfig,
  PROCESSOR_DEFAULTS,
  type ProcessorConfig,
  type ProcessorEnvironment,
  processorConfigSchema,
} from './config.js';
export {
  createStreamProcessorHandler,
  type HandlerObservability,
  type KinesisBatchHandler,
} from './create-handler.js';
export {
  type BatchProcessorDeps,
  type BatchResult,
  processKinesisBatch,
  shardIdOf,
} from './process-batch.js';
