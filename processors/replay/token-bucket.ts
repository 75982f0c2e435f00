/** Options of {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens (events) per second. */
  readonly ratePerSecond: number;
  /** Most tokens saved up while idle. @default ratePerSecond (one second of burst) */
  readonly capacity?: number;
  /** Clock in ms. @default performance.now */
  readonly now?: () => number;
}

/**
 * A token bucket that allows debt: `take(n)` always succeeds and returns how long to wait before acting, so a batch
 * larger than the capacity is simply paid back over time. Pure apart from the injected clock.
 * @example const bucket = new TokenBucket({ ratePerSecond: 500 }); await sleep(bucket.take(100));
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #capacity: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) {
      throw new RangeError('ratePerSecond must be a finite number > 0');
    }
    this.#rate = options.ratePerSecond;
    this.#capacity = options.capacity ?? options.ratePerSecond;
    if (!(this.#capacity > 0)) throw new RangeError('capacity must be > 0');
    this.#now = options.now ?? (() => performance.now());
    this.#tokens = this.#capacity;
    this.#at = this.#now();
  }

  /** Takes `n` tokens; returns the milliseconds to wait until they are covered (0 when available now). */
  take(n: number): number {
    const now = this.#now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#at) * this.#rate) / 1000);
    this.#at = now;
    this.#tokens -= n;
    return this.#tokens >= 0 ? 0 : (-this.#tokens * 1000) / this.#rate;
  }
}
