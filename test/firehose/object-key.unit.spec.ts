import { describe, expect, it } from 'vitest';
import { DeliveryBuffer, firehoseObjectKey, newlineDelimited } from '../../local/firehose/index.js';

describe('Function: firehoseObjectKey', () => {
  it.each([
    ['2026-01-02T03:04:05.678Z', 'events/2026/01/02/03/archive-1-2026-01-02-03-04-05-u.gz'],
    ['2026-12-31T23:59:59.999Z', 'events/2026/12/31/23/archive-1-2026-12-31-23-59-59-u.gz'],
    ['2027-07-09T00:00:00.000Z', 'events/2027/07/09/00/archive-1-2027-07-09-00-00-00-u.gz'],
  ])('lays out %s in UTC', (iso, expected) => {
    const key = firehoseObjectKey({
      prefix: 'events/',
      deliveryStreamName: 'archive',
      deliveryStreamVersion: 1,
      timestamp: new Date(iso),
      id: 'u',
    });
    expect(key).toBe(expected);
  });

  it('carries the version and extension', () => {
    expect(
      firehoseObjectKey({
        prefix: '',
        deliveryStreamName: 'a-b',
        deliveryStreamVersion: 12,
        timestamp: new Date('2026-05-06T07:08:09Z'),
        id: 'x',
        extension: '',
      }),
    ).toBe('2026/05/06/07/a-b-12-2026-05-06-07-08-09-x');
  });
});

describe('Class: DeliveryBuffer', () => {
  const record = (shardId: string, sequenceNumber: string, text: string, arrival: number) => ({
    shardId,
    sequenceNumber,
    partitionKey: 'k',
    data: new TextEncoder().encode(text),
    approximateArrivalTimestamp: new Date(arrival),
  });

  it('counts data plus a newline per record and drains per-shard last sequence numbers', () => {
    const buffer = new DeliveryBuffer();
    buffer.add([record('s0', '1', 'ab', 20), record('s1', '7', 'cde', 10)], 1);
    buffer.add([record('s0', '2', 'f', 30)], 2);
    expect(buffer.size).toBe(3 + 4 + 2);
    expect(buffer.holds('s1')).toBe(true);
    const batch = buffer.drain();
    expect(Object.fromEntries(batch?.lastSequenceByShard ?? [])).toEqual({ s0: '2', s1: '7' });
    expect(batch?.oldestArrival.getTime()).toBe(10);
    expect(batch?.openedAt).toBe(1);
    expect(buffer.count).toBe(0);
    expect(buffer.drain()).toBeUndefined();
    expect(newlineDelimited(batch?.records ?? []).toString()).toBe('ab\ncde\nf\n');
  });
});
