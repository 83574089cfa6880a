import type { ExtractionFailure } from '../crawler.interface';
import { EXTRACTION_FAILED } from '../crawler.messages';
import { CrawlError } from './crawl.error';

/** HTML or text extraction threw on this input; the same bytes will fail again. */
export class ExtractionError extends CrawlError {
  readonly code = 'extraction' as const;
  readonly retryClass = 'non-retryable' as const;

  /** `cause` keeps the original error for debugging; only the fixed text of `failure` is shown. */
  constructor(
    readonly failure: ExtractionFailure,
    options?: { cause?: unknown },
  ) {
    super(EXTRACTION_FAILED(failure), options);
  }
}
