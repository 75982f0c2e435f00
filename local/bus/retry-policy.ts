import { setTimeout as sleep } from 'node:timers/promises';

/** How a failed delivery is retried before it goes to a dead-letter queue (EventBridge's RetryPolicy). */
export interface RetryPolicy {
  /** Retries after the first attempt (AWS: `MaximumRetryAttempts`, default 185; local default 4). */
  readonly maximumRetryAttempts: number;
  /** Give up once the event is this old (AWS: `MaximumEventAgeInSeconds`, default 24 h; local default 60 s). */
  readonly maximumEventAgeMs: number;
  /** First backoff ceiling; doubles on each retry (exponential backoff with full jitter). @default 100 */
  readonly baseDelayMs: number;
  /** Largest backoff ceiling. @default 2000 */
  readonly maxDelayMs: number;
}

/** AWS's retry semantics with durations shortened for a laptop. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maximumRetryAttempts: 4,
  maximumEventAgeMs: 60_000,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
};

/** Fills a partial policy with defaults, rejecting negative numbers. */
export function resolveRetryPolicy(
  partial: Partial<RetryPolicy> | undefined,
  defaults: RetryPolicy = DEFAULT_RETRY_POLICY,
): RetryPolicy {
  const policy = { ...defaults, ...stripUndefined(partial ?? {}) };
  for (const [key, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`retry.${key} must be a finite number ≥ 0, got ${value}`);
    }
  }
  return policy;
}

/** Backoff before retry number `retry` (1-based): uniform in [0, min(max, base·2^(retry-1))]. */
export function backoffDelayMs(
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Why retrying stopped. */
export type ExhaustedRetryCondition = 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';

/** Outcome of `retryWithBackoff`. */
export type RetryOutcome =
  | { readonly ok: true; readonly attempts: number }
  | {
      readonly ok: false;
      readonly attempts: number;
      readonly error: unknown;
      readonly exhausted: ExhaustedRetryCondition;
    };

/** Runs `attempt` until it resolves or the policy is exhausted; `onRetry` is told before each retry. */
export async function retryWithBackoff(
  attempt: () => Promise<void>,
  policy: RetryPolicy,
  options: { readonly startedAt: number; readonly random?: () => number; readonly onRetry?: () => void },
): Promise<RetryOutcome> {
  const random = options.random ?? Math.random;
  const maxAttempts = Math.floor(policy.maximumRetryAttempts) + 1;
  let lastError: unknown;
  for (let attempts = 1; attempts <= maxAttempts; attempts += 1) {
    try {
      await attempt();
      return { ok: true, attempts };
    } catch (error) {
      lastError = error;
      if (attempts === maxAttempts) break;
      const delay = backoffDelayMs(attempts, policy, random);
      if (Date.now() + delay - options.startedAt > policy.maximumEventAgeMs) {
        return { ok: false, attempts, error, exhausted: 'MaximumEventAgeInSeconds' };
      }
      options.onRetry?.();
      await sleep(delay);
    }
  }
  return { ok: false, attempts: maxAttempts, error: lastError, exhausted: 'MaximumRetryAttempts' };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
