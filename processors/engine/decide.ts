import type { AggregateRegistry } from '../aggregates/registry.js';
import type { Envelope } from '../envelope/schema.js';
import { measureSnapshotItemWithin } from '../store/item-layout.js';
import {
  AggregateFold,
  budgetRejection,
  type DrainFailure,
  type FoldBudget,
  type Rejection,
} from './aggregate-fold.js';
import { storageProblem } from './item-size.js';
import type { ResolvedEngineOptions } from './options.js';
import type { RecordOutcome, StalledGap } from './outcomes.js';
import { recentKey, SKIPPED_KEY } from './recent-key.js';
import {
  type AggregateKey,
  type AggregateSnapshot,
  emptySnapshot,
  gapSince,
  type LoadedAggregate,
  type PendingRef,
} from './snapshot.js';

/** Input of one aggregate's decision: what is stored, and the batch's records for it in stream order. */
export interface AggregateDecisionInput {
  readonly key: AggregateKey;
  /** The stored aggregate, or undefined if it has never been written. */
  readonly loaded: LoadedAggregate | undefined;
  /** This aggregate's envelopes (already validated) in stream order. */
  readonly records: readonly Envelope[];
  readonly now: Date;
}

/** What to write for one aggregate, and what happened to each record. */
export interface AggregateDecision {
  readonly key: AggregateKey;
  /** One outcome per input record, in the same order. */
  readonly outcomes: readonly RecordOutcome[];
  /** The snapshot to write (conditionally on the stored revision), or undefined when nothing changed. */
  readonly next: AggregateSnapshot | undefined;
  /** The revision the write must find stored (0 = the item must not exist). */
  readonly expectedRevision: number;
  /** Newly buffered envelopes to store as `pending#…` items before the snapshot write. */
  readonly pendingToPut: readonly Envelope[];
  /** Sequences of stored pending items that were applied; their items can be deleted after the write. */
  readonly pendingToDelete: readonly number[];
  /** How many previously stored buffered events were applied. */
  readonly drainedFromStore: number;
  /** Those events, in the order they were applied (their decision is on no record of this batch). */
  readonly drainedStoredEvents: readonly Envelope[];
  /** Buffered events that could not be applied (missing item or `apply` threw); they stay buffered. */
  readonly drainFailures: readonly DrainFailure[];
  /** Set when the aggregate's gap is older than `maxGapAgeMs`. */
  readonly stalled: StalledGap | undefined;
}

/**
 * Decides apply / duplicate / conflict / buffer / drain for each record of one aggregate and computes the new snapshot.
 * Pure: no I/O, deterministic for a given input.
 */
export function decideAggregate(
  input: AggregateDecisionInput,
  registry: AggregateRegistry,
  options: ResolvedEngineOptions,
): AggregateDecision {
  const budget: FoldBudget = {
    maxSnapshotBytes: options.maxSnapshotBytes,
    // The budget only asks "does it fit?": an upper bound that fits spares compressing the state to measure it.
    measure: (snapshot) => measureSnapshotItemWithin(snapshot, options.maxSnapshotBytes),
  };
  // Fast path: fold unchecked and measure the result once. Only when it does not fit, fold again checking every
  // step, so the event that would break the budget is the one refused.
  const decision = decideWith(input, registry, options, undefined);
  if (decision.next === undefined || budgetRejection(budget, decision.next) === undefined) return decision;
  return decideWith(input, registry, options, budget);
}

