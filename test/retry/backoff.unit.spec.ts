import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BackoffJitter, backoffDelayMs } from '../../processors/retry/index.js';

const ceilingOf = (retry: number, base: number, max: number) =>
  Math.min(max, base * 2 ** Math.max(0, retry - 1));

describe('Function: backoffDelayMs', () => {
  it('full jitter stays within [0, min(max, base·2^(retry-1))) in whole milliseconds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2, max: 80 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (retry, base, max, random) => {
          const delay = backoffDelayMs(retry, { baseDelayMs: base, maxDelayMs: max }, random);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(Math.max(1, ceilingOf(retry, base, max)));
        },
      ),
    );
  });

  it('equal jitter stays within [ceiling/2, ceiling]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (retry, base, random) => {
          const ceiling = ceilingOf(retry, base, Number.POSITIVE_INFINITY);
          const delay = backoffDelayMs(
            retry,
            { baseDelayMs: base, maxDelayMs: Number.POSITIVE_INFINITY, jitter: 'equal' },
            random,
          );
          expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
          expect(delay).toBeLessThanOrEqual(ceiling);
        },
      ),
    );
  });

  it('without jitter is the ceiling, doubling per retry up to the maximum, whatever the random draw', () => {
    const backoff = { baseDelayMs: 200, maxDelayMs: 5000, jitter: 'none' as const };
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelayMs(retry, backoff, Math.random()))).toEqual([
      200, 400, 800, 1600, 3200, 5000,
    ]);
  });

  it('is monotone in the retry number for a fixed draw', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<BackoffJitter>('full', 'equal', 'none'),
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (jitter, retry, random) => {
          const backoff = { baseDelayMs: 50, maxDelayMs: 2000, jitter };
          expect(backoffDelayMs(retry + 1, backoff, random)).toBeGreaterThanOrEqual(
            backoffDelayMs(retry, backoff, random),
          );
        },
      ),
    );
  });

  it('full jitter reaches just under the ceiling and zero at the ends of the draw', () => {
    const backoff = { baseDelayMs: 100, maxDelayMs: 500 };
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry, backoff, 0.999999))).toEqual([
      99, 199, 399, 499,
    ]);
    expect(backoffDelayMs(3, backoff, 0)).toBe(0);
  });

  it('stays finite for huge retry numbers', () => {
    expect(
      backoffDelayMs(10_000, { baseDelayMs: 1, maxDelayMs: Number.POSITIVE_INFINITY, jitter: 'none' }, 0),
    ).toBe(2 ** 30);
  });
});
