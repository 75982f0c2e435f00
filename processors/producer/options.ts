import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { InvalidProducerOptionsError } from './errors.js';

/** Most records one PutRecords call takes (Kinesis quota). */
export const MAX_PUT_RECORDS_COUNT = 500;
/** Most bytes one PutRecords call takes, partition keys included (Kinesis quota). */
export const MAX_PUT_RECORDS_BYTES = 5 * 1024 * 1024;
/** Most bytes of one record, data plus partition key (Kinesis default quota). */
export const MAX_RECORD_BYTES = 1024 * 1024;
/** Longest partition key, in UTF-16 code units (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecordsRequestEntry.html; see planner.ts). */
export const MAX_PARTITION_KEY_LENGTH = 256;

/** The part of a Kinesis client the producer uses (a real `KinesisClient` or a test double). */
export type KinesisSender = Pick<KinesisClient, 'send'>;

/** Options of {@link createOrderedProducer}. Give `streamName` or `streamArn`. */
export interface OrderedProducerOptions {
  /** The Kinesis client; give it a keep-alive `NodeHttpHandler` and a request timeout. */
  readonly client: KinesisSender;
  readonly streamName?: string;
  readonly streamArn?: string;
  /** Most records per PutRecords call. @default 500 */
  readonly maxBatchRecords?: number;
  /** Most bytes (data + partition keys) per PutRecords call. @default 5 MiB */
  readonly maxBatchBytes?: number;
  /** Most bytes of one record (data + partition key); larger entries fail as `invalid-entry`. @default 1 MiB */
  readonly maxRecordBytes?: number;
  /** How long after `put` is called its entries may still be retried. @default 30000 */
  readonly deadlineMs?: number;
  /** First retry delay cap; the n-th retry waits a random time in [0, min(maxDelayMs, baseDelayMs·2^(n-1))]. @default 50 */
  readonly baseDelayMs?: number;
  /** Largest retry delay cap. @default 2000 */
  readonly maxDelayMs?: number;
  /** Most PutRecords calls in flight at once. @default 4 */
  readonly concurrency?: number;
  /** Random source of the backoff jitter, in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Clock in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** {@link OrderedProducerOptions} with every default applied. */
export interface ResolvedProducerOptions {
  readonly client: KinesisSender;
  readonly streamName: string | undefined;
  readonly streamArn: string | undefined;
  readonly maxBatchRecords: number;
  readonly maxBatchBytes: number;
  readonly maxRecordBytes: number;
  readonly deadlineMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly concurrency: number;
  readonly random: () => number;
  readonly now: () => number;
}

function requireInteger(option: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidProducerOptionsError(option, `must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

/** Applies defaults once and rejects impossible option combinations up front. */
export function resolveProducerOptions(options: OrderedProducerOptions): ResolvedProducerOptions {
  if ((options.streamName === undefined) === (options.streamArn === undefined)) {
    throw new InvalidProducerOptionsError('streamName/streamArn', 'give exactly one of them');
  }
  const maxBatchBytes = requireInteger(
    'maxBatchBytes',
    options.maxBatchBytes ?? MAX_PUT_RECORDS_BYTES,
    1,
    MAX_PUT_RECORDS_BYTES,
  );
  const baseDelayMs = requireInteger('baseDelayMs', options.baseDelayMs ?? 50, 0);
  return {
    client: options.client,
    streamName: options.streamName,
    streamArn: options.streamArn,
    maxBatchRecords: requireInteger(
      'maxBatchRecords',
      options.maxBatchRecords ?? MAX_PUT_RECORDS_COUNT,
      1,
      MAX_PUT_RECORDS_COUNT,
    ),
    maxBatchBytes,
    maxRecordBytes: requireInteger(
      'maxRecordBytes',
      options.maxRecordBytes ?? Math.min(MAX_RECORD_BYTES, maxBatchBytes),
      1,
      maxBatchBytes,
    ),
    deadlineMs: requireInteger('deadlineMs', options.deadlineMs ?? 30_000, 0),
    baseDelayMs,
    maxDelayMs: requireInteger('maxDelayMs', options.maxDelayMs ?? Math.max(2000, baseDelayMs), baseDelayMs),
    concurrency: requireInteger('concurrency', options.concurrency ?? 4, 1, 1000),
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
  };
}