function decideWith(
  input: AggregateDecisionInput,
  registry: AggregateRegistry,
  options: ResolvedEngineOptions,
  budget: FoldBudget | undefined,
): AggregateDecision {
  const base =
    input.loaded?.snapshot ?? emptySnapshot(input.key, registry.initialState(input.key.aggregateType));
  const fold = new AggregateFold(
    base,
    input.loaded?.pendingEvents ?? new Map(),
    registry,
    options.recentWindow,
    input.now.getTime(),
    budget,
  );
  const nowIso = input.now.toISOString();
  const outcomes: RecordOutcome[] = input.records.map((envelope, index) =>
    decideRecord(fold, envelope, index, nowIso, options),
  );
  for (const index of fold.drainedRecords) outcomes[index] = { decision: 'drained' };
  for (const { index, rejection } of fold.rejectedRecords)
    outcomes[index] = { decision: 'rejected', ...rejection };

  const next = fold.toSnapshot(nowIso);
  const pendingToPut: Envelope[] = [];
  for (const pending of fold.pending.values()) {
    if (!pending.stored && pending.envelope !== undefined) pendingToPut.push(pending.envelope);
  }
  return {
    key: input.key,
    outcomes,
    next,
    expectedRevision: base.revision,
    pendingToPut,
    pendingToDelete: fold.drainedStored,
    drainedFromStore: fold.drainedStored.length,
    drainedStoredEvents: fold.drainedStored.flatMap((sequence) => {
      const envelope = input.loaded?.pendingEvents.get(sequence);
      return envelope === undefined ? [] : [envelope];
    }),
    drainFailures: fold.drainFailures,
    stalled: stalledGap(next ?? base, input.now, options.maxGapAgeMs),
  };
}

function decideRecord(
  fold: AggregateFold,
  envelope: Envelope,
  index: number,
  nowIso: string,
  options: ResolvedEngineOptions,
): RecordOutcome {
  const { sequence, eventId } = envelope;
  const key = recentKey(eventId);
  if (sequence <= fold.version) {
    const known = fold.recentEventId(sequence);
    if (known === key) return { decision: 'duplicate', verified: true };
    // Skip records cover every skipped sequence, also those a long skip left outside the recent window.
    if (
      known === SKIPPED_KEY ||
      (known === undefined && fold.skips.some((s) => s.from <= sequence && sequence <= s.to))
    )
      return { decision: 'conflict', detail: `sequence ${sequence} was skipped by an operator` };
    if (known === undefined) return { decision: 'duplicate', verified: false };
    // The window keeps only a key of each eventId (docs/design.md §3): the holder of the slot cannot be named.
    return {
      decision: 'conflict',
      detail: `sequence ${sequence} was already applied with another eventId (window key ${known})`,
    };
  }
  const appliedAt = fold.recentSequenceOf(key);
  if (appliedAt !== undefined) {
    return { decision: 'conflict', detail: `eventId was already applied at sequence ${appliedAt}` };
  }
  const buffered = fold.pending.get(sequence);
  if (buffered !== undefined && buffered.ref.eventId !== eventId) {
    return {
      decision: 'conflict',
      detail: `sequence ${sequence} is already buffered as eventId ${buffered.ref.eventId}`,
      existingEventId: buffered.ref.eventId,
    };
  }
  const bufferedAt = fold.pendingSequenceOf(eventId);
  if (bufferedAt !== undefined && bufferedAt !== sequence) {
    return { decision: 'conflict', detail: `eventId is already buffered at sequence ${bufferedAt}` };
  }

  if (sequence === fold.version + 1) {
    // A buffered copy of this very event (whose stored item went missing) is replaced by this one.
    if (buffered !== undefined) {
      fold.pending.delete(sequence);
      if (buffered.stored) fold.drainedStored.push(sequence);
    }
    const refused = fold.applyNext(envelope, key);
    if (refused !== undefined) {
      fold.block(sequence, eventId, refused, nowIso);
      return { decision: 'rejected', ...refused };
    }
    fold.drain();
    return { decision: 'applied' };
  }

  if (buffered !== undefined) {
    // Redelivery of an event already waiting behind the gap; fill in its envelope if the item was lost.
    buffered.envelope ??= envelope;
    return { decision: 'duplicate', verified: true };
  }
  const ref = { sequence, eventId, bufferedAt: nowIso };
  const refused = bufferingRejection(fold, envelope, ref, options);
  if (refused !== undefined) {
    fold.block(sequence, eventId, refused, nowIso);
    return { decision: 'rejected', ...refused };
  }
  fold.pending.set(sequence, {
    ref,
    envelope,
    stored: false,
    recordIndex: index,
  });
  return { decision: 'buffered' };
}

