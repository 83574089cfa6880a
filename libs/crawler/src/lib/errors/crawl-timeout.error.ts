import { TIMED_OUT } from '../crawler.messages';
import { CrawlError } from './crawl.error';

/** Which limit ran out. */
export type TimeoutPhase = 'connect' | 'headers' | 'body' | 'total' | 'pdf';

/** A connect, first-byte, body, total or extraction time limit ran out. */
export class CrawlTimeoutError extends CrawlError {
  readonly code = 'timeout' as const;
  readonly retryClass = 'timed-out' as const;

  constructor(
    readonly phase: TimeoutPhase,
    readonly timeoutMs: number,
  ) {
    super(TIMED_OUT(phase, timeoutMs));
  }
}
