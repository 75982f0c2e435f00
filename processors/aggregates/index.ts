export {
  initialOrderState,
  type OrderEventType,
  type OrderLine,
  type OrderState,
  type OrderStatus,
  orderAggregate,
  orderEventSchemas,
} from './order.js';
export {
  DEFAULT_ORDER_EVENT_MIX,
  drawOrderEventType,
  type GenerateOrderEventsOptions,
  generateOrderEvents,
  MIXABLE_ORDER_EVENT_TYPES,
  type MixableOrderEventType,
  type OrderEventInterleave,
  type OrderEventMix,
  type OrderEventPlan,
  OrderEventStream,
  type OrderEventStreamOptions,
  randomUlid,
} from './order-events.js';
export {
  AggregateBuilder,
  type AggregateDefinition,
  AggregateRegistry,
  type Apply,
  defineAggregate,
  type EventDefinition,
} from './registry.js';
export { createSeededRandom } from './seeded-random.js';
