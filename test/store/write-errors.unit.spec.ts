/**
 * Which store write failures may be retried (docs/design.md §3): DynamoDB's error table says a 400
 * `ValidationException` is not OK to retry, throttling and 5xx are
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html).
 */
import { describe, expect, it } from 'vitest';
import { isNonRetryableWriteError, marshallableValue } from '../../processors/store/index.js';

const named = (name: string, message = '') => Object.assign(new Error(message), { name });

describe('isNonRetryableWriteError', () => {
  it.each([
    named('ValidationException', 'Item size has exceeded the maximum allowed size'),
    named('ValidationException', 'Nesting Levels have exceeded supported limits'),
    new Error('Special numeric value Infinity is not allowed'),
    new Error(
      'Number 9007199254740993 is greater than Number.MAX_SAFE_INTEGER. Use NumberValue from @aws-sdk/lib-dynamodb.',
    ),
    new Error('Unsupported type passed: [object Object]. Pass options.convertClassInstanceToMap=true'),
  ])('never retries %s', (error) => {
    expect(isNonRetryableWriteError(error)).toBe(true);
  });

  it.each([
    named('ProvisionedThroughputExceededException'),
    named('ThrottlingException'),
    named('InternalServerError'),
    named('ServiceUnavailable'),
    named('TimeoutError'),
    Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
  ])('retries %s', (error) => {
    expect(isNonRetryableWriteError(error)).toBe(false);
  });
});

describe('marshallableValue', () => {
  it('turns only objects with an own constructor key into Maps, keeping every other reference', () => {
    const plain = { a: { b: [1, 2] } };
    expect(marshallableValue(plain)).toBe(plain);
    const state = { status: 'placed', items: { constructor: { quantity: 2 }, other: { quantity: 1 } } };
    const converted = marshallableValue(state) as { status: string; items: Map<string, unknown> };
    expect(converted).not.toBe(state);
    expect(converted.status).toBe('placed');
    expect(converted.items).toBeInstanceOf(Map);
    expect([...converted.items.entries()]).toEqual([
      ['constructor', { quantity: 2 }],
      ['other', { quantity: 1 }],
    ]);
    expect(state.items).not.toBeInstanceOf(Map);
  });
});
