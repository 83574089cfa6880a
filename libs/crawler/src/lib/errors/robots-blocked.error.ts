import { ROBOTS_BLOCKED } from '../crawler.messages';
import { CrawlError } from './crawl.error';

/** robots.txt disallows the URL for our User-Agent; never retried. */
export class RobotsBlockedError extends CrawlError {
  readonly code = 'robots_disallowed' as const;
  readonly retryClass = 'non-retryable' as const;

  constructor() {
    super(ROBOTS_BLOCKED);
  }
}
