import type { StoreFailure } from '../crawler.interface';
import { STORE_UNAVAILABLE } from '../crawler.messages';
import { CrawlError } from './crawl.error';

/** Redis (robots cache, politeness, page cache) failed; a Redis hiccup is worth a retry. */
export class StoreUnavailableError extends CrawlError {
  readonly code = 'store_unavailable' as const;
  readonly retryClass = 'retryable' as const;

  /** `cause` keeps the original error for debugging; only the fixed text of `failure` is shown. */
  constructor(
    readonly failure: StoreFailure,
    options?: { cause?: unknown },
  ) {
    super(STORE_UNAVAILABLE(failure), options);
  }
}