/** Why an event past the gap cannot be buffered: the buffer is full, or the event cannot be stored as an item. */
function bufferingRejection(
  fold: AggregateFold,
  envelope: Envelope,
  ref: PendingRef,
  options: ResolvedEngineOptions,
): Rejection | undefined {
  if (fold.pending.size >= options.maxBufferedEvents) {
    return {
      reason: 'too-many-buffered',
      detail: `the aggregate already buffers ${fold.pending.size} events behind its gap at sequence ${fold.version + 1} (MAX_BUFFERED_EVENTS)`,
    };
  }
  // Its own `pending#…` item holds the envelope: its data must be storable too.
  const problem = storageProblem(envelope.data, 'data');
  if (problem !== undefined) return { reason: 'not-storable', detail: problem };
  return fold.exceedsBudget(fold.state, ref);
}

/**
 * The stalled gap of a snapshot at `now`: when its oldest buffered event waited longer than `maxGapAgeMs`, or at
 * once when the aggregate is blocked on a refused event (nothing but an operator moves it on).
 */
export function stalledGap(
  snapshot: AggregateSnapshot,
  now: Date,
  maxGapAgeMs: number,
): StalledGap | undefined {
  const since = gapSince(snapshot);
  // A listed snapshot says how many events it buffers without their refs (`unloadedPending`).
  const first = snapshot.pending[0]?.sequence ?? snapshot.unloadedPending?.from;
  const buffered = snapshot.pending.length || (snapshot.unloadedPending?.count ?? 0);
  const blocked = snapshot.blocked;
  if (since === undefined || (first === undefined && blocked === undefined)) return undefined;
  const ageMs = now.getTime() - Date.parse(since);
  if (blocked === undefined && ageMs <= maxGapAgeMs) return undefined;
  return {
    missingFrom: snapshot.version + 1,
    missingTo: first === undefined ? (blocked?.sequence ?? snapshot.version + 1) : first - 1,
    buffered,
    since,
    ageMs,
    ...(blocked === undefined ? {} : { blocked }),
  };
}

/** Result of an operator's skip of a gap. */
export interface SkipGapResult {
  readonly next: AggregateSnapshot;
  readonly expectedRevision: number;
  readonly skipped: { readonly from: number; readonly to: number };
  /** Buffered sequences applied after the skip; their items can be deleted. */
  readonly pendingToDelete: readonly number[];
  readonly drainFailures: readonly DrainFailure[];
}

/** Thrown when a skip is asked for an aggregate that has no gap. */
export class NoGapError extends Error {
  override readonly name = 'NoGapError';
}

/**
 * Resolves a gap by skipping the missing sequences up to the first buffered one, recorded as an explicit skip
 * (and in the chain), then applies the buffered events that become contiguous.
 */
export function skipGap(
  loaded: LoadedAggregate,
  registry: AggregateRegistry,
  options: ResolvedEngineOptions,
  now: Date,
  reason: string,
): SkipGapResult {
  const fold = new AggregateFold(
    loaded.snapshot,
    loaded.pendingEvents,
    registry,
    options.recentWindow,
    now.getTime(),
  );
  const nowIso = now.toISOString();
  const skip = fold.skipToFirstPending(nowIso, reason);
  const next = fold.toSnapshot(nowIso);
  if (skip === undefined || next === undefined) {
    throw new NoGapError(
      `${loaded.snapshot.aggregateType} ${loaded.snapshot.aggregateId} has no gap to skip (version ${loaded.snapshot.version}, ${loaded.snapshot.pending.length} buffered)`,
    );
  }
  return {
    next,
    expectedRevision: loaded.snapshot.revision,
    skipped: { from: skip.from, to: skip.to },
    pendingToDelete: fold.drainedStored,
    drainFailures: fold.drainFailures,
  };
}
