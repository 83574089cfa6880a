import { CrawlError } from './crawl.error';

/** The response is neither HTML, XHTML, plain text nor PDF; it is not parsed. */
export class UnsupportedContentTypeError extends CrawlError {
  readonly code = 'unsupported_content_type' as const;
  readonly retryClass = 'non-retryable' as const;

  constructor(message: string) {
    super(message);
  }
}
