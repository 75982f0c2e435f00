/**
 * The one generator of example `order` events (benchmarks, load runs, the demo, throughput measurements, tests):
 * valid chains (sequence 1..n per aggregate, every event valid for the `order` aggregate), seeded determinism,
 * type mixes, interleaving, and out-of-order or repeated delivery as options.
 */
import type { Envelope } from '../envelope/schema.js';
import type { OrderEventType } from './order.js';
import { createSeededRandom } from './seeded-random.js';

/** Event types of the order domain that may follow an aggregate's `OrderPlaced`. */
export const MIXABLE_ORDER_EVENT_TYPES = [
  'ItemAdded',
  'ItemRemoved',
  'OrderPaid',
  'OrderShipped',
  'OrderCancelled',
] as const satisfies readonly OrderEventType[];

/** One order event type that may follow `OrderPlaced`. */
export type MixableOrderEventType = (typeof MIXABLE_ORDER_EVENT_TYPES)[number];

/** Relative weights of the event types after `OrderPlaced` (sequence 1 is always `OrderPlaced`). */
export type OrderEventMix = Readonly<Record<MixableOrderEventType, number>>;

/** Mostly item lines, some payments and shipments, a few cancellations. */
export const DEFAULT_ORDER_EVENT_MIX: OrderEventMix = {
  ItemAdded: 6,
  ItemRemoved: 2,
  OrderPaid: 1,
  OrderShipped: 1,
  OrderCancelled: 0.2,
};

/** Draws an event type by weight (pure given `random`). */
export function drawOrderEventType(mix: OrderEventMix, random: () => number): MixableOrderEventType {
  const total = MIXABLE_ORDER_EVENT_TYPES.reduce((sum, type) => sum + mix[type], 0);
  let point = random() * total;
  for (const type of MIXABLE_ORDER_EVENT_TYPES) {
    point -= mix[type];
    if (point < 0 && mix[type] > 0) return type;
  }
  return MIXABLE_ORDER_EVENT_TYPES.findLast((type) => mix[type] > 0) ?? 'ItemAdded';
}

/**
 * How an aggregate's types follow `OrderPlaced`: a `lifecycle` of `total` events (item lines, then paid, then shipped
 * or cancelled last, so a fold exercises every type) or types drawn from a `mix` for as long as the stream runs.
 */
export type OrderEventPlan =
  | { readonly kind: 'lifecycle'; readonly total: number }
  | { readonly kind: 'mix'; readonly mix: OrderEventMix };

/** Options of {@link OrderEventStream}. */
export interface OrderEventStreamOptions {
  readonly aggregateId: string;
  readonly plan: OrderEventPlan;
  /** Source of every random choice, in [0, 1). */
  readonly random: () => number;
  /** The eventId of an event that occurred at `occurredMs`. @default a ULID drawn from `random` */
  readonly eventId?: (occurredMs: number, random: () => number) => string;
  /** @default `corr-<aggregateId>` */
  readonly correlationId?: string;
  /** Distinguishes SKUs between aggregates in one run. @default 0 */
  readonly skuScope?: number;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY', 'CHF'] as const;
const CARRIERS = ['UPS', 'DHL', 'FedEx', 'PostNL'] as const;
const CANCEL_REASONS = ['customer request', 'payment declined', 'out of stock'] as const;

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function randomChars(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += CROCKFORD[Math.floor(random() * CROCKFORD.length)];
  return out;
}

/** A ULID (48-bit time + 80 random bits, Crockford base32) drawn from `random`: seeded, so reproducible. */
export function randomUlid(timeMs: number, random: () => number): string {
  let time = '';
  let rest = Math.max(0, Math.floor(timeMs));
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  return time + randomChars(random, 16);
}

/**
 * The events of one `order` aggregate, strictly in sequence order: sequence 1 is `OrderPlaced`, later types follow
 * the plan. Whoever sends them in call order keeps the aggregate ordered by construction.
 */
export class OrderEventStream {
  readonly aggregateId: string;
  #sequence = 0;
  readonly #skus: string[] = [];
  #skuCount = 0;

  constructor(private readonly options: OrderEventStreamOptions) {
    this.aggregateId = options.aggregateId;
  }

  /** Sequences generated so far. */
  get generated(): number {
    return this.#sequence;
  }

