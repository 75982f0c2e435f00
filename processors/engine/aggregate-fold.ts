import type { AggregateRegistry } from '../aggregates/registry.js';
import type { Envelope } from '../envelope/schema.js';
import { type ChainSkip, nextChainLink, skipRangeToken } from './chain.js';
import type { ItemMeasure } from './item-size.js';
import { recentKey, SKIPPED_KEY } from './recent-key.js';
import {
  type AggregateSnapshot,
  APPLIED_TIMES_WINDOW,
  type BlockRecord,
  type PendingRef,
  type RejectionReason,
  type SkipRecord,
} from './snapshot.js';

/** A buffered event during a fold: stored earlier (has an item) or buffered by the current batch. */
export interface WorkingPending {
  ref: PendingRef;
  /** Missing when a stored pending item could not be loaded. */
  envelope: Envelope | undefined;
  /** True when the event has its own `pending#…` item in the table. */
  stored: boolean;
  /** Index of the batch record that brought it, when buffered by this batch. */
  recordIndex?: number;
}

/** Why an event was refused. */
export interface Rejection {
  readonly reason: RejectionReason;
  readonly detail: string;
}

/** How a fold checks that what it builds can be stored (only on the slow path: see decide.ts). */
export interface FoldBudget {
  readonly maxSnapshotBytes: number;
  /** Measures the snapshot item as DynamoDB counts it. */
  readonly measure: (snapshot: AggregateSnapshot) => ItemMeasure;
}

/** Why draining a buffered event failed. */
export interface DrainFailure {
  readonly sequence: number;
  readonly detail: string;
}

/**
 * Mutable working copy of one aggregate while a batch (or an operator command) is folded into it.
 * Kept private to the engine: callers see only immutable snapshots and decisions.
 */
export class AggregateFold {
  version: number;
  chain: string;
  state: unknown;
  readonly recent: string[];
  readonly recentAppliedAt: number[];
  readonly #recentIds: Set<string>;
  readonly pending: Map<number, WorkingPending>;
  readonly skips: SkipRecord[];
  /** Sequences of stored pending items that have been applied (their items can be deleted). */
  readonly drainedStored: number[] = [];
  /** Indexes of batch records applied from the buffer. */
  readonly drainedRecords: number[] = [];
  readonly drainFailures: DrainFailure[] = [];
  /** Batch records refused while draining (removed from the buffer, to be quarantined). */
  readonly rejectedRecords: { index: number; rejection: Rejection }[] = [];
  /** The lowest refused sequence, while the version has not passed it. */
  blocked: BlockRecord | undefined;

  constructor(
    readonly base: AggregateSnapshot,
    pendingEvents: ReadonlyMap<number, Envelope>,
    private readonly registry: AggregateRegistry,
    private readonly recentWindow: number,
    private readonly nowMs: number,
    /** When set, every step is checked against it before it is kept. */
    private readonly budget?: FoldBudget,
  ) {
    this.version = base.version;
    this.chain = base.chain;
    this.state = base.state;
    this.recent = [...base.recent];
    // Items written before applied times were kept have none: 0 stands for "unknown".
    const missing = base.recent.length - base.recentAppliedAt.length;
    this.recentAppliedAt =
      missing >= 0
        ? [...new Array<number>(missing).fill(0), ...base.recentAppliedAt]
        : base.recentAppliedAt.slice(-missing);
    this.#recentIds = new Set(this.recent.filter((key) => key !== SKIPPED_KEY));
    this.pending = new Map(
      base.pending.map((ref) => [
        ref.sequence,
        { ref, envelope: pendingEvents.get(ref.sequence), stored: true },
      ]),
    );
    this.skips = [...base.skips];
    this.blocked = base.blocked;
  }

