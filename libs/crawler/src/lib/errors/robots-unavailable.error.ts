import { ROBOTS_UNAVAILABLE } from '../crawler.messages';
import { CrawlError } from './crawl.error';

/**
 * robots.txt answered 5xx/429 or could not be reached, so RFC 9309 says: crawl nothing. The URL
 * is not fetched, but the condition is transient, so a later attempt may succeed.
 */
export class RobotsUnavailableError extends CrawlError {
  readonly code = 'robots_unavailable' as const;
  readonly retryClass = 'retryable' as const;

  constructor(detail: string) {
    super(ROBOTS_UNAVAILABLE(detail));
  }
}
