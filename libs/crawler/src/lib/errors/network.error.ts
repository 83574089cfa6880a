import { NETWORK_FAILED } from '../crawler.messages';
import { CrawlError } from './crawl.error';

/** DNS failure, refused or reset connection, TLS failure: usually transient, so retryable. */
export class NetworkError extends CrawlError {
  readonly code = 'network' as const;
  readonly retryClass = 'retryable' as const;

  constructor(detail: string, options?: { cause?: unknown }) {
    super(NETWORK_FAILED(detail), options);
  }
}
