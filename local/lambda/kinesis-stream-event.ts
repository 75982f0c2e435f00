import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { StreamRecord } from '../kinesis/stream-record.js';

/** The fields Lambda stamps on every record of a mapping. */
export interface KinesisEventSource {
  readonly awsRegion: string;
  readonly eventSourceARN: string;
  /** The function's execution role. */
  readonly invokeIdentityArn: string;
}

/** Builds the `KinesisStreamEvent` Lambda would send for these records (data base64, arrival in epoch seconds). */
export function buildKinesisStreamEvent(
  records: readonly StreamRecord[],
  source: KinesisEventSource,
): KinesisStreamEvent {
  return { Records: records.map((record) => toEventRecord(record, source)) };
}

function toEventRecord(record: StreamRecord, source: KinesisEventSource): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.partitionKey,
      sequenceNumber: record.sequenceNumber,
      data: Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength).toString(
        'base64',
      ),
      approximateArrivalTimestamp: record.approximateArrivalTimestamp.getTime() / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${record.shardId}:${record.sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: source.invokeIdentityArn,
    awsRegion: source.awsRegion,
    eventSourceARN: source.eventSourceARN,
  };
}

/** Rough bytes a record adds to the invocation payload: base64 data plus the fixed fields. */
export function estimatedEventBytes(record: StreamRecord): number {
  return Math.ceil(record.data.byteLength / 3) * 4 + record.partitionKey.length + 480;
}
