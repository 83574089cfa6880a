import { CrawlError } from './crawl.error';

/** A content-encoding the crawler does not decode, or too many stacked encodings. */
export class UnsupportedEncodingError extends CrawlError {
  readonly code = 'unsupported_encoding' as const;
  readonly retryClass = 'non-retryable' as const;

  constructor(message: string) {
    super(message);
  }
}
