import { generateOrderEvents } from '../../processors/aggregates/order-events.js';
import type { Envelope } from '../../processors/envelope/index.js';

/** Options of {@link buildDemoTraffic}. */
export interface DemoTrafficOptions {
  readonly orders: number;
  readonly eventsPerOrder: number;
  /** Share of events sent twice. */
  readonly duplicateRate: number;
  /** Share of events swapped with their successor before sending. */
  readonly reorderRate: number;
  /** Random source in [0, 1). */
  readonly random: () => number;
  /** Prefix of aggregate ids, so runs on the same data dir do not collide. */
  readonly runId: string;
}

/** What the demo sends, and what the pipeline must end with. */
export interface DemoTraffic {
  /** Envelopes in sending order: aggregates interleaved, some swapped, some repeated. */
  readonly sends: readonly Envelope[];
  /** Per aggregate id, its eventIds in sequence order (what the projection's chain must be built from). */
  readonly expected: ReadonlyMap<string, readonly string[]>;
}

/**
 * Builds example order traffic with duplicates and reorderings mixed in (pure given `random`), from the one
 * order-event generator: aggregates interleaved round-robin, as concurrent clients would send them.
 * @example buildDemoTraffic({ orders: 300, eventsPerOrder: 10, duplicateRate: 0.05, reorderRate: 0.1, random: Math.random, runId: 'demo' })
 */
export function buildDemoTraffic(options: DemoTrafficOptions): DemoTraffic {
  const sends = generateOrderEvents({
    aggregates: options.orders,
    eventsPerAggregate: options.eventsPerOrder,
    random: options.random,
    aggregateIdPrefix: `${options.runId}-order`,
    interleave: 'round-robin',
    reorderRate: options.reorderRate,
    duplicateRate: options.duplicateRate,
  });
  const bySequence = new Map<string, Map<number, string>>();
  for (const envelope of sends) {
    const events = bySequence.get(envelope.aggregateId) ?? new Map<number, string>();
    events.set(envelope.sequence, envelope.eventId);
    bySequence.set(envelope.aggregateId, events);
  }
  const expected = new Map<string, string[]>();
  for (const [aggregateId, events] of bySequence) {
    expected.set(
      aggregateId,
      [...events].sort(([a], [b]) => a - b).map(([, eventId]) => eventId),
    );
  }
  return { sends, expected };
}
