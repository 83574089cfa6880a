import type { JsonValue } from '../model/job.interface';
import type { JobFailureDetails } from './job-failure-details.interface';

/**
 * Thrown by a job handler when the work can succeed later and something says when (a server's
 * Retry-After): the next attempt waits at least `retryAfterMs` (capped, see
 * RETRY_LATER_MAX_MS) instead of only the job's backoff. It counts as an attempt like any
 * retryable failure, so a job whose every attempt is refused still ends in the dead-letter queue.
 */
export class RetryLaterError extends Error {
  readonly errorCode: string | null;
  readonly data: JsonValue | null;

  constructor(
    message: string,
    readonly retryAfterMs: number,
    details: JobFailureDetails = {},
  ) {
    super(message);
    this.name = 'RetryLaterError';
    this.errorCode = details.errorCode ?? null;
    this.data = details.data ?? null;
  }
}
