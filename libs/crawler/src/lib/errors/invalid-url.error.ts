import { INVALID_URL } from '../crawler.messages';
import { CrawlError } from './crawl.error';

/** The URL is not something the crawler may fetch; retrying cannot help. */
export class InvalidUrlError extends CrawlError {
  readonly code = 'invalid_url' as const;
  readonly retryClass = 'non-retryable' as const;

  constructor(reason: string) {
    super(INVALID_URL(reason));
  }
}
