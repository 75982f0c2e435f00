/** Backoff settings of {@link fullJitterDelay}. */
export interface BackoffSettings {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): the
 * delay before retry `retry` (1-based) is uniform in [0, min(maxDelayMs, baseDelayMs · 2^(retry-1))].
 * Full jitter spreads retrying clients apart, which is what relieves a throttled shard.
 * @param random a number in [0, 1)
 */
export function fullJitterDelay(retry: number, settings: BackoffSettings, random: number): number {
  const exponent = Math.min(Math.max(retry - 1, 0), 30);
  const cap = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** exponent);
  return Math.floor(cap * Math.min(Math.max(random, 0), 1));
}
