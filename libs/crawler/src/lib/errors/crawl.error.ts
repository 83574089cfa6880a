import type { CrawlErrorCode, CrawlFailure, RetryClass } from '../crawler.interface';

/**
 * Base of every crawl failure. Each subclass fixes its retry class where it is raised, so the
 * queue never has to guess from message text whether to retry.
 */
export abstract class CrawlError extends Error {
  abstract readonly code: CrawlErrorCode;
  abstract readonly retryClass: RetryClass;
  /** Wait the server asked for (Retry-After), when there was one. */
  readonly retryAfterMs: number | null = null;

  protected constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /** The plain-data form carried in a {@link CrawlResult}. */
  toFailure(): CrawlFailure {
    return {
      code: this.code,
      message: this.message,
      retryClass: this.retryClass,
      retryAfterMs: this.retryAfterMs,
    };
  }
}
