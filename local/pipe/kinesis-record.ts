/** A Kinesis record as the shard reader hands it to the Pipe. */
export interface PipeKinesisRecord {
  /** Record data, base64. */
  readonly data: string;
  readonly partitionKey: string;
  readonly sequenceNumber: string;
  /** Epoch seconds (fractional). */
  readonly approximateArrivalTimestamp: number;
  readonly shardId: string;
}

/** Where the records come from, for the metadata Pipes adds to each event. */
export interface PipeSourceContext {
  readonly sourceArn: string;
  readonly region: string;
  readonly roleArn: string;
}

/**
 * The event Pipes builds from a Kinesis record (the Lambda-style record), with `data` parsed when it is
 * JSON ("implicit body data parsing") and left base64 otherwise.
 */
export interface PipeSourceEvent {
  readonly kinesisSchemaVersion: '1.0';
  readonly partitionKey: string;
  readonly sequenceNumber: string;
  readonly data: unknown;
  readonly approximateArrivalTimestamp: number;
  readonly eventSource: 'aws:kinesis';
  readonly eventVersion: '1.0';
  readonly eventID: string;
  readonly eventName: 'aws:kinesis:record';
  readonly invokeIdentityArn: string;
  readonly awsRegion: string;
  readonly eventSourceARN: string;
}

/** A source event and whether its data parsed as JSON. */
export interface DecodedPipeRecord {
  readonly event: PipeSourceEvent;
  readonly dataIsJson: boolean;
}

/** Fields added by the poller, which filter patterns may not use (AWS "Event filtering in Pipes"). */
export const POLLER_FIELDS = [
  'awsRegion',
  'eventSource',
  'eventSourceARN',
  'eventVersion',
  'eventID',
  'eventName',
  'invokeIdentityArn',
  'eventSourceKey',
] as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The event Pipes builds from a record with `data` still base64: what an enrichment receives when no
 * enrichment input template shapes it (the Kinesis source's example event,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-kinesis.html).
 */
export function pipeSourceEvent(record: PipeKinesisRecord, source: PipeSourceContext): PipeSourceEvent {
  return {
    kinesisSchemaVersion: '1.0',
    partitionKey: record.partitionKey,
    sequenceNumber: record.sequenceNumber,
    data: record.data,
    approximateArrivalTimestamp: record.approximateArrivalTimestamp,
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${record.shardId}:${record.sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: source.roleArn,
    awsRegion: source.region,
    eventSourceARN: source.sourceArn,
  };
}

/** Builds the Pipes view of a record: base64 → UTF-8 → JSON when possible (pure). */
export function decodePipeRecord(record: PipeKinesisRecord, source: PipeSourceContext): DecodedPipeRecord {
  const event = pipeSourceEvent(record, source);
  try {
    return {
      dataIsJson: true,
      event: { ...event, data: JSON.parse(utf8.decode(Buffer.from(record.data, 'base64'))) },
    };
  } catch {
    return { dataIsJson: false, event };
  }
}

/** The event without poller fields: what filter patterns are matched against. */
export function filterView(event: PipeSourceEvent): Record<string, unknown> {
  const view: Record<string, unknown> = { ...event };
  for (const field of POLLER_FIELDS) delete view[field];
  return view;
}