  /** Records a refusal; the block keeps the lowest refused sequence. */
  block(sequence: number, eventId: string, rejection: Rejection, at: string): void {
    if (
      this.blocked !== undefined &&
      this.blocked.sequence <= sequence &&
      this.blocked.sequence > this.version
    )
      return;
    this.blocked = { sequence, eventId, reason: rejection.reason, detail: rejection.detail, at };
  }

  /** Why the snapshot with `state` (and `pendingRef` added) would not fit the budget, if it would not. */
  exceedsBudget(state: unknown, pendingRef?: PendingRef): Rejection | undefined {
    if (this.budget === undefined) return undefined;
    const snapshot = this.#snapshot(new Date(this.nowMs).toISOString(), state, pendingRef);
    return budgetRejection(this.budget, snapshot);
  }

  /** The key of the eventId applied at `sequence` if it is inside the recent window ('' = skipped). */
  recentEventId(sequence: number): string | undefined {
    const index = sequence - (this.version - this.recent.length + 1);
    return index >= 0 && index < this.recent.length ? this.recent[index] : undefined;
  }

  /** The sequence at which the eventId of `key` (see `recentKey`) was applied, if inside the recent window. */
  recentSequenceOf(key: string): number | undefined {
    if (!this.#recentIds.has(key)) return undefined;
    const index = this.recent.lastIndexOf(key);
    return this.version - this.recent.length + 1 + index;
  }

  /** The buffered sequence holding `eventId`, if any. */
  pendingSequenceOf(eventId: string): number | undefined {
    for (const [sequence, pending] of this.pending) if (pending.ref.eventId === eventId) return sequence;
    return undefined;
  }

  /**
   * Applies the next event (its sequence must be version + 1); returns why not if it was refused. `key` is its
   * eventId's `recentKey` when the caller has it already.
   */
  applyNext(envelope: Envelope, key?: string): Rejection | undefined {
    let next: unknown;
    try {
      next = this.registry.apply(this.state, envelope);
    } catch (error) {
      return { reason: 'apply-failed', detail: `apply threw: ${(error as Error)?.message ?? String(error)}` };
    }
    const refused = this.exceedsBudget(next);
    if (refused !== undefined) return refused;
    this.state = next;
    this.#advance(
      envelope.sequence,
      key ?? recentKey(envelope.eventId),
      nextChainLink(this.chain, envelope.eventId),
    );
    return undefined;
  }

  /** Applies buffered successors while they are contiguous. */
  drain(): void {
    for (;;) {
      const sequence = this.version + 1;
      const pending = this.pending.get(sequence);
      if (pending === undefined) return;
      if (pending.envelope === undefined) {
        this.drainFailures.push({ sequence, detail: 'buffered event item is missing from the table' });
        return;
      }
      const refused = this.applyNext(pending.envelope);
      if (refused !== undefined) {
        this.block(sequence, pending.ref.eventId, refused, new Date(this.nowMs).toISOString());
        if (pending.recordIndex !== undefined && !pending.stored) {
          // This batch brought it: quarantine it rather than store an event the aggregate cannot take.
          this.pending.delete(sequence);
          this.rejectedRecords.push({ index: pending.recordIndex, rejection: refused });
        } else {
          this.drainFailures.push({ sequence, detail: `${refused.reason}: ${refused.detail}` });
        }
        return;
      }
      this.pending.delete(sequence);
      if (pending.stored) this.drainedStored.push(sequence);
      if (pending.recordIndex !== undefined) this.drainedRecords.push(pending.recordIndex);
    }
  }

