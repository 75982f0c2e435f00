export {
  AggregateNotFoundError,
  applySkip,
  type GapListing,
  listGaps,
  loadForOperator,
  planSkip,
} from './aggregate-operations.js';
export { createStalledCheck, type StalledCheckDeps } from './stalled-check.js';