  /** The next envelope of this aggregate, occurred at `occurredMs`. */
  next(occurredMs = Date.now()): Envelope {
    const { random } = this.options;
    this.#sequence += 1;
    const sequence = this.#sequence;
    const type = this.#typeAt(sequence);
    const data = this.#data(type);
    return {
      eventId: (this.options.eventId ?? randomUlid)(occurredMs, random),
      aggregateType: 'order',
      aggregateId: this.aggregateId,
      sequence,
      type,
      schemaVersion: 1,
      occurredAt: new Date(occurredMs).toISOString(),
      correlationId: this.options.correlationId ?? `corr-${this.aggregateId}`,
      data,
    };
  }

  #typeAt(sequence: number): OrderEventType {
    const { plan, random } = this.options;
    if (sequence === 1) return 'OrderPlaced';
    if (plan.kind === 'mix') return drawOrderEventType(plan.mix, random);
    const total = plan.total;
    if (sequence === total && total >= 4) return random() < 0.8 ? 'OrderShipped' : 'OrderCancelled';
    if (sequence === total - 1 && total >= 4) return 'OrderPaid';
    return this.#skus.length > 0 && random() < 0.2 ? 'ItemRemoved' : 'ItemAdded';
  }

  #data(type: OrderEventType): Record<string, unknown> {
    const random = this.options.random;
    switch (type) {
      case 'OrderPlaced':
        return { customerId: `customer-${randomChars(random, 8)}`, currency: pick(random, CURRENCIES) };
      case 'ItemAdded': {
        this.#skuCount += 1;
        const sku = `SKU-${this.options.skuScope ?? 0}-${this.#skuCount}`;
        this.#skus.push(sku);
        return {
          sku,
          quantity: 1 + Math.floor(random() * 5),
          unitPrice: Math.round(random() * 10_000) / 100,
        };
      }
      case 'ItemRemoved':
        // Removing a line the order never had is a valid fact too: the fold ignores it.
        return {
          sku: this.#skus.length > 0 ? pick(random, this.#skus) : `SKU-${this.options.skuScope ?? 0}-1`,
          quantity: 1,
        };
      case 'OrderPaid':
        return { amount: Math.round(random() * 50_000) / 100, paymentId: `pay-${randomChars(random, 10)}` };
      case 'OrderShipped':
        return { carrier: pick(random, CARRIERS), trackingNumber: randomChars(random, 12) };
      case 'OrderCancelled':
        return { reason: pick(random, CANCEL_REASONS) };
    }
  }
}

/** How the aggregates' events are merged into one stream. */
export type OrderEventInterleave = 'random' | 'round-robin' | 'none';

/** Options of {@link generateOrderEvents}. */
export interface GenerateOrderEventsOptions {
  /** Number of distinct `order` aggregates. */
  readonly aggregates: number;
  /** Events per aggregate; each aggregate gets sequences `1..eventsPerAggregate`. */
  readonly eventsPerAggregate: number;
  /** PRNG seed. @default 1 */
  readonly seed?: number;
  /** Source of every random choice instead of the seeded one (e.g. `Math.random` for ids unique across runs). */
  readonly random?: () => number;
  /**
   * Mix aggregates in stream order (each aggregate's own events stay in sequence order), as a shard sees them:
   * `random` draws the next aggregate, `round-robin` takes each in turn (as concurrent clients), `none` (or false)
   * emits aggregate after aggregate. @default 'random'
   */
  readonly interleave?: OrderEventInterleave | boolean;
  /** Types after `OrderPlaced` drawn from this mix instead of each order's lifecycle. */
  readonly mix?: OrderEventMix;
  /** `occurredAt` of the first event; each later event is 1 ms after the one before it. @default 2026-01-01T00:00:00.000Z */
  readonly startTime?: Date;
  /** Prefix of the aggregate ids (`<prefix>-<index>-<random>`). @default 'order' */
  readonly aggregateIdPrefix?: string;
  /** Share of an aggregate's events swapped with its next one in the stream (delivered out of order). @default 0 */
  readonly reorderRate?: number;
  /** Share of events delivered a second time a little later, as an at-least-once producer would. @default 0 */
  readonly duplicateRate?: number;
}

/**
 * Generates valid `order` envelopes: sequences `1..eventsPerAggregate` per aggregate, in stream order (then, with
 * `reorderRate` or `duplicateRate`, delivered out of order or twice). The same options give the same envelopes.
 *
 * @example
 * const envelopes = generateOrderEvents({ aggregates: 100, eventsPerAggregate: 10, seed: 42 });
 */
