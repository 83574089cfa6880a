import { CrawlOptions as EngineCrawlOptions, CrawlResult } from '@riptide/crawler';
import { CrawlOptions, JobCancelledError, NonRetryableJobError, RetryLaterError } from '@riptide/queue';

/** A per-URL outcome as stored in the job result (wire names are applied by the API). */
export interface CrawlOutcome {
  url: string;
  finalUrl: string | null;
  status: number | null;
  fromCache: boolean;
  processingTimeMs: number;
  document: CrawlResult['document'];
  error: string | null;
  errorCode: string | null;
  ignoredOptions?: string[];
}

export function toEngineOptions(options: CrawlOptions | undefined): EngineCrawlOptions {
  return {
    cacheMode: options?.cacheMode,
    outputFormat: options?.outputFormat,
    respectRobots: options?.respectRobots,
    timeoutMs: options?.timeoutMs,
    maxBytes: options?.maxBytes,
  };
}

export function toOutcome(result: CrawlResult, options: CrawlOptions | undefined): CrawlOutcome {
  const outcome: CrawlOutcome = {
    url: result.url,
    finalUrl: result.finalUrl,
    status: result.status,
    fromCache: result.fromCache,
    processingTimeMs: result.processingTimeMs,
    document: result.document,
    error: result.error?.message ?? null,
    errorCode: result.error?.code ?? null,
  };
  if (options?.ignoredOptions?.length) outcome.ignoredOptions = options.ignoredOptions;
  return outcome;
}

/**
 * A single-URL job fails as the crawl failed: its retry class, decided where the failure was
 * raised, says whether the queue retries it, and a server's Retry-After (longer than the crawl
 * waits in place) puts the retry off until then.
 */
export function throwForFailure(result: CrawlResult): void {
  const failure = result.error;
  if (!failure) return;
  if (failure.retryClass === 'non-retryable') throw new NonRetryableJobError(failure.message);
  if (failure.retryClass === 'cancelled') throw new JobCancelledError();
  if (failure.retryAfterMs !== null) throw new RetryLaterError(failure.message, failure.retryAfterMs);
  throw new Error(failure.message);
}
