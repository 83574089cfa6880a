import type { CrawlResult } from '@riptide/crawler';
import {
  JobCancelledError,
  NonRetryableJobError,
  RetryLaterError,
  RetryableJobError,
} from '@riptide/queue';
import {
  BatchCrawlOutcome,
  throwForFailedBatch,
  throwForFailure,
  toEngineOptions,
  toOutcome,
} from './crawl-result.mapper';

const failed = (
  retryClass: 'retryable' | 'non-retryable' | 'cancelled' | 'timed-out',
): CrawlResult => ({
  url: 'https://example.test/',
  finalUrl: null,
  status: null,
  fromCache: false,
  processingTimeMs: 3,
  document: null,
  error: { code: 'dns', message: `failed (${retryClass})`, retryClass, retryAfterMs: null },
});

describe('crawl result mapping', () => {
  it('fails a single-URL job by the retry class decided where the crawl failed', () => {
    expect(() => throwForFailure(failed('non-retryable'))).toThrow(NonRetryableJobError);
    expect(() => throwForFailure(failed('non-retryable'))).toThrow(
      expect.objectContaining({ errorCode: 'dns' }),
    );
    expect(() => throwForFailure(failed('cancelled'))).toThrow(JobCancelledError);
    for (const retryable of ['retryable', 'timed-out'] as const) {
      let caught: unknown;
      try {
        throwForFailure(failed(retryable));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(RetryableJobError);
      expect(caught).toMatchObject({ message: `failed (${retryable})`, errorCode: 'dns' });
    }
    expect(() => throwForFailure({ ...failed('retryable'), error: null })).not.toThrow();
  });

  it("puts a single-URL job's retry off for as long as the server's Retry-After asks", () => {
    const refused = failed('retryable');
    refused.error = {
      code: 'http_status',
      message: 'HTTP 429 (retry after 120 s)',
      retryClass: 'retryable',
      retryAfterMs: 120000,
    };
    expect(() => throwForFailure(refused)).toThrow(
      expect.objectContaining({ name: 'RetryLaterError', retryAfterMs: 120000 }),
    );
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
      errorCode: 'dns',
      ignoredOptions: ['render_mode'],
    });
    expect(
      toEngineOptions({
        cacheMode: 'bypass',
        concurrency: 3,
        outputFormat: 'text',
        ignoredOptions: ['x'],
      }),
    ).toEqual({
      cacheMode: 'bypass',
      outputFormat: 'text',
      respectRobots: undefined,
      timeoutMs: undefined,
      maxBytes: undefined,
    });
  });

  describe('a batch', () => {
    const batchOf = (results: CrawlResult[]): BatchCrawlOutcome => {
      const outcomes = results.map((result) => toOutcome(result, undefined));
      const successful = outcomes.filter((outcome) => outcome.error === null).length;
      return {
        totalUrls: outcomes.length,
        successful,
        failed: outcomes.length - successful,
        fromCache: 0,
        results: outcomes,
      };
    };
    const thrownBy = (results: CrawlResult[]): unknown => {
      try {
        throwForFailedBatch(
          batchOf(results),
          results.map((result) => result.error),
        );
      } catch (error) {
        return error;
      }
      return null;
    };

    it('with one success completes', () => {
      expect(thrownBy([failed('retryable'), { ...failed('retryable'), error: null }])).toBeNull();
    });

    it('with no success fails, retryable while any URL may pass, keeping every outcome as data', () => {
      const error = thrownBy([failed('retryable'), failed('retryable')]);
      expect(error).toBeInstanceOf(RetryableJobError);
      expect(error).toMatchObject({
        message: 'Every URL of the batch failed (2 of 2): failed (retryable)',
        errorCode: 'dns',
        data: batchOf([failed('retryable'), failed('retryable')]),
      });
      const mixed = thrownBy([
        failed('non-retryable'),
        { ...failed('timed-out'), error: { ...failed('timed-out').error!, code: 'timeout' } },
      ]);
      expect(mixed).toBeInstanceOf(RetryableJobError);
      expect(mixed).toMatchObject({
        message: "Every URL of the batch failed (2 of 2); each URL's error is in the result data",
        errorCode: 'all_urls_failed',
      });
    });

    it('with no success fails at once when no URL can pass later', () => {
      const error = thrownBy([failed('non-retryable'), failed('non-retryable')]);
      expect(error).toBeInstanceOf(NonRetryableJobError);
      expect(error).toMatchObject({ errorCode: 'dns' });
    });
  });
});
