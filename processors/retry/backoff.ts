/**
 * How a backoff delay is spread below its exponential ceiling (AWS Architecture Blog, "Exponential Backoff And
 * Jitter", https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/; the AWS SDKs use full jitter,
 * https://docs.aws.amazon.com/sdk-for-javascript/v2/developer-guide/retry-strategy.html):
 * - `full`: uniform in [0, ceiling), which spreads retrying clients apart the most (a throttled shard or table);
 * - `equal`: uniform in [ceiling/2, ceiling), never retrying at once;
 * - `none`: the ceiling itself (an emulated service whose documented retries are not randomized).
 */
export type BackoffJitter = 'full' | 'equal' | 'none';

/** The curve of {@link backoffDelayMs}: `baseDelayMs · 2^(retry-1)`, capped at `maxDelayMs`, then jittered. */
export interface Backoff {
  /** Ceiling of the first retry. */
  readonly baseDelayMs: number;
  /** Largest ceiling; `Infinity` for none. */
  readonly maxDelayMs: number;
  /** @default 'full' */
  readonly jitter?: BackoffJitter;
}

// 2^30 times any base in milliseconds is already beyond every deadline; it also keeps the product finite.
const MAX_EXPONENT = 30;

/**
 * The delay before retry number `retry` (1-based; 0 and below count as 1): exponential backoff with the curve's
 * jitter, in whole milliseconds.
 * @param random a number in [0, 1), e.g. `Math.random()`; ignored by `jitter: 'none'`
 * @example backoffDelayMs(3, { baseDelayMs: 100, maxDelayMs: 2000 }, Math.random()) // in [0, 400)
 */
export function backoffDelayMs(retry: number, backoff: Backoff, random: number): number {
  const exponent = Math.min(Math.max(retry - 1, 0), MAX_EXPONENT);
  const ceiling = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** exponent);
  const r = Math.min(Math.max(random, 0), 1);
  switch (backoff.jitter ?? 'full') {
    case 'full':
      return Math.floor(ceiling * r);
    case 'equal':
      return Math.floor(ceiling / 2 + (ceiling / 2) * r);
    case 'none':
      return ceiling;
  }
}
