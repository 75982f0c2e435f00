import { describe, expect, it } from 'vitest';
import { toKinesisStreamEvent } from '../../bench/envelope-stream-event.js';
import { generateOrderEvents } from '../../processors/aggregates/index.js';
import { decodeKinesisData } from '../../processors/envelope/index.js';

describe('Function: toKinesisStreamEvent', () => {
  const envelopes = generateOrderEvents({ aggregates: 4, eventsPerAggregate: 5, seed: 2 });
  const streamArn = 'arn:aws:kinesis:eu-west-1:111122223333:stream/orders';
  const event = toKinesisStreamEvent(envelopes, { shardId: 'shardId-000000000007', streamArn });

  it('carries one record per envelope, decoding back to it, keyed on the aggregate id', () => {
    expect(event.Records).toHaveLength(envelopes.length);
    event.Records.forEach((record, index) => {
      const envelope = envelopes[index];
      expect(decodeKinesisData(record.kinesis.data)).toEqual(envelope);
      expect(record.kinesis.partitionKey).toBe(envelope?.aggregateId);
      expect(record.eventSource).toBe('aws:kinesis');
      expect(record.eventName).toBe('aws:kinesis:record');
      expect(record.eventSourceARN).toBe(streamArn);
      expect(record.awsRegion).toBe('eu-west-1');
      expect(record.eventID).toBe(`shardId-000000000007:${record.kinesis.sequenceNumber}`);
    });
  });

  it('issues strictly increasing numeric sequence numbers of Kinesis length', () => {
    const numbers = event.Records.map((record) => record.kinesis.sequenceNumber);
    for (const number of numbers) expect(number).toMatch(/^\d{56}$/);
    for (let i = 1; i < numbers.length; i++) {
      expect(BigInt(numbers[i] ?? '0') > BigInt(numbers[i - 1] ?? '0')).toBe(true);
    }
  });

  it('sets the arrival time in epoch seconds, just after the event occurred', () => {
    event.Records.forEach((record, index) => {
      const occurredSeconds = Date.parse(envelopes[index]?.occurredAt ?? '') / 1000;
      expect(record.kinesis.approximateArrivalTimestamp).toBeGreaterThan(occurredSeconds);
      expect(record.kinesis.approximateArrivalTimestamp).toBeLessThan(occurredSeconds + 1);
    });
  });
});