  /**
   * Skips the missing sequences up to the first buffered one (or through the refused event an aggregate is blocked
   * on, when nothing is buffered), recording the skip in the chain as one range token,
   * then drains. Constant time in the length of the range: one hash, and only the last `recentWindow` skipped
   * sequences enter the recent window (as `''`), the ones a shorter skip would have left there.
   */
  skipToFirstPending(at: string, reason: string): SkipRecord | undefined {
    let first = Number.POSITIVE_INFINITY;
    for (const sequence of this.pending.keys()) if (sequence < first) first = sequence;
    // Blocked on a refused event with nothing buffered behind it: the skip goes through the refused sequence.
    if (!Number.isFinite(first) && this.blocked !== undefined && this.blocked.sequence > this.version)
      first = this.blocked.sequence + 1;
    if (!Number.isFinite(first) || first <= this.version + 1) return undefined;
    const skip: SkipRecord & ChainSkip = {
      from: this.version + 1,
      to: first - 1,
      at,
      reason,
      chainToken: 'range',
    };
    const chain = nextChainLink(this.chain, skipRangeToken(skip.from, skip.to));
    // Sequences before the last `recentWindow` ones would be pushed out of the window again at once.
    const shown = Math.min(skip.to - skip.from + 1, this.recentWindow);
    for (let sequence = skip.to - shown + 1; sequence <= skip.to; sequence++)
      this.#advance(sequence, SKIPPED_KEY, chain);
    this.version = skip.to;
    this.chain = chain;
    this.skips.push(skip);
    this.drain();
    return skip;
  }

  /** The immutable snapshot after this fold, or undefined when nothing changed. */
  toSnapshot(updatedAt: string): AggregateSnapshot | undefined {
    const pendingChanged =
      this.pending.size !== this.base.pending.length ||
      this.base.pending.some((ref) => !this.pending.has(ref.sequence));
    if (this.blocked !== undefined && this.blocked.sequence <= this.version) this.blocked = undefined;
    if (
      this.version === this.base.version &&
      !pendingChanged &&
      this.skips.length === this.base.skips.length &&
      this.blocked === this.base.blocked
    ) {
      return undefined;
    }
    return this.#snapshot(updatedAt, this.state);
  }

  #snapshot(updatedAt: string, state: unknown, extraPending?: PendingRef): AggregateSnapshot {
    const pending = [...this.pending.values()].map((p) => p.ref);
    if (extraPending !== undefined) pending.push(extraPending);
    const blocked =
      this.blocked !== undefined && this.blocked.sequence > this.version ? { blocked: this.blocked } : {};
    return {
      aggregateType: this.base.aggregateType,
      aggregateId: this.base.aggregateId,
      version: this.version,
      chain: this.chain,
      state,
      recent: [...this.recent],
      recentAppliedAt: this.recentAppliedAt.slice(-Math.min(APPLIED_TIMES_WINDOW, this.recent.length)),
      pending: pending.sort((a, b) => a.sequence - b.sequence),
      skips: [...this.skips],
      ...blocked,
      revision: this.base.revision + 1,
      updatedAt,
    };
  }

  /** Moves to `sequence`, applied as the eventId of `key` (`SKIPPED_KEY` for a skipped sequence). */
  #advance(sequence: number, key: string, chain: string): void {
    this.version = sequence;
    this.chain = chain;
    this.recent.push(key);
    this.recentAppliedAt.push(this.nowMs);
    if (key !== SKIPPED_KEY) this.#recentIds.add(key);
    if (this.recent.length > this.recentWindow) {
      const dropped = this.recent.shift();
      this.recentAppliedAt.shift();
      if (dropped !== undefined && dropped !== SKIPPED_KEY) this.#recentIds.delete(dropped);
    }
  }
}

/** Why `snapshot` does not fit the budget (too large, or holding a value that cannot be stored), if it does not. */
export function budgetRejection(budget: FoldBudget, snapshot: AggregateSnapshot): Rejection | undefined {
  const measured = budget.measure(snapshot);
  if (measured.problem !== undefined) return { reason: 'not-storable', detail: measured.problem };
  if (measured.bytes > budget.maxSnapshotBytes) {
    return {
      reason: 'state-too-large',
      detail: `the snapshot item would be ${measured.bytes} bytes, over the budget of ${budget.maxSnapshotBytes} (MAX_SNAPSHOT_BYTES)`,
    };
  }
  return undefined;
}
