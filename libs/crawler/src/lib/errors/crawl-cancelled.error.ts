import { CANCELLED } from '../crawler.messages';
import { CrawlError } from './crawl.error';

/** The caller's AbortSignal fired (job cancelled or shutting down). */
export class CrawlCancelledError extends CrawlError {
  readonly code = 'cancelled' as const;
  readonly retryClass = 'cancelled' as const;

  constructor(options?: { cause?: unknown }) {
    super(CANCELLED, options);
  }
}
