import type { JsonValue } from '../model/job.interface';
import type { JobFailureDetails } from './job-failure-details.interface';

/**
 * Thrown by a job handler when running the job again cannot help (invalid input found at run
 * time, an unknown task, content that will never parse): the job ends `Failed` at once.
 */
export class NonRetryableJobError extends Error {
  readonly errorCode: string | null;
  readonly data: JsonValue | null;

  constructor(message: string, details: JobFailureDetails = {}) {
    super(message);
    this.name = 'NonRetryableJobError';
    this.errorCode = details.errorCode ?? null;
    this.data = details.data ?? null;
  }
}
