import { CACHE_MISS } from '../crawler.messages';
import { CrawlError } from './crawl.error';

/** `cache_only` and the page is not cached (or has expired). */
export class CacheMissError extends CrawlError {
  readonly code = 'cache_miss' as const;
  readonly retryClass = 'non-retryable' as const;

  constructor() {
    super(CACHE_MISS);
  }
}
