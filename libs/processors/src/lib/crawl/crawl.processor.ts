import { Inject, Injectable } from '@nestjs/common';
import type { CrawlOptions as EngineCrawlOptions } from '@riptide/crawl-options';
import { Crawler, CrawlError, CrawlResult, DEFAULT_TOTAL_TIMEOUT_MS } from '@riptide/crawler';
import {
  BatchCrawlJob,
  JobContext,
  JobHandler,
  NonRetryableJobError,
  PdfExtractionJob,
  SingleCrawlJob,
} from '@riptide/queue';
import {
  BATCH_RETRY_AFTER_MAX_RETRIES,
  CRAWLER,
  DEFAULT_MAX_CONCURRENCY,
} from '../processors.constants';
import { ProcessorsModuleOptions } from '../processors-options.interface';
import { PROCESSORS_OPTIONS_TOKEN } from '../processors.module-definition';
import { ProcessorsMessages } from '../processors.messages';
import {
  BatchCrawlOutcome,
  CrawlOutcome,
  throwForFailedBatch,
  throwForFailure,
  toEngineOptions,
  toOutcome,
} from './crawl-result.mapper';

/** Runs single_crawl, batch_crawl and pdf_extraction jobs on the crawler engine. */
@Injectable()
export class CrawlProcessor {
  private readonly maxConcurrency: number;
  /** Time one fetch may take: what a batch must have left before it crawls a URL again. */
  private readonly fetchBudgetMs: number;

  constructor(
    @Inject(CRAWLER) private readonly crawler: Crawler,
    @Inject(PROCESSORS_OPTIONS_TOKEN) options: ProcessorsModuleOptions,
  ) {
    this.maxConcurrency = options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
    this.fetchBudgetMs = options.crawler?.timeouts?.totalMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
  }

  @JobHandler('single_crawl')
  async single(job: SingleCrawlJob, context: JobContext): Promise<CrawlOutcome> {
    const result = await this.crawler.crawl(job.url, toEngineOptions(job.options), context.signal);
    throwForFailure(result);
    return toOutcome(result, job.options);
  }

  /**
   * Per-URL failures are data in the result; the job completes once every URL has an outcome and
   * at least one succeeded. A batch where every URL failed fails (see throwForFailedBatch).
   */
  @JobHandler('batch_crawl')
  async batch(job: BatchCrawlJob, context: JobContext): Promise<BatchCrawlOutcome> {
    const total = job.urls.length;
    const concurrency = Math.max(
      1,
      Math.min(job.options?.concurrency ?? this.maxConcurrency, this.maxConcurrency, total),
    );
    const engineOptions = toEngineOptions(job.options);
    const results: CrawlOutcome[] = new Array(total);
    const failures: CrawlResult['error'][] = new Array(total);
    let next = 0;
    let completed = 0;
    const runLane = async () => {
      while (next < total && !context.signal.aborted) {
        const index = next++;
        const result = await this.crawlWithinDeadline(job.urls[index], engineOptions, context);
        results[index] = toOutcome(result, job.options);
        failures[index] = result.error;
        completed++;
        await context.reportProgress({
          completed,
          total,
          percent: Math.floor((completed / total) * 100),
        });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, runLane));
    // Timeout or cancel: the attempt fails with the signal's reason, not a half-filled result.
    if (context.signal.aborted) throw context.signal.reason;
    const successful = results.filter((r) => r.error === null).length;
    const outcome: BatchCrawlOutcome = {
      totalUrls: total,
      successful,
      failed: total - successful,
      fromCache: results.filter((r) => r.fromCache).length,
      results,
    };
    throwForFailedBatch(outcome, failures);
    return outcome;
  }

  /**
   * Crawls one URL of a batch. A server's Retry-After longer than the crawler waits in place does
   * not fail the URL while the job has time for it: the URL is crawled again, which waits out the
   * host's deferral (held in Redis for every process). A batch has no per-URL retry of its own,
   * and the job as a whole must not run into its timeout, which would lose every other result.
   */
  private async crawlWithinDeadline(
    url: string,
    options: EngineCrawlOptions,
    context: JobContext,
  ): Promise<CrawlResult> {
    const started = performance.now();
    let result = await this.crawler.crawl(url, options, context.signal);
    let retries = 0;
    for (; retries < BATCH_RETRY_AFTER_MAX_RETRIES; retries += 1) {
      const waitMs = result.error?.retryAfterMs;
      if (waitMs === null || waitMs === undefined || context.signal.aborted) break;
      if (Date.now() + waitMs + (options.timeoutMs ?? this.fetchBudgetMs) > context.deadline) break;
      result = await this.crawler.crawl(url, options, context.signal);
    }
    // The URL's processing time includes the waits and the crawls before the last one.
    return retries === 0
      ? result
      : { ...result, processingTimeMs: Math.round(performance.now() - started) };
  }

  @JobHandler('pdf_extraction')
  async pdf(job: PdfExtractionJob, context: JobContext): Promise<CrawlOutcome> {
    if (job.url) {
      const result = await this.crawler.crawl(
        job.url,
        { maxBytes: job.options?.maxBytes, timeoutMs: job.options?.timeoutMs },
        context.signal,
      );
      throwForFailure(result);
      const contentType = result.document?.contentType ?? 'unknown';
      if (contentType !== 'application/pdf')
        throw new NonRetryableJobError(ProcessorsMessages.notPdf(contentType), {
          errorCode: 'not_pdf',
        });
      return toOutcome(result, undefined);
    }
    const started = performance.now();
    try {
      const document = await this.crawler.extractPdf(
        Buffer.from(job.pdfData ?? '', 'base64'),
        job.options ?? {},
        context.signal,
      );
      return {
        url: '',
        finalUrl: null,
        status: null,
        fromCache: false,
        processingTimeMs: Math.round(performance.now() - started),
        document,
        error: null,
        errorCode: null,
      };
    } catch (error) {
      if (error instanceof CrawlError && error.retryClass === 'non-retryable')
        throw new NonRetryableJobError(error.message, { errorCode: error.code });
      throw error;
    }
  }
}
