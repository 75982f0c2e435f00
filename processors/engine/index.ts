export type { DrainFailure } from './aggregate-fold.js';
export { chainOf, EMPTY_CHAIN, nextChainLink, skipToken } from './chain.js';
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
export {
  ENGINE_DEFAULTS,
  type EngineOptions,
  type ResolvedEngineOptions,
  resolveEngineOptions,
} from './options.js';
export type { Decision, RecordOutcome, StalledGap } from './outcomes.js';
export {
  type AggregateKey,
  type AggregateSnapshot,
  aggregatePk,
  emptySnapshot,
  gapSince,
  type LoadedAggregate,
  type PendingRef,
  type SkipRecord,
} from './snapshot.js';
