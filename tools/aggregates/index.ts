export { formatAggregate, formatGaps, table } from './format.js';
export {
  explainMissingTable,
  OperatorConfigError,
  type OperatorTarget,
  operatorTargetFor,
} from './operator-store.js';
