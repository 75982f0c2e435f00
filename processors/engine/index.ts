export type { DrainFailure, Rejection } from './aggregate-fold.js';
export {
  ChainHistoryError,
  type ChainSkip,
  chainOf,
  chainOfHistory,
  EMPTY_CHAIN,
  nextChainLink,
  type SkipChainToken,
  skipRangeToken,
  skipToken,
} from './chain.js';
export {
  type AggregateDecision,
  type AggregateDecisionInput,
  decideAggregate,
  NoGapError,
  type SkipGapResult,
  skipGap,
  stalledGap,
} from './decide.js';
export { type AggregateGroup, groupByAggregate } from './group.js';
export { DYNAMODB_MAX_ITEM_BYTES, type ItemMeasure, measureItem, storageProblem } from './item-size.js';
export {
  ENGINE_DEFAULTS,
  type EngineOptions,
  type ResolvedEngineOptions,
  resolveEngineOptions,
} from './options.js';
export type { Decision, RecordOutcome, StalledGap } from './outcomes.js';
export { RECENT_KEY_BYTES, recentKey, SKIPPED_KEY } from './recent-key.js';
export {
  type AggregateKey,
  type AggregateSnapshot,
  APPLIED_TIMES_WINDOW,
  aggregatePk,
  type BlockRecord,
  emptySnapshot,
  gapSince,
  type LoadedAggregate,
  type PendingRef,
  type RejectionReason,
  type SkipRecord,
  type UnloadedPending,
} from './snapshot.js';
