import type { AggregateKey, AggregateSnapshot, LoadedAggregate } from '../engine/snapshot.js';
import type { Envelope } from '../envelope/schema.js';

/** One aggregate's write: buffered events first, then the snapshot (conditional), then cleanup. */
export interface AggregateWrite {
  readonly key: AggregateKey;
  readonly next: AggregateSnapshot;
  /** The revision the stored snapshot must have (0 = must not exist). */
  readonly expectedRevision: number;
  readonly pendingToPut: readonly Envelope[];
  readonly pendingToDelete: readonly number[];
}

/** Options of {@link AggregateStore.listWithGaps}. */
export interface ListWithGapsOptions {
  /** Only gaps that began before this instant (the stalled threshold). */
  readonly olderThan?: Date;
}

/** The outcome of loading one aggregate. */
export type LoadResult =
  | { readonly ok: true; readonly aggregate: LoadedAggregate | undefined }
  | { readonly ok: false; readonly error: Error };

/** Port: where aggregate snapshots and buffered events live (DynamoDB on AWS and locally; memory in unit tests). */
export interface AggregateStore {
  /** Loads many aggregates (with their buffered events); a failure is reported per aggregate, keyed by pk. */
  loadMany(keys: readonly AggregateKey[]): Promise<Map<string, LoadResult>>;
  /** Loads one aggregate with its buffered events (consistent read). */
  load(key: AggregateKey): Promise<LoadedAggregate | undefined>;
  /**
   * Writes one aggregate. Throws `ConcurrentWriteError` when the stored revision is not `expectedRevision`
   * (or a buffered slot is held by another event), `StoreUnavailableError` when the store could not be reached.
   */
  write(write: AggregateWrite): Promise<void>;
  /**
   * Aggregates with buffered events (for the stalled listing and check). With `olderThan`, those whose gap began
   * before it; a store may yield more (callers check each snapshot's own gap), never fewer. A snapshot may come
   * without its buffered events' refs, described by `unloadedPending` instead.
   */
  listWithGaps(options?: ListWithGapsOptions): AsyncIterable<AggregateSnapshot>;
}
