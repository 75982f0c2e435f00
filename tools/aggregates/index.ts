export { formatAggregate, formatGaps, table } from './format.js';
export { OperatorConfigError, type OperatorTarget, resolveOperatorTarget } from './operator-store.js';
