import type { CrawlOptions as EngineCrawlOptions } from '@riptide/crawl-options';
import { CrawlResult } from '@riptide/crawler';
import {
  CrawlOptions,
  JobCancelledError,
  JsonValue,
  NonRetryableJobError,
  RetryLaterError,
  RetryableJobError,
} from '@riptide/queue';
import { ProcessorsMessages } from '../processors.messages';

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

/** The engine's part of a job's crawl options, without the job-level fields. */
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
  const details = { errorCode: failure.code };
  if (failure.retryClass === 'non-retryable')
    throw new NonRetryableJobError(failure.message, details);
  if (failure.retryClass === 'cancelled') throw new JobCancelledError();
  if (failure.retryAfterMs !== null)
    throw new RetryLaterError(failure.message, failure.retryAfterMs, details);
  throw new RetryableJobError(failure.message, details);
}

/** What a batch job records: the `BatchCrawlResponse` of SPEC §4, results in input order. */
export interface BatchCrawlOutcome {
  totalUrls: number;
  successful: number;
  failed: number;
  fromCache: number;
  results: CrawlOutcome[];
}

/**
 * A batch in which no URL succeeded fails as a job, keeping its outcomes as the failure's data
 * (the result's `data`, as on success). It is retried when any URL's failure may pass (a network
 * error, a 5xx, a timeout; after the longest Retry-After any server asked for) and fails at once
 * when none can. Its code is the one every URL failed
 * with, when they agree (`dns` for an offline crawl), else `all_urls_failed`.
 */
export function throwForFailedBatch(
  outcome: BatchCrawlOutcome,
  failures: CrawlResult['error'][],
): void {
  if (outcome.successful > 0 || outcome.totalUrls === 0) return;
  const codes = new Set(outcome.results.map((result) => result.errorCode));
  const messages = new Set(outcome.results.map((result) => result.error));
  const [code] = codes;
  const [message] = messages;
  const details = {
    errorCode: codes.size === 1 && code ? code : 'all_urls_failed',
    data: outcome as unknown as JsonValue,
  };
  const text = ProcessorsMessages.batchFailed(
    outcome.totalUrls,
    messages.size === 1 && message ? message : null,
  );
  const retryable = failures.some(
    (failure) => failure !== null && failure.retryClass !== 'non-retryable',
  );
  if (!retryable) throw new NonRetryableJobError(text, details);
  // Servers that asked for a wait (Retry-After) get it before the batch runs again.
  const waits = failures.map((failure) => failure?.retryAfterMs ?? 0);
  const retryAfterMs = Math.max(0, ...waits);
  throw retryAfterMs > 0
    ? new RetryLaterError(text, retryAfterMs, details)
    : new RetryableJobError(text, details);
}
