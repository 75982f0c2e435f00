import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { type Envelope, encodeKinesisData } from '../../processors/envelope/index.js';

export const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/events';
let nextSequence = 49_650_000_000_000_000_000_000_000_000_000_000_000_000_000n;

/** A Kinesis record as Lambda delivers it, carrying raw base64 `data`. */
export function kinesisRecord(
  data: string,
  partitionKey: string,
  shardId = 'shardId-000000000000',
): KinesisStreamRecord {
  nextSequence += 1_000n;
  const sequenceNumber = nextSequence.toString();
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data,
      approximateArrivalTimestamp: Date.UTC(2026, 10, 23, 10, 0, 0) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/stream-processor',
    awsRegion: 'us-east-1',
    eventSourceARN: STREAM_ARN,
  };
}

/** The Kinesis record of an envelope. */
export function envelopeRecord(envelope: Envelope, shardId?: string): KinesisStreamRecord {
  return kinesisRecord(encodeKinesisData(envelope), envelope.aggregateId, shardId);
}

/** A Kinesis batch event of these records. */
export function kinesisEvent(records: KinesisStreamRecord[]): KinesisStreamEvent {
  return { Records: records };
}