export function generateOrderEvents(options: GenerateOrderEventsOptions): Envelope[] {
  const { aggregates, eventsPerAggregate } = options;
  if (!Number.isInteger(aggregates) || aggregates < 0)
    throw new RangeError('aggregates must be an integer ≥ 0');
  if (!Number.isInteger(eventsPerAggregate) || eventsPerAggregate < 0) {
    throw new RangeError('eventsPerAggregate must be an integer ≥ 0');
  }
  const random = options.random ?? createSeededRandom(options.seed ?? 1);
  const startMs = (options.startTime ?? new Date('2026-01-01T00:00:00.000Z')).getTime();
  const prefix = options.aggregateIdPrefix ?? 'order';
  const width = Math.max(4, String(aggregates).length);
  const plan: OrderEventPlan =
    options.mix === undefined
      ? { kind: 'lifecycle', total: eventsPerAggregate }
      : { kind: 'mix', mix: options.mix };
  const streams = Array.from(
    { length: aggregates },
    (_, index) =>
      new OrderEventStream({
        aggregateId: `${prefix}-${String(index).padStart(width, '0')}-${randomChars(random, 6).toLowerCase()}`,
        plan,
        random,
        skuScope: index,
      }),
  );
  const order = interleaving(aggregates, eventsPerAggregate, interleaveOf(options.interleave), random);
  const envelopes = order.map((index, position) =>
    (streams[index] as OrderEventStream).next(startMs + position),
  );
  return deliverOutOfOrder(envelopes, options.reorderRate ?? 0, options.duplicateRate ?? 0, random);
}

function interleaveOf(value: GenerateOrderEventsOptions['interleave']): OrderEventInterleave {
  if (value === undefined || value === true) return 'random';
  return value === false ? 'none' : value;
}

/** Which aggregate emits at each position of the stream. */
function interleaving(
  aggregates: number,
  eventsPerAggregate: number,
  interleave: OrderEventInterleave,
  random: () => number,
): number[] {
  const order: number[] = [];
  if (interleave === 'none') {
    for (let index = 0; index < aggregates; index++)
      for (let i = 0; i < eventsPerAggregate; i++) order.push(index);
  } else if (interleave === 'round-robin') {
    for (let i = 0; i < eventsPerAggregate; i++)
      for (let index = 0; index < aggregates; index++) order.push(index);
  } else {
    // Draw a random aggregate among those with events left; each draw emits its next sequence.
    const open = Array.from({ length: aggregates }, (_, index) => index);
    const remaining = new Array<number>(aggregates).fill(eventsPerAggregate);
    while (open.length > 0 && eventsPerAggregate > 0) {
      const slot = Math.floor(random() * open.length);
      const index = open[slot] as number;
      order.push(index);
      remaining[index] = (remaining[index] as number) - 1;
      if (remaining[index] === 0) {
        open[slot] = open[open.length - 1] as number;
        open.pop();
      }
    }
  }
  return order;
}

/**
 * Per aggregate, swaps neighbours (the processor must buffer the later one until the gap fills) and repeats events
 * one to three of the aggregate's events later; other aggregates keep their slots.
 */
function deliverOutOfOrder(
  envelopes: Envelope[],
  reorderRate: number,
  duplicateRate: number,
  random: () => number,
): Envelope[] {
  if (reorderRate <= 0 && duplicateRate <= 0) return envelopes;
  const slots = new Map<string, number[]>();
  envelopes.forEach((envelope, position) => {
    const list = slots.get(envelope.aggregateId);
    if (list === undefined) slots.set(envelope.aggregateId, [position]);
    else list.push(position);
  });
  const out = [...envelopes];
  const repeats = new Map<number, Envelope[]>();
  for (const positions of slots.values()) {
    for (let i = 0; i + 1 < positions.length; i++) {
      if (random() < reorderRate) {
        const a = positions[i] as number;
        const b = positions[i + 1] as number;
        [out[a], out[b]] = [out[b] as Envelope, out[a] as Envelope];
        i++;
      }
    }
    for (let i = 0; i < positions.length; i++) {
      if (random() < duplicateRate) {
        const after = positions[Math.min(positions.length - 1, i + Math.floor(random() * 3))] as number;
        repeats.set(after, [...(repeats.get(after) ?? []), out[positions[i] as number] as Envelope]);
      }
    }
  }
  return out.flatMap((envelope, position) => [envelope, ...(repeats.get(position) ?? [])]);
}
