import type { AggregateKey, AggregateSnapshot, LoadedAggregate } from '../engine/snapshot.js';
import { aggregatePk, gapSince } from '../engine/snapshot.js';
import type { Envelope } from '../envelope/schema.js';
import type { AggregateStore, AggregateWrite, ListWithGapsOptions, LoadResult } from './aggregate-store.js';
import { ConcurrentWriteError } from './errors.js';

/** An in-memory adapter of the aggregate store with the same conditional semantics as the DynamoDB one. */
export class InMemoryAggregateStore implements AggregateStore {
  readonly #snapshots = new Map<string, AggregateSnapshot>();
  readonly #pending = new Map<
    string,
    Map<number, { eventId: string; bufferedAt: string; envelope: Envelope }>
  >();
  /** Number of successful snapshot writes, for assertions about write amplification. */
  writes = 0;

  async loadMany(keys: readonly AggregateKey[]): Promise<Map<string, LoadResult>> {
    const results = new Map<string, LoadResult>();
    for (const key of keys) results.set(aggregatePk(key), { ok: true, aggregate: this.#read(key) });
    return results;
  }

  async load(key: AggregateKey): Promise<LoadedAggregate | undefined> {
    return this.#read(key);
  }

  async write(write: AggregateWrite): Promise<void> {
    const pk = aggregatePk(write.key);
    const stored = this.#snapshots.get(pk);
    if ((stored?.revision ?? 0) !== write.expectedRevision) {
      throw new ConcurrentWriteError(
        `revision is ${stored?.revision ?? 0}, expected ${write.expectedRevision}`,
        write.key,
      );
    }
    const items = this.#pending.get(pk) ?? new Map();
    for (const envelope of write.pendingToPut) {
      const ref = write.next.pending.find((p) => p.sequence === envelope.sequence);
      const existing = items.get(envelope.sequence);
      if (
        existing !== undefined &&
        existing.eventId !== envelope.eventId &&
        stored?.pending.some((p) => p.sequence === envelope.sequence)
      ) {
        throw new ConcurrentWriteError(
          `pending slot ${envelope.sequence} is held by ${existing.eventId}`,
          write.key,
        );
      }
      items.set(envelope.sequence, {
        eventId: envelope.eventId,
        bufferedAt: ref?.bufferedAt ?? write.next.updatedAt,
        envelope,
      });
    }
    for (const sequence of write.pendingToDelete) items.delete(sequence);
    this.#pending.set(pk, items);
    this.#snapshots.set(pk, write.next);
    this.writes++;
  }

  async *listWithGaps(options: ListWithGapsOptions = {}): AsyncIterable<AggregateSnapshot> {
    const cutoff = options.olderThan?.toISOString();
    for (const snapshot of this.#snapshots.values()) {
      const since = gapSince(snapshot);
      if (since === undefined) continue;
      // A blocked aggregate is stalled whatever its age.
      if (cutoff === undefined || since < cutoff || snapshot.blocked !== undefined) yield snapshot;
    }
  }

  /** Every stored snapshot (test and rebuild inspection). */
  snapshots(): AggregateSnapshot[] {
    return [...this.#snapshots.values()];
  }

  #read(key: AggregateKey): LoadedAggregate | undefined {
    const pk = aggregatePk(key);
    const snapshot = this.#snapshots.get(pk);
    if (snapshot === undefined) return undefined;
    const items = this.#pending.get(pk);
    const pendingEvents = new Map<number, Envelope>();
    for (const ref of snapshot.pending) {
      const item = items?.get(ref.sequence);
      if (item !== undefined && item.eventId === ref.eventId) pendingEvents.set(ref.sequence, item.envelope);
    }
    return { snapshot, pendingEvents };
  }
}
