/**
 * Kinesis Lambda events that carry envelopes, as Lambda delivers them, for benchmarks and tests; the events come
 * from the one generator beside the order domain (processors/aggregates/order-events.ts).
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import type { StreamRecord } from '../local/kinesis/stream-record.js';
import { buildKinesisStreamEvent } from '../local/lambda/kinesis-stream-event.js';
import { type Envelope, encodeEnvelope } from '../processors/envelope/index.js';

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
 * Wraps envelopes in the `KinesisStreamEvent` a Lambda event source mapping delivers (built as the local mapping
 * builds it): one record per envelope, partition key = aggregateId, increasing sequence numbers, base64 data.
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
  const records = envelopes.map(
    (envelope, index): StreamRecord => ({
      shardId,
      sequenceNumber: (first + BigInt(index) * SEQUENCE_NUMBER_STEP).toString(),
      partitionKey: envelope.aggregateId,
      data: encodeEnvelope(envelope),
      approximateArrivalTimestamp: new Date(Date.parse(envelope.occurredAt) + lagMs),
    }),
  );
  return buildKinesisStreamEvent(records, {
    awsRegion: regionOf(streamArn),
    eventSourceARN: streamArn,
    invokeIdentityArn: options.invokeIdentityArn ?? 'arn:aws:iam::123456789012:role/order-processor',
  });
}
