/**
 * Deterministic synthetic `order` events and the Kinesis Lambda events that carry them, for benchmarks and
 * tests. The same options always give the same envelopes, byte for byte.
 */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { Envelope } from '../processors/envelope/index.js';
import { encodeKinesisData } from '../processors/envelope/index.js';

/** Options of {@link generateOrderEvents}. */
export interface GenerateOrderEventsOptions {
  /** Number of distinct `order` aggregates. */
  readonly aggregates: number;
  /** Events per aggregate; each aggregate gets sequences `1..eventsPerAggregate`. */
  readonly eventsPerAggregate: number;
  /** PRNG seed. @default 1 */
  readonly seed?: number;
  /**
   * Mix aggregates in stream order (each aggregate's own events stay in sequence order), as a shard sees
   * them; false emits aggregate after aggregate. @default true
   */
  readonly interleave?: boolean;
  /** `occurredAt` of the first event; each later event is 1 ms after the one before it. @default 2026-01-01T00:00:00.000Z */
  readonly startTime?: Date;
  /** Prefix of the aggregate ids (`<prefix>-<index>-<random>`). @default 'order' */
  readonly aggregateIdPrefix?: string;
}

/** A seeded 32-bit PRNG (mulberry32): fast, deterministic, good enough for test data. */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY', 'CHF'] as const;
const CARRIERS = ['UPS', 'DHL', 'FedEx', 'PostNL'] as const;
const CANCEL_REASONS = ['customer request', 'payment declined', 'out of stock'] as const;

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function randomChars(random: () => number, length: number, alphabet = CROCKFORD): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/** A ULID (48-bit time + 80 random bits, Crockford base32) drawn from the seeded PRNG. */
function syntheticUlid(timeMs: number, random: () => number): string {
  let time = '';
  let rest = timeMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  return time + randomChars(random, 16);
}

