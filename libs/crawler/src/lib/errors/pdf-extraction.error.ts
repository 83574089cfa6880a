import { CrawlError } from './crawl.error';

/** The PDF is malformed, encrypted, too large or too greedy; the same bytes will fail again. */
export class PdfExtractionError extends CrawlError {
  readonly code = 'pdf_extraction' as const;
  readonly retryClass = 'non-retryable' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
