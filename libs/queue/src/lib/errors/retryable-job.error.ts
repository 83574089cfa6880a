import type { JsonValue } from '../model/job.interface';
import type { JobFailureDetails } from './job-failure-details.interface';

/**
 * Thrown by a job handler for a failure another attempt may not have (a network error, a server
 * error): retried with the job's backoff like any error, with a code and data kept on the job.
 */
export class RetryableJobError extends Error {
  readonly errorCode: string | null;
  readonly data: JsonValue | null;

  constructor(message: string, details: JobFailureDetails = {}) {
    super(message);
    this.name = 'RetryableJobError';
    this.errorCode = details.errorCode ?? null;
    this.data = details.data ?? null;
  }
}
