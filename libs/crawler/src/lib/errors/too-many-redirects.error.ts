import { CrawlError } from './crawl.error';

/** More than the allowed number of redirects, or a redirect that leads nowhere. */
export class TooManyRedirectsError extends CrawlError {
  readonly code = 'too_many_redirects' as const;
  readonly retryClass = 'non-retryable' as const;

  constructor(message: string) {
    super(message);
  }
}
