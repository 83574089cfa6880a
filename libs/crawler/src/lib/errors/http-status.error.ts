import { HTTP_STATUS, HTTP_STATUS_RETRY_AFTER } from '../crawler.messages';
import type { RetryClass } from '../crawler.interface';
import { CrawlError } from './crawl.error';

/** Statuses a later attempt may fix: timeouts, rate limits and server errors. */
const RETRYABLE_STATUSES = new Set([408, 425, 429]);

/** The final response was not a 2xx. 408/425/429 and 5xx are retryable, other 4xx are not. */
export class HttpStatusError extends CrawlError {
  readonly code = 'http_status' as const;
  readonly retryClass: RetryClass;
  override readonly retryAfterMs: number | null;

  constructor(
    readonly status: number,
    retryAfterMs: number | null = null,
  ) {
    super(
      retryAfterMs === null ? HTTP_STATUS(status) : HTTP_STATUS_RETRY_AFTER(status, retryAfterMs),
    );
    this.retryClass =
      status >= 500 || RETRYABLE_STATUSES.has(status) ? 'retryable' : 'non-retryable';
    this.retryAfterMs = retryAfterMs;
  }
}
