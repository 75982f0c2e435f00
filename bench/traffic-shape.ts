/**
 * Traffic shapes of the capacity benchmark: how many of an aggregate's events one batch carries (dense or sparse),
 * and how old the aggregates are when measured (short- or long-lived). Pure.
 */
import type { Envelope } from '../processors/envelope/index.js';

/** One traffic shape. */
export interface TrafficShape {
  /** e.g. `dense, short-lived`. */
  readonly name: string;
  /** Whether the dense (≤ 0.1× baseline) or the sparse (≤ 0.4×) cost target of issue 16 applies. */
  readonly density: 'dense' | 'sparse';
  /** Events of one aggregate in one batch: 10 dense, 1 sparse. */
  readonly eventsPerAggregatePerBatch: number;
  readonly aggregates: number;
  /** Events each aggregate has before the measured ones (applied first, not measured). */
  readonly age: number;
  /** Events of each aggregate measured. */
  readonly measuredEvents: number;
  /** How an aggregate's events are drawn: an order's lifecycle, or payments and shipments only (a state that stays small). */
  readonly events: 'lifecycle' | 'flat-state';
}

/**
 * Splits a stream into batches by sequence window: batch `i` holds every aggregate's events with sequence in
 * `(after + i·perBatch, after + (i+1)·perBatch]`, in stream order, up to sequence `upTo`. Each aggregate's events thus
 * stay in order across batches, as a shard delivers them.
 *
 * @example
 * ```ts
 * // sparse: one event of each aggregate per batch, sequences 1..10 → 10 batches
 * batchesBySequence(envelopes, { perBatch: 1, after: 0, upTo: 10 });
 * ```
 */
export function batchesBySequence(
  envelopes: readonly Envelope[],
  window: { readonly perBatch: number; readonly after: number; readonly upTo: number },
): Envelope[][] {
  const { perBatch, after, upTo } = window;
  if (!Number.isInteger(perBatch) || perBatch < 1) throw new RangeError('perBatch must be an integer ≥ 1');
  if (upTo <= after) return [];
  const batches: Envelope[][] = Array.from({ length: Math.ceil((upTo - after) / perBatch) }, () => []);
  for (const envelope of envelopes) {
    if (envelope.sequence <= after || envelope.sequence > upTo) continue;
    const index = Math.floor((envelope.sequence - after - 1) / perBatch);
    batches[index]?.push(envelope);
  }
  return batches.filter((batch) => batch.length > 0);
}

/**
 * The four shapes of issue 16: dense and sparse, over short-lived (10 events) and long-lived (≥ 200 events) aggregates
 * whose state stays the same size; then the long-lived ones again with an order that gains a line with most events, so
 * the table also shows what a state that grows with age costs (its snapshot passes 1 KB at about 50 events).
 */
export const CAPACITY_TRAFFIC_SHAPES: readonly TrafficShape[] = [
  {
    name: 'dense, short-lived',
    density: 'dense',
    eventsPerAggregatePerBatch: 10,
    aggregates: 100,
    age: 0,
    measuredEvents: 10,
    events: 'lifecycle',
  },
  {
    name: 'sparse, short-lived',
    density: 'sparse',
    eventsPerAggregatePerBatch: 1,
    aggregates: 100,
    age: 0,
    measuredEvents: 10,
    events: 'lifecycle',
  },
  {
    name: 'dense, long-lived',
    density: 'dense',
    eventsPerAggregatePerBatch: 10,
    aggregates: 10,
    age: 200,
    measuredEvents: 20,
    events: 'flat-state',
  },
  {
    name: 'sparse, long-lived',
    density: 'sparse',
    eventsPerAggregatePerBatch: 1,
    aggregates: 10,
    age: 200,
    measuredEvents: 20,
    events: 'flat-state',
  },
  {
    name: 'dense, long-lived, growing state',
    density: 'dense',
    eventsPerAggregatePerBatch: 10,
    aggregates: 10,
    age: 200,
    measuredEvents: 20,
    events: 'lifecycle',
  },
  {
    name: 'sparse, long-lived, growing state',
    density: 'sparse',
    eventsPerAggregatePerBatch: 1,
    aggregates: 10,
    age: 200,
    measuredEvents: 20,
    events: 'lifecycle',
  },
];
