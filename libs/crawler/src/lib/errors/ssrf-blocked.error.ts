import { SSRF_BLOCKED } from '../crawler.messages';
import { CrawlError } from './crawl.error';

/** The target (or a redirect hop, or a resolved address) is not a public unicast address. */
export class SsrfBlockedError extends CrawlError {
  readonly code = 'ssrf_blocked' as const;
  readonly retryClass = 'non-retryable' as const;

  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(SSRF_BLOCKED(host, reason));
  }
}
