export {
  AggregateNotFoundError,
  applySkip,
  type GapListing,
  listGaps,
  loadForOperator,
  planSkip,
} from './aggregate-operations.js';
export {
  loadStalledCheckConfig,
  type StalledCheckConfig,
  type StalledCheckEnvironment,
  stalledCheckConfigSchema,
} from './config.js';
export { createStalledCheck, type StalledCheckDeps } from './stalled-check.js';
