import type { NetworkFailure } from '../crawler.interface';
import { NETWORK_FAILED } from '../crawler.messages';
import { CrawlError } from './crawl.error';

/** DNS failure, refused or reset connection, TLS failure: usually transient, so retryable. */
export class NetworkError extends CrawlError {
  readonly code = 'network' as const;
  readonly retryClass = 'retryable' as const;

  /** `cause` keeps the original error for debugging; only the fixed text of `failure` is shown. */
  constructor(
    readonly failure: NetworkFailure,
    options?: { cause?: unknown },
  ) {
    super(NETWORK_FAILED(failure), options);
  }
}
