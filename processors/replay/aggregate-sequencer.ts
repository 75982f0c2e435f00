import type { ArchivedEvent } from './event-order.js';

/** A range of missing sequences, inclusive. */
export interface SequenceGap {
  readonly from: number;
  readonly to: number;
}

/** Two or more eventIds claiming one sequence, or one eventId at two sequences. */
export interface SequenceConflict {
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly sequence: number;
  readonly eventIds: readonly string[];
  readonly detail: string;
}

/** One aggregate's sequence coverage in the scanned range. */
export interface AggregateCoverage {
  readonly aggregateType: string;
  readonly aggregateId: string;
  /** Distinct events (duplicates not counted). */
  readonly events: number;
  readonly firstSequence: number;
  readonly lastSequence: number;
  /** Missing sequences between the first and the last seen (before the first is outside the range, not a gap). */
  readonly gaps: readonly SequenceGap[];
  /** Extra copies of an eventId that were dropped. */
  readonly duplicates: number;
  readonly conflicts: readonly SequenceConflict[];
}

/** What the sequencer says about each event in replay order. */
export type SequencedItem =
  /** The next distinct event of its aggregate: replay it. */
  | { readonly kind: 'event'; readonly item: ArchivedEvent }
  /** Another copy of an event already emitted (same eventId): skipped. */
  | { readonly kind: 'duplicate'; readonly item: ArchivedEvent }
  /** Not replayed because its aggregate has a conflict at or before it (nothing after a conflict is guessed). */
  | { readonly kind: 'held'; readonly item: ArchivedEvent }
  | { readonly kind: 'conflict'; readonly conflict: SequenceConflict }
  /** Emitted once per aggregate after its last event. */
  | { readonly kind: 'aggregate-end'; readonly coverage: AggregateCoverage };

interface AggregateState {
  readonly key: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly seen: Map<string, number>;
  events: number;
  first: number;
  last: number;
  gaps: SequenceGap[];
  duplicates: number;
  conflicts: SequenceConflict[];
  held: boolean;
  /** Copies of the current sequence, decided when the next sequence (or aggregate) starts. */
  group: ArchivedEvent[];
}

/**
 * Turns events sorted in replay order into replay decisions: drops duplicate copies by eventId, reports conflicts
 * (one sequence with two eventIds, or one eventId at two sequences) and holds the aggregate from there rather than
 * choosing a winner, and records gaps. Pure; it keeps one aggregate's eventIds and one sequence's copies at a time.
 */
export class AggregateSequencer {
  #current: AggregateState | undefined;

  /** Feeds the next event in replay order; returns the decisions it made possible. */
  push(item: ArchivedEvent): SequencedItem[] {
    const out: SequencedItem[] = [];
    const current = this.#current;
    if (current === undefined || current.key !== item.key) {
      if (current !== undefined) this.#endAggregate(current, out);
      this.#current = newState(item);
      (this.#current as AggregateState).group.push(item);
      return out;
    }
    const head = current.group[0];
    if (head !== undefined && head.sequence === item.sequence) {
      current.group.push(item);
      return out;
    }
    this.#decideGroup(current, out);
    current.group = [item];
    return out;
  }

  /** Ends the last aggregate. */
  finish(): SequencedItem[] {
    const out: SequencedItem[] = [];
    if (this.#current !== undefined) this.#endAggregate(this.#current, out);
    this.#current = undefined;
    return out;
  }

  #endAggregate(state: AggregateState, out: SequencedItem[]): void {
    this.#decideGroup(state, out);
    out.push({
      kind: 'aggregate-end',
      coverage: {
        aggregateType: state.aggregateType,
        aggregateId: state.aggregateId,
        events: state.events,
        firstSequence: state.first,
        lastSequence: state.last,
        gaps: state.gaps,
        duplicates: state.duplicates,
        conflicts: state.conflicts,
      },
    });
  }

  #decideGroup(state: AggregateState, out: SequencedItem[]): void {
    const group = state.group;
    const first = group[0];
    if (first === undefined) return;
    state.group = [];
    const sequence = first.sequence;
    if (group.length === 1 && !state.held && !state.seen.has(first.eventId)) {
      // The common case (one copy, no conflict), without the allocations of the general path.
      if (state.events === 0) state.first = sequence;
      else if (sequence > state.last + 1) state.gaps.push({ from: state.last + 1, to: sequence - 1 });
      state.events++;
      state.last = sequence;
      state.seen.set(first.eventId, sequence);
      out.push({ kind: 'event', item: first });
      return;
    }
    const ids = [...new Set(group.map((g) => g.eventId))];
    state.duplicates += group.length - ids.length;
    if (state.events === 0) state.first = sequence;
    else if (sequence > state.last + 1) state.gaps.push({ from: state.last + 1, to: sequence - 1 });
    state.events += ids.length;
    state.last = sequence;

    const conflict = (eventIds: readonly string[], detail: string) => {
      const c: SequenceConflict = {
        aggregateType: state.aggregateType,
        aggregateId: state.aggregateId,
        sequence,
        eventIds,
        detail,
      };
      state.conflicts.push(c);
      out.push({ kind: 'conflict', conflict: c });
      state.held = true;
    };
    if (ids.length > 1) conflict(ids, `sequence ${sequence} is claimed by ${ids.length} eventIds`);
    for (const id of ids) {
      const at = state.seen.get(id);
      if (at !== undefined) conflict([id], `eventId ${id} appears at sequences ${at} and ${sequence}`);
      else state.seen.set(id, sequence);
    }
    let emitted = false;
    for (const item of group) {
      if (state.held) out.push({ kind: 'held', item });
      else if (emitted) out.push({ kind: 'duplicate', item });
      else {
        out.push({ kind: 'event', item });
        emitted = true;
      }
    }
  }
}

function newState(item: ArchivedEvent): AggregateState {
  const separator = item.key.indexOf('\u0000');
  return {
    key: item.key,
    aggregateType: item.key.slice(0, separator),
    aggregateId: item.key.slice(separator + 1),
    seen: new Map(),
    events: 0,
    first: 0,
    last: 0,
    gaps: [],
    duplicates: 0,
    conflicts: [],
    held: false,
    group: [],
  };
}
