import { RetryLaterError } from '../errors/retry-later.error';
import { RetryConfig } from './job.interface';

/** SPEC §2 defaults: 3 executions, 30 s, ×2, capped at 300 s, with jitter. */
export const DEFAULT_RETRY_CONFIG: RetryConfig = Object.freeze({
  maxAttempts: 3,
  initialDelaySecs: 30,
  backoffMultiplier: 2,
  maxDelaySecs: 300,
  useJitter: true,
});

/** Jitter adds up to this fraction of the delay, never subtracts (a retry is never early). */
export const RETRY_JITTER_FRACTION = 0.1;

export function mergeRetryConfig(input: Partial<RetryConfig> | undefined): RetryConfig {
  const merged = { ...DEFAULT_RETRY_CONFIG };
  for (const [key, value] of Object.entries(input ?? {}) as [keyof RetryConfig, never][]) {
    if (value !== undefined && value !== null) merged[key] = value;
  }
  return merged;
}

/**
 * Wait before the n-th retry (n ≥ 1): min(initial × multiplier^(n-1), max) seconds, plus up to
 * 10 % jitter when on. `random` is injectable so the formula can be tested exactly.
 */
export function retryDelayMs(
  config: RetryConfig,
  retryNumber: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(
    config.initialDelaySecs * Math.pow(config.backoffMultiplier, Math.max(0, retryNumber - 1)),
    config.maxDelaySecs,
  );
  const jitter = config.useJitter ? base * RETRY_JITTER_FRACTION * random() : 0;
  return Math.round((base + jitter) * 1000);
}

/** Longest wait a handler's RetryLaterError can impose: one hour, whatever a server asks for. */
export const RETRY_LATER_MAX_MS = 60 * 60 * 1000;

/**
 * Wait before the retry that follows `error`: the backoff, or longer when the error asks for a
 * later retry (a server's Retry-After), up to RETRY_LATER_MAX_MS.
 */
export function retryDelayAfterMs(
  config: RetryConfig,
  retryNumber: number,
  error: unknown,
  random: () => number = Math.random,
): number {
  const backoff = retryDelayMs(config, retryNumber, random);
  const asked = error instanceof RetryLaterError ? error.retryAfterMs : 0;
  // A wait that is not a number (NaN from a bad header) asks for nothing; Infinity for the cap.
  const requested = Number.isNaN(asked) ? 0 : Math.min(Math.max(0, asked), RETRY_LATER_MAX_MS);
  return Math.max(backoff, Math.round(requested));
}
