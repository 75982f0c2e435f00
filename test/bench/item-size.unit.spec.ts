import { describe, expect, it } from 'vitest';
import { measureItem } from '../../processors/engine/item-size.js';

// The capacity bench and the store's size budget both rest on this measure; each case is one rule of
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html worked by hand.
describe('Function: measureItem, against the documented item-size rules', () => {
  it.each([
    ['a string: UTF-8 bytes of the name + of the value', { name: 'abc' }, 4 + 3],
    ['a non-ASCII string counts UTF-8 bytes, not characters', { s: 'é€😀' }, 1 + 2 + 3 + 4],
    ['a non-ASCII attribute name counts its UTF-8 bytes', { né: 'x' }, 3 + 1],
    ['a number: 1 byte per two significant digits + 1', { n: 123456 }, 1 + 3 + 1],
    ['an odd digit count starts another byte', { n: 12345 }, 1 + 3 + 1],
    ['trailing zeroes are trimmed', { n: 1_000_000 }, 1 + 1 + 1],
    ['leading zeroes are trimmed', { n: 0.0012 }, 1 + 1 + 1],
    ['a decimal counts every significant digit', { n: 12345.6789 }, 1 + 5 + 1],
    ['a Boolean: 1 byte', { flag: true }, 4 + 1],
    ['a null: 1 byte', { none: null }, 4 + 1],
    ['an empty List: 3 bytes', { l: [] }, 1 + 3],
    ['an empty Map: 3 bytes', { m: {} }, 1 + 3],
    ['a List: 3 bytes + 1 per element + the elements', { l: ['a', 'bc'] }, 1 + 3 + (1 + 1) + (1 + 2)],
    [
      'a Map: 3 bytes + 1 per element + its keys and values',
      { m: { k: 'v', n: 7 } },
      1 + 3 + (1 + 1 + 1) + (1 + 1 + 2),
    ],
    ['attributes add up', { pk: 'order#1', sk: 'state', version: 12 }, 2 + 7 + 2 + 5 + 7 + 2],
  ])('%s', (_rule, item, bytes) => {
    expect(measureItem(item)).toEqual({ bytes });
  });

  it('leaves out attributes whose value is undefined (the marshaller drops them)', () => {
    expect(measureItem({ a: 'x', b: undefined })).toEqual({ bytes: 2 });
  });
});
