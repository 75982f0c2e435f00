import type { BlockRecord, RejectionReason } from './snapshot.js';

/** What the engine decided for one record. */
export type RecordOutcome =
  /** Applied in order as it arrived. */
  | { readonly decision: 'applied' }
  /** Arrived early in this batch, buffered, then applied once the batch filled its gap. */
  | { readonly decision: 'drained' }
  /** Already applied (or already buffered); skipped. `verified` is false when older than the recent window. */
  | { readonly decision: 'duplicate'; readonly verified: boolean }
  /** Arrived past a gap: stored as pending, applied when the missing sequences arrive. */
  | { readonly decision: 'buffered' }
  /** Claims a version or an eventId that another event holds: quarantined, never applied. */
  | { readonly decision: 'conflict'; readonly detail: string; readonly existingEventId?: string }
  /**
   * Refused (its `apply` threw, or the aggregate could not store it within its bounds): quarantined with the reason;
   * the aggregate is blocked at this sequence.
   */
  | { readonly decision: 'rejected'; readonly reason: RejectionReason; readonly detail: string };

/** The decision names, for metrics and logs. */
export type Decision = RecordOutcome['decision'];

/** A gap that has been open longer than `maxGapAge`. */
export interface StalledGap {
  /** First missing sequence. */
  readonly missingFrom: number;
  /** Last missing sequence (the first buffered sequence − 1). */
  readonly missingTo: number;
  /** How many events wait behind the gap. */
  readonly buffered: number;
  /** ISO time the oldest buffered event was first seen. */
  readonly since: string;
  readonly ageMs: number;
  /** Set when the aggregate waits on a refused event: stalled at once, whatever the gap's age. */
  readonly blocked?: BlockRecord;
}
