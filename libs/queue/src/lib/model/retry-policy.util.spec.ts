import { DEFAULT_RETRY_CONFIG, mergeRetryConfig, retryDelayMs } from './retry-policy.util';

describe('retry policy', () => {
  it('waits min(initial × multiplier^(n-1), max): 30 s, 60 s, 120 s, 240 s, 300 s', () => {
    const config = { ...DEFAULT_RETRY_CONFIG, useJitter: false };
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(config, n))).toEqual([30000, 60000, 120000, 240000, 300000, 300000]);
  });

  it('adds up to 10 % jitter, never less than the base delay', () => {
    expect(retryDelayMs(DEFAULT_RETRY_CONFIG, 2, () => 0)).toBe(60000);
    expect(retryDelayMs(DEFAULT_RETRY_CONFIG, 2, () => 0.999999)).toBe(66000);
    expect(retryDelayMs(DEFAULT_RETRY_CONFIG, 9, () => 0.5)).toBe(315000);
  });

  it('merges partial input over the defaults', () => {
    expect(mergeRetryConfig({ maxAttempts: 5 })).toEqual({ ...DEFAULT_RETRY_CONFIG, maxAttempts: 5 });
    expect(mergeRetryConfig(undefined)).toEqual(DEFAULT_RETRY_CONFIG);
  });
});
