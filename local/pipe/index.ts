export { chunkPutEventsEntries } from './batching.js';
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
} from './kinesis-record.js';
export {
  createPipe,
  LocalPipe,
  type PipeBatchResult,
  type PipeDeadLetter,
  type PipeOptions,
  type PipeRetryPolicy,
} from './pipe.js';
export {
  type CompiledEventBusTarget,
  compileEventBusTarget,
  type PipeEventBusTarget,
} from './target-parameters.js';
