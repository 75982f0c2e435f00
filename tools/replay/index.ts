export {
  type BackfillProgress,
  type BackfillRequest,
  backfillExecutionInput,
  type DistributedBackfillOptions,
  formatBackfillProgress,
  startDistributedBackfill,
} from './distributed-backfill.js';
export { localEnvironment } from './local-environment.js';
export { formatProgress, formatSeconds, progressPrinter } from './progress-bar.js';
export { parseReplayArgs, REPLAY_USAGE, type ReplayCliArgs } from './replay-cli-args.js';
export { formatReplaySummary } from './replay-summary-text.js';
