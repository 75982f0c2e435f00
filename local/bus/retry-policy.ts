import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs } from '../../processors/retry/backoff.js';

/**
 * How a failed delivery is retried before it goes to a dead-letter queue (a rule target's `RetryPolicy`): by default AWS
 * retries for 24 hours and up to 185 times "with an exponential back off and jitter"
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html); locally the delays follow the
 * full-jitter curve of `backoffDelayMs` (processors/retry/backoff.ts), shortened for a laptop.
 */
export interface EventBridgeRetryPolicy {
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
export const DEFAULT_EVENTBRIDGE_RETRY_POLICY: EventBridgeRetryPolicy = {
  maximumRetryAttempts: 4,
  maximumEventAgeMs: 60_000,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
};

/** Fills a partial policy with defaults, rejecting negative numbers. */
export function resolveRetryPolicy(
  partial: Partial<EventBridgeRetryPolicy> | undefined,
  defaults: EventBridgeRetryPolicy = DEFAULT_EVENTBRIDGE_RETRY_POLICY,
): EventBridgeRetryPolicy {
  const policy = { ...defaults, ...stripUndefined(partial ?? {}) };
  for (const [key, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`retry.${key} must be a finite number ≥ 0, got ${value}`);
    }
  }
  return policy;
}

/** The clock and the jitter source a retrying emulator reads, injectable so tests are deterministic. */
export interface RetryClock {
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Jitter source, in [0, 1). @default Math.random */
  readonly random?: () => number;
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
  policy: EventBridgeRetryPolicy,
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
      const delay = backoffDelayMs(attempts, policy, random());
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
