import type { AggregateKey, StalledGap } from '../engine/index.js';

/** A stalled aggregate seen in a batch. */
export interface StalledAggregate extends AggregateKey, StalledGap {}

/** What one batch did: the counts behind the metrics and the log line. */
export interface BatchSummary {
  records: number;
  applied: number;
  /** Buffered events applied after their gap filled (this batch's and previously stored ones). */
  drained: number;
  duplicates: number;
  /** Duplicates older than the recent window, which cannot be told apart from conflicts. */
  unverifiedDuplicates: number;
  conflicts: number;
  rejected: number;
  buffered: number;
  poison: number;
  quarantineWrites: number;
  quarantineFailures: number;
  writes: number;
  writeRetries: number;
  failedAggregates: number;
  stalled: StalledAggregate[];
  /** Kinesis arrival → applied, in ms, for every event applied by this batch. */
  appliedLagMs: number[];
}

/** A summary with every count at zero. */
export function emptySummary(records: number): BatchSummary {
  return {
    records,
    applied: 0,
    drained: 0,
    duplicates: 0,
    unverifiedDuplicates: 0,
    conflicts: 0,
    rejected: 0,
    buffered: 0,
    poison: 0,
    quarantineWrites: 0,
    quarantineFailures: 0,
    writes: 0,
    writeRetries: 0,
    failedAggregates: 0,
    stalled: [],
    appliedLagMs: [],
  };
}
