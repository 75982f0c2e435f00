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
  AggregateBuilder,
  type AggregateDefinition,
  AggregateRegistry,
  type Apply,
  defineAggregate,
  type EventDefinition,
} from './registry.js';
