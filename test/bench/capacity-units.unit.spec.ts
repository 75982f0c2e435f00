import { describe, expect, it } from 'vitest';
import {
  batchGetReadUnits,
  consumedCapacityUnits,
  queryReadUnits,
  readUnits,
  writeUnits,
} from '../../bench/capacity-units.js';

// Examples from https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html and
// https://aws.amazon.com/dynamodb/pricing/on-demand/.
const KB = 1024;

describe('Function: writeUnits', () => {
  it.each([
    [0, 1],
    [1, 1],
    [1 * KB, 1],
    [1 * KB + 1, 2],
    [3 * KB, 3],
    [4.6 * KB, 5],
  ])('charges %d bytes %d write units (one per started 1 KB)', (bytes, units) => {
    expect(writeUnits(bytes)).toBe(units);
  });

  it('charges an update or a replacement the larger of the item before and after', () => {
    expect(writeUnits(500, 2.5 * KB)).toBe(3);
    expect(writeUnits(2.5 * KB, 500)).toBe(3);
  });

  it('charges a transactional write twice (a 3 KB item: 6 units)', () => {
    expect(writeUnits(3 * KB, 0, { transactional: true })).toBe(6);
  });

  it('refuses a size that is not one', () => {
    expect(() => writeUnits(-1)).toThrow(RangeError);
    expect(() => writeUnits(Number.NaN)).toThrow(RangeError);
  });
});

describe('Function: readUnits', () => {
  it.each([
    [3500, 'strong', 1],
    [4 * KB, 'strong', 1],
    [8 * KB, 'strong', 2],
    [8 * KB, 'eventual', 1],
    [8 * KB, 'transactional', 4],
    [10 * KB, 'strong', 3],
    [0, 'eventual', 0.5],
  ] as const)('charges a read of %d bytes, %s, %d units', (bytes, consistency, units) => {
    expect(readUnits(bytes, consistency)).toBe(units);
  });
});

describe('Function: batchGetReadUnits', () => {
  it('rounds each item up to 4 KB before adding (1.5 KB + 6.5 KB reads as 12 KB)', () => {
    expect(batchGetReadUnits([1.5 * KB, 6.5 * KB], 'strong')).toBe(3);
    expect(batchGetReadUnits([1.5 * KB, 6.5 * KB], 'eventual')).toBe(1.5);
  });
});

describe('Function: queryReadUnits', () => {
  it('adds the sizes first and rounds once (1.5 KB + 6.5 KB reads as 8 KB)', () => {
    expect(queryReadUnits([1.5 * KB, 6.5 * KB], 'strong')).toBe(2);
  });
});

describe('Function: consumedCapacityUnits', () => {
  it('reads one ConsumedCapacity or adds a list of them (batch and transact operations)', () => {
    expect(consumedCapacityUnits({ TableName: 't', CapacityUnits: 2.5 })).toBe(2.5);
    expect(consumedCapacityUnits([{ CapacityUnits: 1 }, { CapacityUnits: 0.5 }])).toBe(1.5);
  });

  it('is undefined when nothing was reported', () => {
    expect(consumedCapacityUnits(undefined)).toBeUndefined();
    expect(consumedCapacityUnits([])).toBeUndefined();
    expect(consumedCapacityUnits({ TableName: 't' })).toBeUndefined();
  });
});
