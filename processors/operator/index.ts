export {
  AggregateNotFoundError,
  applySkip,
  type GapListing,
  listGaps,
  loadForOperator,
  planSkip,
} from './aggregate-operations.js';
export { formatAggregate, formatGaps, table } from './format.js';
export { OperatorConfigError, type OperatorTarget, resolveOperatorTarget } from './operator-store.js';
export { createStalledCheck, type StalledCheckDeps } from './stalled-check.js';
