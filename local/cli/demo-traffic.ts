import { ulid } from 'ulid';
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

const ITEM_TYPES = ['ItemAdded', 'ItemAdded', 'ItemRemoved'] as const;

function eventData(type: string, n: number): Record<string, unknown> {
  switch (type) {
    case 'OrderPlaced':
      return { customerId: `c-${n % 17}`, currency: 'EUR' };
    case 'ItemAdded':
      return { sku: `sku-${n % 7}`, quantity: 1 + (n % 3), unitPrice: 4.5 };
    case 'ItemRemoved':
      return { sku: `sku-${n % 7}`, quantity: 1 };
    case 'OrderPaid':
      return { amount: 42, paymentId: `p-${n}` };
    default:
      return { carrier: 'local-post', trackingNumber: `t-${n}` };
  }
}

function eventType(sequence: number, last: number): string {
  if (sequence === 1) return 'OrderPlaced';
  if (sequence === last) return 'OrderShipped';
  if (sequence === last - 1) return 'OrderPaid';
  return ITEM_TYPES[sequence % ITEM_TYPES.length] as string;
}

/**
 * Builds example order traffic with duplicates and reorderings mixed in (pure given `random`).
 * @example buildDemoTraffic({ orders: 300, eventsPerOrder: 10, duplicateRate: 0.05, reorderRate: 0.1, random: Math.random, runId: 'demo' })
 */
export function buildDemoTraffic(options: DemoTrafficOptions): DemoTraffic {
  const expected = new Map<string, string[]>();
  const histories: Envelope[][] = [];
  const start = Date.UTC(2026, 0, 1);
  for (let o = 0; o < options.orders; o += 1) {
    const aggregateId = `${options.runId}-order-${String(o).padStart(4, '0')}`;
    const history: Envelope[] = [];
    for (let sequence = 1; sequence <= options.eventsPerOrder; sequence += 1) {
      const type = eventType(sequence, options.eventsPerOrder);
      history.push({
        eventId: ulid(),
        aggregateType: 'order',
        aggregateId,
        sequence,
        type,
        schemaVersion: 1,
        occurredAt: new Date(start + o * 60_000 + sequence * 1000).toISOString(),
        data: eventData(type, o * options.eventsPerOrder + sequence),
      });
    }
    expected.set(
      aggregateId,
      history.map((e) => e.eventId),
    );
    // Reorder: swap neighbours, so the processor buffers the later one until the gap fills.
    for (let i = 0; i + 1 < history.length; i += 1) {
      if (options.random() < options.reorderRate) {
        [history[i], history[i + 1]] = [history[i + 1] as Envelope, history[i] as Envelope];
        i += 1;
      }
    }
    // Duplicate: resend an event a little later, as an at-least-once producer would.
    for (let i = history.length - 1; i >= 0; i -= 1) {
      if (options.random() < options.duplicateRate) {
        const copy = history[i] as Envelope;
        const at = Math.min(history.length, i + 1 + Math.floor(options.random() * 3));
        history.splice(at, 0, copy);
      }
    }
    histories.push(history);
  }
  // Interleave aggregates round-robin, as concurrent clients would.
  const sends: Envelope[] = [];
  const longest = Math.max(0, ...histories.map((h) => h.length));
  for (let i = 0; i < longest; i += 1)
    for (const history of histories) if (i < history.length) sends.push(history[i] as Envelope);
  return { sends, expected };
}
