export type { EventBusPort } from '../../processors/bus-bridge/event-bus-port.js';
export { eventBridgeClientPort } from '../../processors/bus-bridge/eventbridge-client-port.js';
export {
  EventBusClosedError,
  EventBusError,
  InvalidEventPatternError,
  InvalidRuleError,
  PutEventsValidationError,
  WebhookDeliveryError,
} from './errors.js';
export {
  type BusDeadLetter,
  type BusRuleDefinition,
  type EventBusOptions,
  type EventBusStats,
  LocalEventBus,
  openEventBus,
  type WebhookTargetDefinition,
} from './event-bus.js';
export {
  type CompiledEventPattern,
  compileEventPattern,
  type EventPattern,
  matchesEventPattern,
  parseEventPattern,
  validateEventPattern,
} from './event-pattern.js';
export {
  type DecodedPutEventsRequest,
  decodePutEventsRequest,
  type EventBridgeEndpointOptions,
  PUT_EVENTS_TARGET,
  type RunningEventBridgeEndpoint,
  startEventBridgeEndpoint,
} from './eventbridge-endpoint.js';
export { NdjsonQueue } from './ndjson-queue.js';
export {
  type EventBridgeEvent,
  PUT_EVENTS_LIMITS,
  type PutEventsRequestEntry,
  type PutEventsResult,
  type PutEventsResultEntry,
  putEventsEntrySize,
  toEventBridgeEvent,
  validatePutEventsRequest,
} from './put-events.js';
export {
  DEFAULT_EVENTBRIDGE_RETRY_POLICY,
  type EventBridgeRetryPolicy,
  type ExhaustedRetryCondition,
  type RetryClock,
  type RetryOutcome,
  resolveRetryPolicy,
  retryWithBackoff,
} from './retry-policy.js';
export { isLoopbackUrl, postJson } from './webhook.js';
