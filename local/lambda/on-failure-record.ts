import type { StreamRecord } from '../kinesis/stream-record.js';

/** Why Lambda gave up on a Kinesis batch. */
export type OnFailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** The invocation record Lambda sends to a Kinesis mapping's on-failure destination (metadata, no data). */
export interface KinesisOnFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: OnFailureCondition;
    readonly approximateInvokeCount: number;
  };
  /** Absent when the records were discarded before any invocation. */
  readonly responseContext?: {
    readonly statusCode: number;
    readonly executedVersion: string;
    /** 'Unhandled' when the function threw; absent after a partial batch response. */
    readonly functionError?: string;
  };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly KinesisBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
}

/** Inputs of {@link buildKinesisOnFailureRecord}. */
export interface OnFailureRecordInput {
  /** The discarded records, in shard order; at least one. */
  readonly records: readonly StreamRecord[];
  readonly condition: OnFailureCondition;
  readonly approximateInvokeCount: number;
  /** Whether the last invocation threw. */
  readonly functionError: boolean;
  readonly functionArn: string;
  readonly streamArn: string;
  readonly requestId: string;
  readonly timestamp: Date;
}

/** Builds the on-failure destination record for discarded records, in AWS's shape for Kinesis. */
export function buildKinesisOnFailureRecord(input: OnFailureRecordInput): KinesisOnFailureRecord {
  const first = input.records[0];
  const last = input.records.at(-1);
  if (first === undefined || last === undefined) throw new RangeError('an on-failure record needs records');
  return {
    requestContext: {
      requestId: input.requestId,
      functionArn: input.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.approximateInvokeCount,
    },
    ...(input.approximateInvokeCount === 0
      ? {}
      : {
          responseContext: {
            statusCode: 200,
            executedVersion: '$LATEST',
            ...(input.functionError ? { functionError: 'Unhandled' } : {}),
          },
        }),
    version: '1.0',
    timestamp: input.timestamp.toISOString(),
    KinesisBatchInfo: {
      shardId: first.shardId,
      startSequenceNumber: first.sequenceNumber,
      endSequenceNumber: last.sequenceNumber,
      approximateArrivalOfFirstRecord: first.approximateArrivalTimestamp.toISOString(),
      approximateArrivalOfLastRecord: last.approximateArrivalTimestamp.toISOString(),
      batchSize: input.records.length,
      streamArn: input.streamArn,
    },
  };
}
