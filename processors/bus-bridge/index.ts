export {
  type BridgedEntryParts,
  type BridgedEvent,
  bridgedEntrySize,
  bridgedEvent,
  DETAIL_TYPE_PATH,
  ENVELOPE_INPUT_TEMPLATE,
  envelopeInputTemplate,
  eventSource,
  MAX_SOURCE_PREFIX_LENGTH,
  SOURCE_PATH,
  SOURCE_PREFIX_PATTERN,
  sourcePrefixProblem,
  WORST_CASE_SOURCE_PREFIX,
} from './bridged-event.js';
export {
  type BusBridgeConfig,
  type BusBridgeEnvironment,
  busBridgeConfigSchema,
  loadBusBridgeConfig,
} from './config.js';
export {
  type BridgeEnrichment,
  type BridgeEnrichmentOptions,
  createBridgeEnrichment,
  type PipeKinesisSourceRecord,
} from './enrichment.js';
export { BusBridgeError, NotABatchError } from './errors.js';
export type {
  EventBusPort,
  PutEventsRequestEntry,
  PutEventsResult,
  PutEventsResultEntry,
} from './event-bus-port.js';
export { eventBridgeClientPort } from './eventbridge-client-port.js';
export { PUT_EVENTS_MAX_ENTRIES, putEventsBatches } from './put-events-batches.js';
export {
  fitsPutEvents,
  PUT_EVENTS_SIZE_LIMIT_BYTES,
  PUT_EVENTS_TIME_BYTES,
  type PutEventsSizedEntry,
  putEventsEntrySize,
} from './put-events-entry-size.js';
