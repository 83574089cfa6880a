import { RetryLaterError } from '../errors/retry-later.error';
import {
  DEFAULT_RETRY_CONFIG,
  RETRY_LATER_MAX_MS,
  mergeRetryConfig,
  retryDelayAfterMs,
  retryDelayMs,
} from './retry-policy.util';

describe('retry policy', () => {
  it('waits min(initial × multiplier^(n-1), max): 30 s, 60 s, 120 s, 240 s, 300 s', () => {
    const config = { ...DEFAULT_RETRY_CONFIG, useJitter: false };
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(config, n))).toEqual([
      30000, 60000, 120000, 240000, 300000, 300000,
    ]);
  });

  it('adds up to 10 % jitter, never less than the base delay', () => {
    expect(retryDelayMs(DEFAULT_RETRY_CONFIG, 2, () => 0)).toBe(60000);
    expect(retryDelayMs(DEFAULT_RETRY_CONFIG, 2, () => 0.999999)).toBe(66000);
    expect(retryDelayMs(DEFAULT_RETRY_CONFIG, 9, () => 0.5)).toBe(315000);
  });

  it('waits longer when the failure asks for a later retry, never shorter, at most an hour', () => {
    const config = { ...DEFAULT_RETRY_CONFIG, useJitter: false };
    expect(retryDelayAfterMs(config, 1, new RetryLaterError('busy', 90000))).toBe(90000);
    expect(retryDelayAfterMs(config, 1, new RetryLaterError('busy', 5000))).toBe(30000);
    expect(retryDelayAfterMs(config, 1, new RetryLaterError('busy', 7 * 24 * 3600 * 1000))).toBe(
      RETRY_LATER_MAX_MS,
    );
    expect(retryDelayAfterMs(config, 2, new Error('plain failure'))).toBe(60000);
    expect(retryDelayAfterMs(config, 1, new RetryLaterError('busy', Number.NaN))).toBe(30000);
    expect(
      retryDelayAfterMs(config, 1, new RetryLaterError('busy', Number.POSITIVE_INFINITY)),
    ).toBe(RETRY_LATER_MAX_MS);
  });

  it('merges partial input over the defaults', () => {
    expect(mergeRetryConfig({ maxAttempts: 5 })).toEqual({
      ...DEFAULT_RETRY_CONFIG,
      maxAttempts: 5,
    });
    expect(mergeRetryConfig(undefined)).toEqual(DEFAULT_RETRY_CONFIG);
  });
});
