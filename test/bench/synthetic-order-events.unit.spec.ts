import { describe, expect, it } from 'vitest';
import {
  createSeededRandom,
  generateOrderEvents,
  toKinesisStreamEvent,
} from '../../bench/synthetic-order-events.js';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { decodeKinesisData } from '../../processors/envelope/index.js';

const registry = new AggregateRegistry([orderAggregate]);

describe('Function: generateOrderEvents', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const options = { aggregates: 20, eventsPerAggregate: 6 };
    expect(generateOrderEvents({ ...options, seed: 9 })).toEqual(
      generateOrderEvents({ ...options, seed: 9 }),
    );
    expect(generateOrderEvents({ ...options, seed: 9 })).not.toEqual(
      generateOrderEvents({ ...options, seed: 10 }),
    );
  });

  it('gives every aggregate sequences 1..n in stream order, all valid order events', () => {
    const envelopes = generateOrderEvents({ aggregates: 50, eventsPerAggregate: 10, seed: 3 });
    expect(envelopes).toHaveLength(500);
    const seen = new Map<string, number>();
    for (const envelope of envelopes) {
      expect(envelope.sequence).toBe((seen.get(envelope.aggregateId) ?? 0) + 1);
      seen.set(envelope.aggregateId, envelope.sequence);
      expect(() => registry.validate(envelope)).not.toThrow();
    }
    expect(seen.size).toBe(50);
    expect([...seen.values()].every((last) => last === 10)).toBe(true);
    expect(new Set(envelopes.map((envelope) => envelope.eventId)).size).toBe(500);
  });

  it('starts every order with OrderPlaced and ends it shipped or cancelled after payment', () => {
    const envelopes = generateOrderEvents({ aggregates: 30, eventsPerAggregate: 5, seed: 5 });
    const typesById = new Map<string, string[]>();
    for (const envelope of envelopes) {
      typesById.set(envelope.aggregateId, [...(typesById.get(envelope.aggregateId) ?? []), envelope.type]);
    }
    for (const types of typesById.values()) {
      expect(types[0]).toBe('OrderPlaced');
      expect(types[3]).toBe('OrderPaid');
      expect(['OrderShipped', 'OrderCancelled']).toContain(types[4]);
    }
  });

  it('interleaves aggregates when asked and keeps them contiguous otherwise', () => {
    const options = { aggregates: 10, eventsPerAggregate: 10, seed: 1 };
    const switches = (interleave: boolean) => {
      const ids = generateOrderEvents({ ...options, interleave }).map((envelope) => envelope.aggregateId);
      return ids.filter((id, index) => index > 0 && id !== ids[index - 1]).length;
    };
    expect(switches(false)).toBe(9);
    expect(switches(true)).toBeGreaterThan(50);
  });

  it('rejects a negative count', () => {
    expect(() => generateOrderEvents({ aggregates: -1, eventsPerAggregate: 1 })).toThrow(RangeError);
  });
});

describe('Function: createSeededRandom', () => {
  it('yields numbers in [0, 1)', () => {
    const random = createSeededRandom(123);
    for (let i = 0; i < 1000; i++) {
      const value = random();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});

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
