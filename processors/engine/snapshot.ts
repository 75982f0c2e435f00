import type { Envelope } from '../envelope/schema.js';
import type { SkipChainToken } from './chain.js';

/** How many of the last applied sequences keep their applied time in the snapshot (lag sampling, not dedupe). */
export const APPLIED_TIMES_WINDOW = 16;

/** Identifies one aggregate instance. */
export interface AggregateKey {
  readonly aggregateType: string;
  readonly aggregateId: string;
}

/** The table's partition key of an aggregate: `<aggregateType>#<aggregateId>`. */
export function aggregatePk(key: AggregateKey): string {
  return `${key.aggregateType}#${key.aggregateId}`;
}

/** A buffered (not yet applied) event, as listed in the snapshot. Its envelope is stored in its own item. */
export interface PendingRef {
  readonly sequence: number;
  readonly eventId: string;
  /** ISO time the event was first buffered. */
  readonly bufferedAt: string;
}

/** What a snapshot item says of its buffered events when they are not read (docs/design.md §3). */
export interface UnloadedPending {
  readonly count: number;
  /** The lowest buffered sequence. */
  readonly from: number;
  /** The stored `gapSince`: the oldest buffering time, or the block's time if older. */
  readonly since: string;
}

/** An operator's explicit skip of missing sequences `from..to` (inclusive). */
export interface SkipRecord {
  readonly from: number;
  readonly to: number;
  /** ISO time of the skip. */
  readonly at: string;
  readonly reason: string;
  /** How the skip entered the chain (see `SkipChainToken` in chain.ts); absent on skips recorded before range links. */
  readonly chainToken?: SkipChainToken | undefined;
}

/** Why an event was refused for an aggregate (docs/design.md §3, "Bounded aggregates"). */
export type RejectionReason =
  /** The aggregate's `apply` threw. */
  | 'apply-failed'
  /** The snapshot item would pass the size budget (`maxSnapshotBytes`). */
  | 'state-too-large'
  /** The aggregate already buffers `maxBufferedEvents` events. */
  | 'too-many-buffered'
  /** The state or the event holds a value DynamoDB cannot store (non-finite or unsafe number, `__proto__` key…). */
  | 'not-storable'
  /** DynamoDB refused the write as invalid (a validation or size error): retrying cannot succeed. */
  | 'store-rejected';

/** The lowest sequence refused for an aggregate: it cannot advance past it until an operator acts. */
export interface BlockRecord {
  readonly sequence: number;
  readonly eventId: string;
  readonly reason: RejectionReason;
  readonly detail: string;
  /** ISO time of the refusal. */
  readonly at: string;
}

/** The stored state of one aggregate: the projection plus what ordering and idempotency need. */
export interface AggregateSnapshot extends AggregateKey {
  /** The last applied sequence; 0 before the first event. */
  readonly version: number;
  /** Hash chain over the applied eventIds in order (see `chain.ts`). */
  readonly chain: string;
  /** The folded state. */
  readonly state: unknown;
  /**
   * Keys (`recentKey(eventId)`, a truncated SHA-256) of the eventIds of the last applied sequences, oldest first:
   * `recent[i]` belongs to sequence `version - recent.length + 1 + i`. An empty string marks a skipped sequence.
   */
  readonly recent: readonly string[];
  /**
   * When the last sequences were applied (epoch ms; 0 = unknown), aligned to the end of `recent` (the last entry is
   * `version`'s) and at most {@link APPLIED_TIMES_WINDOW} long: measures ingest-to-applied lag.
   */
  readonly recentAppliedAt: readonly number[];
  /**
   * Buffered events waiting for a gap to fill, ordered by sequence. Not stored in the snapshot item: read from the
   * `pending#…` items when the snapshot counts some (docs/design.md §3).
   */
  readonly pending: readonly PendingRef[];
  /**
   * Set only on a snapshot read without its buffered events (the gap listing reads no `pending#…` items): how many
   * are buffered, the lowest sequence and `gapSince` as stored; `pending` is then empty.
   */
  readonly unloadedPending?: UnloadedPending;
  /** Explicit skips made by an operator, oldest first. */
  readonly skips: readonly SkipRecord[];
  /** Set while the aggregate waits on a refused event (cleared once its version passes that sequence). */
  readonly blocked?: BlockRecord;
  /** Optimistic-concurrency token: incremented by every write. 0 means never written. */
  readonly revision: number;
  /** ISO time of the last write. */
  readonly updatedAt: string;
}

/** A stored aggregate with the envelopes of its buffered events (loaded only when it has some). */
export interface LoadedAggregate {
  readonly snapshot: AggregateSnapshot;
  /** Buffered envelopes by sequence; every `snapshot.pending` entry should have one. */
  readonly pendingEvents: ReadonlyMap<number, Envelope>;
}

/** The snapshot of an aggregate that has never been written. */
export function emptySnapshot(key: AggregateKey, initialState: unknown): AggregateSnapshot {
  return {
    aggregateType: key.aggregateType,
    aggregateId: key.aggregateId,
    version: 0,
    chain: '',
    state: initialState,
    recent: [],
    recentAppliedAt: [],
    pending: [],
    skips: [],
    revision: 0,
    updatedAt: new Date(0).toISOString(),
  };
}

/**
 * The time the oldest current gap was first seen (or the aggregate was blocked), or undefined when nothing is
 * buffered and nothing refused.
 */
export function gapSince(
  snapshot: Pick<AggregateSnapshot, 'pending' | 'blocked' | 'unloadedPending'>,
): string | undefined {
  let oldest: string | undefined = snapshot.blocked?.at;
  const unloaded = snapshot.unloadedPending?.since;
  if (unloaded !== undefined && (oldest === undefined || unloaded < oldest)) oldest = unloaded;
  for (const ref of snapshot.pending)
    if (oldest === undefined || ref.bufferedAt < oldest) oldest = ref.bufferedAt;
  return oldest;
}
