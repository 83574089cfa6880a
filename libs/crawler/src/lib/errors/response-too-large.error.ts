import { RESPONSE_TOO_LARGE } from '../crawler.messages';
import { CrawlError } from './crawl.error';

/** The decoded body passed the byte cap (large page or decompression bomb). */
export class ResponseTooLargeError extends CrawlError {
  readonly code = 'too_large' as const;
  readonly retryClass = 'non-retryable' as const;

  constructor(readonly maxBytes: number) {
    super(RESPONSE_TOO_LARGE(maxBytes));
  }
}
