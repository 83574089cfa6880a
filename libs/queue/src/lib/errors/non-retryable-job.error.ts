/**
 * Thrown by a job handler when running the job again cannot help (invalid input found at run
 * time, an unknown task, content that will never parse): the job ends `Failed` at once.
 */
export class NonRetryableJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonRetryableJobError';
  }
}