interface EventBody {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/**
 * The event at `sequence` of an order with `total` events: placed first, paid and shipped (or cancelled)
 * last, item lines in between, so the fold exercises every event type.
 */
function orderEventAt(
  sequence: number,
  total: number,
  skus: string[],
  random: () => number,
  index: number,
): EventBody {
  if (sequence === 1) {
    return {
      type: 'OrderPlaced',
      data: { customerId: `customer-${randomChars(random, 8)}`, currency: pick(random, CURRENCIES) },
    };
  }
  if (sequence === total && total >= 4) {
    return random() < 0.8
      ? {
          type: 'OrderShipped',
          data: { carrier: pick(random, CARRIERS), trackingNumber: randomChars(random, 12) },
        }
      : { type: 'OrderCancelled', data: { reason: pick(random, CANCEL_REASONS) } };
  }
  if (sequence === total - 1 && total >= 4) {
    return {
      type: 'OrderPaid',
      data: { amount: Math.round(random() * 50_000) / 100, paymentId: `pay-${randomChars(random, 10)}` },
    };
  }
  if (skus.length > 0 && random() < 0.2) {
    return { type: 'ItemRemoved', data: { sku: pick(random, skus), quantity: 1 } };
  }
  const sku = `SKU-${index}-${skus.length + 1}`;
  skus.push(sku);
  return {
    type: 'ItemAdded',
    data: { sku, quantity: 1 + Math.floor(random() * 5), unitPrice: Math.round(random() * 10_000) / 100 },
  };
}

/**
 * Generates valid `order` envelopes: sequences `1..eventsPerAggregate` per aggregate, in stream order.
 *
 * @example
 * ```ts
 * const envelopes = generateOrderEvents({ aggregates: 100, eventsPerAggregate: 10, seed: 42 });
 * const event = toKinesisStreamEvent(envelopes);
 * ```
 */
export function generateOrderEvents(options: GenerateOrderEventsOptions): Envelope[] {
  const { aggregates, eventsPerAggregate } = options;
  if (!Number.isInteger(aggregates) || aggregates < 0)
    throw new RangeError('aggregates must be an integer ≥ 0');
  if (!Number.isInteger(eventsPerAggregate) || eventsPerAggregate < 0) {
    throw new RangeError('eventsPerAggregate must be an integer ≥ 0');
  }
  const random = createSeededRandom(options.seed ?? 1);
  const interleave = options.interleave ?? true;
  const startMs = (options.startTime ?? new Date('2026-01-01T00:00:00.000Z')).getTime();
  const prefix = options.aggregateIdPrefix ?? 'order';
  const width = Math.max(4, String(aggregates).length);
  const streams = Array.from({ length: aggregates }, (_, index) => ({
    index,
    id: `${prefix}-${String(index).padStart(width, '0')}-${randomChars(random, 6).toLowerCase()}`,
    next: 1,
    skus: [] as string[],
  }));

  const order: number[] = [];
  if (interleave) {
    // Draw a random aggregate among those with events left; each draw emits its next sequence.
    const open = streams.map((stream) => stream.index);
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
  } else {
    for (const stream of streams) for (let i = 0; i < eventsPerAggregate; i++) order.push(stream.index);
  }

  return order.map((index, position) => {
    const stream = streams[index] as (typeof streams)[number];
    const sequence = stream.next++;
    const occurredMs = startMs + position;
    const body = orderEventAt(sequence, eventsPerAggregate, stream.skus, random, index);
    return {
      eventId: syntheticUlid(occurredMs, random),
      aggregateType: 'order',
      aggregateId: stream.id,
      sequence,
      type: body.type,
      schemaVersion: 1,
      occurredAt: new Date(occurredMs).toISOString(),
      correlationId: `corr-${stream.id}`,
      data: body.data,
    };
  });
}

/** Options of {@link toKinesisStreamEvent}. */
export interface KinesisStreamEventOptions {
  /** @default 'shardId-000000000000' */
  readonly shardId?: string;
  /** @default 'arn:aws:kinesis:us-east-1:123456789012:stream/order-events' */
  readonly streamArn?: string;
  /** The first record's sequence number; later ones increase from it. @default a 56-digit number as Kinesis issues */
  readonly firstSequenceNumber?: bigint;
  /** Lag between `occurredAt` and the record's arrival in the stream, in ms. @default 25 */
  readonly arrivalLagMs?: number;
  /** @default 'arn:aws:iam::123456789012:role/order-processor' */
  readonly invokeIdentityArn?: string;
}

/** A realistic first sequence number: Kinesis issues 56-digit decimal strings that grow within a shard. */
export const DEFAULT_FIRST_SEQUENCE_NUMBER = 49590338271490256608559692538361571095921575989136588898n;

// Kinesis sequence numbers within a shard grow by irregular, large steps; a fixed step keeps them deterministic.
const SEQUENCE_NUMBER_STEP = 1_298_162_592_412_385_281n;

/** The region part of an ARN, `arn:aws:kinesis:<region>:…`. */
function regionOf(arn: string): string {
  return arn.split(':')[3] || 'us-east-1';
}

/**
 * Wraps envelopes in the `KinesisStreamEvent` a Lambda event source mapping delivers: one record per
 * envelope, partition key = aggregateId, increasing sequence numbers, base64 data.
 *
 * @example
 * ```ts
 * const event = toKinesisStreamEvent(envelopes, { shardId: 'shardId-000000000001' });
 * ```
 */
export function toKinesisStreamEvent(
  envelopes: readonly Envelope[],
  options: KinesisStreamEventOptions = {},
): KinesisStreamEvent {
  const shardId = options.shardId ?? 'shardId-000000000000';
  const streamArn = options.streamArn ?? 'arn:aws:kinesis:us-east-1:123456789012:stream/order-events';
  const first = options.firstSequenceNumber ?? DEFAULT_FIRST_SEQUENCE_NUMBER;
  const lagMs = options.arrivalLagMs ?? 25;
  const invokeIdentityArn = options.invokeIdentityArn ?? 'arn:aws:iam::123456789012:role/order-processor';
  const awsRegion = regionOf(streamArn);
  const Records = envelopes.map((envelope, index): KinesisStreamRecord => {
    const sequenceNumber = (first + BigInt(index) * SEQUENCE_NUMBER_STEP).toString();
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: envelope.aggregateId,
        sequenceNumber,
        data: encodeKinesisData(envelope),
        approximateArrivalTimestamp: (Date.parse(envelope.occurredAt) + lagMs) / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${shardId}:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn,
      awsRegion,
      eventSourceARN: streamArn,
    };
  });
  return { Records };
}
