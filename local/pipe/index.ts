export { chunkPutEventsEntries } from './batching.js';
export {
  ENRICHMENT_RESPONSE_LIMIT_BYTES,
  EVENT_BUS_TARGET_MAX_BATCH,
  enrichedEvents,
} from './enrichment-response.js';
export {
  InvalidInputTemplateError,
  InvalidJsonPathError,
  InvalidPipeConfigError,
  PipeError,
  PipeRecordError,
} from './errors.js';
export { compilePipeFilters, type PipeFilterCriteria, type PipeRecordFilter } from './filter-criteria.js';
export {
  type CompiledInputTemplate,
  compileInputTemplate,
  type PipeTemplateContext,
  renderInputTemplate,
} from './input-template.js';
export { evaluateJsonPath, type JsonPathStep, parseJsonPath } from './json-path.js';
export {
  type DecodedPipeRecord,
  decodePipeRecord,
  filterView,
  type PipeKinesisRecord,
  type PipeSourceContext,
  type PipeSourceEvent,
  POLLER_FIELDS,
  pipeSourceEvent,
} from './kinesis-record.js';
export {
  createPipe,
  LocalPipe,
  type PipeBatchResult,
  type PipeDeadLetter,
  type PipeEnrichment,
  type PipeOptions,
  type PipeRetryPolicy,
} from './pipe.js';
export {
  type CompiledEventBusTarget,
  compileEventBusTarget,
  type PipeEventBusTarget,
} from './target-parameters.js';
