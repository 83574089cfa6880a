import type { CrawlResult } from '@riptide/crawler';
import { JobCancelledError, NonRetryableJobError, RetryLaterError } from '@riptide/queue';
import { throwForFailure, toEngineOptions, toOutcome } from './crawl-result.mapper';

const failed = (retryClass: 'retryable' | 'non-retryable' | 'cancelled' | 'timed-out'): CrawlResult => ({
  url: 'https://example.test/',
  finalUrl: null,
  status: null,
  fromCache: false,
  processingTimeMs: 3,
  document: null,
  error: { code: 'network', message: `failed (${retryClass})`, retryClass, retryAfterMs: null },
});

describe('crawl result mapping', () => {
  it('fails a single-URL job by the retry class decided where the crawl failed', () => {
    expect(() => throwForFailure(failed('non-retryable'))).toThrow(NonRetryableJobError);
    expect(() => throwForFailure(failed('cancelled'))).toThrow(JobCancelledError);
    for (const retryable of ['retryable', 'timed-out'] as const) {
      let caught: unknown;
      try {
        throwForFailure(failed(retryable));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(Error);
      expect(caught).not.toBeInstanceOf(NonRetryableJobError);
      expect((caught as Error).message).toBe(`failed (${retryable})`);
    }
    expect(() => throwForFailure({ ...failed('retryable'), error: null })).not.toThrow();
  });

  it("puts a single-URL job's retry off for as long as the server's Retry-After asks", () => {
    const refused = failed('retryable');
    refused.error = { code: 'http_status', message: 'HTTP 429 (retry after 120 s)', retryClass: 'retryable', retryAfterMs: 120000 };
    expect(() => throwForFailure(refused)).toThrow(expect.objectContaining({ name: 'RetryLaterError', retryAfterMs: 120000 }));
    expect(() => throwForFailure(refused)).toThrow(RetryLaterError);
  });

  it('keeps per-URL outcomes as data and reports ignored browser-only options', () => {
    expect(toOutcome(failed('non-retryable'), { ignoredOptions: ['render_mode'] })).toEqual({
      url: 'https://example.test/',
      finalUrl: null,
      status: null,
      fromCache: false,
      processingTimeMs: 3,
      document: null,
      error: 'failed (non-retryable)',
      errorCode: 'network',
      ignoredOptions: ['render_mode'],
    });
    expect(toEngineOptions({ cacheMode: 'bypass', concurrency: 3, outputFormat: 'text', ignoredOptions: ['x'] })).toEqual({
      cacheMode: 'bypass',
      outputFormat: 'text',
      respectRobots: undefined,
      timeoutMs: undefined,
      maxBytes: undefined,
    });
  });
});
