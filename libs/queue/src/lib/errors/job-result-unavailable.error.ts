/** The job exists but has no result to show: not finished yet, or the result expired. */
export class JobResultUnavailableError extends Error {
  constructor(
    readonly jobId: string,
    message: string,
  ) {
    super(message);
    this.name = 'JobResultUnavailableError';
  }
}
